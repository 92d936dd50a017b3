"""Cache of the public programme pages, for anonymous visitors only.

The key holds the page, the edition, the number of its latest published version, the language,
the display zone, the viewer class and the request's path with its query string (which fixes
the filters and the day): publishing a new version changes the key, so a stale programme is never
served (old keys simply expire). Logged-in people see personal things (their closed sessions,
bookmarks, the Join button): their pages are never cached.

A whole page is cached with a placeholder where the CSRF token goes; each response gets the
visitor's own token put back, so the forms of a cached page (time zone, language) keep working.
A page with flash messages to show is never cached nor served from the cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation

TIMEOUT_SECONDS = 600
PREFIX = "urbis:programme:v2"
CSRF_PLACEHOLDER = "urbis-csrf-token-placeholder"


def viewer_class(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    return "staff" if user.is_staff else "user"


def is_cacheable(user) -> bool:
    return viewer_class(user) == "anonymous"


def fragment_key(*, page: str, edition_id: int, version_number: int, zone_name: str, viewer: str,
                 variant: str = "", language: str | None = None) -> str:
    language = language or translation.get_language() or ""
    raw = "|".join([page, str(edition_id), str(version_number), language, zone_name, viewer, variant])
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{PREFIX}:{page}:{edition_id}:{version_number}:{digest}"


def page_key(request, *, page: str, edition_id: int, version_number: int, zone_name: str,
             variant: str = "") -> str | None:
    """The key of this request's page, or None when the page must not be cached."""
    if not is_cacheable(request.user) or len(get_messages(request)):
        return None
    return fragment_key(page=page, edition_id=edition_id, version_number=version_number, zone_name=zone_name,
                        viewer=viewer_class(request.user), variant=f"{request.get_full_path()}|{variant}")


def _with_token(request, html: str) -> HttpResponse:
    return HttpResponse(html.replace(CSRF_PLACEHOLDER, get_token(request)))


def cached_page(request, key: str | None) -> HttpResponse | None:
    """The cached response for the key (with this visitor's CSRF token), or None."""
    if key is None:
        return None
    entry = cache.get(key)
    if entry is None:
        return None
    html, valid_until = entry
    if valid_until is not None and timezone.now() >= valid_until:
        return None
    return _with_token(request, html)


def render_page(request, key: str | None, template: str, context: dict, *,
                valid_until: dt.datetime | None = None) -> HttpResponse:
    """Render the page; store it under the key (until `valid_until` at the latest) when there is one."""
    if key is None:
        return HttpResponse(render_to_string(template, context, request=request))
    html = render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request=request)
    timeout = TIMEOUT_SECONDS
    if valid_until is not None:
        timeout = max(1, min(timeout, int((valid_until - timezone.now()).total_seconds())))
    cache.set(key, (html, valid_until), timeout)
    return _with_token(request, html)
