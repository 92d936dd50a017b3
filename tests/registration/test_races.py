"""Real concurrent clients (threads, each with its own database connection) on PostgreSQL."""

import threading

import pytest
from django.db import connection, connections

from tests.factories import UserFactory
from tests.helpers import requires_postgres
from urbis.core.errors import Conflict
from urbis.registration import badges as tokens
from urbis.registration import services
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import CheckIn, Registration, SessionSignup

from .conftest import during, publish
from .factories import RegistrationFactory

pytestmark = [pytest.mark.race, requires_postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(func, args_list):
    """Start one thread per argument, release them together, return (results, errors)."""
    barrier = threading.Barrier(len(args_list))
    results, errors = [], []
    lock = threading.Lock()

    def worker(arg):
        try:
            barrier.wait()
            value = func(arg)
            with lock:
                results.append(value)
        except Exception as exc:  # noqa: BLE001 — collected and asserted on
            with lock:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(arg,)) for arg in args_list]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def edition_with_seats():
    from tests.factories import EditionFactory

    edition = EditionFactory(slug="race", is_current=True)
    services.ensure_settings(edition=edition)
    services.update_settings(edition=edition, actor=None, onsite_capacity=5)
    return edition


def approve_all(edition, count=24):
    registrations = [RegistrationFactory(edition=edition, status=Status.SUBMITTED) for _ in range(count)]
    results, errors = run_concurrently(lambda r: services.approve_registration(registration=r, actor=None),
                                       registrations)
    approved = Registration.objects.filter(edition=edition, mode=Mode.ON_SITE, status=Status.APPROVED).count()
    waitlisted = Registration.objects.filter(edition=edition, status=Status.WAITLISTED).count()
    return approved, waitlisted, errors


def test_on_site_seats_never_oversold(edition_with_seats, monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.02)
    assert approve_all(edition_with_seats) == (5, 19, [])


def test_control_without_the_lock_oversells(edition_with_seats, monkeypatch):
    monkeypatch.setattr(services, "SEAT_LOCKING", False)
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.02)
    approved, waitlisted, errors = approve_all(edition_with_seats)
    assert errors == []
    assert approved > 5  # the race the lock prevents
    assert approved + waitlisted == 24


def test_session_signups_never_oversold_and_control(edition_with_seats, monkeypatch):
    session = publish(edition_with_seats, capacity=3)
    registrations = [RegistrationFactory(edition=edition_with_seats) for _ in range(16)]
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.02)

    def sign(r):
        return services.sign_up_for_session(registration=r, session=session, actor=None)

    results, errors = run_concurrently(sign, registrations[:8])
    assert (errors, SessionSignup.objects.filter(status="confirmed").count()) == ([], 3)
    monkeypatch.setattr(services, "SEAT_LOCKING", False)
    SessionSignup.objects.all().delete()
    results, errors = run_concurrently(sign, registrations[8:])
    assert errors == []
    assert SessionSignup.objects.filter(status="confirmed").count() > 3


def test_two_gates_scanning_the_same_badge_at_once_count_once(edition_with_seats):
    registration = RegistrationFactory(edition=edition_with_seats)
    token = tokens.badge_token(registration)
    when = during(edition_with_seats)
    results, errors = run_concurrently(
        lambda gate: services.scan_badge(edition=edition_with_seats, scanned=token, gate=gate, actor=None, now=when),
        [f"gate-{i}" for i in range(12)])
    assert errors == []
    assert sorted(o.result for o in results) == ["already"] * 11 + ["checked_in"]
    assert CheckIn.objects.count() == 1


def test_same_person_registering_concurrently_gets_one_registration(edition_with_seats):
    user = UserFactory()

    def submit(i):
        return services.register(edition=edition_with_seats, user=user, data=services.RegistrationInput(
            first_name="Ana", last_name=f"P{i}", category=Category.GUEST, mode=Mode.ONLINE, privacy_consent=True,
            organisation_name="Guest house"))

    results, errors = run_concurrently(submit, range(10))
    assert (len(results), Registration.objects.count()) == (1, 1)
    assert sorted({type(e).__name__ for e in errors}) == ["Conflict"]
    assert {e.code for e in errors if isinstance(e, Conflict)} == {"already_registered"}


def switch_all(edition, count=24, new_on_site=0):
    """`count` approved online registrations switch to on site at once (and `new_on_site` submitted on-site
    ones are approved at the same moment); returns (on site, on the list, errors)."""
    switchers = [RegistrationFactory(edition=edition, category=Category.NGO, mode=Mode.ONLINE)
                 for _ in range(count)]
    newcomers = [RegistrationFactory(edition=edition, category=Category.NGO, status=Status.SUBMITTED)
                 for _ in range(new_on_site)]

    def act(registration):
        if registration.status == Status.SUBMITTED:
            return services.approve_registration(registration=registration, actor=None)
        return services.change_mode(registration=registration, mode=Mode.ON_SITE, actor=registration.user)

    results, errors = run_concurrently(act, switchers + newcomers)
    on_site = Registration.objects.filter(edition=edition, mode=Mode.ON_SITE, status=Status.APPROVED).count()
    waiting = Registration.objects.filter(edition=edition).filter(
        services.on_site_queue()).count()
    return on_site, waiting, errors


def test_switches_to_on_site_never_oversell(edition_with_seats, monkeypatch):
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.02)
    assert switch_all(edition_with_seats) == (5, 19, [])
    still_online = Registration.objects.filter(edition=edition_with_seats, mode=Mode.ONLINE,
                                               status=Status.APPROVED, onsite_wanted=True).count()
    assert still_online == 19


def test_switches_and_new_on_site_registrations_together_never_oversell(edition_with_seats, monkeypatch):
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.02)
    assert switch_all(edition_with_seats, count=12, new_on_site=12) == (5, 19, [])


def test_control_switches_without_the_lock_oversell(edition_with_seats, monkeypatch):
    monkeypatch.setattr(services, "SEAT_LOCKING", False)
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.02)
    on_site, waiting, errors = switch_all(edition_with_seats)
    assert errors == []
    assert on_site > 5  # the race the lock prevents
    assert on_site + waiting == 24


def test_freed_seats_go_to_switchers_once_while_others_switch(edition_with_seats, monkeypatch):
    """Seats freed by cancellations while more people switch: every seat is taken or offered once."""
    monkeypatch.setattr(services, "RACE_PAUSE_SECONDS", 0.01)
    holders = [RegistrationFactory(edition=edition_with_seats, category=Category.NGO) for _ in range(5)]
    switchers = [RegistrationFactory(edition=edition_with_seats, category=Category.NGO, mode=Mode.ONLINE)
                 for _ in range(12)]

    def act(registration):
        if registration.mode == Mode.ON_SITE:
            return services.cancel_registration(registration=registration, actor=None)
        return services.change_mode(registration=registration, mode=Mode.ON_SITE, actor=registration.user)

    results, errors = run_concurrently(act, holders[:3] + switchers)
    from django.utils import timezone

    taken = Registration.objects.filter(edition=edition_with_seats, mode=Mode.ON_SITE,
                                        status=Status.APPROVED).count()
    offered = Registration.objects.filter(services.on_site_queue(), edition=edition_with_seats,
                                          offer_expires_at__gt=timezone.now()).count()
    assert (errors, taken + offered) == ([], 5)
    assert Registration.objects.filter(services.on_site_queue(), edition=edition_with_seats).count() == \
        12 - (taken - 2)
