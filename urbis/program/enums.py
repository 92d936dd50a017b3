from django.db import models
from django.utils.translation import gettext_lazy as _


class EditionFormat(models.TextChoices):
    HYBRID = "hybrid", _("Hybrid")
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class SessionType(models.TextChoices):
    PLENARY = "plenary", _("Plenary")
    FORUM = "forum", _("Thematic forum")
    WORKSHOP = "workshop", _("Workshop")
    STATUTORY = "statutory", _("Statutory meeting")
    CEREMONY = "ceremony", _("Ceremony")
    SIDE_EVENT = "side_event", _("Side event")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public")
    PARTICIPANTS = "participants", _("Participants")
    MEMBERS = "members", _("Members")
    CLOSED = "closed", _("Closed")


class SessionStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    CANCELLED = "cancelled", _("Cancelled")


class SpeakerRole(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote speaker")
    SPEAKER = "speaker", _("Speaker")
    PANELIST = "panelist", _("Panellist")
    MODERATOR = "moderator", _("Moderator")


# Interpretation and session languages offered by the association.
LANGUAGE_CHOICES = (
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("zh", _("Chinese")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("pt", _("Portuguese")),
)
LANGUAGE_CODES = frozenset(code for code, _label in LANGUAGE_CHOICES)
