import json

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import count_queries
from urbis.core.models import AuditEntry
from urbis.members.enums import OrganisationKind
from urbis.registration import badges as tokens
from urbis.registration import services
from urbis.registration.enums import Category, Mode, Status
from urbis.registration.models import Attendance, Certificate, CheckIn, Registration

from .conftest import during, publish
from .factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


FORM = {"first_name": "Ana", "last_name": "Pérez", "category": Category.NGO, "mode": Mode.ONLINE,
        "organisation_name": "Habitat NGO", "country": "ES", "languages": ["es", "en"], "time_zone": "Europe/Madrid",
        "privacy_consent": "on"}


def test_register_page_needs_login(client, edition):
    response = client.get(reverse("registration:register", args=[edition.slug]))
    assert (response.status_code, response.url.startswith("/accounts/login/")) == (302, True)


def test_register_page_creates_registration(client, edition):
    user = UserFactory(email="ana@example.org")
    login(client, user)
    assert client.get(reverse("registration:register", args=[edition.slug])).status_code == 200
    response = client.post(reverse("registration:register", args=[edition.slug]), FORM)
    assert (response.status_code, response.url) == (302, f"/registration/{edition.slug}/me/")
    assert list(Registration.objects.values_list("email", "status", "mode")) == [
        ("ana@example.org", "submitted", "online")]


def test_register_page_missing_consent_and_malicious_fields(client, edition):
    login(client, UserFactory())
    bad = {**FORM, "privacy_consent": "", "first_name": "<script>alert(1)</script>", "category": "king"}
    response = client.post(reverse("registration:register", args=[edition.slug]), bad)
    assert response.status_code == 422
    assert b"<script>alert(1)</script>" not in response.content
    assert Registration.objects.count() == 0


def test_register_page_second_time_redirects_with_message(client, edition):
    registration = RegistrationFactory(edition=edition)
    login(client, registration.user)
    response = client.post(reverse("registration:register", args=[edition.slug]), FORM, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["You are already registered for this edition."]
    assert Registration.objects.count() == 1


def test_me_page_shows_own_status_and_needs_only_to_owner(client, edition):
    registration = RegistrationFactory(edition=edition, dietary_needs="Vegan")
    login(client, registration.user)
    response = client.get(reverse("registration:me", args=[edition.slug]))
    assert response.status_code == 200
    assert response.context["registration"] == registration


def test_staff_detail_shows_private_data_denied_to_others(client, edition, staff):
    registration = RegistrationFactory(edition=edition, accessibility_needs="Wheelchair access")
    url = reverse("registration:staff_detail", args=[edition.slug, registration.pk])
    login(client, registration.user)
    assert client.get(url).status_code == 403
    login(client, staff)
    response = client.get(url)
    assert (response.status_code, b"Wheelchair access" in response.content) == (200, True)


def test_staff_approve_from_list(client, edition, staff):
    registration = RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    url = reverse("registration:staff_decide", args=[edition.slug, registration.pk, "approve"])
    login(client, registration.user)
    assert client.post(url).status_code == 403
    login(client, staff)
    assert client.post(url).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.APPROVED
    assert AuditEntry.objects.filter(action="registration.approved", actor=staff).count() == 1


def test_staff_approve_twice_shows_message_not_500(client, edition, staff):
    registration = RegistrationFactory(edition=edition, status=Status.APPROVED)
    login(client, staff)
    response = client.post(reverse("registration:staff_decide", args=[edition.slug, registration.pk, "approve"]),
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Only submitted or declined registrations can be approved."]


def test_staff_list_query_count_does_not_grow(client, edition, staff):
    login(client, staff)
    url = reverse("registration:staff_list", args=[edition.slug])
    RegistrationFactory.create_batch(3, edition=edition)
    small, _ = count_queries(client.get, url)
    RegistrationFactory.create_batch(30, edition=edition)
    large, response = count_queries(client.get, url)
    assert (response.status_code, small) == (200, large)


def test_staff_list_denied_to_participant(client, edition):
    login(client, UserFactory())
    assert client.get(reverse("registration:staff_list", args=[edition.slug])).status_code == 403


def test_dashboard_query_count_does_not_grow_and_denied(client, edition, staff):
    url = reverse("registration:dashboard", args=[edition.slug])
    login(client, UserFactory())
    assert client.get(url).status_code == 403
    login(client, staff)
    RegistrationFactory.create_batch(3, edition=edition)
    small, _ = count_queries(client.get, url)
    for country in ("FR", "CN", "BR", "ZA"):
        RegistrationFactory.create_batch(5, edition=edition, country=country,
                                         organisation=OrganisationFactory(country=country, city=f"C-{country}"))
    large, response = count_queries(client.get, url)
    assert (response.status_code, small) == (200, large)
    assert response.context["data"]["totals"]["countries"] == 5
    assert b'id="world-map"' in response.content


def test_dashboard_figures(edition):
    from urbis.registration.stats import dashboard

    ngo = OrganisationFactory(kind=OrganisationKind.NGO, country="FR", city="Paris", region="europe",
                              membership_status="none")
    un = OrganisationFactory(kind=OrganisationKind.INTERNATIONAL_ORGANISATION, country="KE", city="Nairobi",
                             region="africa", membership_status="none")
    member = OrganisationFactory(country="ES", city="Barcelona", region="europe")
    RegistrationFactory(edition=edition, organisation=member, country="ES")
    RegistrationFactory(edition=edition, organisation=member, country="ES", mode=Mode.ONLINE)
    RegistrationFactory(edition=edition, organisation=ngo, country="FR", category=Category.NGO, status="submitted")
    RegistrationFactory(edition=edition, organisation=un, country="KE", category=Category.INTERNATIONAL_ORGANISATION)
    RegistrationFactory(edition=edition, organisation=un, country="KE", status=Status.CANCELLED)
    data = dashboard(edition, today=edition.starts_on)
    totals = data["totals"]
    assert (totals["registrations"], totals["active"], totals["countries"], totals["cities"], totals["members"],
            totals["international_organisations"], totals["on_site"], totals["online"]) == (5, 4, 3, 3, 1, 1, 3, 1)
    assert data["tables"]["country"]["rows"] == [["Spain", "ES", 2], ["France", "FR", 1], ["Kenya", "KE", 1]]
    assert data["tables"]["region"]["rows"] == [["Europe", 3], ["Africa", 1]]
    assert sorted(data["world"], key=lambda c: c["id"]) == [
        {"id": "250", "code": "FR", "name": "France", "value": 1},
        {"id": "404", "code": "KE", "name": "Kenya", "value": 1},
        {"id": "724", "code": "ES", "name": "Spain", "value": 2}]


@pytest.mark.parametrize("name", ["registrations", "checkins", "attendance", "country", "status", "online_attendance"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports(client, edition, staff, name, fmt):
    RegistrationFactory(edition=edition, first_name="=HYPERLINK(1)")
    login(client, staff)
    response = client.get(reverse("registration:staff_export", args=[edition.slug, name, fmt]))
    assert response.status_code == 200
    if fmt == "csv" and name == "registrations":
        assert "'=HYPERLINK(1)" in response.content.decode()
    if fmt == "xlsx":
        assert response.content[:2] == b"PK"


def test_exports_denied_and_unknown(client, edition, staff):
    login(client, UserFactory())
    assert client.get(reverse("registration:staff_export", args=[edition.slug, "registrations", "csv"])
                      ).status_code == 403
    login(client, staff)
    assert client.get(reverse("registration:staff_export", args=[edition.slug, "secrets", "csv"])).status_code == 404


def test_badge_pdf_for_approved_on_site_only(client, edition):
    registration = RegistrationFactory(edition=edition, first_name="李", last_name="华")
    login(client, registration.user)
    response = client.get(reverse("registration:badge", args=[edition.slug]))
    assert (response.status_code, response["Content-Type"], response.content[:5]) == (
        200, "application/pdf", b"%PDF-")
    online = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    login(client, online.user)
    assert client.get(reverse("registration:badge", args=[edition.slug])).status_code == 302


def test_bulk_badges_sheet_for_staff_only(client, edition, staff):
    RegistrationFactory.create_batch(5, edition=edition)
    url = reverse("registration:staff_badges", args=[edition.slug]) + "?sheet=1"
    login(client, UserFactory())
    assert client.get(url).status_code == 403
    login(client, staff)
    response = client.get(url)
    assert pdf_pages(response.content) == 2  # 5 badges, 4 per A4 sheet


def pdf_pages(content: bytes) -> int:
    import re

    return len(re.findall(rb"/Type\s*/Page[^s]", content))


def test_single_badges_one_page_each(edition):
    from urbis.registration.documents import badge_pdf

    assert pdf_pages(badge_pdf(RegistrationFactory.create_batch(3, edition=edition))) == 3


def test_checkin_page_typed_code_and_denied(client, edition, staff, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: during(edition))
    registration = RegistrationFactory(edition=edition, badge_code="ABCDEFGH23")
    url = reverse("registration:checkin", args=[edition.slug])
    login(client, registration.user)
    assert client.post(url, {"code": "ABCDEFGH23"}).status_code == 403
    assert CheckIn.objects.count() == 0
    login(client, staff)
    assert client.get(url).status_code == 200
    response = client.post(url, {"code": "abcdefgh23", "gate": "Hall A"})
    assert response.context["outcome"].code == "checked_in"
    response = client.post(url, {"code": tokens.badge_token(registration), "gate": "Hall B"}, HTTP_HX_REQUEST="true")
    assert (response.context["outcome"].code, b'data-code="already_checked_in"' in response.content) == (
        "already_checked_in", True)
    assert CheckIn.objects.count() == 1


def test_join_records_attendance_and_redirects(client, edition, monkeypatch):
    from django.utils import timezone

    session = publish(edition)
    monkeypatch.setattr(timezone, "now", lambda: during(edition, minute=5))
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    url = reverse("registration:join", args=[session.code])
    outsider = UserFactory()
    login(client, outsider)
    assert client.get(url).status_code == 403
    login(client, registration.user)
    response = client.get(url)
    assert (response.status_code, response.url) == (302, "https://meet.example.org/s1")
    assert list(Attendance.objects.values_list("registration_id", "session_code")) == [(registration.pk, session.code)]
    beat = client.post(reverse("registration:heartbeat", args=[session.code]))
    assert (beat.status_code, beat.json()) == (200, {"seconds": 0, "attended": False})


def test_join_closed_before_opening(client, edition, monkeypatch):
    from django.utils import timezone

    session = publish(edition)
    monkeypatch.setattr(timezone, "now", lambda: during(edition, hour=8))
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    login(client, registration.user)
    response = client.get(reverse("registration:join", args=[session.code]))
    assert (response.status_code, Attendance.objects.count()) == (302, 0)


def test_certificate_issue_download_and_public_verification(client, edition):
    services.update_settings(edition=edition, actor=None, min_online_minutes=0)
    session = publish(edition)
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    services.record_join(registration=registration, session=session, now=during(edition))
    login(client, registration.user)
    client.post(reverse("registration:certificate", args=[edition.slug]))
    certificate = Certificate.objects.get()
    response = client.get(reverse("registration:certificate", args=[edition.slug]))
    assert response.content[:5] == b"%PDF-"
    client.logout()
    verified = client.get(reverse("registration:verify_certificate", args=[certificate.code]))
    assert (verified.status_code, registration.full_name.encode() in verified.content) == (200, True)
    assert client.get(reverse("registration:verify_certificate", args=["NOTACODE"])).status_code == 404


def test_export_my_data_and_delete(client, edition):
    registration = RegistrationFactory(edition=edition, dietary_needs="Kosher")
    login(client, registration.user)
    data = json.loads(client.get(reverse("registration:export_my_data")).content)
    assert [r["dietary_needs"] for r in data["registrations"]] == ["Kosher"]
    client.post(reverse("registration:delete_my_data"), {"confirm": ""})
    assert Registration.objects.count() == 1
    client.post(reverse("registration:delete_my_data"), {"confirm": "yes"})
    assert Registration.objects.count() == 0


def test_delegation_contact_sees_and_cancels_own_delegation_only(client, edition, staff):
    city = OrganisationFactory()
    other_city = OrganisationFactory()
    mine = RegistrationFactory(edition=edition, organisation=city)
    theirs = RegistrationFactory(edition=edition, organisation=other_city)
    contact = UserFactory()
    services.add_delegation_contact(organisation=city, user=contact, actor=staff)
    login(client, contact)
    response = client.get(reverse("registration:delegation", args=[edition.slug, city.slug]))
    assert list(response.context["registrations"]) == [mine]
    assert client.get(reverse("registration:delegation", args=[edition.slug, other_city.slug])).status_code == 403
    assert client.post(reverse("registration:delegation_cancel", args=[edition.slug, other_city.slug, theirs.pk])
                       ).status_code == 403
    client.post(reverse("registration:delegation_cancel", args=[edition.slug, city.slug, mine.pk]))
    mine.refresh_from_db()
    assert mine.status == Status.CANCELLED


def test_change_mode_page(client, edition):
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    login(client, registration.user)
    response = client.post(reverse("registration:change_mode", args=[edition.slug]), {"mode": Mode.ON_SITE},
                           follow=True)
    registration.refresh_from_db()
    assert (registration.mode, [str(m) for m in response.context["messages"]]) == (
        Mode.ON_SITE, ["Your attendance mode was changed."])
    response = client.post(reverse("registration:change_mode", args=[edition.slug]), {"mode": "moon"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Choose on site or online."]


def test_staff_index_redirects_to_current_edition(client, edition, staff):
    login(client, UserFactory())
    assert client.get("/registration/staff/").status_code == 403
    login(client, staff)
    response = client.get("/registration/staff/")
    assert (response.status_code, response.url) == (302, f"/registration/staff/{edition.slug}/")


def test_index_sends_newcomer_to_form_and_participant_to_page(client, edition):
    login(client, UserFactory())
    assert client.get("/registration/").url == f"/registration/{edition.slug}/"
    registration = RegistrationFactory(edition=edition)
    login(client, registration.user)
    assert client.get("/registration/").url == f"/registration/{edition.slug}/me/"


def test_staff_sends_reminders_with_join_links(client, edition, staff, django_capture_on_commit_callbacks):
    from django.core import mail

    session = publish(edition, title="Opening plenary")
    online = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    RegistrationFactory(edition=edition, status=Status.SUBMITTED)
    url = reverse("registration:staff_remind", args=[edition.slug])
    login(client, online.user)
    assert client.post(url).status_code == 403
    login(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    assert [(m.to, m.subject) for m in mail.outbox] == [([online.email], "World Congress 2021 starts soon")]
    assert f"/registration/join/{session.code}/" in mail.outbox[0].body


def test_details_page_edits_own_needs_only(client, edition):
    registration = RegistrationFactory(edition=edition, dietary_needs="")
    url = reverse("registration:details", args=[edition.slug])
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404  # no registration of theirs to edit
    client.force_login(registration.user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"dietary_needs": "Gluten-free", "languages": ["fr"], "time_zone": "Europe/Paris"})
    registration.refresh_from_db()
    assert (response.status_code, registration.dietary_needs, registration.languages, registration.time_zone) == (
        302, "Gluten-free", ["fr"], "Europe/Paris")
    response = client.post(url, {"time_zone": "Nowhere/Land"})
    registration.refresh_from_db()
    assert (response.status_code, registration.time_zone) == (200, "Europe/Paris")


def test_delegation_page_query_count_does_not_grow(client, edition, staff):
    city = OrganisationFactory()
    client.force_login(staff)
    url = reverse("registration:delegation", args=[edition.slug, city.slug])
    RegistrationFactory.create_batch(2, edition=edition, organisation=city)
    small, _ = count_queries(client.get, url)
    RegistrationFactory.create_batch(20, edition=edition, organisation=city)
    large, response = count_queries(client.get, url)
    assert (response.status_code, len(response.context["registrations"]), small) == (200, 22, large)


def test_me_page_query_count_does_not_grow_with_sessions(client, edition, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: during(edition, hour=9, minute=50))
    registration = RegistrationFactory(edition=edition, mode=Mode.ONLINE)
    client.force_login(registration.user)
    url = reverse("registration:me", args=[edition.slug])
    publish(edition)
    small, first = count_queries(client.get, url)
    for _i in range(8):
        publish(edition)
    large, response = count_queries(client.get, url)
    assert (len(first.context["join_links"]), len(response.context["join_links"]), small) == (1, 9, large)
