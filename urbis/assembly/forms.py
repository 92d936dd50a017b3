import json

from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.members.enums import MembershipStatus, OrganisationKind
from urbis.members.models import Organisation
from urbis.program.models import Edition

from .enums import AttachmentVisibility, CountingRule, ItemKind, MajorityRule, MeetingKind, QuorumRule
from .models import AgendaItem


class MeetingForm(forms.Form):
    edition = forms.ModelChoiceField(Edition.objects.all(), label=_("Edition"))
    kind = forms.ChoiceField(choices=MeetingKind.choices, label=_("Kind"))
    title = forms.CharField(max_length=200, label=_("Title"))
    proxy_cap = forms.IntegerField(min_value=0, max_value=20, initial=2, label=_("Proxies per holder"))


class SeatForm(forms.Form):
    member = forms.ModelChoiceField(Organisation.objects.filter(kind=OrganisationKind.MEMBER_GOVERNMENT,
                                                                membership_status=MembershipStatus.ACTIVE),
                                    label=_("Member government"))
    delegate = forms.EmailField(required=False, label=_("Voting delegate's e-mail"))
    substitute = forms.EmailField(required=False, label=_("Substitute's e-mail"))
    weight = forms.IntegerField(min_value=1, max_value=100, initial=1, label=_("Weight"))


class ProxyForm(forms.Form):
    grantor = forms.ModelChoiceField(Organisation.objects.none(), label=_("Member giving its proxy"))
    holder = forms.ModelChoiceField(Organisation.objects.none(), label=_("Member holding the proxy"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        seated = Organisation.objects.filter(pk__in=meeting.electorate.values("member_id"))
        self.fields["grantor"].queryset = seated
        self.fields["holder"].queryset = seated


class ItemForm(forms.Form):
    kind = forms.ChoiceField(choices=ItemKind.choices, label=_("Kind"))
    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Text"))
    quorum_rule = forms.ChoiceField(choices=QuorumRule.choices, initial=QuorumRule.MAJORITY, label=_("Quorum"))
    majority_rule = forms.ChoiceField(choices=MajorityRule.choices, initial=MajorityRule.SIMPLE, label=_("Majority"))


class ElectionForm(forms.Form):
    trustees = forms.CharField(label=_("Trustees' e-mail addresses, one per line"), widget=forms.Textarea(attrs={"rows": 3}))
    threshold = forms.IntegerField(min_value=1, max_value=20, initial=2, label=_("Trustees needed to decrypt"))
    questions = forms.CharField(
        label=_("Questions (JSON)"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_('e.g. [{"id": "africa", "title": "Board seats: Africa", "choices": ["Dakar", "Abidjan"], '
                    '"min": 0, "max": 1, "seats": 1}, {"id": "president", "title": "President", '
                    '"choices": ["Ana", "Bo"], "min": 0, "max": 1, "seats": 1, "rule": "absolute_majority"}]. '
                    'A question may name its own "rule".'))
    rule = forms.ChoiceField(choices=CountingRule.choices, initial=CountingRule.LIMITED, required=False,
                             label=_("Counting rule of the questions that do not name one"))

    def __init__(self, *args, item=None, **kwargs):
        """With a prepared second round (`item`), the questions start filled with its candidates."""
        super().__init__(*args, **kwargs)
        if item is not None:
            from .selectors import run_off_questions_for

            prepared = run_off_questions_for(item)
            if prepared:
                self.fields["questions"].initial = json.dumps(prepared, ensure_ascii=False)

    def clean_trustees(self):
        return [line.strip() for line in self.cleaned_data["trustees"].replace(",", "\n").splitlines() if line.strip()]

    def clean_questions(self):
        try:
            value = json.loads(self.cleaned_data["questions"])
        except ValueError as exc:
            raise forms.ValidationError(_("This is not valid JSON.")) from exc
        if not isinstance(value, list):
            raise forms.ValidationError(_("Give a list of questions."))
        return value

    def clean(self):
        data = super().clean()
        default = data.get("rule") or CountingRule.LIMITED
        if isinstance(data.get("questions"), list):
            data["questions"] = [{"rule": default, **q} if isinstance(q, dict) else q for q in data["questions"]]
        return data


# ------------- member self-service, agenda, attachments, minutes


class MemberProxyForm(forms.Form):
    """A delegate gives its member's proxy to another seated member."""

    grantor = forms.ModelChoiceField(Organisation.objects.none(), label=_("Your member"))
    holder = forms.ModelChoiceField(Organisation.objects.none(), label=_("Represented by"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        seated = Organisation.objects.filter(pk__in=meeting.electorate.values("member_id"))
        self.fields["grantor"].queryset = seated
        self.fields["holder"].queryset = seated


class GrantorForm(forms.Form):
    grantor = forms.ModelChoiceField(Organisation.objects.none(), label=_("Member"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grantor"].queryset = Organisation.objects.filter(pk__in=meeting.electorate.values("member_id"))


class ItemEditForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}), label=_("Text"))
    quorum_rule = forms.ChoiceField(choices=QuorumRule.choices, label=_("Quorum"))
    majority_rule = forms.ChoiceField(choices=MajorityRule.choices, label=_("Majority"))


class AttachmentForm(forms.Form):
    title = forms.CharField(max_length=200, label=_("Title"))
    file = forms.FileField(label=_("File (PDF, ODT, DOCX, XLSX, PNG or JPEG)"))
    item = forms.ModelChoiceField(AgendaItem.objects.none(), required=False, label=_("Agenda item"),
                                  empty_label=_("The whole meeting"))
    visibility = forms.ChoiceField(choices=AttachmentVisibility.choices, initial=AttachmentVisibility.PUBLIC,
                                   label=_("Who may see it"))

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = meeting.items.order_by("position")


class MinutesForm(forms.Form):
    text = forms.CharField(required=False, label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 24}),
                           help_text=_("Paragraphs separated by a blank line; a line starting with “# ” is a "
                                       "heading; lines starting with “- ” make a list."))
