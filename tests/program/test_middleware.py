"""Anonymous cache hits answered by AnonymousProgrammeCacheMiddleware, before URL resolution and the view."""

from unittest import mock

import pytest
from django.test import Client
from django.urls.resolvers import URLResolver

from tests.factories import UserFactory
from tests.helpers import count_queries
from tests.program.programme_builders import add_session, at, current_edition, publish
from urbis.core.middleware import TZ_COOKIE
from urbis.program.enums import Visibility

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition(settings):
    settings.URBIS_SESSION_ACCESS_POLICY = ""
    settings.URBIS_JOIN_POLICY = ""
    edition = current_edition()
    day = edition.starts_on
    add_session(edition, code="A", title="First title", starts_at=at(edition, day, 10), ends_at=at(edition, day, 11))
    add_session(edition, code="M", title="Members only", visibility=Visibility.MEMBERS,
                starts_at=at(edition, day, 12), ends_at=at(edition, day, 13))
    publish(edition)
    return edition


def resolutions(client, url, **extra):
    """(URL resolutions, response) of one request."""
    with mock.patch.object(URLResolver, "resolve", autospec=True, side_effect=URLResolver.resolve) as spy:
        response = client.get(url, **extra)
    return spy.call_count, response


@pytest.mark.parametrize("url", ["/programme/", "/programme/?view=list&sdg=3", "/sessions/A/"])
def test_a_cached_anonymous_hit_is_answered_before_url_resolution(edition, url):
    browser = Client()
    cold, first = resolutions(browser, url)
    warm, second = resolutions(browser, url)
    assert (cold > 0, warm, first.status_code, second.status_code) == (True, 0, 200, 200)
    assert second.content.decode().replace(second.cookies["csrftoken"].value, "") != ""
    assert first["ETag"] == second["ETag"]


def test_the_early_answer_has_the_views_headers(edition):
    browser = Client()
    browser.get("/programme/")
    _n, early = resolutions(browser, "/programme/")
    _n, late = resolutions(browser, "/programme/", HTTP_HX_REQUEST="true")  # goes down the whole chain
    wanted = ("Content-Type", "ETag", "Cache-Control", "Last-Modified", "X-Frame-Options", "Content-Language",
              "X-Content-Type-Options", "Referrer-Policy")
    assert [early[h] for h in wanted] == [late[h] for h in wanted]
    assert set(early["Vary"].split(", ")) == set(late["Vary"].split(", ")) == {"Cookie", "Accept-Language"}


def test_a_miss_makes_no_extra_query(edition):
    from django.core.cache import cache

    browser = Client()
    browser.get("/programme/")
    cache.clear()
    n_early, _ = count_queries(browser.get, "/programme/")
    cache.clear()
    n_chain, _ = count_queries(browser.get, "/programme/", HTTP_HX_REQUEST="true")
    assert n_early == n_chain


@pytest.mark.parametrize("extra", [{"HTTP_HX_REQUEST": "true"}])
def test_htmx_requests_go_down_the_chain(edition, extra):
    browser = Client()
    browser.get("/programme/")
    n, response = resolutions(browser, "/programme/", **extra)
    assert (n > 0, response.status_code) == (True, 200)


def test_anyone_with_a_session_or_a_message_goes_down_the_chain(edition, client):
    user = UserFactory()
    client.force_login(user)
    n, response = resolutions(client, "/sessions/M/")
    assert (n > 0, response.status_code, "Members only" in response.content.decode()) == (True, 200, True)
    browser = Client()
    browser.get("/programme/")
    browser.cookies["messages"] = "anything"
    n, _response = resolutions(browser, "/programme/")
    assert n > 0


def test_a_page_anonymous_visitors_may_not_see_is_never_answered_early(edition):
    browser = Client()
    for _ in range(2):
        n, response = resolutions(browser, "/sessions/M/")
        assert (n > 0, response.status_code) == (True, 302)


def test_the_early_answer_follows_the_visitors_zone(edition):
    browser = Client()
    browser.get("/programme/")
    browser.cookies[TZ_COOKIE] = "Europe/London"
    _n, cold = resolutions(browser, "/programme/")
    n, warm = resolutions(browser, "/programme/")
    assert (n, ">02:00</time>" in cold.content.decode(), ">02:00</time>" in warm.content.decode()) == (0, True, True)
