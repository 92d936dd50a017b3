"""Public programme pages, the session page with Join, speakers, now/next, the agenda and its feeds."""

import datetime as dt
import html
import re

import icalendar
import pytest
from django.utils import timezone

from tests.factories import PartFactory, PersonFactory, RoomFactory, StaffFactory, StreamFactory, UserFactory
from tests.helpers import count_queries
from tests.program.programme_builders import add_session, at, build_programme, current_edition, publish
from urbis.core.middleware import TZ_COOKIE
from urbis.program import agenda
from urbis.program.enums import SessionMode, SessionStatus, Visibility
from urbis.program.models import Bookmark, Edition, Session

pytestmark = pytest.mark.django_db


def codes_on_page(response) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', response.content.decode())


def text(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def tabs_of(response) -> list[str]:
    nav = re.findall(r'<nav class="day-tabs".*?</nav>', response.content.decode(), re.S)
    return re.findall(r'day=(\d{4}-\d{2}-\d{2})', nav[0]) if nav else []


def everybody(user, session) -> bool:
    return True


def nobody(user, session) -> bool:
    return False


@pytest.fixture(autouse=True)
def _open_policies(settings):
    """The programme's own rules under test; registration's policies are tested in registration."""
    settings.URBIS_SESSION_ACCESS_POLICY = "tests.program.test_public_views.everybody"
    settings.URBIS_JOIN_POLICY = "tests.program.test_public_views.everybody"
    settings.URBIS_JOIN_ROUTE = ""  # straight to the stream; the registration route is tested below


@pytest.fixture
def edition():
    """Guangzhou-like edition (Asia/Shanghai), two days, rooms, a stream, a part, themes and SDGs."""
    edition = current_edition()
    hall, side = RoomFactory(edition=edition, name="Hall", position=0), RoomFactory(edition=edition, name="Side", position=1)
    stream = StreamFactory(edition=edition, name="Channel", url="https://meet.example.org/secret-room",
                           interpretation={"fr": "https://meet.example.org/fr", "es": "7"})
    forum = PartFactory(edition=edition, slug="mayors-forum", name="Mayors' Forum")
    d1, d2 = edition.starts_on, edition.starts_on + dt.timedelta(days=1)
    ana = PersonFactory(first_name="Ana", last_name="Colau", slug="ana-colau")
    add_session(edition, code="OPEN", title="Opening plenary", room=hall, stream=stream, part=forum,
                starts_at=at(edition, d1, 10), ends_at=at(edition, d1, 11), sdgs=[11], themes=["public-space"],
                languages=["en", "fr"], speakers=[ana])
    add_session(edition, code="MOB", title="Mobility forum", room=side, mode=SessionMode.IN_PERSON,
                starts_at=at(edition, d1, 10, 30), ends_at=at(edition, d1, 12), sdgs=[13],
                themes=["climate-friendly-mobility"], languages=["es"])
    add_session(edition, code="HEAL", title="Health cities", room=hall, stream=stream, mode=SessionMode.ONLINE,
                starts_at=at(edition, d2, 9), ends_at=at(edition, d2, 10), sdgs=[3, 11], themes=["healthcare"],
                languages=["zh", "en"])
    add_session(edition, code="MEMB", title="Members only briefing", room=side, visibility=Visibility.MEMBERS,
                starts_at=at(edition, d2, 14), ends_at=at(edition, d2, 15))
    add_session(edition, code="BOARD", title="Board meeting", room=side, visibility=Visibility.CLOSED,
                starts_at=at(edition, d2, 16), ends_at=at(edition, d2, 17))
    publish(edition)
    return edition


# ---------------------------------------------------------------- programme

def test_programme_before_publication_says_so(client):
    edition = current_edition()
    add_session(edition, code="DRAFT", title="Secret draft")
    response = client.get("/programme/")
    assert response.status_code == 200
    assert "The programme is not published yet" in text(response)
    assert "Secret draft" not in text(response)


def test_programme_without_any_edition(client):
    response = client.get("/programme/")
    assert (response.status_code, "No edition has been set up yet." in text(response)) == (200, True)


def test_programme_grid_shows_the_first_day_in_the_editions_zone(client, edition):
    response = client.get("/programme/")
    assert response.status_code == 200
    assert codes_on_page(response) == ["OPEN", "MOB"]
    page = text(response)
    assert "10:00 – 11:00 CST" in page
    assert "Hall" in page and "Side" in page
    assert 'class="pgrid"' in response.content.decode()


def test_programme_second_day_hides_closed_sessions_from_the_public(client, edition):
    response = client.get("/programme/", {"day": "2021-11-09"})
    assert codes_on_page(response) == ["HEAL", "MEMB"]
    assert "log in to see more" in text(response)


def test_programme_shows_closed_sessions_to_staff_and_to_their_speakers(client, edition):
    client.force_login(StaffFactory())
    assert codes_on_page(client.get("/programme/", {"day": "2021-11-09"})) == ["HEAL", "MEMB", "BOARD"]
    speaker = UserFactory()
    board = Session.objects.get(version__isnull=True, code="BOARD")
    board.speaker_links.create(person=PersonFactory(user=speaker))
    publish(edition)
    client.force_login(speaker)
    assert codes_on_page(client.get("/programme/", {"day": "2021-11-09"})) == ["HEAL", "MEMB", "BOARD"]
    client.force_login(UserFactory())
    assert codes_on_page(client.get("/programme/", {"day": "2021-11-09"})) == ["HEAL", "MEMB"]


def test_programme_grid_shows_both_sessions_of_a_double_booked_room(client, edition):
    hall = edition.rooms.get(name="Hall")
    add_session(edition, code="CLASH", title="Double booked", room=hall, mode=SessionMode.IN_PERSON,
                starts_at=at(edition, edition.starts_on, 10, 30), ends_at=at(edition, edition.starts_on, 11, 30))
    publish(edition)
    content = client.get("/programme/").content.decode()
    placed = dict(re.findall(r'grid-column:(\d+);[^"]*" data-code="([^"]+)"', content)[i][::-1] for i in range(3))
    assert placed == {"OPEN": "2", "CLASH": "3", "MOB": "4"}
    assert 'grid-column:2 / span 2">Hall' in content


def test_programme_list_view(client, edition):
    response = client.get("/programme/", {"view": "list", "day": "2021-11-08"})
    assert codes_on_page(response) == ["OPEN", "MOB"]
    assert 'class="session-list"' in response.content.decode()


def test_programme_shows_only_the_latest_version(client, edition):
    Session.objects.filter(version__isnull=True, code="OPEN").update(title="Opening plenary, new title")
    assert "Opening plenary, new title" not in text(client.get("/programme/"))  # not published yet
    publish(edition)
    page = text(client.get("/programme/"))
    assert ("Opening plenary, new title" in page, "Version 2" in page) == (True, True)


def test_programme_bad_day_gives_a_message_and_the_default_day(client, edition):
    response = client.get("/programme/", {"day": "2021-13-45"})
    assert response.status_code == 200
    assert "is not a date (use YYYY-MM-DD)" in text(response)
    assert codes_on_page(response) == ["OPEN", "MOB"]


def test_programme_day_without_sessions_falls_back_with_a_warning(client, edition):
    response = client.get("/programme/", {"day": "2030-01-01"})
    assert "There is no session on 1 January 2030 in this time zone" in text(response)
    assert codes_on_page(response) == ["OPEN", "MOB"]


@pytest.mark.parametrize(("params", "expected"), [
    ({"sdg": "11"}, ["OPEN", "HEAL"]),
    ({"sdg": "13"}, ["MOB"]),
    ({"theme": "healthcare"}, ["HEAL"]),
    ({"part": "mayors-forum"}, ["OPEN"]),
    ({"mode": "in_person"}, ["MOB"]),
    ({"mode": "online"}, ["HEAL"]),
    ({"language": "fr"}, ["OPEN"]),
    ({"language": "en"}, ["OPEN", "HEAL", "MEMB"]),
    ({"q": "forum"}, ["MOB"]),
    ({"q": "colau"}, ["OPEN"]),
    ({"q": "ANA plenary"}, ["OPEN"]),
    ({"q": "nothing like this"}, []),
    ({"sdg": "11", "language": "zh"}, ["HEAL"]),
    ({"sdg": "11", "mode": "in_person"}, []),
])
def test_programme_filters_combine(client, edition, params, expected):
    found = []
    for view in ("list", "grid"):
        response = client.get("/programme/", {**params, "view": view})
        assert response.status_code == 200
        found.append(sorted(codes_on_page(response)))
        # every day tab of the filtered programme is visited to collect the codes of all days
        for day in tabs_of(response):
            found[-1] = sorted(set(found[-1]) | set(codes_on_page(client.get("/programme/", {**params, "view": view,
                                                                                             "day": day}))))
    assert found == [sorted(expected), sorted(expected)]


def test_programme_room_filter(client, edition):
    side = edition.rooms.get(name="Side")
    assert codes_on_page(client.get("/programme/", {"room": side.pk, "day": "2021-11-08"})) == ["MOB"]


@pytest.mark.parametrize(("params", "message"), [
    ({"sdg": "99"}, "“99” is not an SDG (they are numbered 1 to 17); showing all SDGs."),
    ({"sdg": "abc"}, "“abc” is not an SDG (they are numbered 1 to 17); showing all SDGs."),
    ({"theme": "space-travel"}, "Unknown theme “space-travel”; showing all themes."),
    ({"part": "nope"}, "There is no part “nope” in this programme; showing all parts."),
    ({"mode": "telepathy"}, "Unknown mode “telepathy”; showing every mode."),
    ({"language": "xx"}, "Unknown language “xx”; showing every language."),
    ({"room": "999999"}, "There is no such room in this programme; showing every room."),
    ({"room": "abc"}, "There is no such room in this programme; showing every room."),
])
def test_programme_invalid_filter_gives_a_message_and_an_unfiltered_answer(client, edition, params, message):
    response = client.get("/programme/", params)
    assert response.status_code == 200
    assert message in text(response)
    assert codes_on_page(response) == ["OPEN", "MOB"]


def test_programme_links_keep_only_valid_filters(client, edition):
    content = client.get("/programme/", {"sdg": "99", "mode": "online"}).content.decode()
    tabs = re.findall(r'<nav class="day-tabs".*?</nav>', content, re.S)[0]
    assert re.findall(r'href="([^"]+)"', tabs) == ["?mode=online&amp;day=2021-11-09"]


# ---------------------------------------------------------------- time zones

def test_programme_in_the_visitors_zone_moves_sessions_to_their_local_day(client, edition):
    client.cookies[TZ_COOKIE] = "America/New_York"
    response = client.get("/programme/")
    page = text(response)
    # 10:00 in Guangzhou on 8 Nov is 21:00 on 7 Nov in New York: a day before the edition starts.
    assert tabs_of(response) == ["2021-11-07", "2021-11-08", "2021-11-09"]
    assert codes_on_page(response) == ["OPEN", "MOB"]
    assert "Sunday 7 November 2021" in page
    assert "21:00 – 22:00 EST" in page
    assert "venue: Mon 8 Nov 10:00 – 11:00 CST" in page
    assert "Times are shown in your time zone, America/New_York , and in brackets at the venue, Asia/Shanghai" in page


def test_programme_zone_picker_posts_to_the_time_zone_view(client, edition):
    content = client.get("/programme/?view=list").content.decode()
    assert 'action="/time-zone/"' in content
    assert '<input type="hidden" name="next" value="/programme/?view=list">' in content
    response = client.post("/time-zone/", {"time_zone": "Australia/Sydney", "next": "/programme/?view=list"})
    assert (response.status_code, response["Location"]) == (302, "/programme/?view=list")
    page = text(client.get("/programme/?view=list"))
    assert "13:00 – 14:00 AEDT" in page


@pytest.fixture
def london_edition():
    """An edition spanning the end of European summer time (29 Oct 2023) and of US summer time (5 Nov)."""
    edition = current_edition(starts_on=dt.date(2023, 10, 28), ends_on=dt.date(2023, 11, 5),
                              time_zone="Europe/London", venue_city="London", venue_country="GB")
    room = RoomFactory(edition=edition, name="Hall")
    for code, day, hour in (("SAT", dt.date(2023, 10, 28), 9), ("MON", dt.date(2023, 10, 30), 9),
                            ("LATE", dt.date(2023, 11, 1), 2), ("SUNUS", dt.date(2023, 11, 5), 12)):
        add_session(edition, code=code, room=room, starts_at=at(edition, day, hour),
                    ends_at=at(edition, day, hour) + dt.timedelta(hours=1))
    publish(edition)
    return edition


@pytest.mark.parametrize(("zone", "expected"), [
    ("Europe/London", {"2023-10-28": ["SAT", "09:00 – 10:00 BST"], "2023-10-30": ["MON", "09:00 – 10:00 GMT"],
                       "2023-11-01": ["LATE", "02:00 – 03:00 GMT"], "2023-11-05": ["SUNUS", "12:00 – 13:00 GMT"]}),
    ("America/New_York", {"2023-10-28": ["SAT", "04:00 – 05:00 EDT"], "2023-10-30": ["MON", "05:00 – 06:00 EDT"],
                          "2023-10-31": ["LATE", "22:00 – 23:00 EDT"],
                          "2023-11-05": ["SUNUS", "07:00 – 08:00 EST"]}),
    ("Australia/Sydney", {"2023-10-28": ["SAT", "19:00 – 20:00 AEDT"], "2023-10-30": ["MON", "20:00 – 21:00 AEDT"],
                          "2023-11-01": ["LATE", "13:00 – 14:00 AEDT"],
                          "2023-11-05": ["SUNUS", "23:00 – 00:00 +1 AEDT"]}),
])
def test_day_tabs_follow_the_viewers_zone_across_dst(client, london_edition, zone, expected):
    client.cookies[TZ_COOKIE] = zone
    assert tabs_of(client.get("/programme/")) == list(expected)
    for day, (code, when) in expected.items():
        response = client.get("/programme/", {"day": day, "view": "list"})
        assert (codes_on_page(response), when in text(response)) == ([code], True), (day, text(response))


def test_logged_in_persons_profile_zone_wins_over_the_cookie(client, edition):
    user = UserFactory(time_zone="Europe/Paris")
    client.force_login(user)
    client.cookies[TZ_COOKIE] = "America/New_York"
    assert "03:00 – 04:00 CET" in text(client.get("/programme/"))


# ---------------------------------------------------------------- session page and Join

def test_session_page_shows_details_in_both_zones(client, edition):
    client.cookies[TZ_COOKIE] = "Europe/Madrid"
    response = client.get("/sessions/OPEN/")
    page = text(response)
    assert response.status_code == 200
    assert "Opening plenary" in page
    assert "Mon 8 Nov 03:00 – 04:00 CET" in page and "Mon 8 Nov 10:00 – 11:00 CST" in page
    assert "Ana Colau" in page and "Mayors' Forum" in page and "English, French" in page
    assert "Public space" in page and "11. Sustainable Cities and Communities" in page


def test_session_page_of_unknown_code_is_404(client, edition):
    assert client.get("/sessions/NOPE/").status_code == 404


def test_closed_session_page_is_404_for_the_public_and_shown_to_staff(client, edition):
    assert client.get("/sessions/BOARD/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/sessions/BOARD/").status_code == 404
    client.force_login(StaffFactory())
    assert client.get("/sessions/BOARD/").status_code == 200


def test_members_session_page_asks_anonymous_visitors_to_log_in(client, edition):
    response = client.get("/sessions/MEMB/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/sessions/MEMB/")
    client.force_login(UserFactory())
    assert client.get("/sessions/MEMB/").status_code == 200


def test_members_session_page_denied_by_the_access_policy(client, edition, settings):
    settings.URBIS_SESSION_ACCESS_POLICY = "tests.program.test_public_views.nobody"
    client.force_login(UserFactory())
    assert client.get("/sessions/MEMB/").status_code == 403


def _live_session(edition, *, starts_in: dt.timedelta, mode=SessionMode.HYBRID, code="LIVE"):
    start = timezone.now().replace(microsecond=0) + starts_in
    stream = edition.streams.get(name="Channel")
    add_session(edition, code=code, title="Live session", stream=stream, mode=mode, starts_at=start,
                ends_at=start + dt.timedelta(hours=1))
    publish(edition)


def test_join_button_when_open_for_someone_who_may_join(client, edition):
    _live_session(edition, starts_in=dt.timedelta(minutes=10))  # joining opens 15 minutes before
    client.force_login(UserFactory())
    content = client.get("/sessions/LIVE/").content.decode()
    assert 'href="https://meet.example.org/secret-room"' in content
    assert ">Join</a>" in content
    assert "French: " in text(client.get("/sessions/LIVE/")) and "Spanish: channel 7" in text(client.get("/sessions/LIVE/"))


def test_join_button_goes_through_the_join_route_when_configured(client, edition, settings):
    settings.URBIS_JOIN_ROUTE = "registration:join"
    _live_session(edition, starts_in=dt.timedelta(minutes=10))
    client.force_login(UserFactory())
    content = client.get("/sessions/LIVE/").content.decode()
    assert ('href="/registration/join/LIVE/"' in content, "secret-room" in content) == (True, False)


def test_join_not_yet_open_says_when_and_hides_the_url(client, edition):
    _live_session(edition, starts_in=dt.timedelta(hours=2))
    client.force_login(UserFactory())
    response = client.get("/sessions/LIVE/")
    assert "Join opens 15 minutes before the start." in text(response)
    assert "secret-room" not in response.content.decode()


def test_join_url_never_shown_to_anonymous_visitors(client, edition):
    _live_session(edition, starts_in=dt.timedelta(minutes=5))
    response = client.get("/sessions/LIVE/")
    assert "Log in to join" in text(response)
    assert "secret-room" not in response.content.decode()


def test_join_url_not_shown_to_someone_the_join_policy_refuses(client, edition, settings):
    settings.URBIS_JOIN_POLICY = "tests.program.test_public_views.nobody"
    _live_session(edition, starts_in=dt.timedelta(minutes=5))
    client.force_login(UserFactory())
    response = client.get("/sessions/LIVE/")
    assert "Joining online is open to registered participants" in text(response)
    assert "secret-room" not in response.content.decode()


def test_join_after_the_end_and_for_in_person_sessions(client, edition):
    _live_session(edition, starts_in=dt.timedelta(hours=-3))
    _live_session(edition, starts_in=dt.timedelta(minutes=5), mode=SessionMode.IN_PERSON, code="ROOM")
    client.force_login(UserFactory())
    ended = client.get("/sessions/LIVE/")
    assert ("This session has ended." in text(ended), "secret-room" in ended.content.decode()) == (True, False)
    in_person = client.get("/sessions/ROOM/")
    assert ('id="join"' in in_person.content.decode(), "secret-room" in in_person.content.decode()) == (False, False)


def test_join_of_a_cancelled_session(client, edition):
    _live_session(edition, starts_in=dt.timedelta(minutes=5))
    Session.objects.filter(version__isnull=True, code="LIVE").update(status=SessionStatus.CANCELLED)
    publish(edition)
    client.force_login(UserFactory())
    response = client.get("/sessions/LIVE/")
    assert ("This session is cancelled." in text(response), "secret-room" in response.content.decode()) == (True, False)


# ---------------------------------------------------------------- bookmarks

def test_bookmark_requires_login(client, edition):
    response = client.post("/sessions/OPEN/bookmark/", {"action": "add"})
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/sessions/OPEN/")
    assert Bookmark.objects.count() == 0


def test_bookmark_with_htmx_when_logged_out_sends_to_the_login_page(client, edition):
    response = client.post("/sessions/OPEN/bookmark/", {"action": "add"}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (401, "/accounts/login/?next=/sessions/OPEN/")
    assert Bookmark.objects.count() == 0


def test_bookmark_add_and_remove_without_javascript(client, edition):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/sessions/OPEN/bookmark/", {"action": "add", "next": "/programme/?view=list"})
    assert (response.status_code, response["Location"]) == (302, "/programme/?view=list")
    assert list(Bookmark.objects.values_list("user_id", "session_code")) == [(user.pk, "OPEN")]
    assert "In my agenda" in text(client.get("/sessions/OPEN/"))
    client.post("/sessions/OPEN/bookmark/", {"action": "remove"})
    assert Bookmark.objects.count() == 0


def test_bookmark_with_htmx_returns_the_button(client, edition):
    client.force_login(UserFactory())
    response = client.post("/sessions/OPEN/bookmark/", {"action": "add"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert (response.status_code, content.startswith("<form"), 'value="remove"' in content) == (200, True, True)


def test_bookmark_refuses_unsafe_next_and_unknown_sessions(client, edition):
    client.force_login(UserFactory())
    response = client.post("/sessions/OPEN/bookmark/", {"action": "add", "next": "https://evil.example.com/"})
    assert response["Location"] == "/sessions/OPEN/"
    response = client.post("/sessions/NOPE/bookmark/", {"action": "add"}, follow=True)
    assert "There is no session NOPE in the published programme." in text(response)
    response = client.post("/sessions/BOARD/bookmark/", {"action": "add"}, HTTP_HX_REQUEST="true")
    assert "There is no session BOARD in the published programme." in text(response)
    assert list(Bookmark.objects.values_list("session_code", flat=True)) == ["OPEN"]


def test_bookmark_acts_only_on_ones_own_agenda(client, edition):
    alice, bob = UserFactory(), UserFactory()
    agenda.bookmark_session(user=alice, edition=edition, code="OPEN")
    client.force_login(bob)
    client.post("/sessions/OPEN/bookmark/", {"action": "remove", "user": alice.pk})
    assert list(Bookmark.objects.values_list("user_id", "session_code")) == [(alice.pk, "OPEN")]
    assert "Opening plenary" not in text(client.get("/agenda/"))


def test_bookmark_get_is_not_allowed(client, edition):
    client.force_login(UserFactory())
    assert client.get("/sessions/OPEN/bookmark/").status_code == 405


# ---------------------------------------------------------------- agenda

def test_agenda_requires_login(client, edition):
    response = client.get("/agenda/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/agenda/")


def test_agenda_lists_bookmarks_by_day_and_flags_overlaps(client, edition):
    user = UserFactory()
    for code in ("OPEN", "MOB", "HEAL"):
        agenda.bookmark_session(user=user, edition=edition, code=code)
    client.force_login(user)
    response = client.get("/agenda/")
    page = text(response)
    assert codes_on_page(response) == ["OPEN", "MOB", "HEAL"]
    assert "2 sessions in your agenda overlap others." in page
    assert "Overlaps with Mobility forum" in page and "Overlaps with Opening plenary" in page
    assert page.index("Monday 8 November 2021") < page.index("Tuesday 9 November 2021")
    assert re.findall(r'class="session-item[^"]*overlapping', response.content.decode()) != []


def test_agenda_feed_page_requires_login(client, edition):
    assert client.get("/agenda/feed/").status_code == 302
    assert client.post("/agenda/feed/", {"action": "rotate"}).status_code == 302
    from urbis.program.models import AgendaFeed

    assert AgendaFeed.objects.count() == 0


def test_agenda_feed_create_rotate_revoke(client, edition):
    user = UserFactory()
    agenda.bookmark_session(user=user, edition=edition, code="OPEN")
    agenda.bookmark_session(user=user, edition=edition, code="MOB")
    client.force_login(user)
    assert "You have no private calendar address." in text(client.get("/agenda/feed/"))
    client.post("/agenda/feed/", {"action": "rotate"})
    token = user.agenda_feed.token
    assert f"/agenda/{token}.ics" in client.get("/agenda/feed/").content.decode()
    assert f"/agenda/{token}.ics" in client.get("/agenda/").content.decode()
    client.logout()
    response = client.get(f"/agenda/{token}.ics")
    assert (response.status_code, response["Content-Type"]) == (200, "text/calendar; charset=utf-8")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert sorted(str(e["summary"]) for e in calendar.walk("VEVENT")) == ["Mobility forum", "Opening plenary"]
    client.force_login(user)
    client.post("/agenda/feed/", {"action": "rotate"})
    user.refresh_from_db()
    assert client.get(f"/agenda/{token}.ics").status_code == 404
    assert client.get(f"/agenda/{user.agenda_feed.token}.ics").status_code == 200
    new_token = user.agenda_feed.token
    client.post("/agenda/feed/", {"action": "revoke"})
    assert client.get(f"/agenda/{new_token}.ics").status_code == 404


def test_agenda_feed_unknown_token_and_unknown_action(client, edition):
    assert client.get("/agenda/not-a-token.ics").status_code == 404
    client.force_login(UserFactory())
    response = client.post("/agenda/feed/", {"action": "explode"}, follow=True)
    assert "Unknown action." in text(response)


def test_agenda_download_requires_login_and_gives_the_calendar(client, edition):
    assert client.get("/agenda.ics").status_code == 302
    user = UserFactory()
    agenda.bookmark_session(user=user, edition=edition, code="HEAL")
    client.force_login(user)
    response = client.get("/agenda.ics")
    assert response["Content-Disposition"] == 'attachment; filename="my-agenda.ics"'
    assert [str(e["summary"]) for e in icalendar.Calendar.from_ical(response.content).walk("VEVENT")] == [
        "Health cities"]


# ---------------------------------------------------------------- speakers, now, home

def test_speakers_list_and_search(client, edition):
    hidden = PersonFactory(first_name="Hidden", last_name="Person", public_profile=False)
    board_only = PersonFactory(first_name="Board", last_name="Member")
    Session.objects.get(version__isnull=True, code="MOB").speaker_links.create(person=hidden)
    Session.objects.get(version__isnull=True, code="BOARD").speaker_links.create(person=board_only)
    publish(edition)
    response = client.get("/speakers/")
    assert re.findall(r'href="/speakers/([^/"]+)/"', response.content.decode()) == ["ana-colau"]
    assert "1 session" in text(response)
    assert re.findall(r'href="/speakers/([^/"]+)/"', client.get("/speakers/?q=zzz").content.decode()) == []
    client.force_login(StaffFactory())
    assert re.findall(r'href="/speakers/([^/"]+)/"', client.get("/speakers/").content.decode()) == [
        "ana-colau", board_only.slug]


def test_speaker_page(client, edition):
    response = client.get("/speakers/ana-colau/")
    assert (response.status_code, "Opening plenary" in text(response)) == (200, True)
    assert client.get("/speakers/nobody-here/").status_code == 404


def test_speaker_of_only_closed_sessions_is_not_shown_to_the_public(client, edition):
    person = PersonFactory()
    Session.objects.get(version__isnull=True, code="BOARD").speaker_links.create(person=person)
    publish(edition)
    assert client.get(f"/speakers/{person.slug}/").status_code == 404
    client.force_login(StaffFactory())
    assert client.get(f"/speakers/{person.slug}/").status_code == 200


def test_now_and_next(client, edition):
    now = timezone.now().replace(microsecond=0)
    add_session(edition, code="NOW", title="Running now", starts_at=now - dt.timedelta(minutes=10),
                ends_at=now + dt.timedelta(minutes=50))
    add_session(edition, code="SOON", title="Starting soon", starts_at=now + dt.timedelta(hours=1),
                ends_at=now + dt.timedelta(hours=2))
    add_session(edition, code="GONE", title="Already over", starts_at=now - dt.timedelta(hours=3),
                ends_at=now - dt.timedelta(hours=2))
    publish(edition)
    response = client.get("/now/")
    page = text(response)
    assert page.index("Happening now") < page.index("Running now") < page.index("Coming next") < page.index(
        "Starting soon")
    assert "Already over" not in page


def test_home_page_gives_an_overview(client, edition):
    response = client.get("/")
    page = text(response)
    assert response.status_code == 200
    assert "4 sessions" in page  # the closed board meeting is not counted for the public
    assert "1 speaker" in page
    assert "The congress runs on Asia/Shanghai time." in page
    assert 'href="/programme/"' in response.content.decode()


def test_home_page_before_publication(client):
    current_edition()
    assert "The programme is not published yet" in text(client.get("/"))


# ---------------------------------------------------------------- query counts

def _count(client, url):
    from django.core.cache import cache

    cache.clear()
    n, response = count_queries(client.get, url)
    assert response.status_code == 200
    return n


@pytest.mark.parametrize("url", ["/programme/", "/programme/?view=list", "/programme/?view=list&q=session&sdg=3",
                                 "/speakers/", "/now/", "/", "/sessions/S-FIRST/"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_public_pages_make_a_constant_number_of_queries(client, url, logged_in):
    counts = []
    for size in (10, 80):
        Edition.objects.update(is_current=False)
        edition = build_programme(size)
        first = edition.sessions.filter(version__isnull=False).order_by("starts_at", "pk").first()
        if logged_in:
            user = UserFactory()
            client.force_login(user)
            for code in edition.sessions.filter(version__isnull=False).values_list("code", flat=True)[:size // 2]:
                agenda.bookmark_session(user=user, edition=edition, code=code)
        counts.append(_count(client, url.replace("S-FIRST", first.code)))
    assert counts[0] == counts[1]
    assert counts[0] <= 10


def test_agenda_makes_a_constant_number_of_queries(client):
    counts = []
    for size in (10, 80):
        Edition.objects.update(is_current=False)
        edition = build_programme(size)
        user = UserFactory()
        for code in edition.sessions.filter(version__isnull=False).values_list("code", flat=True):
            agenda.bookmark_session(user=user, edition=edition, code=code)
        client.force_login(user)
        counts.append(_count(client, "/agenda/"))
    assert counts[0] == counts[1] and counts[0] <= 10, counts


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ["Changer de fuseau horaire", "Grille", "Tous les ODD", "lundi 8 novembre 2021"]),
    ("es", ["Cambiar de zona horaria", "Cuadrícula", "Todos los ODS", "lunes 8 de noviembre de 2021"]),
    ("zh-hans", ["更改时区", "网格", "所有可持续发展目标", "2021年11月8日 星期一"]),
])
def test_programme_speaks_the_visitors_language(client, edition, language, expected):
    page = text(client.get("/programme/", HTTP_ACCEPT_LANGUAGE=language))
    assert [phrase in page for phrase in expected] == [True] * len(expected)


def test_programme_and_session_pages_link_the_calendar_exports(client, edition):
    programme = client.get("/programme/").content.decode()
    links = re.findall(r'href="(/programme\.ics|/schedule\.json|/schedule\.xml)"', programme)
    assert links == ["/programme.ics", "/schedule.json", "/schedule.xml"]
    assert [client.get(link).status_code for link in links] == [200, 200, 200]
    assert 'href="/sessions/OPEN.ics"' in client.get("/sessions/OPEN/").content.decode()
    assert client.get("/sessions/OPEN.ics").status_code == 200


ODD_VALUES = ["\x00", "1e5", "-1", "x" * 5000, "２", "../../", "%", "' OR 1=1 --", "2021-02-30", "99999-01-01",
              "0", "١"]


@pytest.mark.parametrize("name", ["day", "sdg", "room", "part", "theme", "mode", "language", "q", "view"])
def test_programme_answers_odd_input_with_a_page_never_an_error(client, edition, name):
    statuses = {value: client.get("/programme/", {name: value}).status_code for value in ODD_VALUES}
    assert statuses == dict.fromkeys(ODD_VALUES, 200)


def test_odd_paths_are_404_never_an_error(client, edition):
    paths = ["/sessions/%00/", "/sessions/" + "x" * 300 + "/", "/sessions/é/", "/agenda/é.ics",
             "/agenda/" + "a" * 500 + ".ics", "/speakers/xx/"]
    assert [client.get(path).status_code for path in paths] == [404] * len(paths)
    assert client.get("/speakers/", {"q": "x" * 3000}).status_code == 200


def test_grid_cells_carry_a_bookmark_star_for_logged_in_people(client, edition):
    user = UserFactory()
    agenda.bookmark_session(user=user, edition=edition, code="OPEN")
    assert "bookmark-form" not in client.get("/programme/").content.decode()
    client.force_login(user)
    content = client.get("/programme/").content.decode()
    assert re.findall(r'data-code="(\w+)".*?aria-pressed="(\w+)"', content, re.S) == [("OPEN", "true"), ("MOB", "false")]
    response = client.post("/sessions/MOB/bookmark/", {"action": "add", "compact": "1"}, HTTP_HX_REQUEST="true")
    assert ('class="bookmark on compact"' in response.content.decode(), sorted(agenda.bookmarked_codes(
        user=user, edition=edition))) == (True, ["MOB", "OPEN"])
