"""Organiser forms of the programme. They parse and check input; the services do the writing."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from urbis.core.models import SDG, Theme
from urbis.members.models import Person

from .enums import LANGUAGE_CHOICES, SessionMode, SessionType, SpeakerRole, Visibility
from .models import Edition, Part, Room, Stream

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time typed by the organiser, kept naive: the form places it in the edition's zone."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": 300}, format=LOCAL_FORMAT)
    input_formats = [LOCAL_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]

    def to_python(self, value):
        value = super().to_python(value)
        if value is not None and timezone.is_aware(value):
            value = timezone.make_naive(value, timezone.get_current_timezone())
        return value


def local_to_aware(naive: dt.datetime, zone) -> dt.datetime | None:
    """The aware datetime for a wall-clock time in a zone, or None when the clock skips it (DST gap)."""
    aware = naive.replace(tzinfo=zone)
    if aware.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return aware


def aware_to_local(moment: dt.datetime, zone) -> dt.datetime:
    return timezone.localtime(moment, zone).replace(tzinfo=None)


class _EditionTimesMixin:
    """Turns starts_at/ends_at (wall clock in the edition's zone) into aware datetimes in clean()."""

    edition: Edition

    def _clean_times(self, cleaned: dict) -> None:
        zone = self.edition.zone
        for name in ("starts_at", "ends_at"):
            naive = cleaned.get(name)
            if naive is None:
                continue
            aware = local_to_aware(naive, zone)
            if aware is None:
                self.add_error(name, _("This time does not exist in %(zone)s (the clocks change then).")
                               % {"zone": self.edition.time_zone})
                cleaned.pop(name, None)
            else:
                cleaned[name] = aware
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start is not None and end is not None and end <= start:
            self.add_error("ends_at", _("The end must be after the start."))


class SessionForm(_EditionTimesMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=250)
    abstract = forms.CharField(label=_("Abstract"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    part = forms.ModelChoiceField(label=_("Part"), queryset=Part.objects.none(), required=False)
    type = forms.ChoiceField(label=_("Type"), choices=SessionType.choices, initial=SessionType.FORUM)
    mode = forms.ChoiceField(label=_("Mode"), choices=SessionMode.choices, initial=SessionMode.HYBRID)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Visibility.choices, initial=Visibility.PUBLIC)
    languages = forms.MultipleChoiceField(label=_("Languages"), choices=LANGUAGE_CHOICES, required=False,
                                          initial=["en"], widget=forms.CheckboxSelectMultiple)
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    sdgs = forms.ModelMultipleChoiceField(label=_("SDGs"), queryset=SDG.objects.all(), required=False,
                                          widget=forms.CheckboxSelectMultiple)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    stream = forms.ModelChoiceField(label=_("Stream"), queryset=Stream.objects.none(), required=False)
    starts_at = LocalDateTimeField(label=_("Starts at"))
    ends_at = LocalDateTimeField(label=_("Ends at"))
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=1,
                                  help_text=_("Leave empty when sign-up is not limited."))

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["part"].queryset = Part.objects.filter(edition=edition)
        self.fields["room"].queryset = Room.objects.filter(edition=edition)
        self.fields["stream"].queryset = Stream.objects.filter(edition=edition)
        zone_note = _("Local time in %(zone)s.") % {"zone": edition.time_zone}
        self.fields["starts_at"].help_text = zone_note
        self.fields["ends_at"].help_text = zone_note

    def clean(self):
        cleaned = super().clean()
        self._clean_times(cleaned)
        return cleaned

    @staticmethod
    def initial_for(session, zone) -> dict:
        return {
            "title": session.title, "abstract": session.abstract, "part": session.part_id, "type": session.type,
            "mode": session.mode, "visibility": session.visibility, "languages": list(session.languages or []),
            "themes": [t.pk for t in session.themes.all()], "sdgs": [g.pk for g in session.sdgs.all()],
            "room": session.room_id, "stream": session.stream_id,
            "starts_at": aware_to_local(session.starts_at, zone), "ends_at": aware_to_local(session.ends_at, zone),
            "capacity": session.capacity,
        }


class MoveForm(_EditionTimesMixin, forms.Form):
    starts_at = LocalDateTimeField(label=_("Starts at"))
    ends_at = LocalDateTimeField(label=_("Ends at"))
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    stream = forms.ModelChoiceField(label=_("Stream"), queryset=Stream.objects.none(), required=False)

    def __init__(self, *args, edition: Edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.fields["room"].queryset = Room.objects.filter(edition=edition)
        self.fields["stream"].queryset = Stream.objects.filter(edition=edition)

    def clean(self):
        cleaned = super().clean()
        self._clean_times(cleaned)
        return cleaned


class SpeakerForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Person"), coerce=int, required=False, empty_value=None)
    role = forms.ChoiceField(label=_("Role"), choices=SpeakerRole.choices, initial=SpeakerRole.SPEAKER)

    def __init__(self, *args, person_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *person_choices]


class _BaseSpeakerFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            person = form.cleaned_data.get("person")
            if person is None:
                continue
            if person in seen:
                raise forms.ValidationError(_("A person is listed twice."), code="duplicate_speaker")
            seen.add(person)

    def speakers(self) -> list[tuple[Person, str]]:
        """The ordered (person, role) list, blank rows left out (one query)."""
        rows = [(f.cleaned_data["person"], f.cleaned_data["role"]) for f in self.forms
                if f.cleaned_data.get("person") is not None]
        people = Person.objects.in_bulk([pk for pk, _role in rows])
        return [(people[pk], role) for pk, role in rows if pk in people]


SpeakerFormSet = forms.formset_factory(SpeakerForm, formset=_BaseSpeakerFormSet, extra=3, max_num=60,
                                       validate_max=True)


def person_choices() -> list[tuple[int, str]]:
    return [(p.pk, p.full_name) for p in Person.objects.only("id", "first_name", "last_name")]


def speaker_formset(*, data=None, session=None, choices=None) -> forms.BaseFormSet:
    choices = choices if choices is not None else person_choices()
    initial = None
    if session is not None and data is None:
        initial = [{"person": link.person_id, "role": link.role} for link in session.speaker_links.all()]
    return SpeakerFormSet(data=data, initial=initial, prefix="speakers", form_kwargs={"person_choices": choices})


class PublishForm(forms.Form):
    note = forms.CharField(label=_("Note for this version"), max_length=300, required=False)
    publish_anyway = forms.BooleanField(label=_("Publish anyway, with the conflicts listed above"), required=False)
