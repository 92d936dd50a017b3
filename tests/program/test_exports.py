import datetime as dt
import json
import re
import uuid
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

import icalendar
import jsonschema
import pytest
import xmlschema
from django.test import Client

from tests.api.builders import published_edition
from tests.factories import EditionFactory, SessionFactory, StaffFactory, UserFactory
from tests.helpers import count_queries
from urbis.program.exports import calendar_for_sessions, event_slug, session_guid, session_path
from urbis.program.models import Session
from urbis.program.services import publish_programme

SCHEMAS = Path(__file__).resolve().parents[2].parent / "shared" / "formats" / "schedule"
PUBLIC = ["GEN000", "GEN001", "GEN002", "CANCEL", "NOROOM", "ONLINE", "LATE"]

# Shapes of edition the exports must handle: the default (Asia/Shanghai, 6 days), one across the
# end of summer time in Madrid, a single-day one in New York, one crossing a year end in Sydney.
SHAPES = {
    "shanghai": {},
    "madrid-dst": {"time_zone": "Europe/Madrid", "starts_on": dt.date(2021, 10, 29), "ends_on": dt.date(2021, 11, 1)},
    "one-day": {"time_zone": "America/New_York", "starts_on": dt.date(2022, 3, 13), "ends_on": dt.date(2022, 3, 13)},
    "sydney": {"time_zone": "Australia/Sydney", "starts_on": dt.date(2022, 12, 30), "ends_on": dt.date(2023, 1, 2)},
}


def _schemas_dir() -> Path:
    # CI keeps shared/ beside the clone; a missing schema is a failure, not a skip.
    assert (SCHEMAS / "schedule.xml.xsd").is_file(), f"missing {SCHEMAS}/schedule.xml.xsd"
    assert (SCHEMAS / "schedule.schema.json").is_file(), f"missing {SCHEMAS}/schedule.schema.json"
    return SCHEMAS


@pytest.fixture(scope="module")
def xsd():
    return xmlschema.XMLSchema(str(_schemas_dir() / "schedule.xml.xsd"))


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        if not isinstance(value, str):
            return True
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            raise ValueError(value)
        return dt.datetime.fromisoformat(value).tzinfo is not None

    @checker.checks("date", raises=ValueError)
    def is_date(value):
        return not isinstance(value, str) or bool(dt.date.fromisoformat(value))

    @checker.checks("uuid", raises=ValueError)
    def is_uuid(value):
        return not isinstance(value, str) or bool(uuid.UUID(value))

    @checker.checks("uri")
    def is_uri(value):
        return not isinstance(value, str) or bool(urlparse(value).scheme in ("http", "https") and urlparse(value).netloc)

    return checker


@pytest.fixture(scope="module")
def json_validator():
    schema = json.loads((_schemas_dir() / "schedule.schema.json").read_text())
    return jsonschema.Draft6Validator(schema, format_checker=_format_checker())


def _assert_json_valid(validator, document):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


# ------------------------------------------------------------------------------------ iCalendar

@pytest.mark.django_db
def test_programme_ics_parses_back_with_public_sessions_and_utc_times():
    edition, built = published_edition()
    response = Client().get("/programme.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == edition.name
    assert [tz.tz_name for tz in calendar.timezones] == ["Asia/Shanghai"]
    assert calendar.get_missing_tzids() == set()
    events = {str(e["UID"]): e for e in calendar.events}
    assert sorted(events) == sorted(f"{edition.slug}-{code}@urbis" for code in PUBLIC)
    published = {s.code: s for s in Session.objects.filter(version=built["version"])}
    for code in PUBLIC:
        event = events[f"{edition.slug}-{code}@urbis"]
        assert event.start.astimezone(dt.UTC) == published[code].starts_at.astimezone(dt.UTC)
        assert event.end.astimezone(dt.UTC) == published[code].ends_at.astimezone(dt.UTC)
        assert str(event.start.tzinfo) == "Asia/Shanghai"
        assert str(event["URL"]) == "http://testserver" + session_path(published[code])
        assert str(event["SUMMARY"]) == published[code].title
    assert str(events[f"{edition.slug}-CANCEL@urbis"]["STATUS"]) == "CANCELLED"
    assert str(events[f"{edition.slug}-GEN000@urbis"]["STATUS"]) == "CONFIRMED"
    assert str(events[f"{edition.slug}-GEN000@urbis"]["LOCATION"]) == "Main hall / Channel 1 (online)"
    assert str(events[f"{edition.slug}-ONLINE@urbis"]["LOCATION"]) == "Channel 1 (online)"
    assert "NOROOM" in str(events[f"{edition.slug}-NOROOM@urbis"]["UID"])
    assert "LOCATION" not in events[f"{edition.slug}-NOROOM@urbis"]
    assert events[f"{edition.slug}-GEN000@urbis"]["DESCRIPTION"].startswith("About forum 0.\n\n")


@pytest.mark.django_db
def test_calendar_for_sessions_dst_edition_has_both_offsets_and_round_trips():
    edition, built = published_edition(**SHAPES["madrid-dst"])
    sessions = list(Session.objects.filter(version=built["version"]).select_related("room", "stream", "part"))
    body = calendar_for_sessions(edition=edition, sessions=sessions, title="My agenda", base_url="https://x.org/")
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["X-WR-CALNAME"]) == "My agenda"
    assert calendar.get_missing_tzids() == set()
    by_uid = {str(e["UID"]): e for e in calendar.events}
    for session in sessions:
        event = by_uid[f"{edition.slug}-{session.code}@urbis"]
        assert event.start.astimezone(dt.UTC) == session.starts_at.astimezone(dt.UTC)
    # 29 October is summer time (+02:00), 1 November winter time (+01:00).
    first = by_uid[f"{edition.slug}-GEN000@urbis"].start
    last = by_uid[f"{edition.slug}-NOROOM@urbis"].start
    assert (first.utcoffset(), last.utcoffset()) == (dt.timedelta(hours=2), dt.timedelta(hours=1))
    assert b"TZOFFSETTO:+0200" in body and b"TZOFFSETTO:+0100" in body


@pytest.mark.django_db
def test_calendar_for_sessions_without_sessions_is_an_empty_calendar():
    edition = EditionFactory()
    calendar = icalendar.Calendar.from_ical(calendar_for_sessions(edition=edition, sessions=[], title="Empty"))
    assert (list(calendar.events), calendar.timezones) == ([], [])


@pytest.mark.django_db
def test_session_ics_public_session_for_anyone():
    edition, _built = published_edition()
    response = Client().get("/sessions/GEN001.ics")
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(e["UID"]) for e in calendar.events] == [f"{edition.slug}-GEN001@urbis"]
    assert Client().get(f"/editions/{edition.slug}/sessions/GEN001.ics").content == response.content


@pytest.mark.django_db
def test_session_ics_closed_session_hidden_from_anonymous_and_shown_to_staff():
    edition, _built = published_edition()
    assert Client().get("/sessions/CLOSED.ics").status_code == 404
    member = Client()
    member.force_login(UserFactory())
    assert member.get("/sessions/CLOSED.ics").status_code == 404
    staff = Client()
    staff.force_login(StaffFactory())
    response = staff.get("/sessions/CLOSED.ics")
    assert response.status_code == 200
    assert response["Cache-Control"] == "private"
    assert [str(e["UID"]) for e in icalendar.Calendar.from_ical(response.content).events] == [
        f"{edition.slug}-CLOSED@urbis"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/sessions/NOPE.ics", "/sessions/%00.ics", "/sessions/%E2%9C%93%20x.ics",
                                 "/sessions/ABCDEFGHIJKLMN.ics", "/editions/nope/programme.ics", "/editions/nope/schedule.xml",
                                 "/editions/nope/schedule.json", "/editions/nope/sessions/GEN000.ics"])
def test_unknown_edition_or_session_is_404(url):
    published_edition()
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/programme.ics", "/schedule.xml", "/schedule.json", "/sessions/GEN000.ics"])
def test_no_edition_at_all_is_404(url):
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_session_ics_draft_only_session_is_404():
    edition, _built = published_edition()
    SessionFactory(edition=edition, code="DRAFT1")
    assert Client().get("/sessions/DRAFT1.ics").status_code == 404


# ---------------------------------------------------------------------- schedule.xml / schedule.json

@pytest.mark.django_db
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_schedule_xml_and_json_validate_against_the_schemas(shape, xsd, json_validator):
    edition, _built = published_edition(**SHAPES[shape])
    xml = Client().get(f"/editions/{edition.slug}/schedule.xml")
    assert xml.status_code == 200
    assert xml["Content-Type"] == "application/xml; charset=utf-8"
    xsd.validate(xml.content.decode())
    document = Client().get(f"/editions/{edition.slug}/schedule.json").json()
    _assert_json_valid(json_validator, document)
    events = document["schedule"]["events"]
    assert sorted(e["code"] for e in events) == sorted(PUBLIC)
    root = ET.fromstring(xml.content)  # noqa: S314 - our own output
    assert sorted(e.find("title").text.removesuffix(" (cancelled)") for e in root.iter("event")) == sorted(
        e["title"] for e in events)


@pytest.mark.django_db
def test_schedule_of_unpublished_edition_is_valid_and_empty(xsd, json_validator):
    edition = EditionFactory(is_current=True)
    SessionFactory(edition=edition)  # a draft only
    xml = Client().get("/schedule.xml")
    xsd.validate(xml.content.decode())
    document = Client().get("/schedule.json").json()
    _assert_json_valid(json_validator, document)
    assert document["schedule"]["events"] == []
    assert document["schedule"]["version"] == "v0"
    assert [e for e in ET.fromstring(xml.content).iter("event")] == []  # noqa: S314


@pytest.mark.django_db
def test_schedule_json_content(json_validator):
    edition, built = published_edition(**SHAPES["madrid-dst"])
    document = Client().get("/schedule.json").json()
    _assert_json_valid(json_validator, document)
    conference = document["schedule"]["conference"]
    assert conference["acronym"] == edition.slug.replace("-", "_")
    assert conference["time_zone_name"] == "Europe/Madrid"
    assert conference["days"] == [
        {"index": 1, "date": "2021-10-29", "start": "2021-10-29T04:00:00+02:00", "end": "2021-10-30T03:59:00+02:00"},
        {"index": 2, "date": "2021-10-30", "start": "2021-10-30T04:00:00+02:00", "end": "2021-10-31T03:59:00+01:00"},
        {"index": 3, "date": "2021-10-31", "start": "2021-10-31T04:00:00+01:00", "end": "2021-11-01T03:59:00+01:00"},
        {"index": 4, "date": "2021-11-01", "start": "2021-11-01T04:00:00+01:00", "end": "2021-11-02T03:59:00+01:00"},
    ]
    assert document["schedule"]["version"] == "v1"
    events = {e["code"]: e for e in document["schedule"]["events"]}
    assert events["GEN000"] == {
        "guid": session_guid(edition, built["sessions"]["GEN000"]),
        "code": "GEN000",
        "start": "2021-10-29T09:00:00+02:00",
        "end": "2021-10-29T10:00:00+02:00",
        "duration": "PT1H",
        "room": {"name": "Main hall", "slug": "main-hall", "guid": events["GEN000"]["room"]["guid"]},
        "slug": f"{edition.slug.replace('-', '_')}-gen000-forum-0",
        "url": "http://testserver" + session_path(built["sessions"]["GEN000"]),
        "title": "Forum 0",
        "subtitle": None,
        "track": {"slug": "congress"},
        "type": "DISCUSSION",
        "language": "en",
        "abstract": "About forum 0.",
        "participants": [
            {"name": built["sessions"]["GEN000"].speaker_links.all()[0].person.full_name,
             "guid": events["GEN000"]["participants"][0]["guid"], "role": "MODERATOR"},
            {"name": built["sessions"]["GEN000"].speaker_links.all()[1].person.full_name,
             "guid": events["GEN000"]["participants"][1]["guid"], "role": "SPEAKER"},
        ],
        "links": [],
        "attachments": [],
        "state": "CONFIRMED",
    }
    assert events["GEN000"]["guid"] == str(uuid.uuid5(
        uuid.uuid5(uuid.NAMESPACE_URL, "https://urbis.example.org/schedule"), f"{edition.slug}/GEN000"))
    assert events["CANCEL"]["state"] == "CANCELED"
    assert events["NOROOM"]["room"]["name"] == "Online"  # no room nor stream: the generic room
    assert events["NOROOM"]["duration"] == "PT1H30M"
    assert events["ONLINE"]["room"]["name"] == "Channel 1"
    assert events["ONLINE"]["language"] == "zh"
    rooms = {r["name"]: r for r in conference["rooms"]}
    assert sorted(rooms) == ["Channel 1", "Main hall", "Online", "Room B"]
    assert rooms["Channel 1"]["type"] == "VIRTUAL"


@pytest.mark.django_db
def test_schedule_xml_content(xsd):
    edition, built = published_edition(**SHAPES["madrid-dst"])
    body = Client().get("/schedule.xml").content
    xsd.validate(body.decode())
    root = ET.fromstring(body)  # noqa: S314 - our own output
    days = root.findall("day")
    assert [(d.get("index"), d.get("date"), d.get("start"), d.get("end")) for d in days] == [
        ("1", "2021-10-29", "2021-10-29T04:00:00+02:00", "2021-10-30T03:59:00+02:00"),
        ("2", "2021-10-30", "2021-10-30T04:00:00+02:00", "2021-10-31T03:59:00+01:00"),
        ("3", "2021-10-31", "2021-10-31T04:00:00+01:00", "2021-11-01T03:59:00+01:00"),
        ("4", "2021-11-01", "2021-11-01T04:00:00+01:00", "2021-11-02T03:59:00+01:00"),
    ]
    slug_of = {e.find("slug").text: e for e in root.iter("event")}
    late = slug_of[event_slug(edition, built["sessions"]["LATE"])]
    # 02:00 on the second day still belongs to the first schedule day (the day changes at 04:00).
    assert [r.get("name") for r in days[0].findall("room") if late in list(r)] == ["Room B"]
    assert (late.find("date").text, late.find("start").text, late.find("duration").text) == (
        "2021-10-30T02:00:00+02:00", "02:00", "01:00")
    assert late.get("code") is None  # "LATE" is not a six-character code
    cancelled = slug_of[event_slug(edition, built["sessions"]["CANCEL"])]
    assert (cancelled.get("code"), cancelled.find("title").text, cancelled.find("type").text) == (
        "CANCEL", "Cancelled workshop (cancelled)", "Workshop")
    gen0 = slug_of[event_slug(edition, built["sessions"]["GEN000"])]
    assert [p.text for p in gen0.find("persons")] == [
        link.person.full_name for link in built["sessions"]["GEN000"].speaker_links.all()]
    assert gen0.find("track").text == "World Congress"
    assert gen0.find("url").text == "http://testserver" + session_path(built["sessions"]["GEN000"])


@pytest.mark.django_db
def test_event_ids_stay_the_same_across_versions():
    edition, built = published_edition()
    first = {e.get("guid"): e.get("id") for e in ET.fromstring(Client().get("/schedule.xml").content).iter("event")}  # noqa: S314
    publish_programme(edition=edition, actor=StaffFactory())
    second = {e.get("guid"): e.get("id") for e in ET.fromstring(Client().get("/schedule.xml").content).iter("event")}  # noqa: S314
    assert second == first


# --------------------------------------------------------------------------------- cache, queries

@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/programme.ics", "/schedule.xml", "/schedule.json"])
def test_publication_invalidates_the_cached_export(url):
    edition, _built = published_edition()
    client = Client()
    before = client.get(url).content
    assert b"Forum 1" in before
    draft = Session.objects.get(edition=edition, version__isnull=True, code="GEN001")
    Session.objects.filter(pk=draft.pk).update(title="Renamed forum")
    assert client.get(url).content == before  # cached until the next publication
    publish_programme(edition=edition, actor=StaffFactory())
    after = client.get(url).content
    assert (b"Renamed forum" in after, b"Forum 1" in after) == (True, False)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/programme.ics", "/schedule.xml", "/schedule.json"])
def test_export_query_count_does_not_grow_with_the_programme(url):
    from django.core.cache import cache

    published_edition(size=2, current=False, slug="small")
    published_edition(size=12, current=False, slug="large")
    client = Client()
    small, response = count_queries(client.get, url.replace("/", "/editions/small/", 1))
    assert response.status_code == 200
    large, response = count_queries(client.get, url.replace("/", "/editions/large/", 1))
    assert response.status_code == 200
    assert large == small
    cached, _response = count_queries(client.get, url.replace("/", "/editions/large/", 1))
    assert cached == 2  # the edition and its latest version: the file itself comes from the cache
    cache.clear()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/programme.ics", "/schedule.xml", "/schedule.json"])
def test_export_etag_gives_304_until_the_next_publication(url):
    edition, _built = published_edition()
    client = Client()
    first = client.get(url)
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again["ETag"], again.content) == (304, etag, b"")
    publish_programme(edition=edition, actor=StaffFactory())
    after = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert (after.status_code, after["ETag"] != etag) == (200, True)


@pytest.mark.django_db
def test_editing_the_edition_invalidates_the_cached_export():
    edition, _built = published_edition()
    client = Client()
    assert edition.name.encode() in client.get("/schedule.json").content
    edition.name = "Renamed congress"
    edition.save(update_fields=["name", "updated_at"])
    assert b"Renamed congress" in client.get("/schedule.json").content
