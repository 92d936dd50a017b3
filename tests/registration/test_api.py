import pytest

from tests.factories import OrganisationFactory, UserFactory
from urbis.registration import badges as tokens
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import CheckIn, Registration

from .conftest import during
from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/registration"


def test_list_requires_login(client):
    response = client.get(f"{BASE}/registrations")
    assert (response.status_code, response.json()["error"]["code"]) == (401, "unauthenticated")


def test_list_own_only_and_staff_sees_all(client, edition, staff):
    mine = RegistrationFactory(edition=edition, dietary_needs="Vegan")
    RegistrationFactory(edition=edition)
    client.force_login(mine.user)
    body = client.get(f"{BASE}/registrations").json()
    assert (body["count"], [i["id"] for i in body["items"]], body["items"][0]["dietary_needs"]) == (
        1, [mine.pk], "Vegan")
    client.force_login(staff)
    assert client.get(f"{BASE}/registrations?edition={edition.slug}").json()["count"] == 2


def test_get_other_persons_registration_is_404(client, edition):
    other = RegistrationFactory(edition=edition)
    client.force_login(UserFactory())
    assert client.get(f"{BASE}/registrations/{other.pk}").status_code == 404


def test_delegation_contact_sees_delegate_but_not_needs(client, edition, staff):
    from urbis.registration.services import add_delegation_contact

    city = OrganisationFactory()
    delegate = RegistrationFactory(edition=edition, organisation=city, dietary_needs="Halal", visa_letter=True)
    contact = UserFactory()
    add_delegation_contact(organisation=city, user=contact, actor=staff)
    client.force_login(contact)
    body = client.get(f"{BASE}/registrations/{delegate.pk}").json()
    assert (body["id"], body["dietary_needs"], body["visa_letter"], body["badge_code"]) == (
        delegate.pk, None, None, None)


def test_create_registration_and_duplicate(client, edition):
    user = UserFactory(email="li@example.org")
    client.force_login(user)
    payload = {"first_name": "Li", "last_name": "Wei", "category": Category.ACADEMIA, "mode": Mode.ONLINE,
               "privacy_consent": True, "organisation_name": "Tsinghua University", "languages": ["zh", "en"]}
    response = client.post(f"{BASE}/editions/{edition.slug}/registrations", payload, content_type="application/json")
    assert (response.status_code, response.json()["status"], response.json()["email"]) == (
        201, "submitted", "li@example.org")
    again = client.post(f"{BASE}/editions/{edition.slug}/registrations", payload, content_type="application/json")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_registered")
    assert Registration.objects.count() == 1


def test_create_registration_bad_input(client, edition):
    client.force_login(UserFactory())
    url = f"{BASE}/editions/{edition.slug}/registrations"
    response = client.post(url, {"first_name": "X"}, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")
    response = client.post(url, {"first_name": "X", "last_name": "Y", "category": "ngo", "mode": "online",
                                 "privacy_consent": False, "organisation_name": "Z"}, content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "consent_required")
    response = client.post(f"{BASE}/editions/nope/registrations", {}, content_type="application/json")
    assert response.status_code in (404, 422)
    assert Registration.objects.count() == 0


def test_approve_needs_staff(client, edition, staff):
    registration = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    client.force_login(registration.user)
    response = client.post(f"{BASE}/registrations/{registration.pk}/approve")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")
    client.force_login(staff)
    response = client.post(f"{BASE}/registrations/{registration.pk}/approve")
    assert (response.status_code, response.json()["status"]) == (200, "approved")


def test_cancel_and_mode_own(client, edition):
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    client.force_login(registration.user)
    response = client.post(f"{BASE}/registrations/{registration.pk}/mode", {"mode": "on_site"},
                           content_type="application/json")
    assert (response.status_code, response.json()["mode"]) == (200, "on_site")
    response = client.post(f"{BASE}/registrations/{registration.pk}/cancel")
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    response = client.post(f"{BASE}/registrations/{registration.pk}/cancel")
    assert (response.status_code, response.json()["error"]["code"]) == (409, "already_cancelled")


def test_check_in_staff_only_and_flags_second_scan(client, edition, staff, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: during(edition))
    registration = RegistrationFactory(edition=edition)
    url = f"{BASE}/editions/{edition.slug}/checkins"
    payload = {"code": tokens.badge_token(registration), "gate": "A"}
    client.force_login(registration.user)
    assert client.post(url, payload, content_type="application/json").status_code == 403
    client.force_login(staff)
    first = client.post(url, payload, content_type="application/json").json()
    second = client.post(url, payload, content_type="application/json").json()
    assert (first["result"], first["flagged"], second["result"], second["flagged"]) == (
        "checked_in", False, "already", True)
    forged = client.post(url, {"code": payload["code"][:-3] + "abc"}, content_type="application/json")
    assert (forged.status_code, forged.json()["error"]["code"]) == (409, "forged_token")
    assert CheckIn.objects.count() == 1


def test_attendance_list_own_and_staff(client, edition, staff):
    from urbis.registration.models import Attendance

    from .conftest import publish

    session = publish(edition)
    mine = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    other = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    for registration in (mine, other):
        Attendance.objects.create(registration=registration, edition=edition, session_code=session.code,
                                  joined_at=during(edition), last_seen_at=during(edition))
    client.force_login(mine.user)
    body = client.get(f"{BASE}/editions/{edition.slug}/attendance").json()
    assert [i["registration_id"] for i in body["items"]] == [mine.pk]
    client.force_login(staff)
    assert client.get(f"{BASE}/editions/{edition.slug}/attendance").json()["count"] == 2
    client.logout()
    assert client.get(f"{BASE}/editions/{edition.slug}/attendance").status_code == 401


def test_heartbeat_denied_without_registration(client, edition):
    from .conftest import publish

    session = publish(edition)
    client.force_login(UserFactory())
    response = client.post(f"{BASE}/editions/{edition.slug}/sessions/{session.code}/heartbeat")
    assert response.status_code == 403


def test_openapi_schema_and_out_of_range_ids(client, edition):
    assert client.get("/api/v1/openapi.json").status_code == 200
    client.force_login(UserFactory())
    response = client.get(f"{BASE}/registrations/99999999999999999999999")
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")
    response = client.post(f"{BASE}/registrations/0/approve")
    assert response.status_code == 422
