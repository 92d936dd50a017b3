"""Anonymous visitors' cached programme and session pages, answered early in the middleware chain.

Placed in MIDDLEWARE right after CsrfViewMiddleware (so security headers, the session, the language,
CommonMiddleware and the CSRF cookie all apply as usual), it answers a cache hit of `/programme/` or
`/sessions/<code>/` for a visitor who cannot be logged in (no session cookie) and has no flash
message waiting (no messages cookie), before authentication, allauth, htmx, URL resolution and the
view. The key, the page and its headers are exactly the view's (`views_public._anonymous_page_key`,
`cache.cached_page`); on a miss, or for anyone else, the request goes down the chain unchanged and
the view renders and stores the page (reusing the key computed here: no second query).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.middleware.clickjacking import XFrameOptionsMiddleware

from urbis.core.middleware import DisplayTimezoneMiddleware

from . import cache, views_public

SESSION_PATH = re.compile(r"/sessions/[A-Za-z0-9_-]{1,12}/")


def _page_of(path: str) -> str | None:
    if path == "/programme/":
        return "programme"
    if SESSION_PATH.fullmatch(path):
        return "session"
    return None


class AnonymousProgrammeCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # The two middlewares below this one whose work a cached page needs: the display zone (read
        # from the cookie, as for any anonymous visitor) and X-Frame-Options.
        self.serve_cached = DisplayTimezoneMiddleware(self._cached)
        self.frame_options = XFrameOptionsMiddleware(get_response)

    def __call__(self, request):
        page = _page_of(request.path_info)
        if (page is not None and request.method == "GET" and "HTTP_HX_REQUEST" not in request.META
                and settings.SESSION_COOKIE_NAME not in request.COOKIES
                and CookieStorage.cookie_name not in request.COOKIES):
            request.urbis_programme_page = page
            response = self.serve_cached(request)
            if response is not None:
                return self.frame_options.process_response(request, response)
        return self.get_response(request)

    @staticmethod
    def _cached(request):
        request.user = AnonymousUser()  # no session cookie: nobody is logged in (replaced on a miss)
        key = views_public._anonymous_page_key(request, request.urbis_programme_page,
                                               by_day=request.urbis_programme_page == "programme")
        request.urbis_programme_key = (request.urbis_programme_page, key)
        return cache.cached_page(request, key)
