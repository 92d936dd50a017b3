import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.core.models import SDG, Theme
from urbis.core.taxonomies import WORLD_REGIONS
from urbis.members.countries import country_choices
from urbis.members.models import Organisation, Person
from urbis.program.enums import LANGUAGE_CHOICES

from .enums import (
    DECISION_STATUSES,
    POOL_STATUSES,
    NormalisationMethod,
    PanelKind,
    RoundPool,
    SubmissionStatus,
    pool_of_statuses,
)
from .models import Panel, Submission


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


# ---------------------------------------------------------------- set-up pages (secretariat)


class CycleZoneForm(forms.Form):
    time_zone = forms.CharField(max_length=64, label=_("Reference time zone (IANA name, e.g. Asia/Shanghai)"))


class PanelForm(forms.Form):
    kind = forms.ChoiceField(choices=PanelKind.choices, label=_("Kind"))
    name = forms.CharField(max_length=200, label=_("Name"))


class PanelRenameForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Name"))


class ExpertiseForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(queryset=Theme.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple, label=_("Themes"))
    sdgs = forms.ModelMultipleChoiceField(queryset=SDG.objects.all(), required=False,
                                          widget=forms.CheckboxSelectMultiple, label=_("SDGs"))
    regions = forms.MultipleChoiceField(choices=WORLD_REGIONS, required=False, widget=forms.CheckboxSelectMultiple,
                                        label=_("Regions"))
    languages = forms.MultipleChoiceField(choices=LANGUAGE_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple, label=_("Languages"))

    def expertise(self) -> dict:
        data = self.cleaned_data
        return {"theme_slugs": [t.slug for t in data["themes"]], "sdg_numbers": [g.number for g in data["sdgs"]],
                "regions": list(data["regions"]), "languages": list(data["languages"])}


class PanelMemberForm(ExpertiseForm):
    person = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("Person"))
    field_order = ["person", "themes", "sdgs", "regions", "languages"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.only("pk", "first_name", "last_name").order_by(
            "last_name", "first_name", "pk")


class ConflictForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), required=False,
                                          label=_("With an organisation"))
    submission = forms.ModelChoiceField(queryset=Submission.objects.none(), required=False,
                                        label=_("…or with one submission"))
    reason = forms.CharField(max_length=300, required=False, label=_("Reason"))

    def __init__(self, *args, cycle=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.only("pk", "name").order_by("name", "pk")
        self.fields["submission"].queryset = (Submission.objects.filter(cycle=cycle).only("pk", "title")
                                              .order_by("title", "pk"))

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("submission"):
            raise forms.ValidationError(_("Name the organisation or the submission."))
        return data


class ZonedDateTimeField(forms.DateTimeField):
    """A wall-clock time read in a given zone; a time that the zone skips (clocks go forward) is refused
    and one it repeats (clocks go back) is read as the first of the two."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

    def __init__(self, *args, zone=None, **kwargs):
        self.zone = zone
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None and self.zone is not None:
            value = value.astimezone(self.zone).replace(tzinfo=None)
        return super().prepare_value(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            aware = value.replace(tzinfo=self.zone, fold=0)
        else:
            aware = None
            for fmt in self.input_formats:
                try:
                    aware = dt.datetime.strptime(str(value).strip(), fmt).replace(tzinfo=self.zone, fold=0)
                    break
                except ValueError:
                    continue
            if aware is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if aware.astimezone(dt.UTC).astimezone(self.zone).replace(tzinfo=None) != aware.replace(tzinfo=None):
            raise forms.ValidationError(
                _("%(time)s does not exist in %(zone)s (the clocks go forward then)."),
                code="nonexistent", params={"time": aware.strftime("%Y-%m-%d %H:%M"), "zone": self.zone})
        return aware


class RoundForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Name"))
    panel = forms.ModelChoiceField(queryset=Panel.objects.none(), empty_label=None, label=_("Panel"))
    position = forms.IntegerField(min_value=1, max_value=99, initial=1, label=_("Order in the cycle"))
    k = forms.IntegerField(min_value=1, max_value=50, initial=3, label=_("Reviewers per submission (k)"))
    pool = forms.ChoiceField(choices=RoundPool.choices, label=_("Submissions reviewed"))
    one_per_region = forms.BooleanField(required=False,
                                        label=_("At most one reviewer from the same region per submission"))
    method = forms.ChoiceField(choices=NormalisationMethod.choices, initial=NormalisationMethod.BIAS_MODEL,
                               label=_("Ranking method"))

    def __init__(self, *args, cycle, round=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["panel"].queryset = Panel.objects.filter(cycle=cycle).order_by("kind", "pk")
        self.fields["closes_at"] = ZonedDateTimeField(
            zone=cycle.zone, required=False,
            label=_("Reviews due (in %(zone)s)") % {"zone": cycle.zone})
        if round is not None:
            pool = pool_of_statuses(round.pool_statuses)
            if not pool:  # statuses set some other way (services, admin): keep them selectable as they are
                label = _("As set: %(statuses)s") % {"statuses": ", ".join(
                    str(SubmissionStatus(s).label) for s in round.pool_statuses if s in SubmissionStatus.values)}
                self.fields["pool"].choices = [("", label), *RoundPool.choices]
                self.fields["pool"].required = False
            self.initial.update({"name": round.name, "panel": round.panel_id, "position": round.position,
                                 "k": round.reviewers_per_submission, "pool": pool,
                                 "one_per_region": round.one_per_region, "method": round.method,
                                 "closes_at": round.closes_at})

    def pool_statuses(self, round=None) -> list[str]:
        pool = self.cleaned_data.get("pool")
        if not pool and round is not None:
            return list(round.pool_statuses)
        return [str(s) for s in POOL_STATUSES[RoundPool(pool)]]


class CriterionForm(forms.Form):
    name = forms.CharField(max_length=120, label=_("Criterion"))
    weight = forms.FloatField(min_value=0.01, max_value=1000, initial=1.0, label=_("Weight"))
    scale_min = forms.IntegerField(min_value=-100, max_value=1000, initial=1, label=_("Lowest score"))
    scale_max = forms.IntegerField(min_value=-100, max_value=1000, initial=10, label=_("Highest score"))
    position = forms.IntegerField(min_value=0, max_value=999, required=False, label=_("Order"))

    def clean(self):
        data = super().clean()
        lo, hi = data.get("scale_min"), data.get("scale_max")
        if lo is not None and hi is not None and hi <= lo:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        return data
