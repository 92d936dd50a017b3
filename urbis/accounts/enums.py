from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("Secretariat staff")
    DELEGATE = "delegate", _("Delegate")
    SPEAKER = "speaker", _("Speaker")
    JUROR = "juror", _("Juror")
    VOTING_DELEGATE = "voting_delegate", _("Voting delegate")
