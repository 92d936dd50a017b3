"""Online → on site when the venue is full: the on-site waiting list, online meanwhile (services.change_mode)."""

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from urbis.core.models import AuditEntry
from urbis.registration import selectors, services
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import Registration

from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2021, 10, 1, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=minutes)


def row(registration):
    registration.refresh_from_db()
    return (registration.status, registration.mode, registration.onsite_wanted, registration.waitlisted_at,
            registration.offer_expires_at)


@pytest.fixture
def full(edition, capacity):
    """One on-site seat, taken."""
    capacity(1)
    return RegistrationFactory(edition=edition, category=Category.NGO)


def online(edition):
    return RegistrationFactory(edition=edition, category=Category.NGO, mode=Mode.ONLINE)


def switch(registration, now):
    return services.change_mode(registration=registration, mode=Mode.ON_SITE, actor=registration.user, now=now)


def test_switch_when_full_joins_waiting_list_and_stays_online(edition, full, django_capture_on_commit_callbacks):
    person = online(edition)
    with django_capture_on_commit_callbacks(execute=True):
        result = switch(person, at(0))
    assert (result.status, result.mode, result.onsite_wanted) == (Status.APPROVED, Mode.ONLINE, True)
    assert row(person) == (Status.APPROVED, Mode.ONLINE, True, at(0), None)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([person.email], "You are on the waiting list for World Congress 2021")]
    assert "You stay registered online until a seat is yours." in mail.outbox[0].body
    assert list(AuditEntry.objects.filter(object_id=str(person.pk)).values_list("action", "data")) == [
        ("registration.waitlisted", {"from": "online"})]


def test_switch_with_a_free_seat_moves_on_site_at_once(edition, capacity):
    capacity(1)
    person = online(edition)
    switch(person, at(0))
    assert row(person) == (Status.APPROVED, Mode.ON_SITE, False, None, None)


def test_switchers_and_new_on_site_registrations_share_one_list_in_order(edition, full, staff):
    first = RegistrationFactory(edition=edition, category=Category.NGO, status=Status.SUBMITTED)
    services.approve_registration(registration=first, actor=staff, now=at(1))
    switcher = online(edition)
    switch(switcher, at(2))
    last = RegistrationFactory(edition=edition, category=Category.NGO, status=Status.SUBMITTED)
    services.approve_registration(registration=last, actor=staff, now=at(3))
    assert list(selectors.waiting_list(edition)) == [first, switcher, last]
    # two more seats: offered to the first two in the list, whatever their way in
    services.update_settings(edition=edition, actor=staff, onsite_capacity=3)
    offered = sorted(r.pk for r in Registration.objects.filter(offer_expires_at__isnull=False))
    assert offered == sorted([first.pk, switcher.pk])
    assert row(last)[4] is None


def test_switcher_offered_a_freed_seat_takes_it_like_anyone(edition, full, django_capture_on_commit_callbacks):
    person = online(edition)
    switch(person, at(0))
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(registration=full, actor=full.user, now=at(10))
    expires = at(10) + dt.timedelta(hours=48)
    assert row(person) == (Status.APPROVED, Mode.ONLINE, True, at(0), expires)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_offer(registration=person, actor=person.user, now=at(20))
    assert row(person) == (Status.APPROVED, Mode.ON_SITE, False, at(0), None)
    assert [m.subject for m in mail.outbox] == ["A seat is free for you at World Congress 2021",
                                                "Your registration for World Congress 2021 is approved"]
    assert list(AuditEntry.objects.filter(object_id=str(person.pk)).values_list("action", flat=True)
                .order_by("id")) == ["registration.waitlisted", "registration.seat_offered",
                                     "registration.offer_accepted"]
    assert services._seats_left(services.ensure_settings(edition=edition), at(21)) == 0


def test_switcher_offer_lapses_keeps_online_and_passes_the_seat(edition, full):
    person = online(edition)
    switch(person, at(0))
    behind = RegistrationFactory(edition=edition, category=Category.NGO, status=Status.WAITLISTED,
                                 waitlisted_at=at(5))
    services.cancel_registration(registration=full, actor=full.user, now=at(10))
    assert services.expire_offers(edition=edition, now=at(10) + dt.timedelta(hours=49)) == 1
    assert row(person) == (Status.APPROVED, Mode.ONLINE, False, None, None)
    assert row(behind)[4] == at(10) + dt.timedelta(hours=49 + 48)
    assert AuditEntry.objects.filter(object_id=str(person.pk), action="registration.offer_expired").get().data == {
        "kept": "online"}


def test_capacity_lifted_moves_switchers_on_site(edition, full):
    person = online(edition)
    switch(person, at(0))
    services.update_settings(edition=edition, actor=None, onsite_capacity=None)
    assert row(person)[:3] == (Status.APPROVED, Mode.ON_SITE, False)


def test_switching_again_keeps_the_place(edition, full):
    person = online(edition)
    switch(person, at(0))
    switch(person, at(30))
    assert row(person) == (Status.APPROVED, Mode.ONLINE, True, at(0), None)


def test_back_to_online_leaves_the_list_and_passes_an_offer_on(edition, full):
    person = online(edition)
    switch(person, at(0))
    behind = online(edition)
    switch(behind, at(1))
    services.cancel_registration(registration=full, actor=full.user, now=at(10))
    services.change_mode(registration=person, mode=Mode.ONLINE, actor=person.user, now=at(11))
    assert row(person) == (Status.APPROVED, Mode.ONLINE, False, None, None)
    assert row(behind)[2:] == (True, at(1), at(11) + dt.timedelta(hours=48))
    assert list(selectors.waiting_list(edition)) == [behind]


def test_cancel_or_decline_of_a_switcher_leaves_the_list(edition, full, staff):
    a, b = online(edition), online(edition)
    switch(a, at(0))
    switch(b, at(1))
    services.cancel_registration(registration=a, actor=a.user, now=at(2))
    services.decline_registration(registration=b, actor=staff, now=at(3))
    assert (row(a)[:3], row(b)[:3]) == ((Status.CANCELLED, Mode.ONLINE, False), (Status.DECLINED, Mode.ONLINE, False))
    assert list(selectors.waiting_list(edition)) == []


def test_database_refuses_a_waiting_flag_outside_approved_online(edition):
    registration = RegistrationFactory(edition=edition, mode=Mode.ON_SITE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(onsite_wanted=True, waitlisted_at=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Registration.objects.filter(pk=registration.pk).update(mode=Mode.ONLINE, onsite_wanted=True)


def test_failed_switch_loses_nothing(edition, full, monkeypatch, django_capture_on_commit_callbacks):
    person = online(edition)

    def broken(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "log_action", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        switch(person, at(0))
    assert row(person) == (Status.APPROVED, Mode.ONLINE, False, None, None)
    assert (mail.outbox, AuditEntry.objects.filter(object_id=str(person.pk)).count()) == ([], 0)


def test_failed_acceptance_keeps_online_and_the_offer(edition, full, monkeypatch):
    person = online(edition)
    switch(person, at(0))
    services.cancel_registration(registration=full, actor=full.user, now=at(10))
    before = row(person)
    calls = []

    def broken(*args, **kwargs):
        calls.append(args[1])
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "log_action", broken)
    with pytest.raises(RuntimeError):
        services.accept_offer(registration=person, actor=person.user, now=at(20))
    assert (row(person), calls) == (before, ["registration.offer_accepted"])
    assert before[1:3] == (Mode.ONLINE, True)


def test_refused_switch_after_deadline_keeps_online(edition, full):
    services.update_settings(edition=edition, actor=None, mode_change_deadline=T0)
    person = online(edition)
    with pytest.raises(services.Conflict) as exc:
        switch(person, at(1))
    assert (exc.value.code, row(person)) == ("deadline_passed", (Status.APPROVED, Mode.ONLINE, False, None, None))


def test_page_says_waiting_and_online_meanwhile(client, edition, full):
    person = online(edition)
    client.force_login(person.user)
    response = client.post(reverse("registration:change_mode", args=[edition.slug]), {"mode": Mode.ON_SITE},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "All on-site seats are taken: you are on the waiting list and stay registered online until a seat is yours."]
    assert b'id="onsite-waiting"' in response.content
    assert row(person)[:3] == (Status.APPROVED, Mode.ONLINE, True)


def test_page_refuses_another_persons_switch(client, edition, full):
    person = online(edition)
    client.force_login(RegistrationFactory(edition=edition, mode=Mode.ONLINE).user)
    client.post(reverse("registration:change_mode", args=[edition.slug]), {"mode": Mode.ON_SITE})
    assert row(person) == (Status.APPROVED, Mode.ONLINE, False, None, None)


def test_api_switch_reports_waiting(client, edition, full):
    person = online(edition)
    client.force_login(person.user)
    response = client.post(f"/api/v1/registration/registrations/{person.pk}/mode", {"mode": "on_site"},
                           content_type="application/json")
    body = response.json()
    assert (response.status_code, body["mode"], body["status"], body["onsite_waiting"]) == (
        200, "online", "approved", True)


def test_api_switch_of_someone_else_is_404(client, edition, full):
    person = online(edition)
    client.force_login(RegistrationFactory(edition=edition, mode=Mode.ONLINE).user)
    response = client.post(f"/api/v1/registration/registrations/{person.pk}/mode", {"mode": "on_site"},
                           content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert row(person)[2] is False


def test_now_default_is_aware(edition, full):
    person = online(edition)
    services.change_mode(registration=person, mode=Mode.ON_SITE, actor=person.user)
    assert timezone.is_aware(row(person)[3])


def test_staff_list_shows_who_waits_for_on_site(client, edition, full, staff):
    person = online(edition)
    switch(person, at(0))
    client.force_login(staff)
    response = client.get(reverse("registration:staff_list", args=[edition.slug]))
    assert response.content.decode().count("data-onsite-waiting") == 1
