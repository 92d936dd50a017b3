import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import AuditEntry
from urbis.members.enums import OrganisationKind
from urbis.registration import services
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import Registration

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def data(**overrides):
    values = dict(first_name="Ana", last_name="Pérez", category=Category.NGO, mode=Mode.ONLINE,
                  privacy_consent=True, organisation_name="Cities Alliance NGO", country="ES",
                  languages=["es", "en"], time_zone="Europe/Madrid")
    values.update(overrides)
    return services.RegistrationInput(**values)


def test_register_ngo_is_submitted_and_confirmed_by_mail(edition, django_capture_on_commit_callbacks):
    user = UserFactory(email="ana@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(edition=edition, user=user, data=data())
    registration.refresh_from_db()
    assert (registration.status, registration.email, registration.organisation_name) == (
        Status.SUBMITTED, "ana@example.org", "Cities Alliance NGO")
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert mail.outbox[0].subject == "We received your registration for World Congress 2021"
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["registration.submitted"]


def test_register_auto_approves_configured_category(edition, django_capture_on_commit_callbacks):
    services.update_settings(edition=edition, actor=None, auto_approve=[Category.NGO, Category.DELEGATE])
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.register(edition=edition, user=UserFactory(), data=data())
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED
    assert [m.subject for m in mail.outbox] == ["We received your registration for World Congress 2021",
                                                "Your registration for World Congress 2021 is approved"]


def test_register_delegate_always_needs_staff_even_if_auto_approved(edition):
    services.update_settings(edition=edition, actor=None, auto_approve=[Category.DELEGATE])
    city = OrganisationFactory(kind=OrganisationKind.MEMBER_GOVERNMENT)
    registration = services.register(edition=edition, user=UserFactory(),
                                     data=data(category=Category.DELEGATE, organisation_id=city.pk))
    assert registration.status == Status.SUBMITTED


def test_register_delegate_without_member_government_is_refused(edition):
    with pytest.raises(ValidationFailed) as exc:
        services.register(edition=edition, user=UserFactory(), data=data(category=Category.DELEGATE))
    assert (exc.value.code, exc.value.field) == ("delegate_needs_member", "organisation")
    assert Registration.objects.count() == 0


def test_register_twice_same_email_is_refused_with_clear_message(edition):
    user = UserFactory()
    services.register(edition=edition, user=user, data=data())
    with pytest.raises(Conflict) as exc:
        services.register(edition=edition, user=user, data=data(first_name="Other"))
    assert (exc.value.code, str(exc.value.message)) == (
        "already_registered", "This e-mail address is already registered for this edition.")
    assert Registration.objects.count() == 1


def test_register_duplicate_caught_by_database_constraint(edition, monkeypatch):
    user = UserFactory()
    services.register(edition=edition, user=user, data=data())
    # Skip the friendly pre-check: the unique constraint still refuses, with the same error.
    monkeypatch.setattr(Registration.objects, "filter", lambda *a, **k: Registration.objects.none())
    with pytest.raises(Conflict) as exc:
        services.register(edition=edition, user=user, data=data())
    assert exc.value.code == "already_registered"


@pytest.mark.parametrize(("override", "code"), [
    ({"privacy_consent": False}, "consent_required"),
    ({"category": "emperor"}, "unknown_category"),
    ({"mode": "teleport"}, "unknown_mode"),
    ({"first_name": "  "}, "required"),
    ({"first_name": "x" * 101}, "too_long"),
    ({"last_name": "Bad\x00name"}, "bad_text"),
    ({"organisation_name": ""}, "required"),
    ({"organisation_id": 999999}, "unknown_organisation"),
    ({"country": "QQ"}, "unknown_country"),
    ({"languages": ["en", "<script>"]}, "unknown_language"),
    ({"time_zone": "Mars/Olympus"}, "unknown_time_zone"),
])
def test_register_bad_input_changes_nothing(edition, override, code):
    with pytest.raises(ValidationFailed) as exc:
        services.register(edition=edition, user=UserFactory(), data=data(**override))
    assert exc.value.code == code
    assert Registration.objects.count() == 0


def test_register_questions_required_and_choices(edition):
    services.update_settings(edition=edition, actor=None, questions=[
        {"key": "tshirt", "label": "T-shirt", "required": True, "choices": ["S", "M", "L"]}])
    with pytest.raises(ValidationFailed) as exc:
        services.register(edition=edition, user=UserFactory(), data=data())
    assert exc.value.code == "required"
    with pytest.raises(ValidationFailed) as exc:
        services.register(edition=edition, user=UserFactory(), data=data(answers={"tshirt": "XXL"}))
    assert exc.value.code == "bad_choice"
    registration = services.register(edition=edition, user=UserFactory(), data=data(answers={"tshirt": "M"}))
    assert registration.answers == {"tshirt": "M"}


def test_register_closed_edition_refused(edition):
    services.update_settings(edition=edition, actor=None, is_open=False)
    with pytest.raises(Conflict) as exc:
        services.register(edition=edition, user=UserFactory(), data=data())
    assert exc.value.code == "registration_closed"


def test_approve_on_site_when_full_goes_to_waiting_list(edition, capacity, staff):
    capacity(1)
    first = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    second = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    services.approve_registration(registration=first, actor=staff)
    services.approve_registration(registration=second, actor=staff)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.APPROVED, Status.WAITLISTED)


def test_online_registrations_ignore_on_site_capacity(edition, capacity, staff):
    capacity(0)
    registration = RegistrationFactory(edition=edition, status=Status.SUBMITTED, mode=Mode.ONLINE)
    services.approve_registration(registration=registration, actor=staff)
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED


def test_cancel_offers_seat_to_next_in_order_with_mail(edition, capacity, staff, django_capture_on_commit_callbacks):
    capacity(1)
    holder = RegistrationFactory(edition=edition)
    now = timezone.now()
    waiting = [RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=now + dt.timedelta(minutes=i))
               for i in (2, 1, 3)]
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=holder, actor=holder.user)
    offered = list(Registration.objects.filter(offer_expires_at__isnull=False).values_list("pk", flat=True))
    assert offered == [waiting[1].pk]
    assert [m.to for m in mail.outbox] == [[waiting[1].email]]
    assert mail.outbox[0].subject == "A seat is free for you at World Congress 2021"


def test_accept_offer_takes_seat_and_expired_offer_passes_on(edition, capacity):
    capacity(1, offer_hours=24)
    holder = RegistrationFactory(edition=edition)
    now = timezone.now()
    a = RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=now)
    b = RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=now + dt.timedelta(seconds=1))
    services.cancel_registration(registration=holder, actor=None)
    # a does not answer within 24 h: the seat goes to b
    assert services.expire_offers(edition=edition, now=now + dt.timedelta(hours=25)) == 1
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.status, a.cancel_reason, b.status, b.offer_expires_at is not None) == (
        Status.CANCELLED, "offer_expired", Status.WAITLISTED, True)
    with pytest.raises(Conflict) as exc:
        services.accept_offer(registration=a, actor=a.user)
    assert exc.value.code == "no_offer"
    services.accept_offer(registration=b, actor=b.user, now=now + dt.timedelta(hours=26))
    b.refresh_from_db()
    assert b.status == Status.APPROVED


def test_accept_offer_after_expiry_refused(edition, capacity):
    capacity(1)
    waiting = RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=timezone.now(),
                                  offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(Conflict) as exc:
        services.accept_offer(registration=waiting, actor=waiting.user)
    assert exc.value.code == "offer_expired"


def test_change_mode_on_site_to_online_frees_seat(edition, capacity):
    capacity(1)
    holder = RegistrationFactory(edition=edition)
    waiting = RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    services.change_mode(registration=holder, mode=Mode.ONLINE, actor=holder.user)
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is not None


def test_change_mode_after_deadline_refused_for_participant(edition):
    services.update_settings(edition=edition, actor=None, mode_change_deadline=timezone.now() - dt.timedelta(days=1))
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    with pytest.raises(Conflict) as exc:
        services.change_mode(registration=registration, mode=Mode.ON_SITE, actor=registration.user)
    assert exc.value.code == "deadline_passed"


def test_change_mode_waitlisted_to_online_is_approved(edition, capacity):
    capacity(0)
    waiting = RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    services.change_mode(registration=waiting, mode=Mode.ONLINE, actor=waiting.user)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.mode) == (Status.APPROVED, Mode.ONLINE)


def test_decline_and_cancel_twice_conflict(edition, staff):
    registration = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    services.decline_registration(registration=registration, actor=staff)
    with pytest.raises(Conflict):
        services.decline_registration(registration=registration, actor=staff)
    services.cancel_registration(registration=registration, actor=staff)
    with pytest.raises(Conflict):
        services.cancel_registration(registration=registration, actor=staff)
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor_id")) == [
        ("registration.declined", staff.pk), ("registration.cancelled", staff.pk)]


def test_session_signup_waitlist_and_promotion(edition, django_capture_on_commit_callbacks):
    from .conftest import publish

    session = publish(edition, capacity=1)
    a, b = RegistrationFactory(edition=edition), RegistrationFactory(edition=edition)
    first = services.sign_up_for_session(registration=a, session=session, actor=a.user)
    second = services.sign_up_for_session(registration=b, session=session, actor=b.user)
    assert (first.status, second.status) == ("confirmed", "waitlisted")
    with pytest.raises(Conflict):
        services.sign_up_for_session(registration=a, session=session, actor=a.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_signup(signup=first, session=session, actor=a.user)
    second.refresh_from_db()
    assert second.status == "confirmed"
    assert [m.to for m in mail.outbox] == [[b.email]]


def test_session_signup_room_capacity_limits_too(edition):
    from .conftest import publish

    session = publish(edition, capacity=50, room_capacity=1)
    a, b = RegistrationFactory(edition=edition), RegistrationFactory(edition=edition)
    services.sign_up_for_session(registration=a, session=session, actor=None)
    assert services.sign_up_for_session(registration=b, session=session, actor=None).status == "waitlisted"


def test_session_signup_not_needed_or_not_approved(edition):
    from .conftest import publish

    open_session = publish(edition)
    registration = RegistrationFactory(edition=edition)
    with pytest.raises(Conflict) as exc:
        services.sign_up_for_session(registration=registration, session=open_session, actor=None)
    assert exc.value.code == "no_signup_needed"
    pending = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    with pytest.raises(Conflict) as exc:
        services.sign_up_for_session(registration=pending, session=open_session, actor=None)
    assert exc.value.code == "not_approved"


def test_update_registration_edits_needs_only(edition):
    registration = RegistrationFactory(edition=edition)
    services.update_registration(registration=registration, actor=registration.user, dietary_needs="Vegetarian",
                                 languages=["fr"])
    registration.refresh_from_db()
    assert (registration.dietary_needs, registration.languages) == ("Vegetarian", ["fr"])
    with pytest.raises(ValidationFailed):
        services.update_registration(registration=registration, actor=registration.user, status="approved")


def test_export_and_delete_own_data(edition, capacity):
    capacity(1)
    registration = RegistrationFactory(edition=edition, dietary_needs="Halal")
    waiting = RegistrationFactory(edition=edition, status=Status.WAITLISTED, waitlisted_at=timezone.now())
    exported = services.export_own_data(user=registration.user)
    assert [(r["edition"], r["dietary_needs"], r["status"]) for r in exported["registrations"]] == [
        (edition.slug, "Halal", "approved")]
    assert services.delete_own_data(user=registration.user) == 1
    assert list(Registration.objects.values_list("pk", flat=True)) == [waiting.pk]
    waiting.refresh_from_db()
    assert waiting.offer_expires_at is not None
    assert AuditEntry.objects.filter(action="registration.data_deleted").count() == 1
