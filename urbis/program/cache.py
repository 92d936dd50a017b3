"""Cached fragments of the public programme pages.

The key holds the edition, the number of its latest published version, the language, the display
zone, the filters and the viewer class: publishing a new version changes the key, so a stale
programme is never served (old keys simply expire). Only fragments without personal content are
cached, and only for anonymous visitors (see `viewer_class`); the rest of the page — CSRF tokens,
the zone picker, bookmarks, join buttons — is rendered for each request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.utils import translation

TIMEOUT_SECONDS = 600
PREFIX = "urbis:programme:v1"


def viewer_class(user) -> str:
    if not user.is_authenticated:
        return "anonymous"
    return "staff" if user.is_staff else "user"


def is_cacheable(user) -> bool:
    """Logged-in people see personal things (their closed sessions, bookmarks): never cached."""
    return viewer_class(user) == "anonymous"


def fragment_key(*, page: str, edition_id: int, version_number: int, zone_name: str, viewer: str,
                 variant: str = "", language: str | None = None) -> str:
    language = language or translation.get_language() or ""
    raw = "|".join([page, str(edition_id), str(version_number), language, zone_name, viewer, variant])
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{PREFIX}:{page}:{edition_id}:{version_number}:{digest}"


def cached_fragment(*, key: str | None, render: Callable[[], str]) -> str:
    """The fragment under `key`, rendering and storing it when absent; `key=None` renders uncached."""
    if key is None:
        return render()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, TIMEOUT_SECONDS)
    return html
