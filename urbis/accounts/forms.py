from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from urbis.core.timezones import sorted_zones

from .enums import Role


def _zone_choices() -> list[tuple[str, str]]:
    return [("", _("Use my browser's time zone")), *((zone, zone.replace("_", " ")) for zone in sorted_zones())]


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("Use my browser's language")), *settings.LANGUAGES]


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Name shown to others"), max_length=150, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone for reading times"), choices=_zone_choices, required=False)
    language = forms.ChoiceField(label=_("Interface language"), choices=_language_choices, required=False)


class GrantRoleForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the account"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
