import pytest

from tests.factories import StaffFactory, UserFactory
from urbis.core.audit import log_action
from urbis.core.models import AuditEntry


@pytest.mark.django_db
def test_log_action_records_who_what():
    staff = StaffFactory()
    entry = log_action(staff, "accounts.user.touched", actor=staff, data={"n": 1})
    assert AuditEntry.objects.get() == entry
    assert (entry.actor, entry.action, entry.object_type, entry.object_id, entry.data) == (
        staff, "accounts.user.touched", "accounts.user", str(staff.pk), {"n": 1})


@pytest.mark.django_db
def test_audit_page_allowed_for_staff(client):
    staff = StaffFactory()
    log_action(staff, "core.test.done", actor=staff)
    client.force_login(staff)
    response = client.get("/staff/audit/")
    assert response.status_code == 200
    assert [e.action for e in response.context["page"]] == ["core.test.done"]


@pytest.mark.django_db
def test_audit_page_denied_for_others(client):
    client.force_login(UserFactory())
    assert client.get("/staff/audit/").status_code == 403


@pytest.mark.django_db
def test_audit_page_redirects_anonymous_or_denies(client):
    assert client.get("/staff/audit/").status_code == 403


@pytest.mark.django_db
def test_set_time_zone_rejects_unknown_zone(client):
    response = client.post("/time-zone/", {"time_zone": "Mars/Olympus", "next": "/"})
    assert response.status_code == 302
    assert "urbis_tz" not in response.cookies


@pytest.mark.django_db
def test_set_time_zone_saves_for_logged_in_user(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/time-zone/", {"time_zone": "America/Sao_Paulo", "next": "/"})
    user.refresh_from_db()
    assert (response.status_code, user.time_zone, response.cookies["urbis_tz"].value) == (
        302, "America/Sao_Paulo", "America/Sao_Paulo")


@pytest.mark.django_db
def test_browser_reported_zone_cookie_is_decoded(client):
    from django.test import RequestFactory

    from urbis.core.middleware import DisplayTimezoneMiddleware

    request = RequestFactory().get("/", HTTP_COOKIE="urbis_tz=Europe%2FParis")
    request.user = UserFactory.build()
    request.user.time_zone = ""
    seen = {}
    DisplayTimezoneMiddleware(lambda r: seen.setdefault("zone", r.display_tz_name))(request)
    assert seen == {"zone": "Europe/Paris"}
