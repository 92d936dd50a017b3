import pytest

from tests.factories import OrganisationFactory, PersonFactory, StaffFactory
from tests.members.factories import ORG_HEADERS, org_row, table_bytes
from urbis.core.errors import ValidationFailed
from urbis.core.models import AuditEntry
from urbis.members.importing import (
    MAX_UPLOAD_BYTES,
    RowError,
    export_organisations,
    export_people,
    read_table,
)
from urbis.members.models import Organisation, Person
from urbis.members.services import import_organisations, import_people

pytestmark = pytest.mark.django_db


def _rows(*rows):
    return read_table(name="members.csv", content=table_bytes(ORG_HEADERS, list(rows)))


def _snapshot():
    return list(Organisation.objects.order_by("pk").values())


# Reading files


def test_read_table_csv_and_xlsx_give_the_same_rows():
    rows = [org_row("lyon"), org_row("lille", population="1200000")]
    from_csv = read_table(name="a.CSV", content=table_bytes(ORG_HEADERS, rows, "csv"))
    from_xlsx = read_table(name="a.xlsx", content=table_bytes(ORG_HEADERS, rows, "xlsx"))
    assert from_csv == from_xlsx
    assert from_csv[1] == {"slug": "lille", "name": "Lille", "kind": "member_government", "country": "FR",
                           "city": "Lille", "population": "1200000", "region": "", "time_zone": "Europe/Paris",
                           "membership_status": "active", "member_since": "1990"}


@pytest.mark.parametrize(("name", "content", "code"), [
    ("members.pdf", b"%PDF-1.4", "wrong_file_type"),
    ("members.xlsx", b"this is not a workbook", "broken_file"),
    ("members.xlsx", b"PK\x03\x04broken zip", "broken_file"),
    ("members.csv", b"\xff\xfe\x00bad", "bad_encoding"),
    ("members.csv", b"", "empty_file"),
    ("members.csv", b"slug,name,kind\n", "empty_file"),
    ("members.csv", b"x" * (MAX_UPLOAD_BYTES + 1), "file_too_large"),
])
def test_read_table_rejects_unreadable_files(name, content, code):
    with pytest.raises(ValidationFailed) as caught:
        read_table(name=name, content=content)
    assert (caught.value.code, caught.value.field) == (code, "file")


# Planning and applying


def test_dry_run_counts_create_update_unchanged_and_writes_nothing():
    OrganisationFactory(slug="paris", name="Paris", kind="member_government", country="FR", city="Paris",
                        population=2_000_000, region="europe", time_zone="Europe/Paris",
                        membership_status="active", member_since=1990)
    OrganisationFactory(slug="lyon", name="Lyon", country="FR", city="Lyon", population=1, region="europe",
                        time_zone="Europe/Paris", member_since=1990)
    before = _snapshot()
    result = import_organisations(rows=_rows(org_row("paris"), org_row("lyon"), org_row("lille")),
                                  actor=None, dry_run=True)
    assert (result.errors, result.counts(), result.applied) == (
        (), {"created": 1, "updated": 1, "unchanged": 1}, False)
    assert [(p.slug, p.action, p.changed) for p in result.rows] == [
        ("paris", "unchanged", ()), ("lyon", "update", ("population",)), ("lille", "create", ())]
    assert _snapshot() == before
    assert AuditEntry.objects.count() == 0


def test_apply_creates_and_updates_in_one_go_with_one_audit_entry():
    staff = StaffFactory()
    OrganisationFactory(slug="lyon", name="Lyon", country="FR", population=1, region="europe",
                        time_zone="Europe/Paris", member_since=1990, city="Lyon")
    result = import_organisations(rows=_rows(org_row("lyon"), org_row("lille", country="BE")), actor=staff,
                                  dry_run=False)
    assert (result.applied, result.counts()) == (True, {"created": 1, "updated": 1, "unchanged": 0})
    lille = Organisation.objects.get(slug="lille")
    assert (lille.name, lille.country, lille.region, lille.population, lille.member_since, lille.membership_status) == (
        "Lille", "BE", "europe", 2_000_000, 1990, "active")
    assert Organisation.objects.get(slug="lyon").population == 2_000_000
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data) == (
        "members.organisations.imported", staff, {"created": 1, "updated": 1, "unchanged": 0})


def test_row_errors_are_reported_per_row_and_nothing_changes():
    OrganisationFactory(slug="paris", population=5)
    before = _snapshot()
    rows = _rows(
        org_row("paris", population="7"),
        org_row("atlantis", country="XX"),
        org_row("big", population="a lot"),
        org_row("nowhere", region="moon"),
        org_row("late", time_zone="Europe/Atlantis"),
        org_row("big2", population="-4"),
        org_row("atlantis"),
        org_row("nameless", name=""),
        org_row("typeless", kind=""),
        org_row("Bad Slug"),
    )
    for dry_run in (True, False):
        result = import_organisations(rows=rows, actor=None, dry_run=dry_run)
        assert [(e.row, e.column, e.code) for e in result.errors] == [
            (3, "country", "unknown_country"),
            (4, "population", "invalid_population"),
            (5, "region", "unknown_region"),
            (6, "time_zone", "unknown_time_zone"),
            (7, "population", "invalid_population"),
            (8, "slug", "duplicate_slug"),
            (9, "name", "required"),
            (10, "kind", "required"),
            (11, "slug", "invalid_slug"),
        ]
        assert result.applied is False
    assert result.errors[0] == RowError(3, "country", "unknown_country", "Unknown country code: XX.")
    assert result.errors[5].message == "The slug atlantis also appears in row 3."
    assert _snapshot() == before
    assert AuditEntry.objects.count() == 0


def test_missing_required_column_is_a_file_level_error():
    rows = read_table(name="a.csv", content=b"slug,country\nparis,FR\n")
    result = import_organisations(rows=rows, actor=None, dry_run=True)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (1, "name", "missing_column"), (1, "kind", "missing_column")]
    assert result.rows == ()


def test_columns_left_out_are_not_changed():
    OrganisationFactory(slug="paris", name="Paris", population=123, city="Paris")
    rows = read_table(name="a.csv", content=b"slug,name,kind\nparis,Paris,member_government\n")
    result = import_organisations(rows=rows, actor=None, dry_run=False)
    assert result.counts() == {"created": 0, "updated": 0, "unchanged": 1}
    assert Organisation.objects.get().population == 123


def test_import_people_links_organisations_by_slug():
    org = OrganisationFactory(slug="seoul")
    PersonFactory(slug="kim-old", first_name="Kim", last_name="Old", organisation=None, title="")
    content = table_bytes(
        ["slug", "first_name", "last_name", "email", "organisation", "function", "languages", "public_profile"],
        [["kim-old", "Kim", "Old", "", "seoul", "mayor", "ko; en", "no"],
         ["lee-new", "Lee", "New", "LEE@example.org", "seoul", "", "ko", ""]], "xlsx")
    result = import_people(rows=read_table(name="p.xlsx", content=content), actor=None, dry_run=False)
    assert (result.errors, result.counts()) == ((), {"created": 1, "updated": 1, "unchanged": 0})
    kim, lee = Person.objects.get(slug="kim-old"), Person.objects.get(slug="lee-new")
    assert (kim.organisation, kim.function, kim.languages, kim.public_profile) == (org, "mayor", ["ko", "en"], False)
    assert (lee.organisation, lee.email, lee.function, lee.public_profile) == (org, "lee@example.org", "other", True)
    assert AuditEntry.objects.get().data == {"created": 1, "updated": 1, "unchanged": 0}


def test_import_people_reports_unknown_organisation_and_bad_email():
    content = table_bytes(["slug", "first_name", "last_name", "email", "organisation"],
                          [["a-b", "A", "B", "nope", ""], ["c-d", "C", "D", "", "ghost-town"]])
    result = import_people(rows=read_table(name="p.csv", content=content), actor=None, dry_run=False)
    assert [(e.row, e.column, e.code) for e in result.errors] == [
        (2, "email", "invalid_email"), (3, "organisation", "unknown_organisation")]
    assert Person.objects.count() == 0


def test_export_then_import_round_trips_unchanged():
    OrganisationFactory(slug="paris", website="https://paris.fr", latitude=48.85, longitude=2.35, dues_paid=False)
    OrganisationFactory(slug="quito", country="EC", region="latin-america", population=None, member_since=None)
    PersonFactory(slug="ana", organisation=Organisation.objects.get(slug="paris"), languages=["fr", "es"])
    for fmt in ("csv", "xlsx"):
        org_file = export_organisations(queryset=Organisation.objects.all(), fmt=fmt)
        people_file = export_people(queryset=Person.objects.all(), fmt=fmt)
        orgs = import_organisations(rows=read_table(name=f"o.{fmt}", content=org_file), actor=None, dry_run=True)
        people = import_people(rows=read_table(name=f"p.{fmt}", content=people_file), actor=None, dry_run=True)
        assert (orgs.errors, orgs.counts()) == ((), {"created": 0, "updated": 0, "unchanged": 2})
        assert (people.errors, people.counts()) == ((), {"created": 0, "updated": 0, "unchanged": 1})


def test_export_csv_content():
    OrganisationFactory(slug="paris", name="Paris", country="FR", city="Paris", population=2_100_000,
                        region="europe", time_zone="Europe/Paris", membership_status="active", member_since=1985,
                        dues_paid=True)
    text = export_organisations(queryset=Organisation.objects.all(), fmt="csv").decode()
    assert text.splitlines() == [
        "slug,name,kind,country,city,population,region,time_zone,membership_status,member_since,dues_paid,"
        "website,latitude,longitude",
        "paris,Paris,member_government,FR,Paris,2100000,europe,Europe/Paris,active,1985,yes,,,",
    ]


def test_export_rejects_unknown_format():
    with pytest.raises(ValidationFailed) as caught:
        export_organisations(queryset=Organisation.objects.all(), fmt="pdf")
    assert caught.value.code == "unknown_format"


def test_blank_region_is_derived_from_the_current_country():
    OrganisationFactory(slug="tokyo", name="Tokyo", country="JP", region="")
    rows = read_table(name="a.csv", content=b"slug,name,kind,region\ntokyo,Tokyo,member_government,\n")
    result = import_organisations(rows=rows, actor=None, dry_run=False)
    assert [(p.action, p.changed) for p in result.rows] == [("update", ("region",))]
    assert Organisation.objects.get().region == "asia-pacific"


def test_export_defuses_formulas_and_import_restores_the_text():
    OrganisationFactory(slug="odd", name="=HYPERLINK(\"http://evil.example\")", city="-Minus")
    for fmt in ("csv", "xlsx"):
        content = export_organisations(queryset=Organisation.objects.all(), fmt=fmt)
        if fmt == "csv":
            assert "'=HYPERLINK" in content.decode()
        rows = read_table(name=f"o.{fmt}", content=content)
        assert (rows[0]["name"], rows[0]["city"]) == ('=HYPERLINK("http://evil.example")', "-Minus")
        result = import_organisations(rows=rows, actor=None, dry_run=True)
        assert result.counts() == {"created": 0, "updated": 0, "unchanged": 1}
