"""The public programme cache: never stale after a publication, never personal."""

import datetime as dt
import re

import pytest
from django.core.cache import cache as django_cache

from tests.factories import EditionFactory, PersonFactory, StaffFactory, UserFactory
from tests.helpers import count_queries
from tests.program.programme_builders import add_session, at, current_edition, publish
from urbis.core.middleware import TZ_COOKIE
from urbis.program import agenda, cache
from urbis.program.enums import Visibility
from urbis.program.models import Session

pytestmark = pytest.mark.django_db


def codes_on_page(response) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', response.content.decode())


@pytest.fixture
def edition(settings):
    settings.URBIS_SESSION_ACCESS_POLICY = ""
    settings.URBIS_JOIN_POLICY = ""
    edition = current_edition()
    day = edition.starts_on
    add_session(edition, code="A", title="First title", starts_at=at(edition, day, 10), ends_at=at(edition, day, 11))
    add_session(edition, code="B", title="Board", visibility=Visibility.CLOSED, starts_at=at(edition, day, 12),
                ends_at=at(edition, day, 13))
    publish(edition)
    return edition


def test_fragment_key_changes_with_every_part():
    base = {"page": "programme", "edition_id": 1, "version_number": 3, "zone_name": "Asia/Shanghai",
            "viewer": "anonymous", "variant": "grid", "language": "en"}
    keys = {cache.fragment_key(**base)}
    for change in ({"edition_id": 2}, {"version_number": 4}, {"zone_name": "Europe/London"}, {"viewer": "staff"},
                   {"variant": "list"}, {"language": "fr"}, {"page": "session"}):
        keys.add(cache.fragment_key(**{**base, **change}))
    assert len(keys) == 8
    assert cache.fragment_key(**base) == cache.fragment_key(**base)


def test_viewer_classes():
    from django.contrib.auth.models import AnonymousUser

    assert [cache.viewer_class(u) for u in (AnonymousUser(), UserFactory(), StaffFactory())] == [
        "anonymous", "user", "staff"]
    assert [cache.is_cacheable(u) for u in (AnonymousUser(), UserFactory(), StaffFactory())] == [True, False, False]


def test_anonymous_programme_is_served_from_the_cache(client, edition):
    first_count, first = count_queries(client.get, "/programme/")
    second_count, second = count_queries(client.get, "/programme/")
    assert second_count < first_count
    assert codes_on_page(first) == codes_on_page(second) == ["A"]


def test_publication_is_never_hidden_by_the_cache(client, edition):
    assert "First title" in client.get("/programme/").content.decode()
    assert "First title" in client.get("/sessions/A/").content.decode()
    Session.objects.filter(version__isnull=True, code="A").update(title="Second title")
    publish(edition)
    programme, session = client.get("/programme/").content.decode(), client.get("/sessions/A/").content.decode()
    assert ("Second title" in programme, "First title" in programme) == (True, False)
    assert ("Second title" in session, "First title" in session) == (True, False)


def test_speakers_page_follows_a_publication(client, edition):
    assert "Ana Nueva" not in client.get("/speakers/").content.decode()
    Session.objects.get(version__isnull=True, code="A").speaker_links.create(
        person=PersonFactory(first_name="Ana", last_name="Nueva"))
    publish(edition)
    assert "Ana Nueva" in client.get("/speakers/").content.decode()


def test_cache_varies_with_the_visitors_zone_and_language(client, edition):
    assert "10:00" in client.get("/programme/").content.decode()
    client.cookies[TZ_COOKIE] = "Europe/London"
    assert ">02:00</time>" in client.get("/programme/").content.decode()
    client.cookies[TZ_COOKIE] = ""
    french = client.get("/programme/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get("/programme/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r'<html lang="(\w+)"', french + english) == ["fr", "en"]
    assert re.findall(r'<h2 class="day-title">([^<]+)</h2>', french + english) == [
        "lundi 8 novembre 2021", "Monday 8 November 2021"]


def test_closed_session_seen_by_its_speaker_does_not_leak_to_anyone_else(client, edition):
    speaker = UserFactory()
    Session.objects.get(version__isnull=True, code="B").speaker_links.create(person=PersonFactory(user=speaker))
    publish(edition)
    client.force_login(speaker)
    assert codes_on_page(client.get("/programme/")) == ["A", "B"]
    client.logout()
    assert codes_on_page(client.get("/programme/")) == ["A"]
    client.force_login(UserFactory())
    assert codes_on_page(client.get("/programme/")) == ["A"]


def test_bookmark_state_does_not_leak_between_people(client, edition):
    alice, bob = UserFactory(), UserFactory()
    agenda.bookmark_session(user=alice, edition=edition, code="A")
    client.force_login(alice)
    assert "In my agenda" in client.get("/programme/?view=list").content.decode()
    assert "In my agenda" in client.get("/sessions/A/").content.decode()
    client.force_login(bob)
    assert "In my agenda" not in client.get("/programme/?view=list").content.decode()
    assert "In my agenda" not in client.get("/sessions/A/").content.decode()
    client.logout()
    assert "In my agenda" not in client.get("/sessions/A/").content.decode()


def test_cached_page_keeps_each_visitors_own_csrf_token(client, edition):
    from django.test import Client

    first, second = Client(), Client()
    page_one = first.get("/programme/").content.decode()
    page_two = second.get("/programme/").content.decode()
    token_one = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_one)
    token_two = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_two)
    assert token_one and token_two and token_one != token_two
    assert (cache.CSRF_PLACEHOLDER in page_one + page_two, page_two.count(token_two[0]) >= 2) == (False, True)
    # The zone picker of the cached page works for the second visitor (their own CSRF token).
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = second.cookies
    response = strict.post("/time-zone/", {"time_zone": "Europe/Paris", "next": "/programme/",
                                           "csrfmiddlewaretoken": token_two[0]})
    assert (response.status_code, response["Location"]) == (302, "/programme/")


def test_cached_page_expires_when_what_it_shows_changes(rf, edition):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.cache import SessionStore
    from django.utils import timezone

    request = rf.get("/programme/")
    request.user, request.session = AnonymousUser(), SessionStore()
    request._messages = FallbackStorage(request)
    key = cache.page_key(request, page="t", edition_id=1, version_number=1, zone_name="UTC")
    soon = timezone.now() + dt.timedelta(seconds=30)
    cache.render_page(request, key, "program/public/not_published.html", {"edition": edition}, valid_until=soon)
    assert cache.cached_page(request, key) is not None
    cache.local_pages.clear()  # only the shared cache holds the page now, as in another process
    django_cache.set(key.key, ((b"<p>old</p>",), timezone.now() - dt.timedelta(seconds=1), "digest"))
    assert cache.cached_page(request, key) is None


def test_page_with_a_message_is_neither_cached_nor_taken_from_the_cache(client, edition):
    client.get("/programme/")
    response = client.post("/time-zone/", {"time_zone": "Mars/Olympus", "next": "/programme/"}, follow=True)
    assert "Unknown time zone: Mars/Olympus." in response.content.decode()
    assert "Unknown time zone" not in client.get("/programme/").content.decode()


def test_members_only_and_closed_session_pages_are_never_served_from_the_cache(client, edition):
    add_session(edition, code="M", visibility=Visibility.MEMBERS)
    publish(edition)
    for _attempt in range(2):
        assert client.get("/sessions/B/").status_code == 404
        assert client.get("/sessions/M/").status_code == 302
    client.force_login(StaffFactory())
    assert (client.get("/sessions/B/").status_code, client.get("/sessions/M/").status_code) == (200, 200)


def test_programme_state_follows_the_current_edition_and_its_latest_version(edition):
    from urbis.program.selectors import programme_state

    state = programme_state()
    assert (state.edition_id, state.time_zone, state.version_number) == (edition.pk, "Asia/Shanghai", 1)
    publish(edition)
    EditionFactory(starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 1, 2))  # newer, but not current
    assert (programme_state().edition_id, programme_state().version_number) == (edition.pk, 2)


def test_programme_state_without_editions_or_versions():
    from urbis.program.selectors import programme_state

    assert programme_state() is None
    edition = current_edition()
    assert (programme_state().edition_id, programme_state().version_number) == (edition.pk, 0)


def test_anonymous_cache_hit_costs_one_query(client, edition):
    for url in ("/programme/", "/sessions/A/", "/speakers/", "/now/", "/"):
        client.get(url)
        assert count_queries(client.get, url)[0] == 1, url


def test_home_page_is_cached_until_the_next_start_or_end(client, edition):
    import time

    from django.utils import timezone

    now = timezone.now().replace(microsecond=0)
    add_session(edition, code="SOON", title="Starting in a moment", starts_at=now + dt.timedelta(seconds=2),
                ends_at=now + dt.timedelta(hours=1))
    publish(edition)
    first = client.get("/").content.decode()
    assert ("Coming next" in first, "Happening now" in first) == (True, False)
    assert count_queries(client.get, "/")[0] == 1  # from the cache
    time.sleep(2.1)
    assert "Happening now" in client.get("/").content.decode()
    Session.objects.filter(version__isnull=True, code="SOON").update(title="Renamed session")
    publish(edition)
    assert "Renamed session" in client.get("/").content.decode()


# ---------------------------------------------------------------- conditional requests (ETag)

def test_a_cached_page_is_revalidated_with_a_bodiless_304(edition):
    from django.test import Client

    browser = Client()
    first = browser.get("/programme/")
    etag = first["ETag"]
    assert (first.status_code, first["Cache-Control"], bool(re.fullmatch(r'"[0-9a-f]{32}"', etag))) == (
        200, "private, no-cache", True)
    n, again = count_queries(browser.get, "/programme/", HTTP_IF_NONE_MATCH=etag)
    assert (again.status_code, again.content, again["ETag"], n) == (304, b"", etag, 1)
    assert "Set-Cookie" not in again.headers  # the visitor's CSRF cookie is kept as it is


def test_a_publication_changes_the_etag(edition):
    from django.test import Client

    browser = Client()
    etag = browser.get("/sessions/A/")["ETag"]
    Session.objects.filter(version__isnull=True, code="A").update(title="Second title")
    publish(edition)
    response = browser.get("/sessions/A/", HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, "Second title" in response.content.decode(), response["ETag"] != etag) == (
        200, True, True)


def test_the_etag_holds_only_for_the_same_csrf_secret(edition):
    """A copy made for another CSRF secret (another browser, or before a log-in) carries a token that no longer
    matches the cookie: it must not be reused, so the page comes back whole with a token for this secret."""
    from django.test import Client

    etag = Client().get("/programme/")["ETag"]
    other = Client()
    response = other.get("/programme/", HTTP_IF_NONE_MATCH=etag)
    assert (response.status_code, response["ETag"] != etag) == (200, True)
    # Without any CSRF cookie there is nothing to revalidate against: a whole page and a new cookie.
    fresh = Client().get("/programme/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert (fresh.status_code, "csrftoken" in fresh.cookies) == (200, True)


def test_if_modified_since_alone_is_not_enough(edition):
    from django.test import Client

    browser = Client()
    first = browser.get("/programme/")
    response = browser.get("/programme/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert (response.status_code, bool(first["Last-Modified"])) == (200, True)


def test_last_modified_is_the_latest_publication(edition):
    from django.test import Client
    from django.utils.http import http_date

    version = edition.versions.order_by("-number").first()
    edition.refresh_from_db()
    expected = http_date(max(version.published_at, edition.updated_at).timestamp())
    assert Client().get("/programme/")["Last-Modified"] == expected


def test_pages_of_logged_in_people_have_no_etag(client, edition):
    client.force_login(UserFactory())
    response = client.get("/programme/")
    assert (response.status_code, response.has_header("ETag")) == (200, False)


def test_a_cache_hit_reads_one_row_and_writes_nothing(edition):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client()
    browser.get("/programme/")
    with CaptureQueriesContext(connection) as captured:
        for _ in range(3):
            assert browser.get("/programme/").status_code == 200
    assert [q["sql"].split()[0].upper() for q in captured.captured_queries] == ["SELECT"] * 3


# ---------------------------------------------------------------- the per-process layer

def test_the_process_layer_never_outlives_the_shared_cache(client, edition):
    cold, _ = count_queries(client.get, "/programme/")
    warm, _ = count_queries(client.get, "/programme/")
    django_cache.clear()  # as an expiry or an eviction in the shared cache would
    again, _ = count_queries(client.get, "/programme/")
    assert (warm, again) == (1, cold)


def test_the_process_layer_is_bounded_in_bytes():
    layer = cache._LocalPages(max_bytes=10)
    layer.put("a", ((b"1234",), None, "da"))
    layer.put("b", ((b"12", b"34"), None, "db"))
    layer.get("a")  # a is now the most recently used
    layer.put("c", ((b"123",), None, "dc"))  # 11 bytes: the least recently used (b) goes
    layer.put("huge", ((b"x" * 11,), None, "dh"))  # larger than the whole layer: never kept
    assert (list(layer.entries), layer.size) == (["a", "c"], 7)
