from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from urbis.core.models import BaseModel
from urbis.members.models import Organisation
from urbis.program.models import Edition

from .enums import Category, Mode, SignupStatus, Status


class RegistrationSettings(BaseModel):
    """Per-edition switches of registration. Its row is also the lock that guards the on-site seats."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="registration_settings")
    is_open = models.BooleanField(_("registration open"), default=True)
    onsite_capacity = models.PositiveIntegerField(_("on-site capacity"), null=True, blank=True,
                                                  help_text=_("Leave empty for no limit."))
    auto_approve = models.JSONField(_("auto-approved categories"), default=list, blank=True)
    mode_change_deadline = models.DateTimeField(_("mode can be changed until"), null=True, blank=True)
    offer_hours = models.PositiveSmallIntegerField(_("waiting-list offer valid (hours)"), default=48)
    min_online_minutes = models.PositiveSmallIntegerField(
        _("online attendance counts after (minutes)"), default=10,
        help_text=_("0: joining through the platform counts as attending."))
    questions = models.JSONField(_("extra questions"), default=list, blank=True,
                                 help_text=_('[{"key": "…", "label": "…", "required": true, "choices": […]}]'))

    class Meta:
        verbose_name_plural = "registration settings"

    def __str__(self) -> str:
        return f"Registration settings of {self.edition}"


class Registration(BaseModel):
    """One person's registration for one edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="registrations")
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    mode = models.CharField(_("attendance"), max_length=10, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="registrations", verbose_name=_("organisation"))
    organisation_name = models.CharField(_("organisation (if not listed)"), max_length=200, blank=True)
    function = models.CharField(_("function"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    visa_letter = models.BooleanField(_("visa invitation letter needed"), default=False)
    consent_at = models.DateTimeField(_("privacy notice accepted at"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    badge_code = models.CharField(max_length=12, unique=True)
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    # An approved online registration on the on-site waiting list (it stays online until promoted).
    onsite_wanted = models.BooleanField(_("waiting for an on-site seat"), default=False)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["edition", "last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "email"], name="one_registration_per_email"),
            models.UniqueConstraint(fields=["edition", "user"], name="one_registration_per_user"),
            models.CheckConstraint(
                condition=Q(onsite_wanted=False) | Q(status="approved", mode="online", waitlisted_at__isnull=False),
                name="onsite_wait_only_when_approved_online"),
        ]
        indexes = [models.Index(fields=["edition", "status", "mode"]),
                   models.Index(fields=["edition", "status", "waitlisted_at"])]

    def __str__(self) -> str:
        return f"{self.full_name} (#{self.pk})" if self.pk else self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def organisation_label(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name

    @property
    def is_approved(self) -> bool:
        return self.status == Status.APPROVED


class DelegationContact(BaseModel):
    """A member government's contact person, who sees and manages its own delegation."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="delegation_contacts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="delegation_contacts")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "user"], name="one_contact_link")]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class SessionSeats(models.Model):
    """The lock row of a capacity-limited session (sessions are versioned; the code is stable)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    session_code = models.CharField(max_length=12)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["edition", "session_code"], name="one_seat_row_per_session")]

    def __str__(self) -> str:
        return self.session_code


class SessionSignup(BaseModel):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="signups")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    session_code = models.CharField(max_length=12)
    status = models.CharField(max_length=12, choices=SignupStatus.choices, default=SignupStatus.CONFIRMED)
    waitlisted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "session_code"], name="one_signup_per_session")]
        indexes = [models.Index(fields=["edition", "session_code", "status"])]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.session_code} {self.status}"


class CheckIn(models.Model):
    """One person at the door (session_code blank) or at a session's door, once per local day."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="checkins")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    session_code = models.CharField(max_length=12, blank=True)
    gate = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        ordering = ["-at"]
        constraints = [models.UniqueConstraint(fields=["registration", "day", "session_code"],
                                               name="one_checkin_per_day_and_door")]
        indexes = [models.Index(fields=["edition", "day"])]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.day} {self.session_code or 'door'}"


class Attendance(models.Model):
    """Online attendance of one session, through the platform's join link and heartbeats."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendances")
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    session_code = models.CharField(max_length=12)
    joined_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    seconds = models.PositiveIntegerField(default=0)
    joins = models.PositiveIntegerField(default=1)
    attended = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["registration", "session_code"], name="one_attendance_row")]
        indexes = [models.Index(fields=["edition", "session_code"])]

    def __str__(self) -> str:
        return f"{self.registration_id} {self.session_code}"


class Certificate(BaseModel):
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="certificate")
    code = models.CharField(max_length=16, unique=True)
    sessions = models.JSONField(default=list)  # snapshot printed on the PDF: [{"code","title","how"}]
    days_on_site = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.code
