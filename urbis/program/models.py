from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from urbis.core.models import SDG, BaseModel, Theme
from urbis.members.models import Person

from .enums import EditionFormat, SessionMode, SessionStatus, SessionType, SpeakerRole, Visibility

# First path segments of the site: an edition's archive pages live at /<edition-slug>/programme/ …,
# so an edition may not be named like one of them.
RESERVED_EDITION_SLUGS = frozenset({
    "accounts", "admin", "agenda", "api", "assembly", "awards", "editions", "i18n", "media", "members", "now",
    "programme", "registration", "schedule", "sessions", "speakers", "staff", "static", "time-zone",
})


def validate_edition_slug(value: str) -> None:
    if value.lower() in RESERVED_EDITION_SLUGS:
        raise ValidationError(_("“%(value)s” is a reserved address on this site; choose another slug."),
                              code="reserved", params={"value": value})


class Edition(BaseModel):
    """One World Congress (e.g. the 13th, Guangzhou 2021), with its own time zone."""

    slug = models.SlugField(max_length=60, unique=True, validators=[validate_edition_slug])
    name = models.CharField(_("name"), max_length=200)
    number = models.PositiveSmallIntegerField(_("number"), null=True, blank=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    venue_city = models.CharField(_("venue city"), max_length=120)
    venue_country = models.CharField(_("venue country"), max_length=2, blank=True)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    format = models.CharField(_("format"), max_length=20, choices=EditionFormat.choices, default=EditionFormat.HYBRID)
    join_opens_minutes = models.PositiveSmallIntegerField(
        _("join opens (minutes before start)"), default=15)
    is_current = models.BooleanField(_("current edition"), default=False)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="edition_ends_after_start"),
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_edition"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self):
        import zoneinfo

        return zoneinfo.ZoneInfo(self.time_zone)


class Part(BaseModel):
    """A co-located part of an edition: the World Congress, the Global Mayors' Forum …"""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="parts")
    slug = models.SlugField(max_length=60)
    name = models.CharField(_("name"), max_length=120)
    colour = models.CharField(max_length=7, default="#1f5f8b")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "slug"], name="part_slug_per_edition")]

    def __str__(self) -> str:
        return self.name


class Room(BaseModel):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(_("name"), max_length=120)
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="room_name_per_edition")]

    def __str__(self) -> str:
        return self.name


class Stream(BaseModel):
    """An online channel (a video platform room) with interpretation channels per language."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="streams")
    name = models.CharField(_("name"), max_length=120)
    platform = models.CharField(_("platform"), max_length=60, blank=True)
    url = models.URLField(_("join URL"), max_length=500)
    interpretation = models.JSONField(_("interpretation channels"), default=dict, blank=True,
                                      help_text=_("language code → channel URL or number"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["edition", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="stream_name_per_edition")]

    def __str__(self) -> str:
        return self.name


class ProgrammeVersion(BaseModel):
    """A published, numbered state of an edition's programme, with its change list."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    note = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["edition", "-number"]
        constraints = [models.UniqueConstraint(fields=["edition", "number"], name="one_version_number_per_edition")]

    def __str__(self) -> str:
        return f"{self.edition} v{self.number}"


class Session(BaseModel):
    """A session of the programme.

    Organisers edit the draft rows (``version`` is null). Publishing copies every draft row into
    rows of a new ``ProgrammeVersion``; public pages read only the latest version's rows. ``code``
    stays the same across versions: it is the session's public identity.
    """

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sessions")
    version = models.ForeignKey(ProgrammeVersion, null=True, blank=True, on_delete=models.CASCADE,
                                related_name="sessions")
    code = models.CharField(max_length=12)
    part = models.ForeignKey(Part, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    title = models.CharField(_("title"), max_length=250)
    abstract = models.TextField(_("abstract"), blank=True)
    type = models.CharField(_("type"), max_length=20, choices=SessionType.choices, default=SessionType.FORUM)
    mode = models.CharField(_("mode"), max_length=20, choices=SessionMode.choices, default=SessionMode.HYBRID)
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.PUBLIC)
    status = models.CharField(_("status"), max_length=20, choices=SessionStatus.choices,
                              default=SessionStatus.CONFIRMED)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="sessions", verbose_name=_("themes"))
    sdgs = models.ManyToManyField(SDG, blank=True, related_name="sessions", verbose_name=_("SDGs"))
    room = models.ForeignKey(Room, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    stream = models.ForeignKey(Stream, null=True, blank=True, on_delete=models.PROTECT, related_name="sessions")
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True,
                                           help_text=_("Leave empty when sign-up is not limited."))

    class Meta:
        ordering = ["starts_at", "room__position", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"),
            models.UniqueConstraint(fields=["edition", "code"], condition=Q(version__isnull=True),
                                    name="one_draft_per_code"),
            models.UniqueConstraint(fields=["version", "code"], name="one_copy_per_version"),
        ]
        indexes = [models.Index(fields=["edition", "version", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_online(self) -> bool:
        return self.mode in (SessionMode.ONLINE, SessionMode.HYBRID)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class SessionSpeaker(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="speaker_links")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="session_links")
    role = models.CharField(max_length=20, choices=SpeakerRole.choices, default=SpeakerRole.SPEAKER)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["session", "position"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="person_once_per_session")]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class Bookmark(BaseModel):
    """A session in a person's own agenda (by code, so it survives republication)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="bookmarks")
    session_code = models.CharField(max_length=12)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "edition", "session_code"], name="bookmark_once")]


class AgendaFeed(BaseModel):
    """The secret token of a person's private iCal feed; revoking replaces it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agenda_feed")
    token = models.CharField(max_length=64, unique=True)
