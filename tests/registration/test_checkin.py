import datetime as dt

import pytest
from django.core import signing

from tests.factories import EditionFactory
from urbis.core.models import AuditEntry
from urbis.registration import badges as tokens
from urbis.registration import services
from urbis.registration.enums import Mode, Status
from urbis.registration.models import CheckIn, SessionSignup

from .conftest import during, publish
from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def scan(edition, code, staff, **kw):
    return services.scan_badge(edition=edition, scanned=code, gate="North", actor=staff,
                               now=kw.pop("now", during(edition)), **kw)


def test_signed_token_checks_in_once_then_flags(edition, staff):
    registration = RegistrationFactory(edition=edition)
    token = tokens.badge_token(registration)
    first = scan(edition, token, staff)
    second = scan(edition, token, staff, now=during(edition, hour=11))
    assert (first.result, first.code, second.result, second.code) == (
        "checked_in", "checked_in", "already", "already_checked_in")
    assert second.message == "Already checked in today at 10:30 (North)."
    assert list(CheckIn.objects.values_list("registration_id", "day", "gate")) == [
        (registration.pk, edition.starts_on, "North")]
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "registration.checked_in", "registration.checkin.repeated"]


def test_typed_badge_code_works_case_and_spaces_insensitive(edition, staff):
    registration = RegistrationFactory(edition=edition, badge_code="ABCDE23456")
    outcome = scan(edition, " abcde 23456 ", staff)
    assert (outcome.result, outcome.registration.pk) == ("checked_in", registration.pk)


def test_next_day_is_a_new_check_in(edition, staff):
    registration = RegistrationFactory(edition=edition)
    token = tokens.badge_token(registration)
    scan(edition, token, staff)
    assert scan(edition, token, staff, now=during(edition, day=1)).result == "checked_in"
    assert CheckIn.objects.count() == 2


def forged(registration):
    token = tokens.badge_token(registration)
    value, _sep, signature = token.rpartition(":")
    return f"{value}:{'A' * len(signature)}"


@pytest.mark.parametrize(("make", "code"), [
    (lambda r: forged(r), "forged_token"),
    (lambda r: signing.dumps({"r": r.pk, "e": r.edition_id}, salt="another.salt"), "forged_token"),
    (lambda r: signing.dumps({"r": r.pk}, salt=tokens.SALT), "forged_token"),
    (lambda r: "ZZZZZZZZZZ", "unknown_badge"),
    (lambda r: "", "empty_code"),
    (lambda r: "x" * 600, "forged_token"),
])
def test_bad_codes_refused_nothing_changed_audited(edition, staff, make, code):
    registration = RegistrationFactory(edition=edition)
    outcome = scan(edition, make(registration), staff)
    assert (outcome.result, outcome.code) == ("refused", code)
    assert CheckIn.objects.count() == 0
    assert list(AuditEntry.objects.values_list("action", "actor_id", "data__reason")) == [
        ("registration.checkin.refused", staff.pk, code)]


def test_expired_token_refused(edition, staff, settings):
    registration = RegistrationFactory(edition=edition)
    token = tokens.badge_token(registration)
    settings.URBIS_BADGE_MAX_AGE_DAYS = -1
    assert scan(edition, token, staff).code == "expired_token"


def test_badge_of_another_edition_refused(edition, staff):
    other = EditionFactory(starts_on=edition.starts_on, ends_on=edition.ends_on)
    registration = RegistrationFactory(edition=other)
    assert scan(edition, tokens.badge_token(registration), staff).code == "other_edition"
    assert scan(edition, registration.badge_code, staff).code == "other_edition"


@pytest.mark.parametrize(("status", "mode", "code"), [
    (Status.CANCELLED, Mode.ON_SITE, "cancelled"),
    (Status.SUBMITTED, Mode.ON_SITE, "not_approved"),
    (Status.WAITLISTED, Mode.ON_SITE, "not_approved"),
    (Status.DECLINED, Mode.ON_SITE, "not_approved"),
    (Status.APPROVED, Mode.ONLINE, "registered_online"),
])
def test_not_admissible_registrations_refused(edition, staff, status, mode, code):
    registration = RegistrationFactory(edition=edition, status=status, mode=mode)
    outcome = scan(edition, tokens.badge_token(registration), staff)
    assert (outcome.result, outcome.code, outcome.registration.pk) == ("refused", code, registration.pk)
    assert CheckIn.objects.count() == 0


def test_wrong_day_refused(edition, staff):
    registration = RegistrationFactory(edition=edition)
    outcome = scan(edition, tokens.badge_token(registration), staff, now=during(edition, day=-1))
    assert outcome.code == "wrong_day"


def test_session_check_in_needs_signup_for_limited_sessions(edition, staff):
    session = publish(edition, capacity=10)
    registration = RegistrationFactory(edition=edition)
    token = tokens.badge_token(registration)
    assert scan(edition, token, staff, session_code=session.code).code == "not_signed_up"
    SessionSignup.objects.create(registration=registration, edition=edition, session_code=session.code)
    assert scan(edition, token, staff, session_code=session.code).code == "checked_in"
    assert scan(edition, token, staff, session_code="NOPE").code == "unknown_session"
    assert scan(edition, token, staff, session_code=session.code, now=during(edition, day=1)).code == \
        "wrong_session_day"
    # door check-in is separate from the session check-in
    assert scan(edition, token, staff).code == "checked_in"
    assert sorted(CheckIn.objects.values_list("session_code", flat=True)) == ["", session.code]


def test_attendance_join_and_heartbeats(edition):
    services.update_settings(edition=edition, actor=None, min_online_minutes=3)
    session = publish(edition)
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    start = during(edition, hour=10, minute=0)
    services.record_join(registration=registration, session=session, now=start)
    for minute in (1, 2):
        attendance = services.record_heartbeat(registration=registration, session=session,
                                               now=start + dt.timedelta(minutes=minute))
    assert (attendance.seconds, attendance.attended) == (120, False)
    # a long gap credits at most two minutes
    attendance = services.record_heartbeat(registration=registration, session=session,
                                           now=start + dt.timedelta(minutes=30))
    assert (attendance.seconds, attendance.attended) == (240, True)
    again = services.record_join(registration=registration, session=session, now=start + dt.timedelta(minutes=31))
    assert (again.joins, again.seconds) == (2, 240)


def test_attendance_zero_minutes_counts_on_join_and_heartbeat_rules(edition):
    services.update_settings(edition=edition, actor=None, min_online_minutes=0)
    session = publish(edition)
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    with pytest.raises(services.NotFound):
        services.record_heartbeat(registration=registration, session=session, now=during(edition))
    assert services.record_join(registration=registration, session=session, now=during(edition)).attended is True
    with pytest.raises(services.Conflict):
        services.record_heartbeat(registration=registration, session=session, now=during(edition, hour=18))


def test_certificate_lists_on_site_and_online_sessions(edition, staff, django_capture_on_commit_callbacks):
    from django.core import mail

    services.update_settings(edition=edition, actor=None, min_online_minutes=0)
    online = publish(edition, title="Climate-friendly mobility")
    room_session = publish(edition, title="Board meeting", starts_at=during(edition, hour=14),
                           ends_at=during(edition, hour=15))
    registration = RegistrationFactory(edition=edition)
    with pytest.raises(services.Conflict):
        services.issue_certificate(registration=registration, actor=registration.user)
    services.record_join(registration=registration, session=online, now=during(edition))
    scan(edition, tokens.badge_token(registration), staff, session_code=room_session.code,
         now=during(edition, hour=14))
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.issue_certificate(registration=registration, actor=registration.user)
    assert [(s["title"], s["how"]) for s in certificate.sessions] == [
        ("Climate-friendly mobility", "online"), ("Board meeting", "on_site")]
    assert certificate.days_on_site == [edition.starts_on.isoformat()]
    assert len(certificate.code) == 12
    assert [m.subject for m in mail.outbox] == ["Your certificate of attendance for World Congress 2021"]
