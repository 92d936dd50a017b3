"""Earlier editions' public pages under /<edition-slug>/…, and the list of editions."""

import datetime as dt
import re

import pytest
from django.core.cache import cache as django_cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.factories import EditionFactory, PersonFactory, StaffFactory, StreamFactory, UserFactory
from tests.helpers import count_queries
from tests.program.programme_builders import add_session, at, build_programme, current_edition, publish
from urbis.core.errors import ValidationFailed
from urbis.program import services
from urbis.program.enums import SessionMode, Visibility
from urbis.program.exports import session_path
from urbis.program.models import Edition

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def codes_on_page(response) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', text(response))


@pytest.fixture(autouse=True)
def _policies(settings):
    settings.URBIS_SESSION_ACCESS_POLICY = ""
    settings.URBIS_JOIN_POLICY = ""
    django_cache.clear()


@pytest.fixture
def editions():
    """The current edition (session NOW1) and an earlier one, 2018, with a public, a members and a closed session."""
    current = current_edition(slug="congress-2021", name="Congress 2021")
    add_session(current, code="NOW1", title="Current opening", starts_at=at(current, current.starts_on, 10),
                ends_at=at(current, current.starts_on, 11))
    publish(current)
    past = EditionFactory(slug="congress-2018", name="Congress 2018", starts_on=dt.date(2018, 10, 8),
                          ends_on=dt.date(2018, 10, 10), time_zone="Europe/Madrid", venue_city="Montevideo")
    speaker = PersonFactory(first_name="Olga", last_name="Archiva", slug="olga-archiva")
    add_session(past, code="OLD1", title="Old plenary", starts_at=at(past, past.starts_on, 10),
                ends_at=at(past, past.starts_on, 11), speakers=[speaker])
    add_session(past, code="OLD2", title="Old members forum", visibility=Visibility.MEMBERS,
                starts_at=at(past, past.starts_on, 12), ends_at=at(past, past.starts_on, 13))
    add_session(past, code="OLD3", title="Old board", visibility=Visibility.CLOSED,
                starts_at=at(past, past.starts_on, 14), ends_at=at(past, past.starts_on, 15))
    publish(past)
    return current, past


# ---------------------------------------------------------------- the programme of an earlier edition

def test_past_programme_lists_its_own_sessions_with_links_inside_the_edition(client, editions):
    response = client.get("/congress-2018/programme/?view=list")
    assert response.status_code == 200
    assert codes_on_page(response) == ["OLD1", "OLD2"]
    links = re.findall(r'<a class="title" href="([^"]+)"', text(response))
    assert links == ["/congress-2018/sessions/OLD1/", "/congress-2018/sessions/OLD2/"]
    assert "You are reading the archive of Congress 2018." in text(response)
    assert 'href="/editions/congress-2018/schedule.json"' in text(response)


def test_current_programme_keeps_its_urls(client, editions):
    response = client.get("/programme/?view=list")
    assert (codes_on_page(response), "archive of" in text(response)) == (["NOW1"], False)
    assert re.findall(r'<a class="title" href="([^"]+)"', text(response)) == ["/sessions/NOW1/"]


@pytest.mark.parametrize(("url", "target"), [
    ("/congress-2021/programme/", "/programme/"),
    ("/congress-2021/programme/?day=2021-11-09&view=list", "/programme/?day=2021-11-09&view=list"),
    ("/congress-2021/sessions/NOW1/", "/sessions/NOW1/"),
    ("/congress-2021/speakers/", "/speakers/"),
    ("/congress-2021/speakers/someone/", "/speakers/someone/"),
])
def test_the_current_editions_slug_urls_redirect_to_its_short_urls(client, editions, url, target):
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, target)


def test_a_past_session_page_is_readable_and_never_offers_to_join(client, editions):
    _current, past = editions
    response = client.get("/congress-2018/sessions/OLD1/")
    assert response.status_code == 200
    assert ("Old plenary" in text(response), "join-box" in text(response)) == (True, False)
    assert "Add to my agenda" not in text(response)
    assert "Log in to add this session to your agenda" not in text(response)


def test_join_never_shows_for_a_non_current_edition_even_while_it_runs(client):
    """Control and case: the same running online session, for staff, shows Join only in the current edition."""
    now = timezone.now()
    shown = {}
    for slug, is_current in (("live-now", True), ("other-live", False)):
        edition = EditionFactory(slug=slug, is_current=is_current, starts_on=now.date() - dt.timedelta(days=1),
                                 ends_on=now.date() + dt.timedelta(days=1), time_zone="UTC")
        add_session(edition, code="LIVE", mode=SessionMode.ONLINE, stream=StreamFactory(edition=edition),
                    starts_at=now - dt.timedelta(minutes=5), ends_at=now + dt.timedelta(minutes=55))
        publish(edition)
    client.force_login(StaffFactory())
    for url in ("/sessions/LIVE/", "/other-live/sessions/LIVE/"):
        response = client.get(url)
        shown[url] = (response.status_code, 'class="button join"' in text(response))
    assert shown == {"/sessions/LIVE/": (200, True), "/other-live/sessions/LIVE/": (200, False)}


def test_past_programme_has_no_bookmark_buttons_for_logged_in_people(client, editions):
    client.force_login(UserFactory())
    response = client.get("/congress-2018/programme/?view=list")
    assert (codes_on_page(response), "bookmark-form" in text(response)) == (["OLD1", "OLD2"], False)


# ---------------------------------------------------------------- who may see what

def test_a_closed_past_session_is_hidden_from_visitors_and_shown_to_staff(client, editions):
    assert client.get("/congress-2018/sessions/OLD3/").status_code == 404
    client.force_login(UserFactory())
    assert client.get("/congress-2018/sessions/OLD3/").status_code == 404
    client.force_login(StaffFactory())
    response = client.get("/congress-2018/sessions/OLD3/")
    assert (response.status_code, "Old board" in text(response)) == (200, True)
    assert codes_on_page(client.get("/congress-2018/programme/?view=list")) == ["OLD1", "OLD2", "OLD3"]


def test_a_members_past_session_asks_an_anonymous_visitor_to_log_in(client, editions):
    response = client.get("/congress-2018/sessions/OLD2/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/congress-2018/sessions/OLD2/")
    client.force_login(UserFactory())
    assert client.get("/congress-2018/sessions/OLD2/").status_code == 200


@pytest.mark.parametrize("url", ["/congress-2030/programme/", "/congress-2030/sessions/NEW1/", "/congress-2030/speakers/",
                                 "/nowhere/programme/", "/nowhere/sessions/OLD1/", "/congress-2018/sessions/NOW1/",
                                 "/congress-2018/sessions/%00/", "/congress-2018/speakers/nobody/"])
def test_unpublished_unknown_or_foreign_pages_are_not_found(client, editions, url):
    draft_only = EditionFactory(slug="congress-2030")
    add_session(draft_only, code="NEW1")  # a draft, never published
    assert client.get(url).status_code == 404
    client.force_login(StaffFactory())
    assert client.get(url).status_code == 404


def test_past_speakers_and_speaker_pages(client, editions):
    listing = client.get("/congress-2018/speakers/")
    assert re.findall(r'<a class="title" href="([^"]+)">([^<]+)</a>', text(listing)) == [
        ("/congress-2018/speakers/olga-archiva/", "Olga Archiva")]
    page = client.get("/congress-2018/speakers/olga-archiva/")
    assert page.status_code == 200
    assert re.findall(r'<a class="title" href="([^"]+)">', text(page)) == ["/congress-2018/sessions/OLD1/"]
    # She does not speak in the current edition.
    assert client.get("/speakers/olga-archiva/").status_code == 404


def test_past_and_current_pages_are_cached_apart(client, editions):
    for _round in range(2):  # the second round is served from the cache
        assert codes_on_page(client.get("/programme/?view=list")) == ["NOW1"]
        assert codes_on_page(client.get("/congress-2018/programme/?view=list")) == ["OLD1", "OLD2"]


def test_a_republished_past_edition_is_never_served_stale(client, editions):
    _current, past = editions
    assert "Old plenary" in text(client.get("/congress-2018/sessions/OLD1/"))
    past.sessions.filter(version__isnull=True, code="OLD1").update(title="Old plenary, corrected")
    publish(past)
    assert "Old plenary, corrected" in text(client.get("/congress-2018/sessions/OLD1/"))


# ---------------------------------------------------------------- the list of editions

def test_editions_list_links_every_published_edition(client, editions):
    EditionFactory(slug="congress-2030", name="Congress 2030", starts_on=dt.date(2030, 1, 1),
                   ends_on=dt.date(2030, 1, 2))  # not published: not listed
    response = client.get("/editions/")
    assert response.status_code == 200
    assert re.findall(r'<a class="title" href="([^"]+)">([^<]+)</a>', text(response)) == [
        ("/programme/", "Congress 2021"), ("/congress-2018/programme/", "Congress 2018")]


def test_programme_page_links_to_the_editions_list(client, editions):
    assert 'href="/editions/"' in text(client.get("/programme/"))


# ---------------------------------------------------------------- query counts

def _count(client, url):
    django_cache.clear()
    n, response = count_queries(client.get, url)
    assert response.status_code == 200, url
    return n


@pytest.mark.parametrize("logged_in", [False, True])
@pytest.mark.parametrize("url", ["/SLUG/programme/", "/SLUG/programme/?view=list", "/SLUG/speakers/",
                                 "/SLUG/sessions/S-FIRST/", "/SLUG/speakers/S-SPEAKER/"])
def test_past_edition_pages_make_a_constant_number_of_queries(client, url, logged_in):
    counts = []
    for size in (10, 60):
        Edition.objects.update(is_current=False)
        build_programme(3)
        past = build_programme(size, edition=EditionFactory(slug=f"archived-{size}"))
        first = past.sessions.filter(version__isnull=False).order_by("starts_at", "pk").first()
        speaker = first.speaker_links.order_by("position").first().person
        speaker.public_profile = True
        speaker.save(update_fields=["public_profile"])
        if logged_in:
            client.force_login(UserFactory())
        counts.append(_count(client, url.replace("SLUG", past.slug).replace("S-FIRST", first.code)
                             .replace("S-SPEAKER", speaker.slug)))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts


def test_editions_list_makes_a_constant_number_of_queries(client):
    counts = []
    for size in (2, 12):
        Edition.objects.update(is_current=False)
        for i in range(size):
            edition = current_edition(slug=f"e-{size}-{i}") if i == 0 else EditionFactory(slug=f"e-{size}-{i}")
            add_session(edition, code="X1")
            publish(edition)
        n, response = count_queries(client.get, "/editions/")
        assert len(re.findall(r'<a class="title"', text(response))) == Edition.objects.count()
        counts.append(n)
    assert counts[0] == counts[1] <= 4, counts


# ---------------------------------------------------------------- permanent links and reserved slugs

def test_exports_link_to_the_permanent_address_of_a_session(client, editions):
    current, past = editions
    old = past.sessions.get(version__isnull=False, code="OLD1")
    new = current.sessions.get(version__isnull=False, code="NOW1")
    assert (session_path(old, past), session_path(new, current)) == (
        "/congress-2018/sessions/OLD1/", "/congress-2021/sessions/NOW1/")
    schedule = client.get("/editions/congress-2018/schedule.json").json()
    urls = [event["url"] for event in schedule["schedule"]["events"]]
    assert urls == ["http://testserver/congress-2018/sessions/OLD1/"]  # public sessions only, as before


@pytest.mark.parametrize("slug", ["staff", "sessions", "Members", "editions", "programme"])
def test_reserved_slugs_are_refused(slug):
    with pytest.raises(ValidationFailed) as caught:
        services.create_edition(slug=slug, name="Bad", starts_on=dt.date(2030, 1, 1), ends_on=dt.date(2030, 1, 2),
                                time_zone="UTC", venue_city="X", actor=StaffFactory())
    assert (caught.value.code, caught.value.field) == ("slug_reserved", "slug")
    assert Edition.objects.filter(slug=slug).exists() is False
    with pytest.raises(ValidationError):
        EditionFactory.build(slug=slug).full_clean()
