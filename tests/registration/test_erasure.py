"""Erasing a participant: data gone, seat passed on, audit entries without the person's name or e-mail."""

import json

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from urbis.core.audit import log_action, scrub_entries
from urbis.core.models import AuditEntry
from urbis.registration import services
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import Attendance, CheckIn, Registration

from .conftest import during
from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(edition, staff):
    registration = RegistrationFactory(edition=edition, category=Category.NGO, first_name="Zoë",
                                       last_name="Brandtvik", email="zoe.brandtvik@example.org",
                                       user=UserFactory(email="zoe.brandtvik@example.org"))
    services.update_registration(registration=registration, actor=registration.user, function="Mayor's adviser")
    services.scan_badge(edition=edition, scanned=registration.badge_code, gate="north", actor=staff,
                        now=during(edition))
    # an entry elsewhere that quotes the person (e.g. a staff note)
    log_action(None, "registration.note", actor=staff, data={"note": "Call Zoë Brandtvik back",
                                                             "to": ["zoe.brandtvik@example.org"], "n": 3})
    return registration


def audit_text():
    return json.dumps(list(AuditEntry.objects.values("object_repr", "data")), ensure_ascii=False).lower()


def test_erase_participant_removes_data_and_scrubs_the_audit(edition, staff, person):
    pk = person.pk
    assert "brandtvik" in audit_text()
    assert services.erase_participant(registration=person, actor=staff) == pk
    assert (Registration.objects.filter(pk=pk).exists(), CheckIn.objects.count(), Attendance.objects.count()) == (
        False, 0, 0)
    text = audit_text()
    assert ("brandtvik" in text, "zoë" in text, "zoe.brandtvik" in text) == (False, False, False)
    about = AuditEntry.objects.filter(object_type="registration.registration", object_id=str(pk)).order_by("id")
    assert list(about.values_list("action", "object_repr")) == [
        ("registration.updated", f"erased participant #{pk}"),
        ("registration.checked_in", f"erased participant #{pk}"),
        ("registration.cancelled", f"erased participant #{pk}"),
        ("registration.participant_erased", f"erased participant #{pk}")]
    last = about.last()
    assert (last.actor, last.data) == (staff, {"registration": pk, "edition": edition.pk})
    note = AuditEntry.objects.get(action="registration.note")
    assert note.data == {"note": "[erased]", "to": ["[erased]"], "n": 3}


def test_erase_passes_the_seat_to_the_waiting_list(edition, staff, capacity):
    capacity(1)
    holder = RegistrationFactory(edition=edition, category=Category.NGO)
    waiting = RegistrationFactory(edition=edition, category=Category.NGO, status=Status.WAITLISTED,
                                  waitlisted_at=holder.created_at)
    services.erase_participant(registration=holder, actor=staff)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.offer_expires_at is not None) == (Status.WAITLISTED, True)


def test_erase_keeps_other_people_entries(edition, staff, person):
    other = RegistrationFactory(edition=edition, first_name="Amadou", last_name="Diallo", mode=Mode.ONLINE)
    services.cancel_registration(registration=other, actor=staff)
    services.erase_participant(registration=person, actor=staff)
    assert AuditEntry.objects.get(object_id=str(other.pk)).object_repr == f"Amadou Diallo (#{other.pk})"


def test_delete_own_data_scrubs_the_audit_too(edition, person):
    services.delete_own_data(user=person.user)
    assert "brandtvik" not in audit_text()


def test_scrub_ignores_short_terms(edition, staff):
    registration = RegistrationFactory(edition=edition, first_name="Li", last_name="Wu")
    log_action(None, "registration.note", actor=staff, data={"note": "Lima and Wuhan"})
    scrub_entries(object_type="registration.registration", object_id=str(registration.pk), label="x",
                  terms=["Li", "Wu"])
    assert AuditEntry.objects.get().data == {"note": "Lima and Wuhan"}


def test_erase_page_for_staff(client, edition, staff, person):
    client.force_login(staff)
    url = reverse("registration:staff_erase", args=[edition.slug, person.pk])
    response = client.post(url, {"confirm": "yes"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [f"Participant #{person.pk} was erased."]
    assert Registration.objects.filter(pk=person.pk).exists() is False


def test_erase_page_needs_the_confirmation(client, edition, staff, person):
    client.force_login(staff)
    response = client.post(reverse("registration:staff_erase", args=[edition.slug, person.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Tick the box to confirm."]
    assert Registration.objects.filter(pk=person.pk).exists() is True


def test_erase_page_denied_to_participants(client, edition, person):
    client.force_login(person.user)
    response = client.post(reverse("registration:staff_erase", args=[edition.slug, person.pk]), {"confirm": "yes"})
    assert (response.status_code, Registration.objects.filter(pk=person.pk).exists()) == (403, True)


def test_erase_page_unknown_registration_is_404(client, edition, staff):
    client.force_login(staff)
    response = client.post(reverse("registration:staff_erase", args=[edition.slug, 999999]), {"confirm": "yes"})
    assert response.status_code == 404
