import datetime as dt

import pytest
from django.test import Client

from tests.api.builders import at, published_edition
from tests.factories import EditionFactory, PersonFactory, StaffFactory, UserFactory
from tests.helpers import count_queries
from urbis.core.models import AuditEntry
from urbis.program.enums import SessionStatus
from urbis.program.exports import session_path
from urbis.program.models import ProgrammeVersion, Session, SessionSpeaker

API = "/api/v1"
PUBLIC = ["GEN000", "GEN001", "GEN002", "CANCEL", "NOROOM", "ONLINE", "LATE"]


def _codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def _sorted_public(edition) -> list[str]:
    rows = Session.objects.filter(version__edition=edition, version=edition.versions.get(), code__in=PUBLIC)
    return list(rows.order_by("starts_at", "room__position", "title", "code").values_list("code", flat=True))


def staff_client() -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    return client


def _csrf(client: Client) -> dict:
    from django.middleware.csrf import _get_new_csrf_string

    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return {"HTTP_X_CSRFTOKEN": token}


# ---------------------------------------------------------------------------------------- editions

@pytest.mark.django_db
def test_editions_list_and_detail():
    edition, built = published_edition()
    other = EditionFactory(slug="next-one", starts_on=dt.date(2024, 10, 1), ends_on=dt.date(2024, 10, 3))
    response = Client().get(f"{API}/editions")
    assert response.status_code == 200
    assert [(e["slug"], e["version"], e["is_current"]) for e in response.json()] == [
        (other.slug, None, False), (edition.slug, 1, True)]
    detail = Client().get(f"{API}/editions/{edition.slug}").json()
    published_at = dt.datetime.fromisoformat(detail.pop("published_at"))
    assert abs(published_at - built["version"].published_at) < dt.timedelta(milliseconds=1)
    assert detail == {
        "slug": edition.slug, "name": edition.name, "number": None, "starts_on": "2021-11-08",
        "ends_on": "2021-11-13", "time_zone": "Asia/Shanghai", "venue_city": "Guangzhou", "venue_country": "CN",
        "venue": "", "format": "hybrid", "is_current": True, "description": "", "version": 1,
    }


@pytest.mark.django_db
def test_unknown_edition_is_404_with_the_error_format():
    response = Client().get(f"{API}/editions/nope")
    assert (response.status_code, response.json()) == (
        404, {"error": {"code": "not_found", "message": "Not found.", "field": None}})


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/editions/no%20pe", "/editions/x/sessions?limit=0", "/editions/x/sessions?sdg=18",
                                 "/editions/x/sessions?mode=teleport", "/editions/x/sessions?day=tuesday",
                                 "/editions/x/sessions?q=%00", "/members?region=atlantis", "/members?country=ESP"])
def test_malformed_query_is_422_validation_failed(url):
    EditionFactory(slug="x")
    response = Client().get(API + url)
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_failed"


# ---------------------------------------------------------------------------------------- sessions

@pytest.mark.django_db
def test_sessions_anonymous_sees_public_sessions_only():
    edition, _built = published_edition()
    response = Client().get(f"{API}/editions/{edition.slug}/sessions")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (7, 50, 0)
    assert _codes(response) == _sorted_public(edition)


@pytest.mark.django_db
def test_sessions_staff_sees_closed_and_members_sessions():
    edition, _built = published_edition()
    client = Client()
    client.force_login(StaffFactory())
    assert sorted(_codes(client.get(f"{API}/editions/{edition.slug}/sessions"))) == sorted(PUBLIC + ["CLOSED", "MEMBERS"])


@pytest.mark.django_db
def test_sessions_logged_in_person_sees_members_but_not_closed():
    edition, _built = published_edition()
    client = Client()
    client.force_login(UserFactory())
    assert sorted(_codes(client.get(f"{API}/editions/{edition.slug}/sessions"))) == sorted(PUBLIC + ["MEMBERS"])


@pytest.mark.django_db
def test_session_item_shape():
    edition, built = published_edition()
    # (not by search: factory names carry sequence numbers, so "forum 0" can match other sessions' speakers)
    items = Client().get(f"{API}/editions/{edition.slug}/sessions?limit=100").json()["items"]
    item = [i for i in items if i["code"] == "GEN000"]
    gen0 = built["sessions"]["GEN000"]
    links = list(gen0.speaker_links.select_related("person__organisation").order_by("position"))
    assert item == [{
        "code": "GEN000", "title": "Forum 0", "abstract": "About forum 0.", "type": "forum", "mode": "hybrid",
        "visibility": "public", "status": "confirmed", "languages": ["en", "fr"],
        "part": {"slug": "congress", "name": "World Congress", "colour": "#1f5f8b"},
        "themes": [built["theme"].slug], "sdgs": [built["sdg"].number],
        "room": {"id": built["rooms"][0].pk, "name": "Main hall"},
        "stream": {"id": built["stream"].pk, "name": "Channel 1"},
        "starts_at": "2021-11-08T09:00:00+08:00", "ends_at": "2021-11-08T10:00:00+08:00",
        "duration_minutes": 60, "capacity": None,
        "speakers": [{"slug": link.person.slug, "name": link.person.full_name, "role": link.role, "title": "",
                      "organisation": link.person.organisation.name} for link in links],
        "url": "http://testserver" + session_path(gen0),
        "ics_url": f"http://testserver/editions/{edition.slug}/sessions/GEN000.ics",
    }]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("day=2021-11-08", ["GEN000", "CANCEL", "ONLINE"]),
    ("day=2021-11-09", ["LATE", "GEN001"]),
    ("day=2021-11-20", []),
    ("part=congress", ["GEN000", "GEN002"]),
    ("part=nope", []),
    ("mode=online", ["ONLINE"]),
    ("mode=in_person", ["NOROOM"]),
    ("language=es", ["NOROOM"]),
    ("language=fr", ["GEN000", "GEN001", "GEN002"]),
    ("q=walk", ["NOROOM"]),
    ("q=walk park", ["NOROOM"]),
    ("q=cancelled WORKSHOP", ["CANCEL"]),
])
def test_sessions_filters(query, expected):
    edition, _built = published_edition()
    response = Client().get(f"{API}/editions/{edition.slug}/sessions?{query}")
    assert response.status_code == 200
    assert _codes(response) == expected


@pytest.mark.django_db
def test_sessions_filters_theme_sdg_room():
    edition, built = published_edition()
    base = f"{API}/editions/{edition.slug}/sessions"
    client = Client()
    assert _codes(client.get(f"{base}?theme={built['theme'].slug}")) == ["GEN000", "GEN001", "GEN002"]
    assert _codes(client.get(f"{base}?sdg={built['sdg'].number}")) == ["GEN000", "GEN001", "GEN002"]
    assert _codes(client.get(f"{base}?room={built['rooms'][1].pk}")) == ["LATE", "GEN001"]
    assert _codes(client.get(f"{base}?room={built['rooms'][1].pk}&day=2021-11-09")) == ["LATE", "GEN001"]


@pytest.mark.django_db
def test_sessions_speaker_name_search():
    edition, built = published_edition()
    person = built["sessions"]["GEN001"].speaker_links.first().person
    response = Client().get(f"{API}/editions/{edition.slug}/sessions?q={person.last_name}")
    assert _codes(response) == ["GEN001"]


@pytest.mark.django_db
def test_sessions_pagination():
    edition, _built = published_edition()
    everything = _sorted_public(edition)
    page = Client().get(f"{API}/editions/{edition.slug}/sessions?limit=3&offset=2").json()
    assert (page["count"], page["limit"], page["offset"]) == (7, 3, 2)
    assert [i["code"] for i in page["items"]] == everything[2:5]
    last = Client().get(f"{API}/editions/{edition.slug}/sessions?limit=3&offset=6").json()
    assert [i["code"] for i in last["items"]] == everything[6:]
    beyond = Client().get(f"{API}/editions/{edition.slug}/sessions?offset=100").json()
    assert (beyond["count"], beyond["items"]) == (7, [])


@pytest.mark.django_db
def test_sessions_before_publication_is_empty():
    edition = EditionFactory()
    assert Client().get(f"{API}/editions/{edition.slug}/sessions").json() == {
        "count": 0, "limit": 50, "offset": 0, "items": []}


@pytest.mark.django_db
def test_sessions_list_query_count_does_not_grow():
    small, _ = published_edition(size=2, current=False, slug="small")
    large, _ = published_edition(size=15, current=False, slug="large")
    client = Client()
    few, response = count_queries(client.get, f"{API}/editions/small/sessions")
    assert response.json()["count"] == 6
    many, response = count_queries(client.get, f"{API}/editions/large/sessions")
    assert response.json()["count"] == 19
    assert many == few


@pytest.mark.django_db
def test_session_detail_public_for_anyone():
    edition, _built = published_edition()
    response = Client().get(f"{API}/editions/{edition.slug}/sessions/CANCEL")
    assert response.status_code == 200
    body = response.json()
    assert (body["code"], body["status"], body["edition"], body["join_url"]) == (
        "CANCEL", "cancelled", edition.slug, None)
    assert Client().get(f"{API}/sessions/CANCEL").json() == body
    assert Client().get(f"{API}/sessions/CANCEL?edition={edition.slug}").json() == body


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["CLOSED", "MEMBERS", "NOPE"])
def test_session_detail_hidden_from_anonymous(code):
    edition, _built = published_edition()
    assert Client().get(f"{API}/editions/{edition.slug}/sessions/{code}").status_code == 404
    assert Client().get(f"{API}/sessions/{code}").status_code == 404


@pytest.mark.django_db
def test_session_detail_closed_for_staff_and_own_speaker_not_other_people():
    edition, built = published_edition()
    url = f"{API}/editions/{edition.slug}/sessions/CLOSED"
    staff = Client()
    staff.force_login(StaffFactory())
    assert staff.get(url).status_code == 200
    speaker_user = UserFactory()
    person = PersonFactory(user=speaker_user)
    SessionSpeaker.objects.create(session=Session.objects.get(version=built["version"], code="CLOSED"), person=person)
    speaker = Client()
    speaker.force_login(speaker_user)
    assert speaker.get(url).status_code == 200
    other = Client()
    other.force_login(UserFactory())
    assert other.get(url).status_code == 404


@pytest.mark.django_db
def test_session_detail_unknown_edition_query_is_404():
    published_edition()
    assert Client().get(f"{API}/sessions/GEN000?edition=nope").status_code == 404


@pytest.mark.django_db
def test_session_detail_join_url_only_for_who_may_join_while_open(settings):
    from django.utils import timezone

    edition, built = published_edition()
    session = Session.objects.get(version=built["version"], code="GEN000")
    now = timezone.now()
    Session.objects.filter(pk=session.pk).update(starts_at=now - dt.timedelta(minutes=5),
                                                 ends_at=now + dt.timedelta(minutes=55))
    url = f"{API}/editions/{edition.slug}/sessions/GEN000"
    assert Client().get(url).json()["join_url"] is None
    person = Client()
    person.force_login(UserFactory())
    settings.URBIS_JOIN_POLICY = "tests.api.test_program_api.everybody_joins"
    assert person.get(url).json()["join_url"] == "http://testserver/registration/join/GEN000/"
    settings.URBIS_JOIN_ROUTE = ""
    assert person.get(url).json()["join_url"] == built["stream"].url
    settings.URBIS_JOIN_POLICY = "tests.api.test_program_api.nobody_joins"
    assert person.get(url).json()["join_url"] is None


def nobody_joins(user, session) -> bool:
    return False


def everybody_joins(user, session) -> bool:
    return True


# ---------------------------------------------------------------------------------------- speakers

@pytest.mark.django_db
def test_speakers_list_counts_only_visible_sessions():
    edition, built = published_edition(size=2)
    closed = Session.objects.get(version=built["version"], code="CLOSED")
    hidden = PersonFactory(last_name="Zzhidden")
    SessionSpeaker.objects.create(session=closed, person=hidden)
    public_speaker = built["sessions"]["GEN000"].speaker_links.first().person
    SessionSpeaker.objects.create(session=closed, person=public_speaker)
    private = PersonFactory(public_profile=False)
    SessionSpeaker.objects.create(session=Session.objects.get(version=built["version"], code="GEN000"), person=private)
    response = Client().get(f"{API}/editions/{edition.slug}/speakers")
    assert response.status_code == 200
    body = response.json()
    expected = sorted((link.person for code in ("GEN000", "GEN001")
                       for link in Session.objects.get(version=built["version"], code=code).speaker_links.all()
                       if link.person.public_profile), key=lambda p: (p.last_name, p.first_name, p.pk))
    assert [(i["slug"], i["session_count"]) for i in body["items"]] == [(p.slug, 1) for p in expected]
    assert body["count"] == 4
    staff = Client()
    staff.force_login(StaffFactory())
    counts = {i["slug"]: i["session_count"] for i in staff.get(f"{API}/editions/{edition.slug}/speakers").json()["items"]}
    assert (counts[hidden.slug], counts[public_speaker.slug], private.slug in counts) == (1, 2, False)


@pytest.mark.django_db
def test_speakers_query_count_does_not_grow():
    published_edition(size=2, current=False, slug="small")
    published_edition(size=15, current=False, slug="large")
    few, response = count_queries(Client().get, f"{API}/editions/small/speakers")
    assert response.json()["count"] == 4
    many, response = count_queries(Client().get, f"{API}/editions/large/speakers")
    assert response.json()["count"] == 30
    assert many == few


@pytest.mark.django_db
def test_speakers_pagination():
    edition, _built = published_edition(size=3)
    everything = [i["slug"] for i in Client().get(f"{API}/editions/{edition.slug}/speakers").json()["items"]]
    page = Client().get(f"{API}/editions/{edition.slug}/speakers?limit=2&offset=1").json()
    assert ([i["slug"] for i in page["items"]], page["count"]) == (everything[1:3], 6)


# ---------------------------------------------------------------------------------------- rooms, streams

@pytest.mark.django_db
def test_rooms_list():
    edition, built = published_edition()
    assert Client().get(f"{API}/editions/{edition.slug}/rooms").json() == [
        {"id": built["rooms"][0].pk, "name": "Main hall", "venue": "", "capacity": 200},
        {"id": built["rooms"][1].pk, "name": "Room B", "venue": "", "capacity": None},
    ]


@pytest.mark.django_db
def test_streams_hide_join_urls_from_anonymous():
    edition, built = published_edition()
    assert Client().get(f"{API}/editions/{edition.slug}/streams").json() == [
        {"id": built["stream"].pk, "name": "Channel 1", "platform": "Zoom", "url": None, "interpretation": None}]


@pytest.mark.django_db
def test_streams_show_join_urls_to_who_may_join(settings):
    edition, built = published_edition()
    client = Client()
    client.force_login(UserFactory())
    settings.URBIS_JOIN_POLICY = "tests.api.test_program_api.everybody_joins"
    assert [s["url"] for s in client.get(f"{API}/editions/{edition.slug}/streams").json()] == [built["stream"].url]
    settings.URBIS_JOIN_POLICY = "tests.api.test_program_api.nobody_joins"
    assert [s["url"] for s in client.get(f"{API}/editions/{edition.slug}/streams").json()] == [None]


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["rooms", "streams", "speakers", "sessions"])
def test_unknown_edition_lists_are_404(endpoint):
    assert Client().get(f"{API}/editions/nope/{endpoint}").status_code == 404


# ---------------------------------------------------------------------------------------- writes

def _new_session_payload(edition, built, **extra) -> dict:
    return {"title": "Mayors' breakfast", "starts_at": at(edition, edition.starts_on, 7).isoformat(),
            "ends_at": at(edition, edition.starts_on, 8).isoformat(), "room": built["rooms"][0].pk,
            "stream": built["stream"].pk, "languages": ["en", "zh"], "part": "congress",
            "themes": [built["theme"].slug], "sdgs": [11], **extra}


@pytest.mark.django_db
def test_create_session_anonymous_401_non_staff_403_staff_201():
    edition, built = published_edition()
    url = f"{API}/editions/{edition.slug}/sessions"
    payload = _new_session_payload(edition, built)
    anonymous = Client().post(url, payload, content_type="application/json")
    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "unauthenticated")
    person = Client(enforce_csrf_checks=True)
    person.force_login(UserFactory())
    denied = person.post(url, payload, content_type="application/json", **_csrf(person))
    assert (denied.status_code, denied.json()["error"]["code"]) == (403, "permission_denied")
    drafts_before = Session.objects.filter(edition=edition, version__isnull=True).count()
    staff = staff_client()
    created = staff.post(url, payload, content_type="application/json", **_csrf(staff))
    assert created.status_code == 201
    body = created.json()
    assert (body["title"], body["starts_at"], body["room"]["name"], body["part"]["slug"], body["sdgs"],
            body["languages"]) == ("Mayors' breakfast", "2021-11-08T07:00:00+08:00", "Main hall", "congress", [11],
                                   ["en", "zh"])
    draft = Session.objects.get(edition=edition, version__isnull=True, code=body["code"])
    assert draft.title == "Mayors' breakfast"
    assert Session.objects.filter(edition=edition, version__isnull=True).count() == drafts_before + 1
    assert AuditEntry.objects.filter(action="program.session.created").count() == 1


@pytest.mark.django_db
def test_create_session_without_csrf_token_is_403_and_changes_nothing():
    edition, built = published_edition()
    staff = staff_client()
    before = Session.objects.count()
    response = staff.post(f"{API}/editions/{edition.slug}/sessions", _new_session_payload(edition, built),
                          content_type="application/json")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")
    assert Session.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("extra", "status", "code", "field"), [
    ({"room": 999999}, 422, "unknown_room", "room"),
    ({"part": "nope"}, 422, "unknown_part", "part"),
    ({"themes": ["nope"]}, 422, "unknown_theme", "themes"),
    ({"speakers": [{"person": "nobody-at-all"}]}, 422, "unknown_person", "speakers"),
    ({"starts_at": "2021-11-08T07:00:00"}, 422, "naive_datetime", "starts_at"),
    ({"starts_at": "2030-01-01T07:00:00+00:00", "ends_at": "2030-01-01T08:00:00+00:00"}, 422, "outside_edition",
     "starts_at"),
    ({"ends_at": "2021-11-08T06:00:00+08:00"}, 422, "end_before_start", "ends_at"),
    ({"title": " "}, 422, "title_required", "title"),
    ({"title": ""}, 422, "validation_failed", None),
    ({"mode": "teleport"}, 422, "validation_failed", None),
    ({"title": "a\x00b"}, 422, "validation_failed", None),
    ({"starts_at": "2021-11-08T09:30:00+08:00", "ends_at": "2021-11-08T09:45:00+08:00"}, 409, "room_double_booked",
     "room"),
])
def test_create_session_refusals(extra, status, code, field):
    edition, built = published_edition()
    staff = staff_client()
    before = Session.objects.count()
    response = staff.post(f"{API}/editions/{edition.slug}/sessions", _new_session_payload(edition, built, **extra),
                          content_type="application/json", **_csrf(staff))
    assert response.status_code == status
    assert (response.json()["error"]["code"], response.json()["error"]["field"]) == (code, field)
    assert Session.objects.count() == before


@pytest.mark.django_db
def test_malformed_json_body_is_422():
    edition, _built = published_edition()
    staff = staff_client()
    response = staff.post(f"{API}/editions/{edition.slug}/sessions", "{not json", content_type="application/json",
                          **_csrf(staff))
    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_failed")


@pytest.mark.django_db
def test_update_session_changes_only_given_fields():
    edition, built = published_edition()
    staff = staff_client()
    url = f"{API}/editions/{edition.slug}/sessions/GEN001"
    response = staff.patch(url, {"title": "Renamed", "room": None, "mode": "online"}, content_type="application/json",
                           **_csrf(staff))
    assert response.status_code == 200
    draft = Session.objects.get(edition=edition, version__isnull=True, code="GEN001")
    assert (draft.title, draft.room_id, draft.mode, draft.abstract) == ("Renamed", None, "online", "About forum 1.")
    published = Session.objects.get(version=built["version"], code="GEN001")
    assert published.title == "Forum 1"  # the public version is untouched until the next publication


@pytest.mark.django_db
def test_update_session_denied_and_unknown():
    edition, _built = published_edition()
    url = f"{API}/editions/{edition.slug}/sessions/GEN001"
    assert Client().patch(url, {"title": "X"}, content_type="application/json").status_code == 401
    person = Client(enforce_csrf_checks=True)
    person.force_login(UserFactory())
    assert person.patch(url, {"title": "X"}, content_type="application/json", **_csrf(person)).status_code == 403
    staff = staff_client()
    missing = staff.patch(f"{API}/editions/{edition.slug}/sessions/NOPE", {"title": "X"},
                          content_type="application/json", **_csrf(staff))
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    null = staff.patch(url, {"starts_at": None}, content_type="application/json", **_csrf(staff))
    assert (null.status_code, null.json()["error"]["code"], null.json()["error"]["field"]) == (
        422, "null_not_allowed", "starts_at")
    assert Session.objects.get(edition=edition, version__isnull=True, code="GEN001").title == "Forum 1"


@pytest.mark.django_db
def test_cancel_session_and_twice_is_409():
    edition, _built = published_edition()
    url = f"{API}/editions/{edition.slug}/sessions/GEN002/cancel"
    assert Client().post(url).status_code == 401
    person = Client(enforce_csrf_checks=True)
    person.force_login(UserFactory())
    assert person.post(url, **_csrf(person)).status_code == 403
    staff = staff_client()
    response = staff.post(url, **_csrf(staff))
    assert (response.status_code, response.json()["status"]) == (200, "cancelled")
    assert Session.objects.get(edition=edition, version__isnull=True, code="GEN002").status == SessionStatus.CANCELLED
    again = staff.post(url, **_csrf(staff))
    assert (again.status_code, again.json()["error"]["code"]) == (409, "already_cancelled")


@pytest.mark.django_db
def test_publish_endpoint():
    edition, _built = published_edition()
    url = f"{API}/editions/{edition.slug}/publish"
    assert Client().post(url, {}, content_type="application/json").status_code == 401
    person = Client(enforce_csrf_checks=True)
    person.force_login(UserFactory())
    assert person.post(url, {}, content_type="application/json", **_csrf(person)).status_code == 403
    staff = staff_client()
    staff.post(f"{API}/editions/{edition.slug}/sessions/GEN002/cancel", **_csrf(staff))
    response = staff.post(url, {"note": "Forum 2 cancelled"}, content_type="application/json", **_csrf(staff))
    assert response.status_code == 201
    body = response.json()
    assert (body["number"], body["note"], body["changes"]["cancelled"]) == (
        2, "Forum 2 cancelled", [{"code": "GEN002", "title": "Forum 2"}])
    assert ProgrammeVersion.objects.filter(edition=edition).count() == 2
    public = Client().get(f"{API}/editions/{edition.slug}/sessions/GEN002").json()
    assert public["status"] == "cancelled"


@pytest.mark.django_db
def test_publish_empty_programme_is_409():
    edition = EditionFactory()
    staff = staff_client()
    response = staff.post(f"{API}/editions/{edition.slug}/publish", {}, content_type="application/json",
                          **_csrf(staff))
    assert (response.status_code, response.json()["error"]["code"]) == (409, "empty_programme")


# ---------------------------------------------------------------------------------------- OpenAPI

@pytest.mark.django_db
def test_openapi_document_and_docs_are_served():
    import schemathesis

    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.json()
    schemathesis.openapi.from_dict(document).validate()  # against the OpenAPI 3.1 meta-schema
    assert {"/api/v1/editions", "/api/v1/editions/{slug}/sessions", "/api/v1/members"} <= set(document["paths"])
    assert Client().get(f"{API}/docs").status_code == 200


# ---------------------------------------------------------------------------------------- query counts

@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["rooms", "streams"])
def test_rooms_and_streams_query_count_does_not_grow(endpoint):
    from tests.factories import RoomFactory, StreamFactory

    small, _ = published_edition(size=2, current=False, slug="small")
    large, _ = published_edition(size=15, current=False, slug="large")
    RoomFactory.create_batch(10, edition=large)
    StreamFactory.create_batch(10, edition=large)
    client = Client()
    client.force_login(UserFactory())
    few, response = count_queries(client.get, f"{API}/editions/small/{endpoint}")
    assert len(response.json()) == {"rooms": 2, "streams": 1}[endpoint]
    many, response = count_queries(client.get, f"{API}/editions/large/{endpoint}")
    assert len(response.json()) == {"rooms": 12, "streams": 11}[endpoint]
    assert many == few


@pytest.mark.django_db
def test_editions_list_query_count_does_not_grow():
    published_edition(size=1, current=False, slug="one")
    few, response = count_queries(Client().get, f"{API}/editions")
    assert len(response.json()) == 1
    for index in range(5):
        published_edition(size=1, current=False, slug=f"more-{index}")
    many, response = count_queries(Client().get, f"{API}/editions")
    assert len(response.json()) == 6
    assert many == few


@pytest.mark.django_db
def test_sessions_times_carry_the_edition_offset_across_dst():
    edition, _built = published_edition(time_zone="Europe/Madrid", starts_on=dt.date(2021, 10, 29),
                                        ends_on=dt.date(2021, 11, 1))
    items = {i["code"]: i for i in Client().get(f"{API}/editions/{edition.slug}/sessions").json()["items"]}
    assert (items["GEN000"]["starts_at"], items["NOROOM"]["starts_at"]) == (
        "2021-10-29T09:00:00+02:00", "2021-11-01T08:00:00+01:00")
    on_the_31st = Client().get(f"{API}/editions/{edition.slug}/sessions?day=2021-10-31").json()["items"]
    assert [i["code"] for i in on_the_31st] == ["GEN002"]
