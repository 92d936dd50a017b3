"""Every write of registration: registering, approving, seats and waiting lists, check-in, attendance,
certificates. Seats are counted under a row lock on the edition's RegistrationSettings row (on site) or
on the session's SessionSeats row (sign-ups)."""

import datetime as dt
import time
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from urbis.core.audit import log_action, scrub_entries
from urbis.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urbis.core.timezones import get_zone, is_valid_zone
from urbis.members.countries import is_valid_country
from urbis.members.enums import OrganisationKind
from urbis.members.models import Organisation
from urbis.program.enums import LANGUAGE_CODES
from urbis.program.models import Edition, Session

from . import badges as tokens
from .enums import Category, Mode, ScanResult, SignupStatus, Status
from .models import (
    Attendance,
    Certificate,
    CheckIn,
    DelegationContact,
    Registration,
    RegistrationSettings,
    SessionSeats,
    SessionSignup,
)
from .selectors import on_site_queue

# Tests flip this to show the race that the row lock prevents (the control case). Never off in production.
SEAT_LOCKING = True
# Tests may set a pause between counting the free seats and taking one, to widen the race window.
RACE_PAUSE_SECONDS = 0.0

HEARTBEAT_MAX_CREDIT = dt.timedelta(seconds=120)


def _enqueue(kind: str, registration_id: int, **extra: Any) -> None:
    from .tasks import send_registration_email

    transaction.on_commit(partial(send_registration_email.enqueue, registration_id=registration_id, kind=kind,
                                  **extra))


def ensure_settings(*, edition: Edition) -> RegistrationSettings:
    found, _created = RegistrationSettings.objects.get_or_create(edition=edition)
    return found


def _lock_settings(edition_id: int) -> RegistrationSettings:
    RegistrationSettings.objects.get_or_create(edition_id=edition_id)
    qs = RegistrationSettings.objects.filter(edition_id=edition_id)
    if SEAT_LOCKING:
        qs = qs.select_for_update()
    return qs.get()


@transaction.atomic
def update_settings(*, edition: Edition, actor, **values: Any) -> RegistrationSettings:
    """Change the edition's registration switches; audited."""
    reg_settings = _lock_settings(edition.pk)
    allowed = {"is_open", "onsite_capacity", "auto_approve", "mode_change_deadline", "offer_hours",
               "min_online_minutes", "questions"}
    unknown = set(values) - allowed
    if unknown:
        raise ValidationFailed(_("Unknown setting."), code="unknown_setting", field=sorted(unknown)[0])
    if "auto_approve" in values and not (isinstance(values["auto_approve"], list | tuple)
                                         and set(values["auto_approve"]) <= set(Category.values)):
        raise ValidationFailed(_("Unknown category."), code="unknown_category", field="auto_approve")
    if "auto_approve" in values:
        values["auto_approve"] = sorted(set(values["auto_approve"]) - {Category.DELEGATE})
    for name in ("offer_hours", "min_online_minutes"):
        if name in values and not (isinstance(values[name], int) and 0 <= values[name] <= 32767
                                   and (values[name] > 0 or name != "offer_hours")):
            raise ValidationFailed(_("Enter a whole number in range."), code="out_of_range", field=name)
    if "onsite_capacity" in values and values["onsite_capacity"] is not None and not (
            isinstance(values["onsite_capacity"], int) and 0 <= values["onsite_capacity"] <= 2**31 - 1):
        raise ValidationFailed(_("Enter a whole number in range."), code="out_of_range", field="onsite_capacity")
    if "mode_change_deadline" in values and values["mode_change_deadline"] is not None and not (
            isinstance(values["mode_change_deadline"], dt.datetime) and timezone.is_aware(values["mode_change_deadline"])):
        raise ValidationFailed(_("Enter a date and time."), code="bad_datetime", field="mode_change_deadline")
    if "questions" in values:
        _check_questions(values["questions"])
    for name, value in values.items():
        setattr(reg_settings, name, value)
    reg_settings.save()
    log_action(edition, "registration.settings.updated", actor=actor, data={k: str(v) for k, v in values.items()})
    _fill_freed_seats(reg_settings)
    return reg_settings


QUESTION_KEYS = {"key", "label", "required", "choices"}


def _check_questions(questions: Any) -> None:
    if not isinstance(questions, list) or len(questions) > 30:
        raise ValidationFailed(_("Questions must be a list (at most 30)."), code="bad_questions", field="questions")
    keys = set()
    for item in questions:
        if not (isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"].isidentifier()
                and len(item["key"]) <= 40 and isinstance(item.get("label"), str)
                and 0 < len(item["label"].strip()) <= 200):
            raise ValidationFailed(_("Each question needs a key and a label."), code="bad_questions",
                                   field="questions")
        if set(item) - QUESTION_KEYS or not isinstance(item.get("required", False), bool):
            raise ValidationFailed(_("A question has only a key, a label, required (true or false) and choices."),
                                   code="bad_questions", field="questions")
        choices = item.get("choices")
        if choices is not None and not (isinstance(choices, list) and 0 < len(choices) <= 100 and all(
                isinstance(c, str) and 0 < len(c) <= 200 for c in choices)):
            raise ValidationFailed(_("Choices must be a list of texts."), code="bad_questions", field="questions")
        if item["key"] in keys:
            raise ValidationFailed(_("Two questions have the same key."), code="bad_questions", field="questions")
        keys.add(item["key"])


@dataclass
class RegistrationInput:
    first_name: str
    last_name: str
    category: str
    mode: str
    privacy_consent: bool
    email: str = ""
    organisation_id: int | None = None
    organisation_name: str = ""
    function: str = ""
    country: str = ""
    city: str = ""
    languages: list[str] = field(default_factory=list)
    time_zone: str = ""
    accessibility_needs: str = ""
    dietary_needs: str = ""
    visa_letter: bool = False
    answers: dict[str, Any] = field(default_factory=dict)


def _clean(data: RegistrationInput, edition: Edition, reg_settings: RegistrationSettings) -> dict[str, Any]:
    def text(value: str, name: str, limit: int, required: bool = False) -> str:
        value = (value or "").strip()
        if required and not value:
            raise ValidationFailed(_("This field is required."), code="required", field=name)
        if len(value) > limit:
            raise ValidationFailed(_("This text is too long."), code="too_long", field=name)
        if any(ord(ch) < 32 and ch not in "\n\t" for ch in value):
            raise ValidationFailed(_("This text contains control characters."), code="bad_text", field=name)
        return value

    if not data.privacy_consent:
        raise ValidationFailed(_("Please accept the privacy notice."), code="consent_required",
                               field="privacy_consent")
    if data.category not in Category.values:
        raise ValidationFailed(_("Unknown category."), code="unknown_category", field="category")
    if data.mode not in Mode.values:
        raise ValidationFailed(_("Choose on site or online."), code="unknown_mode", field="mode")
    if data.mode == Mode.ON_SITE and edition.format == "online":
        raise ValidationFailed(_("This edition takes place online only."), code="online_only", field="mode")
    if data.mode == Mode.ONLINE and edition.format == "in_person":
        raise ValidationFailed(_("This edition takes place on site only."), code="on_site_only", field="mode")
    organisation = None
    if data.organisation_id:
        organisation = Organisation.objects.filter(pk=data.organisation_id).first()
        if organisation is None:
            raise ValidationFailed(_("Unknown organisation."), code="unknown_organisation", field="organisation")
    org_name = text(data.organisation_name, "organisation_name", 200)
    if organisation is None and not org_name:
        raise ValidationFailed(_("Pick your organisation or enter its name."), code="required", field="organisation")
    if data.category == Category.DELEGATE and (organisation is None
                                               or organisation.kind != OrganisationKind.MEMBER_GOVERNMENT):
        raise ValidationFailed(_("Delegates must pick their member government."), code="delegate_needs_member",
                               field="organisation")
    country = (data.country or (organisation.country if organisation else "")).upper()
    if country and not is_valid_country(country):
        raise ValidationFailed(_("Unknown country."), code="unknown_country", field="country")
    languages = list(dict.fromkeys(data.languages or []))
    if not all(isinstance(code, str) and code in LANGUAGE_CODES for code in languages):
        raise ValidationFailed(_("Unknown language."), code="unknown_language", field="languages")
    time_zone = (data.time_zone or "").strip()
    if time_zone and not is_valid_zone(time_zone):
        raise ValidationFailed(_("Unknown time zone: %(zone)s.") % {"zone": time_zone}, code="unknown_time_zone",
                               field="time_zone")
    answers: dict[str, str] = {}
    given = data.answers or {}
    for question in reg_settings.questions or []:
        value = given.get(question["key"], "")
        value = text(value if isinstance(value, str) else "", question["key"], 1000,
                     required=bool(question.get("required")))
        choices = question.get("choices")
        if value and choices and value not in choices:
            raise ValidationFailed(_("Choose one of the offered answers."), code="bad_choice", field=question["key"])
        answers[question["key"]] = value
    return {
        "first_name": text(data.first_name, "first_name", 100, required=True),
        "last_name": text(data.last_name, "last_name", 100, required=True),
        "category": data.category,
        "mode": data.mode,
        "organisation": organisation,
        "organisation_name": "" if organisation else org_name,
        "function": text(data.function, "function", 200),
        "country": country,
        "city": text(data.city or (organisation.city if organisation else ""), "city", 120),
        "languages": languages,
        "time_zone": time_zone,
        "accessibility_needs": text(data.accessibility_needs, "accessibility_needs", 2000),
        "dietary_needs": text(data.dietary_needs, "dietary_needs", 300),
        "visa_letter": bool(data.visa_letter),
        "answers": answers,
    }


def _already_registered() -> Conflict:
    return Conflict(_("This e-mail address is already registered for this edition."), code="already_registered",
                    field="email")


def register(*, edition: Edition, user, data: RegistrationInput, now: dt.datetime | None = None) -> Registration:
    """Register a person for an edition; sends the confirmation (and approval) e-mails; audited."""
    if user is None or not getattr(user, "is_authenticated", False):
        raise PermissionDenied(_("Log in to register."), code="unauthenticated")
    email = (data.email or user.email).strip().lower()
    if email != user.email.lower() and not user.is_staff:
        raise ValidationFailed(_("Register with the e-mail address of your account."), code="email_mismatch",
                               field="email")
    reg_settings = ensure_settings(edition=edition)
    if not reg_settings.is_open:
        raise Conflict(_("Registration for this edition is closed."), code="registration_closed")
    # Validation needs no lock: done before the transaction, which on SQLite holds the write lock.
    values = _clean(data, edition, reg_settings)
    try:
        with transaction.atomic():
            return _register(edition=edition, user=user, email=email, values=values, reg_settings=reg_settings,
                             now=now or timezone.now())
    except IntegrityError:
        raise _already_registered() from None


def _register(*, edition, user, email, values, reg_settings, now) -> Registration:
    if Registration.objects.filter(Q(email=email) | Q(user=user), edition=edition).exists():
        raise _already_registered()
    registration = Registration.objects.create(edition=edition, user=user, email=email, consent_at=now,
                                               badge_code=tokens.new_code(), **values)
    log_action(registration, "registration.submitted", actor=user,
               data={"category": registration.category, "mode": registration.mode})
    _enqueue("confirmation", registration.pk)
    if registration.category != Category.DELEGATE and registration.category in (reg_settings.auto_approve or []):
        _decide_approval(registration, actor=None, now=now)
    return registration


def _seats_left(reg_settings: RegistrationSettings, now: dt.datetime) -> int | None:
    if reg_settings.onsite_capacity is None:
        return None
    taken = Registration.objects.filter(edition_id=reg_settings.edition_id, mode=Mode.ON_SITE,
                                        status=Status.APPROVED).count()
    offered = Registration.objects.filter(on_site_queue(), edition_id=reg_settings.edition_id,
                                          offer_expires_at__gt=now).count()
    if RACE_PAUSE_SECONDS:
        time.sleep(RACE_PAUSE_SECONDS)
    return reg_settings.onsite_capacity - taken - offered


def _decide_approval(registration: Registration, *, actor, now: dt.datetime) -> Registration:
    """Approve, or put on the waiting list when on site is full. Takes the seat lock."""
    reg_settings = _lock_settings(registration.edition_id)
    if registration.mode == Mode.ON_SITE:
        left = _seats_left(reg_settings, now)
        if left is not None and left <= 0:
            registration.status = Status.WAITLISTED
            registration.waitlisted_at = now
            registration.decided_at = now
            registration.save(update_fields=["status", "waitlisted_at", "decided_at", "updated_at"])
            log_action(registration, "registration.waitlisted", actor=actor)
            _enqueue("waitlisted", registration.pk)
            return registration
    registration.status = Status.APPROVED
    registration.decided_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "decided_at", "offer_expires_at", "updated_at"])
    log_action(registration, "registration.approved", actor=actor)
    _enqueue("approval", registration.pk)
    return registration


def _locked(registration: Registration) -> Registration:
    return Registration.objects.select_for_update().get(pk=registration.pk)


@transaction.atomic
def approve_registration(*, registration: Registration, actor, now: dt.datetime | None = None) -> Registration:
    """Staff approve a submitted registration (waiting list when on site is full); e-mail; audited."""
    registration = _locked(registration)
    if registration.status not in (Status.SUBMITTED, Status.DECLINED):
        raise Conflict(_("Only submitted or declined registrations can be approved."), code="not_submitted")
    return _decide_approval(registration, actor=actor, now=now or timezone.now())


@transaction.atomic
def decline_registration(*, registration: Registration, actor, now: dt.datetime | None = None) -> Registration:
    """Staff decline a registration; frees its seat; audited."""
    registration = _locked(registration)
    if registration.status in (Status.DECLINED, Status.CANCELLED):
        raise Conflict(_("This registration is already closed."), code="already_closed")
    registration.status = Status.DECLINED
    registration.decided_at = now or timezone.now()
    registration.offer_expires_at = None
    registration.onsite_wanted = False
    registration.save(update_fields=["status", "decided_at", "offer_expires_at", "onsite_wanted", "updated_at"])
    log_action(registration, "registration.declined", actor=actor)
    _free_signups(registration)
    _fill_freed_seats(_lock_settings(registration.edition_id), now=now)
    return registration


@transaction.atomic
def cancel_registration(*, registration: Registration, actor, now: dt.datetime | None = None,
                        reason: str = "participant") -> Registration:
    """The participant (or staff) cancel; the freed seat goes to the next on the waiting list; audited."""
    registration = _locked(registration)
    if registration.status == Status.CANCELLED:
        raise Conflict(_("This registration is already cancelled."), code="already_cancelled")
    registration.status = Status.CANCELLED
    registration.cancel_reason = reason
    registration.offer_expires_at = None
    registration.onsite_wanted = False
    registration.save(update_fields=["status", "cancel_reason", "offer_expires_at", "onsite_wanted", "updated_at"])
    log_action(registration, "registration.cancelled", actor=actor, data={"reason": reason})
    _free_signups(registration)
    _fill_freed_seats(_lock_settings(registration.edition_id), now=now)
    return registration


def _fill_freed_seats(reg_settings: RegistrationSettings, now: dt.datetime | None = None) -> list[Registration]:
    """Offer free on-site seats to the waiting list, in order (caller holds the seat lock)."""
    now = now or timezone.now()
    left = _seats_left(reg_settings, now)
    waiting = Registration.objects.filter(on_site_queue(), edition_id=reg_settings.edition_id,
                                          offer_expires_at__isnull=True).order_by("waitlisted_at", "id")
    if left is not None:
        if left <= 0:
            return []
        waiting = waiting[:left]
    offered = []
    expires = now + dt.timedelta(hours=reg_settings.offer_hours)
    for registration in waiting.select_for_update() if SEAT_LOCKING else waiting:
        if left is None:
            _take_seat(registration, now=now)
            log_action(registration, "registration.approved", actor=None, data={"from": "waiting_list"})
            _enqueue("approval", registration.pk)
        else:
            registration.offer_expires_at = expires
            registration.save(update_fields=["offer_expires_at", "updated_at"])
            log_action(registration, "registration.seat_offered", actor=None, data={"until": expires})
            _enqueue("offer", registration.pk)
        offered.append(registration)
    return offered


def _take_seat(registration: Registration, *, now: dt.datetime) -> None:
    """The waiting registration gets its on-site seat (caller holds the seat lock and the row)."""
    fields = ["status", "decided_at", "offer_expires_at", "updated_at"]
    if registration.onsite_wanted:
        registration.mode = Mode.ON_SITE
        registration.onsite_wanted = False
        fields += ["mode", "onsite_wanted"]
    registration.status = Status.APPROVED
    registration.decided_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=fields)


def _leave_on_site_queue(registration: Registration) -> None:
    registration.onsite_wanted = False
    registration.waitlisted_at = None
    registration.offer_expires_at = None
    registration.save(update_fields=["onsite_wanted", "waitlisted_at", "offer_expires_at", "updated_at"])


@transaction.atomic
def accept_offer(*, registration: Registration, actor, now: dt.datetime | None = None) -> Registration:
    """The person on the waiting list takes the seat offered to them; audited."""
    now = now or timezone.now()
    _lock_settings(registration.edition_id)
    registration = _locked(registration)
    waiting = registration.status == Status.WAITLISTED or registration.onsite_wanted
    if not waiting or registration.offer_expires_at is None:
        raise Conflict(_("There is no seat offer for this registration."), code="no_offer")
    if registration.offer_expires_at <= now:
        raise Conflict(_("This offer has expired."), code="offer_expired")
    _take_seat(registration, now=now)
    log_action(registration, "registration.offer_accepted", actor=actor)
    _enqueue("approval", registration.pk)
    return registration


@transaction.atomic
def expire_offers(*, edition: Edition, now: dt.datetime | None = None) -> int:
    """Close the offers that ran out and pass their seats on; audited."""
    now = now or timezone.now()
    reg_settings = _lock_settings(edition.pk)
    expired = list(Registration.objects.select_for_update().filter(
        on_site_queue(), edition=edition, offer_expires_at__lte=now))
    for registration in expired:
        if registration.onsite_wanted:
            # asked to come on site from online: the offer lapses, the online registration stays
            _leave_on_site_queue(registration)
            log_action(registration, "registration.offer_expired", actor=None, data={"kept": Mode.ONLINE})
            continue
        registration.status = Status.CANCELLED
        registration.cancel_reason = "offer_expired"
        registration.save(update_fields=["status", "cancel_reason", "updated_at"])
        log_action(registration, "registration.offer_expired", actor=None)
    _fill_freed_seats(reg_settings, now=now)
    return len(expired)


@transaction.atomic
def change_mode(*, registration: Registration, mode: str, actor, now: dt.datetime | None = None) -> Registration:
    """Switch between on site and online before the deadline; seats follow (a full venue puts an approved
    online registration on the on-site waiting list, online meanwhile; e-mail); audited."""
    now = now or timezone.now()
    if mode not in Mode.values:
        raise ValidationFailed(_("Choose on site or online."), code="unknown_mode", field="mode")
    reg_settings = _lock_settings(registration.edition_id)
    registration = _locked(registration)
    if registration.onsite_wanted and mode == Mode.ONLINE:
        # stays online and leaves the on-site waiting list; a seat offered to them passes on
        had_offer = registration.offer_expires_at is not None
        _leave_on_site_queue(registration)
        log_action(registration, "registration.waitlist_left", actor=actor)
        if had_offer:
            _fill_freed_seats(reg_settings, now=now)
        return registration
    if registration.mode == mode or registration.onsite_wanted:
        return registration  # nothing to change, or already waiting (keeps the place in the list)
    is_staff = getattr(actor, "is_staff", False)
    if reg_settings.mode_change_deadline and now > reg_settings.mode_change_deadline and not is_staff:
        raise Conflict(_("The attendance mode can no longer be changed."), code="deadline_passed", field="mode")
    if registration.status in (Status.CANCELLED, Status.DECLINED):
        raise Conflict(_("This registration is closed."), code="already_closed")
    edition = registration.edition
    if mode == Mode.ON_SITE and edition.format == "online":
        raise ValidationFailed(_("This edition takes place online only."), code="online_only", field="mode")
    if mode == Mode.ONLINE and edition.format == "in_person":
        raise ValidationFailed(_("This edition takes place on site only."), code="on_site_only", field="mode")
    old = registration.mode
    if mode == Mode.ON_SITE and registration.status == Status.APPROVED:
        left = _seats_left(reg_settings, now)
        if left is not None and left <= 0:
            # full: the on-site waiting list, in order with new on-site registrations; online meanwhile
            registration.onsite_wanted = True
            registration.waitlisted_at = now
            registration.save(update_fields=["onsite_wanted", "waitlisted_at", "updated_at"])
            log_action(registration, "registration.waitlisted", actor=actor, data={"from": Mode.ONLINE})
            _enqueue("waitlisted", registration.pk)
            return registration
    registration.mode = mode
    fields = ["mode", "updated_at"]
    if mode == Mode.ONLINE and registration.status == Status.WAITLISTED:
        # online has no limit: leave the waiting list
        registration.status = Status.APPROVED
        registration.offer_expires_at = None
        registration.decided_at = now
        fields += ["status", "offer_expires_at", "decided_at"]
    registration.save(update_fields=fields)
    log_action(registration, "registration.mode_changed", actor=actor, data={"from": old, "to": mode})
    if old == Mode.ON_SITE:
        _fill_freed_seats(reg_settings, now=now)
    return registration


@transaction.atomic
def update_registration(*, registration: Registration, actor, **values: Any) -> Registration:
    """The person edits the details of their registration (not status nor mode); audited."""
    registration = _locked(registration)
    allowed = {"function", "city", "languages", "time_zone", "accessibility_needs", "dietary_needs", "visa_letter"}
    if set(values) - allowed:
        raise ValidationFailed(_("This field cannot be changed here."), code="not_editable",
                               field=sorted(set(values) - allowed)[0])
    current = RegistrationInput(
        first_name=registration.first_name, last_name=registration.last_name, category=registration.category,
        mode=registration.mode, privacy_consent=True, organisation_id=registration.organisation_id,
        organisation_name=registration.organisation_name, function=registration.function,
        country=registration.country, city=registration.city, languages=registration.languages,
        time_zone=registration.time_zone, accessibility_needs=registration.accessibility_needs,
        dietary_needs=registration.dietary_needs, visa_letter=registration.visa_letter,
        answers=registration.answers)
    for name, value in values.items():
        setattr(current, name, value)
    cleaned = _clean(current, registration.edition, ensure_settings(edition=registration.edition))
    for name in values:
        setattr(registration, name, cleaned[name])
    registration.save(update_fields=[*values, "updated_at"])
    log_action(registration, "registration.updated", actor=actor, data={"fields": sorted(values)})
    return registration


@transaction.atomic
def send_reminders(*, edition: Edition, actor) -> int:
    """Queue the reminder e-mail (with join links) to every approved participant; audited."""
    from .tasks import send_reminders as task

    count = Registration.objects.filter(edition=edition, status=Status.APPROVED).count()
    log_action(edition, "registration.reminders.sent", actor=actor, data={"count": count})
    transaction.on_commit(partial(task.enqueue, edition_id=edition.pk))
    return count


# ---------------------------------------------------------------- delegations

@transaction.atomic
def add_delegation_contact(*, organisation: Organisation, user, actor) -> DelegationContact:
    """Staff name a member government's contact for its delegation; audited."""
    if organisation.kind != OrganisationKind.MEMBER_GOVERNMENT:
        raise ValidationFailed(_("Only member governments have delegations."), code="not_a_member")
    if DelegationContact.objects.filter(organisation=organisation, user=user).exists():
        raise Conflict(_("This person is already a contact of this member."), code="already_contact", field="email")
    try:
        with transaction.atomic():
            contact = DelegationContact.objects.create(organisation=organisation, user=user)
    except IntegrityError:  # named by someone else at the same moment
        raise Conflict(_("This person is already a contact of this member."), code="already_contact",
                       field="email") from None
    log_action(organisation, "registration.delegation_contact.added", actor=actor, data={"user": user.pk})
    return contact


@transaction.atomic
def remove_delegation_contact(*, contact: DelegationContact, actor) -> None:
    """Staff remove a member government's delegation contact; audited."""
    contact = DelegationContact.objects.select_for_update().select_related("organisation").filter(
        pk=contact.pk).first()
    if contact is None:
        raise NotFound(_("This contact was already removed."), code="unknown_contact")
    log_action(contact.organisation, "registration.delegation_contact.removed", actor=actor,
               data={"user": contact.user_id})
    contact.delete()


# ---------------------------------------------------------------- session sign-ups

def _session_limit(session: Session) -> int | None:
    limits = [value for value in (session.capacity, session.room.capacity if session.room_id else None) if value]
    return min(limits) if session.capacity and limits else None


def _lock_session(edition_id: int, code: str) -> None:
    SessionSeats.objects.get_or_create(edition_id=edition_id, session_code=code)
    if SEAT_LOCKING:
        SessionSeats.objects.select_for_update().get(edition_id=edition_id, session_code=code)


def _session_taken(edition_id: int, code: str) -> int:
    taken = SessionSignup.objects.filter(edition_id=edition_id, session_code=code,
                                         status=SignupStatus.CONFIRMED).count()
    if RACE_PAUSE_SECONDS:
        time.sleep(RACE_PAUSE_SECONDS)
    return taken


@transaction.atomic
def sign_up_for_session(*, registration: Registration, session: Session, actor) -> SessionSignup:
    """Take a seat in a capacity-limited session, or a place on its waiting list; audited."""
    if registration.status != Status.APPROVED:
        raise Conflict(_("Your registration is not approved yet."), code="not_approved")
    if session.edition_id != registration.edition_id:
        raise ValidationFailed(_("This session belongs to another edition."), code="other_edition")
    if session.is_cancelled:
        raise Conflict(_("This session is cancelled."), code="session_cancelled")
    limit = _session_limit(session)
    if limit is None:
        raise Conflict(_("This session needs no sign-up."), code="no_signup_needed")
    _lock_session(session.edition_id, session.code)
    signup = SessionSignup.objects.filter(registration=registration, session_code=session.code).first()
    if signup is not None and signup.status != SignupStatus.CANCELLED:
        raise Conflict(_("You have already signed up for this session."), code="already_signed_up")
    status = SignupStatus.CONFIRMED if _session_taken(session.edition_id, session.code) < limit \
        else SignupStatus.WAITLISTED
    now = timezone.now()
    if signup is None:
        signup = SessionSignup.objects.create(registration=registration, edition_id=session.edition_id,
                                              session_code=session.code, status=status,
                                              waitlisted_at=now if status == SignupStatus.WAITLISTED else None)
    else:
        signup.status = status
        signup.waitlisted_at = now if status == SignupStatus.WAITLISTED else None
        signup.save(update_fields=["status", "waitlisted_at", "updated_at"])
    log_action(registration, "registration.session.signed_up", actor=actor,
               data={"session": session.code, "status": status})
    return signup


@transaction.atomic
def cancel_signup(*, signup: SessionSignup, session: Session, actor) -> SessionSignup:
    """Give a session seat back; the next on its waiting list gets it, with an e-mail; audited."""
    _lock_session(signup.edition_id, signup.session_code)
    signup = SessionSignup.objects.select_for_update().get(pk=signup.pk)
    if signup.status == SignupStatus.CANCELLED:
        raise Conflict(_("This sign-up is already cancelled."), code="already_cancelled")
    was_confirmed = signup.status == SignupStatus.CONFIRMED
    signup.status = SignupStatus.CANCELLED
    signup.save(update_fields=["status", "updated_at"])
    log_action(signup.registration, "registration.session.signup_cancelled", actor=actor,
               data={"session": signup.session_code})
    if was_confirmed:
        _promote_session_waitlist(session)
    return signup


def _promote_session_waitlist(session: Session) -> None:
    limit = _session_limit(session)
    if limit is None:
        return
    free = limit - _session_taken(session.edition_id, session.code)
    if free <= 0:
        return
    for signup in (SessionSignup.objects.filter(edition_id=session.edition_id, session_code=session.code,
                                                status=SignupStatus.WAITLISTED)
                   .order_by("waitlisted_at", "id")[:free]):
        signup.status = SignupStatus.CONFIRMED
        signup.save(update_fields=["status", "updated_at"])
        log_action(signup.registration, "registration.session.promoted", actor=None,
                   data={"session": session.code})
        _enqueue("session_seat", signup.registration_id, session_code=session.code)


def _free_signups(registration: Registration) -> None:
    codes = list(SessionSignup.objects.filter(registration=registration, status=SignupStatus.CONFIRMED)
                 .values_list("session_code", flat=True))
    SessionSignup.objects.filter(registration=registration).exclude(status=SignupStatus.CANCELLED).update(
        status=SignupStatus.CANCELLED)
    if codes:
        from urbis.program.selectors import published_sessions

        for session in published_sessions(registration.edition).filter(code__in=codes):
            _lock_session(session.edition_id, session.code)
            _promote_session_waitlist(session)


# ---------------------------------------------------------------- check-in

@dataclass
class ScanOutcome:
    result: str  # ScanResult
    code: str  # stable: checked_in, already_checked_in, forged_token, …
    message: str
    registration: Registration | None = None
    warnings: list[str] = field(default_factory=list)
    checkin: CheckIn | None = None

    @property
    def ok(self) -> bool:
        return self.result == ScanResult.CHECKED_IN


# Edition slug → its time zone, only to guess today's date before the registration's row (which joins its
# edition) says; a wrong guess is noticed and costs one more query, never a wrong answer.
_ZONE_HINTS: dict[str, str] = {}


def _scan_sql(where: str) -> str:
    # The door's hot path, in plain SQL: the ORM spent ~2.5 ms of CPU compiling this join on every scan
    # (most of a scan's own cost); the row is turned back into model instances below.
    r, o, e, c = (model._meta.db_table for model in (Registration, Organisation, Edition, CheckIn))
    # table names come from the models and `where` from the two constants below; values are parameters
    sql = f"""SELECT r.id, r.edition_id, r.user_id, r.status, r.mode, r.first_name, r.last_name, r.category,
        r.accessibility_needs, r.organisation_id, r.organisation_name, r.badge_code, o.name AS scan_organisation,
        e.slug AS scan_slug, e.name AS scan_name, e.time_zone AS scan_zone, e.starts_on AS scan_starts_on,
        e.ends_on AS scan_ends_on, c.at AS first_at, c.gate AS first_gate
        FROM {r} r JOIN {e} e ON e.id = r.edition_id LEFT JOIN {o} o ON o.id = r.organisation_id
        LEFT JOIN {c} c ON c.registration_id = r.id AND c.day = %s AND c.session_code = %s
        WHERE {where}"""  # noqa: S608
    return sql


_SCAN_BY_ID = None
_SCAN_BY_CODE = None


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _as_moment(value):
    if isinstance(value, str):  # SQLite gives the stored UTC text
        value = dt.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _partial(model, **values):
    """An instance as the database gave it, with only these fields loaded (the others load when read)."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


def _scan_row(by_code: bool, value, edition_id: int | None, day: dt.date | None,
              session_code: str) -> Registration | None:
    """The badge holder with their edition, organisation name and (for `day`) first check-in at this door."""
    global _SCAN_BY_ID, _SCAN_BY_CODE
    if by_code:
        _SCAN_BY_CODE = _SCAN_BY_CODE or _scan_sql("r.badge_code = %s")
        rows = list(Registration.objects.raw(_SCAN_BY_CODE, [day, session_code, value]))
    else:
        _SCAN_BY_ID = _SCAN_BY_ID or _scan_sql("r.id = %s AND r.edition_id = %s")
        rows = list(Registration.objects.raw(_SCAN_BY_ID, [day, session_code, value, edition_id]))
    if not rows:
        return None
    registration = rows[0]
    registration.edition = _partial(Edition, id=registration.edition_id, slug=registration.scan_slug,
                                    name=registration.scan_name, time_zone=registration.scan_zone,
                                    starts_on=_as_date(registration.scan_starts_on),
                                    ends_on=_as_date(registration.scan_ends_on))
    if registration.organisation_id:
        registration.organisation = _partial(Organisation, id=registration.organisation_id,
                                             name=registration.scan_organisation)
    registration.first_at = _as_moment(registration.first_at)
    registration._scan_day = day
    return registration


def _find_registration(scanned: str, *, day: dt.date | None = None,
                       session_code: str = "") -> tuple[Registration | None, int | None, str]:
    """(registration, edition id named by the token, error code or "")."""
    scanned = (scanned or "").strip()
    if not scanned or len(scanned) > 500:
        return None, None, "empty_code" if not scanned else "forged_token"
    if ":" in scanned:
        try:
            registration_id, edition_id = tokens.read_badge_token(scanned)
        except tokens.BadToken as exc:
            return None, None, exc.code
        if not (0 < registration_id < 2**63 and 0 < edition_id < 2**63):
            return None, None, "unknown_badge"
        registration = _scan_row(False, registration_id, edition_id, day, session_code)
        return registration, edition_id, "" if registration else "unknown_badge"
    code = tokens.normalise_code(scanned)
    registration = _scan_row(True, code, None, day, session_code) if code else None
    if registration is None:
        return None, None, "unknown_badge"
    return registration, registration.edition_id, ""


REFUSALS = {
    "empty_code": gettext_lazy("Scan a badge or type its code."),
    "forged_token": gettext_lazy("This badge code is not valid (forged or damaged)."),
    "expired_token": gettext_lazy("This badge has expired."),
    "unknown_badge": gettext_lazy("No registration has this badge code."),
    "other_edition": gettext_lazy("This badge belongs to another edition."),
    "cancelled": gettext_lazy("This registration is cancelled."),
    "not_approved": gettext_lazy("This registration is not approved."),
    "registered_online": gettext_lazy("This person is registered to attend online."),
    "wrong_day": gettext_lazy("The congress does not take place today."),
    "unknown_session": gettext_lazy("There is no such session in the programme."),
    "wrong_session_day": gettext_lazy("This session does not take place today."),
    "not_signed_up": gettext_lazy("This person has not signed up for this session."),
}


def scan_badge(*, edition: Edition, scanned: str, gate: str, actor, session_code: str = "",
               now: dt.datetime | None = None) -> ScanOutcome:
    """Check in the badge's holder at a gate (and optionally a session): once per day and door; a second
    scan is flagged; refusals change nothing. Audited (check-ins, repeats and refusals)."""
    now = now or timezone.now()
    day = timezone.localtime(now, edition.zone).date()
    registration, edition_id, error = _find_registration(scanned, day=day, session_code=session_code)
    return _scan(edition, registration, edition_id, error, gate=gate, actor=actor, session_code=session_code,
                 now=now)


def scan_badge_in(*, edition_slug: str, scanned: str, gate: str, actor, session_code: str = "",
                  now: dt.datetime | None = None) -> ScanOutcome:
    """scan_badge for an edition named by its slug (the door's API): the edition comes with the badge
    holder's row, so a scan is one read and, for a first scan, one transaction. Raises NotFound for an
    unknown edition."""
    now = now or timezone.now()
    zone = _ZONE_HINTS.get(edition_slug)
    edition = None
    if zone is None:
        edition = Edition.objects.filter(slug=edition_slug).first()
        if edition is None:
            raise NotFound(code="unknown_edition")
        zone = _ZONE_HINTS.setdefault(edition_slug, edition.time_zone)
    guess = timezone.localtime(now, get_zone(zone)).date() if is_valid_zone(zone) else None
    registration, edition_id, error = _find_registration(scanned, day=guess, session_code=session_code)
    if registration is not None and registration.edition.slug == edition_slug:
        edition = registration.edition
        _ZONE_HINTS[edition_slug] = edition.time_zone
    elif edition is None:
        edition = Edition.objects.filter(slug=edition_slug).first()
        if edition is None:
            _ZONE_HINTS.pop(edition_slug, None)
            raise NotFound(code="unknown_edition")
    return _scan(edition, registration, edition_id, error, gate=gate, actor=actor, session_code=session_code,
                 now=now)


def _first_checkin(registration: Registration, day: dt.date, session_code: str) -> CheckIn | None:
    if getattr(registration, "_scan_day", None) == day:  # read with the registration
        if registration.first_at is None:
            return None
        return CheckIn(registration=registration, day=day, session_code=session_code, at=registration.first_at,
                       gate=registration.first_gate)
    return CheckIn.objects.filter(registration=registration, day=day, session_code=session_code).only(
        "at", "gate").first()


def _scan(edition: Edition, registration: Registration | None, edition_id: int | None, error: str, *, gate: str,
          actor, session_code: str, now: dt.datetime) -> ScanOutcome:
    gate = (gate or "").strip()[:60]
    warnings: list[str] = []
    day = timezone.localtime(now, edition.zone).date()
    session = None
    if not error and edition_id != edition.pk:
        error = "other_edition"
    if not error and registration.status == Status.CANCELLED:
        error = "cancelled"
    if not error and registration.status != Status.APPROVED:
        error = "not_approved"
    if not error and registration.mode != Mode.ON_SITE:
        error = "registered_online"
    if not error and not (edition.starts_on <= day <= edition.ends_on):
        error = "wrong_day"
    if not error and session_code:
        from urbis.program.selectors import published_sessions

        session = published_sessions(edition).filter(code=session_code).first()
        if session is None:
            error = "unknown_session"
        elif timezone.localtime(session.starts_at, edition.zone).date() != day:
            error = "wrong_session_day"
        elif session.capacity and not SessionSignup.objects.filter(
                registration=registration, session_code=session_code, status=SignupStatus.CONFIRMED).exists():
            error = "not_signed_up"
    # A single audit INSERT is atomic on its own: refusals and repeats need no transaction of their own.
    if error:
        log_action(registration, "registration.checkin.refused", actor=actor,
                   data={"reason": error, "gate": gate, "session": session_code, "edition": edition.pk})
        return ScanOutcome(ScanResult.REFUSED, error, str(REFUSALS[error]), registration)
    if registration.accessibility_needs:
        warnings.append(_("Accessibility needs: see the registration."))
    first = _first_checkin(registration, day, session_code)
    if first is None:
        try:
            with transaction.atomic():
                checkin = CheckIn.objects.create(registration=registration, edition=edition, day=day,
                                                 session_code=session_code, gate=gate, at=now, by=actor)
                log_action(registration, "registration.checked_in", actor=actor,
                           data={"gate": gate, "session": session_code, "day": day})
        except IntegrityError:  # another gate scanned the same badge at the same moment
            first = CheckIn.objects.filter(registration=registration, day=day, session_code=session_code).first()
    if first is not None:
        log_action(registration, "registration.checkin.repeated", actor=actor,
                   data={"gate": gate, "session": session_code, "day": day})
        when = timezone.localtime(first.at, edition.zone).strftime("%H:%M")
        return ScanOutcome(ScanResult.ALREADY, "already_checked_in",
                           _("Already checked in today at %(time)s (%(gate)s).") % {
                               "time": when, "gate": first.gate},
                           registration, warnings, first)
    return ScanOutcome(ScanResult.CHECKED_IN, "checked_in", _("Welcome, %(name)s.") % {
        "name": registration.full_name}, registration, warnings, checkin)


# ---------------------------------------------------------------- online attendance

def _attendance_rule(edition_id: int) -> int:
    found = RegistrationSettings.objects.filter(edition_id=edition_id).values_list("min_online_minutes",
                                                                                   flat=True).first()
    return 10 if found is None else found


def record_join(*, registration: Registration, session: Session, now: dt.datetime | None = None) -> Attendance:
    """Note that the person joined a session online through the platform."""
    now = now or timezone.now()
    minimum = _attendance_rule(session.edition_id)
    for _attempt in range(2):
        try:
            with transaction.atomic():
                attendance = (Attendance.objects.select_for_update()
                              .filter(registration=registration, session_code=session.code).first())
                if attendance is None:
                    return Attendance.objects.create(registration=registration, edition_id=session.edition_id,
                                                     session_code=session.code, joined_at=now, last_seen_at=now,
                                                     attended=minimum == 0)
                attendance.joins += 1
                attendance.last_seen_at = now
                attendance.attended = attendance.attended or minimum == 0
                attendance.save(update_fields=["joins", "last_seen_at", "attended"])
                return attendance
        except IntegrityError:
            continue
    raise Conflict(_("Please try again."), code="retry")


@transaction.atomic
def record_heartbeat(*, registration: Registration, session: Session, now: dt.datetime | None = None) -> Attendance:
    """Credit the time since the last heartbeat (at most two minutes) while the session runs."""
    now = now or timezone.now()
    attendance = (Attendance.objects.select_for_update()
                  .filter(registration=registration, session_code=session.code).first())
    if attendance is None:
        raise NotFound(_("Join the session first."), code="not_joined")
    if now > session.ends_at + dt.timedelta(minutes=5) or now < session.starts_at - dt.timedelta(minutes=30):
        raise Conflict(_("This session is not running."), code="not_running")
    credit = min(max(now - attendance.last_seen_at, dt.timedelta(0)), HEARTBEAT_MAX_CREDIT)
    attendance.seconds += int(credit.total_seconds())
    attendance.last_seen_at = now
    attendance.attended = attendance.attended or attendance.seconds >= _attendance_rule(session.edition_id) * 60
    attendance.save(update_fields=["seconds", "last_seen_at", "attended"])
    return attendance


# ---------------------------------------------------------------- certificates

def attended_summary(registration: Registration) -> tuple[list[dict], list[str]]:
    """(sessions attended on site or online, days on site) — what a certificate lists."""
    from urbis.program.selectors import published_sessions

    checkins = list(CheckIn.objects.filter(registration=registration).order_by("day"))
    days = sorted({c.day.isoformat() for c in checkins})
    onsite_codes = {c.session_code for c in checkins if c.session_code}
    online_codes = set(Attendance.objects.filter(registration=registration, attended=True)
                       .values_list("session_code", flat=True))
    sessions = []
    for session in published_sessions(registration.edition).filter(code__in=onsite_codes | online_codes):
        how = "on_site" if session.code in onsite_codes else "online"
        sessions.append({"code": session.code, "title": session.title, "how": how,
                         "starts_at": session.starts_at.isoformat()})
    return sessions, days


@transaction.atomic
def issue_certificate(*, registration: Registration, actor) -> Certificate:
    """Issue (or refresh) the certificate of attendance; e-mails that it is available; audited."""
    registration = _locked(registration)
    if registration.status != Status.APPROVED:
        raise Conflict(_("Only approved participants receive a certificate."), code="not_approved")
    sessions, days = attended_summary(registration)
    if not sessions and not days:
        raise Conflict(_("No attendance has been recorded yet."), code="no_attendance")
    certificate = Certificate.objects.filter(registration=registration).first()
    if certificate is None:
        certificate = Certificate.objects.create(registration=registration, code=tokens.new_code(12),
                                                 sessions=sessions, days_on_site=days)
        _enqueue("certificate", registration.pk)
    else:
        certificate.sessions, certificate.days_on_site = sessions, days
        certificate.save(update_fields=["sessions", "days_on_site", "updated_at"])
    log_action(registration, "registration.certificate.issued", actor=actor, data={"code": certificate.code})
    return certificate


# ---------------------------------------------------------------- personal data

def export_own_data(*, user) -> dict:
    """Everything registration holds about the person (for their JSON download)."""
    out = []
    for registration in Registration.objects.filter(user=user).select_related("edition", "organisation"):
        out.append({
            "edition": registration.edition.slug, "status": registration.status, "mode": registration.mode,
            "category": registration.category, "email": registration.email,
            "first_name": registration.first_name, "last_name": registration.last_name,
            "organisation": registration.organisation_label, "function": registration.function,
            "country": registration.country, "city": registration.city, "languages": registration.languages,
            "time_zone": registration.time_zone, "accessibility_needs": registration.accessibility_needs,
            "dietary_needs": registration.dietary_needs, "visa_letter": registration.visa_letter,
            "answers": registration.answers, "consent_at": registration.consent_at.isoformat(),
            "created_at": registration.created_at.isoformat(),
            "check_ins": [{"day": c.day.isoformat(), "gate": c.gate, "session": c.session_code,
                           "at": c.at.isoformat()} for c in registration.checkins.all()],
            "online_attendance": [{"session": a.session_code, "joined_at": a.joined_at.isoformat(),
                                   "seconds": a.seconds, "attended": a.attended}
                                  for a in registration.attendances.all()],
            "session_signups": [{"session": s.session_code, "status": s.status} for s in registration.signups.all()],
        })
    return {"registrations": out}


def erased_label(registration_id: int) -> str:
    return f"erased participant #{registration_id}"


def _scrub_audit(registration: Registration) -> None:
    scrub_entries(object_type=Registration._meta.label_lower, object_id=str(registration.pk),
                  label=erased_label(registration.pk),
                  terms=[registration.full_name, registration.email, registration.first_name, registration.last_name])


@transaction.atomic
def erase_participant(*, registration: Registration, actor) -> int:
    """Staff erase a participant (GDPR): the seat passes to the waiting list, the registration and its
    check-ins, attendance, sign-ups and certificate are deleted, and earlier audit entries lose the
    person's name and e-mail. Audited as "erased participant #id", without personal data."""
    registration = _locked(registration)
    registration_id = registration.pk
    if registration.status != Status.CANCELLED:
        cancel_registration(registration=registration, actor=actor, reason="erased")
    log_action(registration, "registration.participant_erased", actor=actor,
               data={"registration": registration_id, "edition": registration.edition_id})
    _scrub_audit(registration)
    registration.delete()
    return registration_id


@transaction.atomic
def delete_own_data(*, user) -> int:
    """Delete the person's registrations (seats pass to the waiting list first); earlier audit entries
    lose the person's name and e-mail; audited without the data."""
    registrations = list(Registration.objects.filter(user=user))
    for registration in registrations:
        if registration.status != Status.CANCELLED:
            cancel_registration(registration=registration, actor=user, reason="data_deleted")
        _scrub_audit(registration)
    editions = sorted({r.edition_id for r in registrations})
    Registration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
    log_action(None, "registration.data_deleted", actor=user, data={"registrations": len(registrations),
                                                                    "editions": editions})
    return len(registrations)
