import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urbis.core.models import BaseModel
from urbis.members.models import Organisation
from urbis.program.models import Edition, Session

from .enums import (
    AttachmentVisibility,
    CeremonyStatus,
    ElectionStatus,
    ItemKind,
    ItemStatus,
    MajorityRule,
    MeetingKind,
    MeetingStatus,
    MinutesStatus,
    QuorumRule,
    VoteChoice,
)


class Registrar(BaseModel):
    """A person who issues voting credentials. Not the server operator: the registrar's browser makes the
    codes and sends only public keys, so whoever runs the server never learns who holds which credential."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assembly_registrar")

    def __str__(self) -> str:
        return str(self.user)


class Meeting(BaseModel):
    """A statutory meeting (General Assembly, Board) of an edition, on site, online or both."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="meetings")
    session = models.ForeignKey(Session, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT)
    proxy_cap = models.PositiveSmallIntegerField(_("proxies per holder"), default=2)
    presence_seconds = models.PositiveIntegerField(_("online presence window (seconds)"), default=90)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_status = models.CharField(_("minutes status"), max_length=10, choices=MinutesStatus.choices,
                                      default=MinutesStatus.DRAFT)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class ElectorateMember(BaseModel):
    """A member government's seat in a meeting; frozen (no longer editable) once the meeting opens."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="electorate")
    member = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("voting delegate"))
    substitute = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("substitute"))

    class Meta:
        ordering = ["member__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_seat_per_member"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="seat_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.member} @ {self.meeting}"


class Proxy(BaseModel):
    """Member `grantor` is represented, when absent, by member `holder`'s delegate."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="proxies")
    grantor = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    holder = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "grantor"], name="one_proxy_per_grantor"),
            models.CheckConstraint(condition=~Q(grantor=models.F("holder")), name="no_proxy_to_self"),
        ]


class Heartbeat(models.Model):
    """Online presence: last time a person had the meeting page open."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="heartbeats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_seen = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="one_heartbeat_per_person")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.meeting_id}"


class AgendaItem(BaseModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=ItemKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    quorum_rule = models.CharField(_("quorum"), max_length=20, choices=QuorumRule.choices, default=QuorumRule.MAJORITY)
    majority_rule = models.CharField(_("majority"), max_length=20, choices=MajorityRule.choices,
                                     default=MajorityRule.SIMPLE)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.PENDING)
    quorum_at_open = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="one_item_per_position")]

    def __str__(self) -> str:
        return self.title


class RollCallVote(BaseModel):
    """An open vote, by name: member X, represented by delegate Y of member Z, voted …"""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="roll_call")
    member = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    via = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    cast_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["member__name"]
        constraints = [models.UniqueConstraint(fields=["item", "member"], name="one_roll_call_vote_per_member")]


class RollCallLogEntry(models.Model):
    """The public, hash-chained, server-signed log of roll-call votes of an item."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="log")
    seq = models.PositiveIntegerField()
    payload = models.JSONField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["item", "seq"]
        constraints = [models.UniqueConstraint(fields=["item", "seq"], name="one_log_entry_per_seq")]

    def __str__(self) -> str:
        return f"{self.item_id}#{self.seq}"


class Election(BaseModel):
    """The secret ballot of an agenda item: key, credentials, board, tally."""

    item = models.OneToOneField(AgendaItem, on_delete=models.PROTECT, related_name="election")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    questions = models.JSONField(default=list)   # [{id, title, choices [names], min, max, seats}]
    threshold = models.PositiveSmallIntegerField(default=2)
    status = models.CharField(max_length=10, choices=ElectionStatus.choices, default=ElectionStatus.SETUP)
    public_key = models.CharField(max_length=64, blank=True)   # set when the key ceremony ends
    commitments = models.JSONField(default=list, blank=True)   # Σ of the trustees' dealings' commitments
    ceremony = models.CharField(max_length=16, choices=CeremonyStatus.choices, default=CeremonyStatus.KEYS)
    ceremony_failure = models.JSONField(default=dict, blank=True)  # {trustee, dealers} of a complaint
    credentials_published_at = models.DateTimeField(null=True, blank=True)
    encrypted_tally = models.JSONField(default=list, blank=True)
    result = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return str(self.item)

    def ceremony_progress(self) -> dict:
        """How many trustees have done the current round of the key ceremony (uses prefetched trustees)."""
        trustees = list(self.trustees.all())
        field = {CeremonyStatus.KEYS: "box_public_key", CeremonyStatus.DEALINGS: "dealing",
                 CeremonyStatus.CONFIRMATIONS: "verification_key"}.get(self.ceremony)
        done = sum(1 for t in trustees if field and getattr(t, field))
        return {"done": done, "total": len(trustees)}


class Trustee(BaseModel):
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="trustees")
    index = models.PositiveSmallIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The key ceremony: nothing secret is ever stored here (docs/decisions/0006).
    box_public_key = models.CharField(max_length=64, blank=True)   # round 1: X25519 key for sealed shares
    dealing = models.JSONField(null=True, blank=True)               # round 2: {commitments, proof, shares}
    verification_key = models.CharField(max_length=64, blank=True)  # round 3: Y_j = x_j·G
    key_proof = models.JSONField(null=True, blank=True)             # round 3: proof of knowledge of x_j
    complaint = models.JSONField(null=True, blank=True)             # round 3: dealers whose share failed
    decryption = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["election", "index"]
        constraints = [models.UniqueConstraint(fields=["election", "index"], name="one_trustee_per_index"),
                       models.UniqueConstraint(fields=["election", "user"], name="one_trustee_per_person")]


class Credential(models.Model):
    """A published public credential; the server never knows which member holds it."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="credentials")
    public_key = models.CharField(max_length=64)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["public_key"]
        constraints = [models.UniqueConstraint(fields=["election", "public_key"], name="one_credential_per_key")]

    def __str__(self) -> str:
        return self.public_key[:16]


class Participation(models.Model):
    """Who voted — never what, and never when: no timestamp, so nothing orders the voters in time
    against the ballots (which carry no time either)."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="participations")
    member = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="one_vote_per_member")]

    def __str__(self) -> str:
        return f"{self.member_id} took part in {self.election_id}"


class Ballot(models.Model):
    """What was voted — never who: no timestamp, a random key, only the public credential."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    credential = models.CharField(max_length=64)
    tracker = models.CharField(max_length=64, unique=True)
    body = models.JSONField()

    class Meta:
        ordering = ["tracker"]
        constraints = [models.UniqueConstraint(fields=["election", "credential"], name="one_ballot_per_credential")]

    def __str__(self) -> str:
        return self.tracker[:16]


def _attachment_path(instance: "AgendaAttachment", filename: str) -> str:
    # named by meeting, not by upload date, so the demo's files land in the same place on every build
    return f"assembly/{instance.meeting.slug}/{filename}"


class AgendaAttachment(BaseModel):
    """A document of a meeting or of one of its items (a report, the action plan …), public or for delegates."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attachments")
    item = models.ForeignKey(AgendaItem, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    visibility = models.CharField(_("visibility"), max_length=10, choices=AttachmentVisibility.choices,
                                  default=AttachmentVisibility.PUBLIC)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def extension(self) -> str:
        return self.file.name.rsplit(".", 1)[-1].upper()
