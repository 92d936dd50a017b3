from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.core.models import SDG, Theme
from urbis.members.countries import country_choices
from urbis.members.models import Organisation

from .enums import DECISION_STATUSES, SubmissionStatus
from .models import Submission


class SubmissionForm(forms.ModelForm):
    applicant = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False,
                                       label=_("Applicant government (if it is already known)"))
    new_applicant_name = forms.CharField(required=False, max_length=200,
                                         label=_("…or the name of the applicant government"))
    country = forms.ChoiceField(choices=(), label=_("Country"))
    sdgs = forms.ModelMultipleChoiceField(queryset=SDG.objects.all(), required=False,
                                          widget=forms.CheckboxSelectMultiple, label=_("SDGs addressed"))
    themes = forms.ModelMultipleChoiceField(queryset=Theme.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple, label=_("Outcome areas and aspects"))
    links_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                 label=_("Links (one per line)"))

    class Meta:
        model = Submission
        fields = ["title", "city", "country", "contact_name", "contact_email", "summary", "description",
                  "start_year", "stage", "partners", "budget_range", "results"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}), "description": forms.Textarea(attrs={"rows": 8}),
                   "partners": forms.Textarea(attrs={"rows": 2}), "results": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].queryset = Organisation.objects.filter(
            kind__in=["member_government", "local_government"]).only("pk", "name").order_by("name")
        self.fields["country"].choices = [("", "—"), *country_choices()]
        self.fields["description"].widget.attrs.update({
            "hx-post": "../sdg-suggestions/" if self.instance.pk else "sdg-suggestions/",
            "hx-trigger": "keyup changed delay:600ms", "hx-target": "#sdg-suggestions"})
        if self.instance.pk:
            self.fields["links_text"].initial = "\n".join(self.instance.links or [])
            del self.fields["applicant"]
            del self.fields["new_applicant_name"]

    def clean_links_text(self):
        from django.core.validators import URLValidator

        links = [line.strip() for line in self.cleaned_data["links_text"].splitlines() if line.strip()]
        for link in links:
            try:
                URLValidator()(link)
            except forms.ValidationError as exc:
                raise forms.ValidationError(_("Not a web address: %(link)s") % {"link": link}) from exc
        return links


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("PDF or image"))


class MessageForm(forms.Form):
    subject = forms.CharField(max_length=200, label=_("Subject"))
    body = forms.CharField(widget=forms.Textarea, label=_("Message"))


class DecisionForm(forms.Form):
    status = forms.ChoiceField(choices=[(s.value, s.label) for s in SubmissionStatus if s in DECISION_STATUSES],
                               label=_("Decision"))
    reason = forms.CharField(max_length=2000, label=_("Reason"))


class VoteForm(forms.Form):
    submission = forms.IntegerField(widget=forms.HiddenInput)
    email = forms.EmailField(required=False, label=_("Your e-mail address"))
