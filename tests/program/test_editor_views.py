import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PersonFactory, SessionFactory, StaffFactory, UserFactory
from tests.helpers import count_queries
from tests.program.factories import at, edition_with_venue
from urbis.core.models import AuditEntry
from urbis.program import services
from urbis.program.enums import SessionMode, SessionStatus
from urbis.program.models import ProgrammeVersion, Session, SessionSpeaker


@pytest.fixture
def venue():
    return edition_with_venue(is_current=True)


@pytest.fixture
def staff_client(client):
    staff = StaffFactory()
    client.force_login(staff)
    client.staff = staff
    return client


def _draft(edition, rooms, streams, hour=10, room_index=0, **kwargs):
    values = {"room": rooms[room_index], "stream": streams[room_index], "starts_at": at(edition, 0, hour),
              "ends_at": at(edition, 0, hour + 1), **kwargs}
    return SessionFactory(edition=edition, **values)


def _form_data(edition, rooms, streams, **overrides):
    data = {
        "title": "Nature-based solutions", "abstract": "", "part": "", "type": "forum", "mode": "hybrid",
        "visibility": "public", "languages": ["en", "fr"], "room": rooms[0].pk, "stream": streams[0].pk,
        "starts_at": "2021-11-09T14:00", "ends_at": "2021-11-09T15:30", "capacity": "",
        "speakers-TOTAL_FORMS": "3", "speakers-INITIAL_FORMS": "0", "speakers-MIN_NUM_FORMS": "0",
        "speakers-MAX_NUM_FORMS": "60",
        "speakers-0-person": "", "speakers-0-role": "speaker", "speakers-1-person": "", "speakers-1-role": "speaker",
        "speakers-2-person": "", "speakers-2-role": "speaker",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _urls(edition, session):
    return {
        "editor": ("get", reverse("program:editor")),
        "new": ("get", reverse("program:editor_session_new", kwargs={"edition": edition.slug})),
        "edit": ("get", reverse("program:editor_session_edit", kwargs={"pk": session.pk})),
        "move": ("get", reverse("program:editor_session_move", kwargs={"pk": session.pk})),
        "cancel": ("post", reverse("program:editor_session_cancel", kwargs={"pk": session.pk})),
        "restore": ("post", reverse("program:editor_session_restore", kwargs={"pk": session.pk})),
        "delete": ("get", reverse("program:editor_session_delete", kwargs={"pk": session.pk})),
        "publish": ("get", reverse("program:editor_publish", kwargs={"edition": edition.slug})),
        "versions": ("get", reverse("program:editor_versions", kwargs={"edition": edition.slug})),
    }


VIEW_NAMES = ["editor", "new", "edit", "move", "cancel", "restore", "delete", "publish", "versions"]


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize("name", VIEW_NAMES)
@pytest.mark.django_db
def test_editor_views_redirect_anonymous_to_login(client, venue, name):
    edition, rooms, streams = venue
    method, url = _urls(edition, _draft(edition, rooms, streams))[name]
    response = getattr(client, method)(url)
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("account_login"))


@pytest.mark.parametrize("name", VIEW_NAMES)
@pytest.mark.django_db
def test_editor_views_deny_non_staff(client, venue, name):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    client.force_login(UserFactory())
    method, url = _urls(edition, session)[name]
    before = list(Session.objects.values())
    assert getattr(client, method)(url).status_code == 403
    assert list(Session.objects.values()) == before


@pytest.mark.parametrize("name", VIEW_NAMES)
@pytest.mark.django_db
def test_editor_views_allow_staff(staff_client, venue, name):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    method, url = _urls(edition, session)[name]
    response = getattr(staff_client, method)(url)
    assert response.status_code == (302 if method == "post" else 200)


@pytest.mark.parametrize("name", ["cancel", "restore"])
@pytest.mark.django_db
def test_state_changes_refuse_get(staff_client, venue, name):
    edition, rooms, streams = venue
    _method, url = _urls(edition, _draft(edition, rooms, streams))[name]
    assert staff_client.get(url).status_code == 405


@pytest.mark.django_db
def test_posts_need_a_csrf_token(venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    response = client.post(reverse("program:editor_session_cancel", kwargs={"pk": session.pk}))
    session.refresh_from_db()
    assert (response.status_code, session.status) == (403, SessionStatus.CONFIRMED)


@pytest.mark.django_db
def test_published_copies_are_not_editable(staff_client, venue):
    edition, rooms, streams = venue
    _draft(edition, rooms, streams)
    copy = services.publish_programme(edition=edition, actor=staff_client.staff).sessions.get()
    for name in ("edit", "move", "delete"):
        assert staff_client.get(_urls(edition, copy)[name][1]).status_code == 404
    assert staff_client.post(_urls(edition, copy)["cancel"][1]).status_code == 404


# ---------------------------------------------------------------- grid


@pytest.mark.django_db
def test_editor_grid_shows_day_zone_sessions_conflicts_and_counts(staff_client, venue):
    edition, rooms, streams = venue
    mayor = PersonFactory(first_name="Ada", last_name="Colau")
    a = _draft(edition, rooms, streams, hour=10, room_index=0, code="AAA")
    b = _draft(edition, rooms, streams, hour=10, room_index=1, code="BBB")
    online = SessionFactory(edition=edition, stream=streams[1], mode=SessionMode.ONLINE, code="ONL",
                            starts_at=at(edition, 0, 14), ends_at=at(edition, 0, 15))
    _draft(edition, rooms, streams, hour=10, code="NEXTDAY", starts_at=at(edition, 1, 9), ends_at=at(edition, 1, 10))
    for s in (a, b):
        SessionSpeaker.objects.create(session=s, person=mayor)
    response = staff_client.get(reverse("program:editor"), {"day": "2021-11-08"})
    assert response.status_code == 200
    ctx = response.context
    assert (ctx["edition"], ctx["day"]) == (edition, dt.date(2021, 11, 8))
    assert [(blk["session"].code, blk["column"], blk["row_start"], blk["row_end"], blk["conflict"])
            for blk in ctx["grid"]["blocks"]] == [
        ("AAA", 2, 6, 8, True), ("BBB", 3, 6, 8, True), ("ONL", 5, 14, 16, False)]
    assert [c["label"] for c in ctx["grid"]["columns"]] == ["Hall A", "Hall B", "Online: Channel 1",
                                                            "Online: Channel 2"]
    assert [c.key for c in ctx["conflicts"]] == [("speaker_double_booked", ("AAA", "BBB"))]
    assert ctx["counts"] == {"added": 4, "moved": 0, "cancelled": 0, "removed": 0, "changed": 0, "total": 4}
    assert [(d["date"].day, d["count"]) for d in ctx["days"]] == [(8, 3), (9, 1), (10, 0), (11, 0), (12, 0),
                                                                  (13, 0)]
    html = response.content.decode()
    assert "All times on this page are local times in Asia/Shanghai" in html
    assert reverse("program:editor_session_edit", kwargs={"pk": online.pk}) in html
    assert "Ada Colau speaks in" in html


@pytest.mark.django_db
def test_editor_grid_rows_are_in_the_edition_zone(staff_client, venue):
    edition, rooms, streams = venue
    _draft(edition, rooms, streams, hour=7)  # 07:00 Shanghai = 23:00 UTC the day before
    response = staff_client.get(reverse("program:editor"), {"day": "2021-11-08"})
    rows = response.context["grid"]["rows"]
    assert (rows[0]["label"], rows[0]["start"], rows[-1]["label"]) == ("07:00", "2021-11-08T07:00", "17:30")
    assert [(b["row_start"], b["row_end"]) for b in response.context["grid"]["blocks"]] == [(2, 4)]


@pytest.mark.django_db
def test_editor_grid_picks_edition_and_ignores_bad_day(staff_client, venue):
    edition, rooms, streams = venue
    other, other_rooms, other_streams = edition_with_venue(slug="other-edition")
    response = staff_client.get(reverse("program:editor"), {"edition": "other-edition", "day": "not-a-day"})
    assert (response.status_code, response.context["edition"], response.context["day"]) == (
        200, other, other.starts_on)
    response = staff_client.get(reverse("program:editor"), {"edition": "unknown"})
    assert response.context["edition"] == edition  # the current one


@pytest.mark.django_db
def test_editor_grid_without_any_edition(staff_client):
    response = staff_client.get(reverse("program:editor"))
    assert (response.status_code, response.context["edition"]) == (200, None)


def _grid_queries(staff_client, edition, rooms, streams, n):
    people = [PersonFactory() for _ in range(3)]
    for i in range(n):
        day, slot = divmod(i, 20)
        s = SessionFactory(edition=edition, room=rooms[i % 2], stream=streams[i % 2],
                           starts_at=at(edition, day % 6, 8 + (slot // 2) % 10),
                           ends_at=at(edition, day % 6, 8 + (slot // 2) % 10, 45))
        SessionSpeaker.objects.create(session=s, person=people[i % 3])
    if not edition.versions.exists():
        services.publish_programme(edition=edition, actor=staff_client.staff)
    count, response = count_queries(staff_client.get, reverse("program:editor"), {"day": "2021-11-08"})
    assert response.status_code == 200
    return count


@pytest.mark.django_db
def test_editor_grid_query_count_does_not_grow(staff_client, venue):
    edition, rooms, streams = venue
    small = _grid_queries(staff_client, edition, rooms, streams, 10)
    large = _grid_queries(staff_client, edition, rooms, streams, 50)
    assert small == large


@pytest.mark.django_db
def test_versions_and_publish_query_counts_do_not_grow(staff_client, venue):
    edition, rooms, streams = venue
    counts = []
    for n in (2, 8):
        while edition.versions.count() < n:
            SessionFactory(edition=edition, room=rooms[0], stream=streams[0],
                           starts_at=at(edition, edition.versions.count() % 6, 9 + edition.versions.count()),
                           ends_at=at(edition, edition.versions.count() % 6, 10 + edition.versions.count()))
            services.publish_programme(edition=edition, actor=staff_client.staff)
        versions, r1 = count_queries(staff_client.get, reverse("program:editor_versions",
                                                               kwargs={"edition": edition.slug}))
        preview, r2 = count_queries(staff_client.get, reverse("program:editor_publish",
                                                              kwargs={"edition": edition.slug}))
        assert (r1.status_code, r2.status_code, len(r1.context["rows"])) == (200, 200, n)
        counts.append((versions, preview))
    assert counts[0] == counts[1]


# ---------------------------------------------------------------- create, edit


@pytest.mark.django_db
def test_new_session_form_prefills_slot(staff_client, venue):
    edition, rooms, streams = venue
    url = reverse("program:editor_session_new", kwargs={"edition": edition.slug})
    response = staff_client.get(url, {"start": "2021-11-09T14:30", "room": rooms[1].pk})
    form = response.context["form"]
    assert (form.initial["starts_at"], form.initial["room"], form.initial["mode"]) == (
        dt.datetime.fromisoformat("2021-11-09T14:30"), rooms[1].pk, "in_person")
    assert 'value="2021-11-09T14:30"' in response.content.decode()


@pytest.mark.django_db
def test_new_session_post_creates_with_local_times_and_speakers(staff_client, venue):
    edition, rooms, streams = venue
    a, b = PersonFactory(), PersonFactory()
    data = _form_data(edition, rooms, streams, **{"speakers-0-person": str(b.pk), "speakers-0-role": "moderator",
                                                  "speakers-1-person": str(a.pk)})
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}), data)
    session = Session.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('program:editor')}?edition={edition.slug}&day=2021-11-09"
    assert (session.starts_at, session.ends_at, session.languages, session.room) == (
        at(edition, 1, 14), at(edition, 1, 15, 30), ["en", "fr"], rooms[0])
    assert [(link.person, link.role) for link in session.speaker_links.all()] == [(b, "moderator"), (a, "speaker")]
    assert AuditEntry.objects.get().actor == staff_client.staff
    follow = staff_client.get(response["Location"])
    assert [str(m) for m in follow.context["messages"]] == [f"Session {session.code} created."]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"ends_at": "2021-11-09T13:00"}, "ends_at", "The end must be after the start."),
    ({"starts_at": "2021-11-20T10:00", "ends_at": "2021-11-20T11:00"}, "starts_at",
     "The session must take place between 2021-11-08 and 2021-11-13 (Asia/Shanghai)."),
    ({"room": None, "mode": "in_person"}, "room", "An in-person or hybrid session needs a room."),
    ({"stream": None, "mode": "online", "room": None}, "stream",
     "An online or hybrid session needs a stream (for its join link)."),
    ({"title": ""}, "title", "This field is required."),
    ({"starts_at": "tomorrow"}, "starts_at", "Enter a valid date/time."),
    ({"languages": ["xx"]}, "languages", "Select a valid choice. xx is not one of the available choices."),
    ({"capacity": "-5"}, "capacity", "Ensure this value is greater than or equal to 1."),
    ({"room": "999999"}, "room", "Select a valid choice. That choice is not one of the available choices."),
])
@pytest.mark.django_db
def test_new_session_bad_input_shows_errors_and_saves_nothing(staff_client, venue, overrides, field, message):
    edition, rooms, streams = venue
    data = _form_data(edition, rooms, streams, **overrides)
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}), data)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "Nothing was saved." in response.content.decode()
    assert (Session.objects.count(), AuditEntry.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_new_session_double_booking_is_shown_on_the_room(staff_client, venue):
    edition, rooms, streams = venue
    busy = SessionFactory(edition=edition, room=rooms[0], stream=streams[1], title="Busy",
                          starts_at=at(edition, 1, 14, 30), ends_at=at(edition, 1, 16))
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}),
                                 _form_data(edition, rooms, streams))
    assert response.status_code == 200
    assert response.context["form"].errors["room"] == [
        f"Hall A is already booked at that time by “Busy” ({busy.code})."]
    assert Session.objects.count() == 1


@pytest.mark.django_db
def test_new_session_refuses_a_local_time_skipped_by_dst(staff_client):
    edition, rooms, streams = edition_with_venue(time_zone="Europe/Paris", starts_on=dt.date(2021, 3, 27),
                                                 ends_on=dt.date(2021, 3, 29))
    data = _form_data(edition, rooms, streams, starts_at="2021-03-28T02:30", ends_at="2021-03-28T04:00")
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}), data)
    assert response.context["form"].errors["starts_at"] == [
        "This time does not exist in Europe/Paris (the clocks change then)."]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_new_session_duplicate_speaker_is_a_form_error(staff_client, venue):
    edition, rooms, streams = venue
    person = PersonFactory()
    data = _form_data(edition, rooms, streams, **{"speakers-0-person": str(person.pk),
                                                  "speakers-1-person": str(person.pk)})
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}), data)
    assert (response.status_code, response.context["formset"].non_form_errors()) == (
        200, ["A person is listed twice."])
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_new_session_for_unknown_edition_is_404(staff_client):
    assert staff_client.get(reverse("program:editor_session_new", kwargs={"edition": "nope"})).status_code == 404


@pytest.mark.django_db
def test_edit_session_shows_local_times_and_saves(staff_client, venue):
    edition, rooms, streams = venue
    person = PersonFactory()
    session = _draft(edition, rooms, streams)
    SessionSpeaker.objects.create(session=session, person=person, role="keynote")
    url = reverse("program:editor_session_edit", kwargs={"pk": session.pk})
    page = staff_client.get(url)
    assert page.context["form"].initial["starts_at"] == dt.datetime.fromisoformat("2021-11-08T10:00")
    assert page.context["formset"].initial == [{"person": person.pk, "role": "keynote"}]
    data = _form_data(edition, rooms, streams, title="Renamed", starts_at="2021-11-08T10:00",
                      ends_at="2021-11-08T11:30", **{"speakers-0-person": str(person.pk),
                                                     "speakers-0-role": "moderator"})
    response = staff_client.post(url, data)
    session.refresh_from_db()
    assert (response.status_code, session.title, session.ends_at) == (302, "Renamed", at(edition, 0, 11, 30))
    assert [(link.person, link.role) for link in session.speaker_links.all()] == [(person, "moderator")]


@pytest.mark.django_db
def test_edit_session_bad_input_changes_nothing(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    other = _draft(edition, rooms, streams, hour=12, room_index=1)
    before = list(Session.objects.order_by("pk").values())
    data = _form_data(edition, rooms, streams, room=rooms[1].pk, stream=streams[0].pk,
                      starts_at="2021-11-08T12:30", ends_at="2021-11-08T13:30")
    response = staff_client.post(reverse("program:editor_session_edit", kwargs={"pk": session.pk}), data)
    assert response.status_code == 200
    assert response.context["form"].errors["room"] == [
        f"Hall B is already booked at that time by “{other.title}” ({other.code})."]
    assert list(Session.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_edit_page_lists_the_sessions_own_conflicts(staff_client, venue):
    edition, rooms, streams = venue
    person = PersonFactory()
    a = _draft(edition, rooms, streams, code="AAA")
    b = _draft(edition, rooms, streams, room_index=1, code="BBB")
    c = _draft(edition, rooms, streams, hour=15, code="CCC")
    for s in (a, b):
        SessionSpeaker.objects.create(session=s, person=person)
    assert [x.key for x in staff_client.get(_urls(edition, a)["edit"][1]).context["conflicts"]] == [
        ("speaker_double_booked", ("AAA", "BBB"))]
    assert staff_client.get(_urls(edition, c)["edit"][1]).context["conflicts"] == []


# ---------------------------------------------------------------- move, cancel, restore, delete


@pytest.mark.django_db
def test_move_session_without_js_redirects_to_the_new_day(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    response = staff_client.post(reverse("program:editor_session_move", kwargs={"pk": session.pk}), {
        "starts_at": "2021-11-10T16:00", "ends_at": "2021-11-10T17:00", "room": rooms[1].pk,
        "stream": streams[1].pk})
    session.refresh_from_db()
    assert (response.status_code, response["Location"]) == (
        302, f"{reverse('program:editor')}?edition={edition.slug}&day=2021-11-10")
    assert (session.starts_at, session.room, session.stream) == (at(edition, 2, 16), rooms[1], streams[1])


@pytest.mark.django_db
def test_move_session_with_htmx_answers_hx_redirect_or_the_form(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    blocker = _draft(edition, rooms, streams, hour=16, room_index=1)
    url = reverse("program:editor_session_move", kwargs={"pk": session.pk})
    bad = staff_client.post(url, {"starts_at": "2021-11-08T16:30", "ends_at": "2021-11-08T17:00",
                                  "room": rooms[1].pk, "stream": streams[0].pk}, HTTP_HX_REQUEST="true")
    assert (bad.status_code, bad.templates[0].name) == (200, "program/editor/_move_form.html")
    assert bad.context["move_form"].errors["room"] == [
        f"Hall B is already booked at that time by “{blocker.title}” ({blocker.code})."]
    good = staff_client.post(url, {"starts_at": "2021-11-08T18:00", "ends_at": "2021-11-08T19:00",
                                   "room": rooms[1].pk, "stream": streams[0].pk}, HTTP_HX_REQUEST="true")
    assert (good.status_code, good["HX-Redirect"]) == (
        204, f"{reverse('program:editor')}?edition={edition.slug}&day=2021-11-08")


@pytest.mark.django_db
def test_move_session_bad_times_show_errors(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    response = staff_client.post(reverse("program:editor_session_move", kwargs={"pk": session.pk}), {
        "starts_at": "2021-11-08T12:00", "ends_at": "2021-11-08T11:00", "room": rooms[0].pk,
        "stream": streams[0].pk})
    assert (response.status_code, response.context["move_form"].errors["ends_at"]) == (
        200, ["The end must be after the start."])
    session.refresh_from_db()
    assert session.starts_at == at(edition, 0, 10)


@pytest.mark.django_db
def test_cancel_restore_and_their_refusals(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    urls = _urls(edition, session)
    response = staff_client.post(urls["restore"][1], follow=True)
    assert [str(m) for m in response.context["messages"]] == ["This session is not cancelled."]
    staff_client.post(urls["cancel"][1])
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    SessionFactory(edition=edition, room=rooms[0], stream=streams[1], starts_at=session.starts_at,
                   ends_at=session.ends_at)
    response = staff_client.post(urls["restore"][1], follow=True)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert [str(m) for m in response.context["messages"]][-1].startswith("Hall A is already booked at that time")


@pytest.mark.django_db
def test_delete_session_after_confirmation(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    url = reverse("program:editor_session_delete", kwargs={"pk": session.pk})
    assert staff_client.get(url).status_code == 200
    assert Session.objects.count() == 1
    response = staff_client.post(url)
    assert (response.status_code, Session.objects.count()) == (302, 0)


# ---------------------------------------------------------------- publish, versions


@pytest.mark.django_db
def test_publish_preview_lists_changes_and_conflicts(staff_client, venue):
    edition, rooms, streams = venue
    moved = _draft(edition, rooms, streams, code="MOV")
    _draft(edition, rooms, streams, room_index=1, code="GONE")
    services.publish_programme(edition=edition, actor=staff_client.staff)
    services.move_session(session=moved, actor=staff_client.staff, starts_at=at(edition, 0, 15),
                          ends_at=at(edition, 0, 16), room=rooms[1], stream=streams[1])
    services.delete_session(session=Session.objects.get(code="GONE", version__isnull=True), actor=staff_client.staff)
    response = staff_client.get(reverse("program:editor_publish", kwargs={"edition": edition.slug}))
    changes = response.context["changes"]
    assert [(m["code"], m["from"]["starts_at"], m["to"]["starts_at"], m["to"]["room"]) for m in changes["moved"]] == [
        ("MOV", dt.datetime.fromisoformat("2021-11-08T10:00"), dt.datetime.fromisoformat("2021-11-08T15:00"), "Hall B")]
    assert [r["code"] for r in changes["removed"]] == ["GONE"]
    assert response.context["counts"]["total"] == 2
    html = response.content.decode()
    assert "Mon 8 Nov 10:00–11:00, Hall A, Channel 1" in html
    assert "publish_anyway" not in html  # no conflicts, no checkbox


@pytest.mark.django_db
def test_publish_with_conflicts_needs_publish_anyway(staff_client, venue):
    edition, rooms, streams = venue
    person = PersonFactory()
    for s in (_draft(edition, rooms, streams), _draft(edition, rooms, streams, room_index=1)):
        SessionSpeaker.objects.create(session=s, person=person)
    url = reverse("program:editor_publish", kwargs={"edition": edition.slug})
    refused = staff_client.post(url, {"note": "Try"})
    assert refused.status_code == 200
    assert refused.context["form"].errors["publish_anyway"] == [
        "The programme still has 1 conflict; tick “publish anyway” to publish it as it is."]
    assert ProgrammeVersion.objects.count() == 0
    done = staff_client.post(url, {"note": "Anyway", "publish_anyway": "on"}, follow=True)
    version = ProgrammeVersion.objects.get()
    assert (version.number, version.note, version.published_by) == (1, "Anyway", staff_client.staff)
    assert done.redirect_chain == [(reverse("program:editor_versions", kwargs={"edition": edition.slug}), 302)]
    assert [str(m) for m in done.context["messages"]] == ["Version 1 published."]
    assert AuditEntry.objects.get(action="program.programme.published").data["conflicts"] == 1
    assert "Anyway" in done.content.decode()


@pytest.mark.django_db
def test_publish_empty_programme_shows_message(staff_client, venue):
    edition, _rooms, _streams = venue
    response = staff_client.post(reverse("program:editor_publish", kwargs={"edition": edition.slug}), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "There is nothing to publish: the programme has no sessions."]


@pytest.mark.django_db
def test_versions_page_lists_versions_with_changes(staff_client, venue):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams, code="ONE")
    services.publish_programme(edition=edition, actor=staff_client.staff, note="First")
    services.cancel_session(session=session, actor=staff_client.staff)
    services.publish_programme(edition=edition, actor=staff_client.staff, note="Second")
    response = staff_client.get(reverse("program:editor_versions", kwargs={"edition": edition.slug}))
    rows = response.context["rows"]
    assert [(r["version"].number, r["version"].note, r["counts"]["added"], r["counts"]["cancelled"])
            for r in rows] == [(2, "Second", 0, 1), (1, "First", 1, 0)]


# ---------------------------------------------------------------- reference data in the Django admin


def _edition_admin_data(**overrides):
    data = {"slug": "lisbon-2026", "name": "World Congress 2026", "number": "", "starts_on": "2026-10-26",
            "ends_on": "2026-10-29", "time_zone": "Europe/Lisbon", "venue_city": "Lisbon", "venue_country": "PT",
            "venue": "", "format": "hybrid", "join_opens_minutes": "15", "description": "",
            "parts-TOTAL_FORMS": "0", "parts-INITIAL_FORMS": "0", "parts-MIN_NUM_FORMS": "0",
            "parts-MAX_NUM_FORMS": "1000"}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_adds_edition_through_the_service(client):
    admin_user = StaffFactory(is_superuser=True)
    client.force_login(admin_user)
    response = client.post("/admin/program/edition/add/", _edition_admin_data(is_current="on"))
    assert response.status_code == 302
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.data["time_zone"]) == ("program.edition.created", admin_user,
                                                                    "Europe/Lisbon")


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"time_zone": "Mars/Olympus"}, "time_zone", "Unknown time zone: Mars/Olympus."),
    ({"ends_on": "2026-10-01"}, "ends_on", "The last day cannot be before the first day."),
])
@pytest.mark.django_db
def test_admin_edition_form_shows_service_errors(client, overrides, field, message):
    client.force_login(StaffFactory(is_superuser=True))
    response = client.post("/admin/program/edition/add/", _edition_admin_data(**overrides))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field] == [message]
    assert AuditEntry.objects.count() == 0


@pytest.mark.django_db
def test_admin_edition_is_denied_to_plain_staff(client):
    client.force_login(StaffFactory())
    assert client.post("/admin/program/edition/add/", _edition_admin_data()).status_code == 403


@pytest.mark.django_db
def test_new_session_post_without_speaker_rows_is_a_form_error_not_a_500(staff_client, venue):
    edition, rooms, streams = venue
    data = {k: v for k, v in _form_data(edition, rooms, streams).items() if not k.startswith("speakers-")}
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}), data)
    assert response.status_code == 200
    assert list(response.context["formset"].non_form_errors()) == [
        "ManagementForm data is missing or has been tampered with. Missing fields: speakers-TOTAL_FORMS, "
        "speakers-INITIAL_FORMS. You may need to file a bug report if the issue persists."]
    assert Session.objects.count() == 0


@pytest.mark.django_db
def test_new_session_with_an_unknown_person_is_a_form_error(staff_client, venue):
    edition, rooms, streams = venue
    data = _form_data(edition, rooms, streams, **{"speakers-0-person": "999999"})
    response = staff_client.post(reverse("program:editor_session_new", kwargs={"edition": edition.slug}), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["person"] == [
        "Select a valid choice. 999999 is not one of the available choices."]
    assert Session.objects.count() == 0


@pytest.mark.parametrize("language", ["fr", "es", "zh-hans"])
@pytest.mark.django_db
def test_editor_pages_render_in_every_language(staff_client, venue, language):
    edition, rooms, streams = venue
    session = _draft(edition, rooms, streams)
    staff_client.cookies["django_language"] = language
    for name in ("editor", "new", "edit", "move", "delete", "publish", "versions"):
        method, url = _urls(edition, session)[name]
        response = staff_client.get(url)
        assert (name, response.status_code, response.headers["Content-Language"]) == (name, 200, language)


@pytest.mark.django_db
def test_editor_grid_on_a_dst_change_day_places_sessions_by_wall_clock(staff_client):
    edition, rooms, streams = edition_with_venue(time_zone="Europe/Paris", starts_on=dt.date(2021, 10, 30),
                                                 ends_on=dt.date(2021, 10, 31), slug="paris", is_current=True)
    zone = edition.zone
    SessionFactory(edition=edition, room=rooms[0], stream=streams[0], code="EARLY",
                   starts_at=dt.datetime(2021, 10, 31, 8, 0, tzinfo=zone),
                   ends_at=dt.datetime(2021, 10, 31, 9, 0, tzinfo=zone))
    response = staff_client.get(reverse("program:editor"), {"day": "2021-10-31"})
    assert response.status_code == 200
    assert [(b["session"].code, b["row_start"], b["row_end"], b["starts"].hour)
            for b in response.context["grid"]["blocks"]] == [("EARLY", 2, 4, 8)]
    assert "All times on this page are local times in Europe/Paris" in response.content.decode()
