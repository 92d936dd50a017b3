"""Cache of the public programme pages, for anonymous visitors only.

The key holds the page, the edition, the number of its latest published version, the language,
the display zone, the viewer class and the request's path with its query string (which fixes
the filters and the day): publishing a new version changes the key, so a stale programme is never
served (old keys simply expire). Logged-in people see personal things (their closed sessions,
bookmarks, the Join button): their pages are never cached.

A page is stored once as UTF-8 bytes (in the shared cache, and in a small per-process layer in front
of it), cut where the CSRF token goes; each response joins the
pieces around the visitor's own token, so the forms of a cached page (time zone, language) keep
working, and a hit neither re-encodes nor searches the page. A page with flash messages to show is
never cached nor served from the cache.

Conditional requests: a cached page answers with an ETag made of the page's digest and of the
visitor's CSRF secret, and with `Cache-Control: private, no-cache`, so a browser revalidates and
gets a bodiless 304 while the programme has not changed. The CSRF secret is in the ETag because the
browser's copy carries a token for that secret: after a new secret (log-in, log-out, a new browser)
the old copy must not be reused. `If-Modified-Since` alone is not honoured for the same reason
(`Last-Modified` is sent for information: the time of the publication or edition change shown).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags

TIMEOUT_SECONDS = 600
PREFIX = "urbis:programme:v3"
CSRF_PLACEHOLDER = "urbis-csrf-token-placeholder"
CACHE_CONTROL = "private, no-cache"
LOCAL_MAX_BYTES = 32 * 1024 * 1024  # per process


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


@dataclass(frozen=True)
class PageKey:
    """Where a page is cached, and the moment of the last change it shows (for Last-Modified)."""

    key: str
    last_modified: dt.datetime | None = None


def page_key(request, *, page: str, edition_id: int, version_number: int, zone_name: str,
             variant: str = "", last_modified: dt.datetime | None = None) -> PageKey | None:
    """The key of this request's page, or None when the page must not be cached."""
    if not is_cacheable(request.user) or len(get_messages(request)):
        return None
    key = fragment_key(page=page, edition_id=edition_id, version_number=version_number, zone_name=zone_name,
                       viewer=viewer_class(request.user), variant=f"{request.get_full_path()}|{variant}")
    return PageKey(key=key, last_modified=last_modified)


def _etag(page_digest: str, csrf_secret: str) -> str:
    return '"' + hashlib.sha256(f"{page_digest}|{csrf_secret}".encode()).hexdigest()[:32] + '"'


def _headers(response: HttpResponse, etag: str, key: PageKey) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    # The page differs with the CSRF cookie (its token, the ETag) and the language, a 304 included.
    patch_vary_headers(response, ("Cookie", "Accept-Language"))
    if key.last_modified is not None:
        response["Last-Modified"] = http_date(key.last_modified.timestamp())
    return response


def _respond(request, key: PageKey, chunks: tuple[bytes, ...], page_digest: str) -> HttpResponse:
    """The page with this visitor's CSRF token, or a 304 when the visitor's copy is this page for the
    same CSRF secret (checked before a token is made: a revalidation costs no random bytes)."""
    known_secret = request.META.get("CSRF_COOKIE")
    if known_secret and "HTTP_IF_NONE_MATCH" in request.META:
        etag = _etag(page_digest, known_secret)
        wanted = parse_etags(request.META["HTTP_IF_NONE_MATCH"])
        if etag in wanted or "*" in wanted or f"W/{etag}" in wanted:
            return _headers(HttpResponseNotModified(), etag, key)
    token = get_token(request).encode()  # sets the CSRF cookie when the visitor has none
    response = HttpResponse(token.join(chunks))
    return _headers(response, _etag(page_digest, request.META["CSRF_COOKIE"]), key)


class _LocalPages:
    """The most recently used pages of this process, in front of the shared cache: a hit then copies the
    page once (into the response) instead of unpickling it first. Keys carry the published version like
    the shared cache's, and a page is served from here only while the shared cache still holds it, so this
    layer is never staler than that one; bounded in bytes, least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        size = sum(len(chunk) for chunk in entry[0])
        if size > self.max_bytes:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= sum(len(chunk) for chunk in old[0])
            self.entries[key] = entry
            self.size += size
            while self.size > self.max_bytes:
                _key, dropped = self.entries.popitem(last=False)
                self.size -= sum(len(chunk) for chunk in dropped[0])

    def discard(self, key: str) -> None:
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= sum(len(chunk) for chunk in old[0])

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


local_pages = _LocalPages(LOCAL_MAX_BYTES)


def cached_page(request, key: PageKey | None) -> HttpResponse | None:
    """The cached response for the key (with this visitor's CSRF token, or a 304), or None."""
    if key is None:
        return None
    entry = local_pages.get(key.key)
    # The shared cache stays the authority: an entry it dropped (expired, evicted, cleared) is dropped here
    # too. Asking whether it holds the key costs no copy of the page (LocMem) or one small round trip (Redis).
    if entry is not None and not cache.has_key(key.key):
        local_pages.discard(key.key)
        entry = None
    if entry is None:
        entry = cache.get(key.key)
        if entry is None:
            return None
        local_pages.put(key.key, entry)
    chunks, valid_until, page_digest = entry
    if valid_until is not None and timezone.now() >= valid_until:
        return None
    return _respond(request, key, chunks, page_digest)


def render_page(request, key: PageKey | None, template: str, context: dict, *,
                valid_until: dt.datetime | None = None) -> HttpResponse:
    """Render the page; store it under the key (until `valid_until` at the latest) when there is one."""
    if key is None:
        return HttpResponse(render_to_string(template, context, request=request))
    html = render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request=request)
    body = html.encode()
    chunks = tuple(body.split(CSRF_PLACEHOLDER.encode()))
    page_digest = hashlib.sha256(body).hexdigest()
    timeout = TIMEOUT_SECONDS
    if valid_until is not None:
        timeout = max(1, min(timeout, int((valid_until - timezone.now()).total_seconds())))
    entry = (chunks, valid_until, page_digest)
    cache.set(key.key, entry, timeout)
    local_pages.put(key.key, entry)
    return _respond(request, key, chunks, page_digest)
