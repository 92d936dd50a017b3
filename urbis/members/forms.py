from django import forms
from django.utils.translation import gettext_lazy as _

IMPORT_KINDS = (("organisations", _("Organisations")), ("people", _("People")))


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=IMPORT_KINDS)
    file = forms.FileField(label=_("File (.csv or .xlsx, at most 5 MB)"))
