import json

from django import forms
from django.utils.translation import gettext_lazy as _

from urbis.core.timezones import is_valid_zone
from urbis.members.models import Organisation
from urbis.program.enums import LANGUAGE_CHOICES

from .enums import Category, Mode
from .services import RegistrationInput


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    mode = forms.ChoiceField(label=_("Attendance"), choices=Mode.choices, widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.order_by("name"),
                                          empty_label=_("— not listed: enter it below —"))
    organisation_name = forms.CharField(label=_("Organisation (if not listed)"), max_length=200, required=False)
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    country = forms.CharField(label=_("Country (ISO code, e.g. FR)"), max_length=2, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=LANGUAGE_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    time_zone = forms.CharField(label=_("Time zone (e.g. Europe/Paris)"), max_length=64, required=False)
    accessibility_needs = forms.CharField(label=_("Accessibility needs"), required=False, max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    visa_letter = forms.BooleanField(label=_("I need a visa invitation letter"), required=False)
    privacy_consent = forms.BooleanField(label=_("I accept the privacy notice: my data is used to organise the "
                                                 "congress and is visible only to the secretariat and me."))

    def __init__(self, *args, questions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions or []
        for question in self.questions:
            name = f"q_{question['key']}"
            if question.get("choices"):
                self.fields[name] = forms.ChoiceField(label=question["label"], required=bool(question.get("required")),
                                                      choices=[("", "—"), *[(c, c) for c in question["choices"]]])
            else:
                self.fields[name] = forms.CharField(label=question["label"], max_length=1000,
                                                    required=bool(question.get("required")))

    def clean_time_zone(self):
        value = self.cleaned_data["time_zone"].strip()
        if value and not is_valid_zone(value):
            raise forms.ValidationError(_("Unknown time zone."))
        return value

    def to_input(self, email: str) -> RegistrationInput:
        data = self.cleaned_data
        return RegistrationInput(
            first_name=data["first_name"], last_name=data["last_name"], category=data["category"],
            mode=data["mode"], privacy_consent=data["privacy_consent"], email=email,
            organisation_id=data["organisation"].pk if data["organisation"] else None,
            organisation_name=data["organisation_name"], function=data["function"], country=data["country"],
            city=data["city"], languages=list(data["languages"]), time_zone=data["time_zone"],
            accessibility_needs=data["accessibility_needs"], dietary_needs=data["dietary_needs"],
            visa_letter=data["visa_letter"],
            answers={q["key"]: data.get(f"q_{q['key']}", "") for q in self.questions})


class DetailsForm(forms.Form):
    function = forms.CharField(label=_("Function"), max_length=200, required=False)
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=LANGUAGE_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    time_zone = forms.CharField(label=_("Time zone (e.g. Europe/Paris)"), max_length=64, required=False)
    accessibility_needs = forms.CharField(label=_("Accessibility needs"), required=False, max_length=2000,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    visa_letter = forms.BooleanField(label=_("I need a visa invitation letter"), required=False)


class ModeForm(forms.Form):
    mode = forms.ChoiceField(label=_("Attendance"), choices=Mode.choices)


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Badge code"), max_length=500)
    gate = forms.CharField(label=_("Gate"), max_length=60, required=False)
    session = forms.CharField(label=_("Session code (optional)"), max_length=12, required=False)


class SettingsForm(forms.Form):
    """The edition's registration settings; the deadline is typed in the edition's zone."""

    is_open = forms.BooleanField(label=_("Registration open"), required=False)
    onsite_capacity = forms.IntegerField(label=_("On-site capacity (empty: no limit)"), required=False,
                                         min_value=0, max_value=1_000_000)
    auto_approve = forms.MultipleChoiceField(
        label=_("Approved at once (delegates always wait for the secretariat)"), required=False,
        choices=[c for c in Category.choices if c[0] != Category.DELEGATE], widget=forms.CheckboxSelectMultiple)
    mode_change_deadline = forms.DateTimeField(
        label=_("Attendance mode can be changed until (empty: no deadline)"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    offer_hours = forms.IntegerField(label=_("A waiting-list offer lasts (hours)"), min_value=1, max_value=720)
    min_online_minutes = forms.IntegerField(label=_("Online attendance counts after (minutes; 0: joining counts)"),
                                            min_value=0, max_value=600)
    questions = forms.CharField(
        label=_("Extra questions of the form (JSON)"), required=False, max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text=_('A list such as [{"key": "arrival", "label": "Arrival date", "required": true, '
                    '"choices": ["8 Nov", "9 Nov"]}].'))

    def clean_questions(self):
        text = self.cleaned_data["questions"].strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(_("This is not valid JSON.")) from None


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the contact's account"), max_length=254)
