import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, StaffFactory, UserFactory
from tests.helpers import count_queries
from tests.members.factories import ORG_HEADERS, org_row, table_bytes
from urbis.core.models import AuditEntry
from urbis.members.models import Organisation, Person
from urbis.members.views import IMPORT_SESSION_KEY

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [org.name for org in response.context["page"]]


# Directory


def test_directory_lists_active_and_suspended_member_governments_only(client):
    OrganisationFactory(name="Active City")
    OrganisationFactory(name="Suspended City", membership_status="suspended")
    OrganisationFactory(name="Former City", membership_status="former")
    OrganisationFactory(name="Partner Org", kind="partner", membership_status="none")
    response = client.get("/members/")
    assert response.status_code == 200
    assert _names(response) == ["Active City", "Suspended City"]
    assert "Former City" not in response.content.decode()


def test_directory_other_tab_lists_partners_ios_and_ngos(client):
    OrganisationFactory(name="Active City")
    OrganisationFactory(name="UN-Habitat", kind="international_organisation", membership_status="none")
    OrganisationFactory(name="Partner Org", kind="partner", membership_status="none")
    OrganisationFactory(name="Some Company", kind="private_sector", membership_status="none")
    response = client.get("/members/?type=others")
    assert _names(response) == ["Partner Org", "UN-Habitat"]


def test_directory_filters_by_region_country_and_search(client):
    OrganisationFactory(name="Madrid", city="Madrid", country="ES", region="europe")
    OrganisationFactory(name="Barcelona Metropolitan Area", city="Barcelona", country="ES", region="europe")
    OrganisationFactory(name="Buenos Aires", city="Buenos Aires", country="AR", region="latin-america")
    assert _names(client.get("/members/?region=latin-america")) == ["Buenos Aires"]
    assert _names(client.get("/members/?country=es")) == ["Barcelona Metropolitan Area", "Madrid"]
    assert _names(client.get("/members/?q=barcel")) == ["Barcelona Metropolitan Area"]
    assert _names(client.get("/members/?q=madrid&region=europe&country=ES")) == ["Madrid"]
    response = client.get("/members/")
    assert response.context["countries"] == [("AR", "Argentina"), ("ES", "Spain")]


def test_directory_ignores_bad_filters(client):
    OrganisationFactory(name="Madrid")
    response = client.get("/members/?region=moon&country=XX&type=bogus&page=abc")
    assert (response.status_code, _names(response)) == (200, ["Madrid"])


@pytest.mark.parametrize("path", ["/members/", "/members/?type=others", "/members/?region=europe&q=City"])
def test_directory_query_count_does_not_grow(client, path):
    def fill(n):
        for _ in range(n):
            org = OrganisationFactory()
            OrganisationFactory(kind="partner", membership_status="none")
            PersonFactory.create_batch(2, organisation=org)

    fill(2)
    small, response = count_queries(client.get, path)
    assert response.status_code == 200
    fill(20)
    large, response = count_queries(client.get, path)
    assert response.status_code == 200
    assert small == large


# Organisation page


def test_organisation_page_shows_facts_and_public_people(client):
    org = OrganisationFactory(name="Montréal", city="Montréal", country="CA", region="north-america",
                              population=4_300_000, member_since=1985, time_zone="America/Toronto")
    PersonFactory(first_name="Valérie", last_name="Plante", organisation=org, title="Mayor of Montréal")
    PersonFactory(first_name="Hidden", last_name="Person", organisation=org, public_profile=False)
    response = client.get(f"/members/{org.slug}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert [p.full_name for p in response.context["people"]] == ["Valérie Plante"]
    for text in ("Montréal", "Canada", "North America", "4,300,000", "1985", "America/Toronto",
                 "<strong>Valérie Plante</strong> — Mayor of Montréal"):
        assert text in body
    assert "Hidden" not in body


def test_organisation_page_of_unlisted_organisation_is_staff_only(client):
    org = OrganisationFactory(membership_status="former")
    assert client.get(f"/members/{org.slug}/").status_code == 404
    client.force_login(UserFactory())
    assert client.get(f"/members/{org.slug}/").status_code == 404
    client.force_login(StaffFactory())
    assert client.get(f"/members/{org.slug}/").status_code == 200


def test_organisation_page_unknown_slug_is_404(client):
    assert client.get("/members/no-such-city/").status_code == 404


# Import (staff)


def _upload(client, content: bytes, name: str = "members.csv", kind: str = "organisations"):
    return client.post("/members/staff/import/", {"kind": kind, "file": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(("user_factory", "status"), [(None, 403), (UserFactory, 403), (StaffFactory, 200)])
def test_import_page_is_staff_only(client, user_factory, status):
    if user_factory:
        client.force_login(user_factory())
    assert client.get("/members/staff/import/").status_code == status


def test_import_upload_denied_to_non_staff_changes_nothing(client):
    client.force_login(UserFactory())
    response = _upload(client, table_bytes(ORG_HEADERS, [org_row("lyon")]))
    assert response.status_code == 403
    assert client.post("/members/staff/import/confirm/", {"token": "x"}).status_code == 403
    assert Organisation.objects.count() == 0


def test_import_preview_then_confirm_applies_and_audits(client):
    staff = StaffFactory()
    client.force_login(staff)
    OrganisationFactory(slug="paris", name="Paris", country="FR", city="Paris", population=2_000_000,
                        region="europe", time_zone="Europe/Paris", membership_status="active", member_since=1990)
    response = _upload(client, table_bytes(ORG_HEADERS, [org_row("paris"), org_row("lyon")], "xlsx"), "m.xlsx")
    assert response.status_code == 200
    assert response.context["result"].counts() == {"created": 1, "updated": 0, "unchanged": 1}
    token = response.context["token"]
    assert token and Organisation.objects.count() == 1
    response = client.post("/members/staff/import/confirm/", {"token": token})
    assert response.status_code == 302
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == ["lyon", "paris"]
    assert IMPORT_SESSION_KEY not in client.session
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data) == (
        "members.organisations.imported", staff, {"created": 1, "updated": 0, "unchanged": 1})
    message = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert message == ["Import done: 1 created, 0 updated, 1 unchanged."]
    # The same token cannot be applied twice.
    again = client.post("/members/staff/import/confirm/", {"token": token})
    assert again.status_code == 302
    assert AuditEntry.objects.count() == 1


def test_import_preview_with_errors_offers_no_confirmation(client):
    client.force_login(StaffFactory())
    response = _upload(client, table_bytes(ORG_HEADERS, [org_row("lyon", country="XX")]))
    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["token"] == ""
    assert "Unknown country code: XX." in body
    assert "Confirm the import" not in body
    assert IMPORT_SESSION_KEY not in client.session
    assert Organisation.objects.count() == 0


@pytest.mark.parametrize(("name", "content", "message"), [
    ("members.txt", b"slug,name\n", "Upload a .csv or .xlsx file."),
    ("members.xlsx", b"not a workbook", "The XLSX file is damaged or is not an Excel workbook."),
    ("members.csv", b"a" * (5 * 1024 * 1024 + 1), "The file is larger than 5 MB."),
])
def test_import_rejects_bad_files_with_a_message(client, name, content, message):
    client.force_login(StaffFactory())
    response = _upload(client, content, name)
    assert response.status_code == 400
    assert response.context["form"].errors == {"file": [message]}
    assert Organisation.objects.count() == 0


def test_import_confirm_revalidates_against_the_current_database(client):
    client.force_login(StaffFactory())
    org = OrganisationFactory(slug="seoul")
    content = table_bytes(["slug", "first_name", "last_name", "organisation"], [["kim", "Kim", "Lee", "seoul"]])
    response = _upload(client, content, "people.csv", kind="people")
    token = response.context["token"]
    org.delete()  # between the preview and the confirmation
    response = client.post("/members/staff/import/confirm/", {"token": token})
    assert response.status_code == 409
    assert [(e.row, e.code) for e in response.context["result"].errors] == [(2, "unknown_organisation")]
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_import_confirm_with_a_foreign_token_is_refused(client):
    client.force_login(StaffFactory())
    _upload(client, table_bytes(ORG_HEADERS, [org_row("lyon")]))
    response = client.post("/members/staff/import/confirm/", {"token": "../../secret_key"})
    assert response.status_code == 302
    assert Organisation.objects.count() == 0


# Export (staff)


@pytest.mark.parametrize(("url", "fmt", "content_type"), [
    ("/members/staff/export/organisations/", "csv", "text/csv; charset=utf-8"),
    ("/members/staff/export/people/", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_export_allowed_for_staff(client, url, fmt, content_type):
    PersonFactory()
    client.force_login(StaffFactory())
    response = client.get(f"{url}?format={fmt}")
    assert (response.status_code, response["Content-Type"]) == (200, content_type)
    assert re.fullmatch(r'attachment; filename="urbis-(organisations|people)\.' + fmt + '"',
                        response["Content-Disposition"])


@pytest.mark.parametrize("url", ["/members/staff/export/organisations/", "/members/staff/export/people/"])
def test_export_denied_for_participants(client, url):
    client.force_login(UserFactory())
    assert client.get(f"{url}?format=csv").status_code == 403
    client.logout()
    assert client.get(f"{url}?format=csv").status_code == 403


def test_export_unknown_format_is_400(client):
    client.force_login(StaffFactory())
    response = client.get(reverse("members:export_organisations") + "?format=pdf")
    assert (response.status_code, response.content.decode()) == (400, "Unknown export format: pdf.")


def test_a_new_upload_replaces_the_pending_one(client, settings):
    from pathlib import Path

    client.force_login(StaffFactory())
    first = _upload(client, table_bytes(ORG_HEADERS, [org_row("lyon")])).context["token"]
    second = _upload(client, table_bytes(ORG_HEADERS, [org_row("lille")])).context["token"]
    imports = Path(settings.DATA_DIR) / "imports"
    assert (imports / f"{first}.json").exists() is False
    assert (imports / f"{second}.json").exists() is True
    assert client.post("/members/staff/import/confirm/", {"token": first}).status_code == 302
    assert Organisation.objects.count() == 0
    client.post("/members/staff/import/confirm/", {"token": second})
    assert list(Organisation.objects.values_list("slug", flat=True)) == ["lille"]
    assert (imports / f"{second}.json").exists() is False


def test_organisation_page_query_count_does_not_grow(client):
    org = OrganisationFactory()
    PersonFactory.create_batch(2, organisation=org)
    small, response = count_queries(client.get, f"/members/{org.slug}/")
    assert response.status_code == 200
    PersonFactory.create_batch(20, organisation=org)
    large, response = count_queries(client.get, f"/members/{org.slug}/")
    assert (response.status_code, len(response.context["people"]), small) == (200, 22, large)
