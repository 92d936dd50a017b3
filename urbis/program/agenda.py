"""A person's own agenda: bookmarks (by session code, so they survive republication), the overlaps
between them, and the secret URL of the private iCal feed."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils.translation import gettext as _

from urbis.accounts.models import User
from urbis.core.audit import log_action
from urbis.core.errors import NotFound

from . import permissions, selectors, timeline
from .models import AgendaFeed, Bookmark, Edition, ProgrammeVersion, Session

TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,100}")


@transaction.atomic
def bookmark_session(*, user: User, edition: Edition, code: str) -> Bookmark:
    """Add a published session the person may see to their agenda (idempotent); audited."""
    version = selectors.latest_version(edition)
    session = selectors.published_session(version=version, code=code) if version else None
    if session is None or not permissions.can_view_session(user, session):
        raise NotFound(_("There is no session %(code)s in the published programme.") % {"code": code},
                       code="unknown_session")
    bookmark, created = Bookmark.objects.get_or_create(user=user, edition=edition, session_code=code)
    if created:
        log_action(bookmark, "program.bookmark.added", actor=user, data={"code": code})
    return bookmark


@transaction.atomic
def remove_bookmark(*, user: User, edition: Edition, code: str) -> bool:
    """Take a session out of the person's agenda; True if it was there; audited."""
    deleted, _rows = Bookmark.objects.filter(user=user, edition=edition, session_code=code).delete()
    if deleted:
        log_action(None, "program.bookmark.removed", actor=user, data={"code": code, "edition": edition.slug})
    return bool(deleted)


def bookmarked_codes(*, user: User | AnonymousUser, edition: Edition) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Bookmark.objects.filter(user=user, edition=edition).values_list("session_code", flat=True))


@transaction.atomic
def rotate_agenda_feed_token(*, user: User) -> AgendaFeed:
    """Give the person a new secret feed URL (the old one stops working at once); audited."""
    token = secrets.token_urlsafe(32)
    feed, created = AgendaFeed.objects.select_for_update().get_or_create(user=user, defaults={"token": token})
    if not created:
        feed.token = token
        feed.save(update_fields=["token", "updated_at"])
    log_action(feed, "program.agenda_feed.rotated", actor=user)
    return feed


@transaction.atomic
def revoke_agenda_feed(*, user: User) -> bool:
    """Switch the person's private feed off (its URL then answers 404); True if there was one; audited."""
    deleted, _rows = AgendaFeed.objects.filter(user=user).delete()
    if deleted:
        log_action(None, "program.agenda_feed.revoked", actor=user, data={"user": user.pk})
    return bool(deleted)


def feed_of(user: User) -> AgendaFeed | None:
    return AgendaFeed.objects.filter(user=user).first()


def feed_owner(token: str) -> User | None:
    """The user whose feed has this token, or None (unknown or revoked)."""
    if not TOKEN_RE.fullmatch(token or ""):
        return None  # not a token we could have made: no query (PostgreSQL refuses NUL bytes, for one)
    feed = AgendaFeed.objects.select_related("user").filter(token=token).first()
    return feed.user if feed is not None and feed.user.is_active else None


@dataclass
class Agenda:
    sessions: list[Session] = field(default_factory=list)  # bookmarked, published, viewable
    overlaps: dict[str, list[Session]] = field(default_factory=dict)  # code → overlapping bookmarked sessions
    missing: list[str] = field(default_factory=list)  # bookmarked codes no longer in the programme

    def days(self, zone) -> dict[Any, list[Session]]:
        return timeline.bucket_by_day(self.sessions, zone)


def agenda_of(*, user: User, edition: Edition, version: ProgrammeVersion | None = None) -> Agenda:
    """The person's bookmarked sessions in the latest published version (speakers, themes and SDGs
    prefetched), with overlaps flagged (cancelled sessions are shown but never counted as overlapping)."""
    codes = bookmarked_codes(user=user, edition=edition)
    version = version or selectors.latest_version(edition)
    if version is None or not codes:
        return Agenda(missing=sorted(codes) if version is None else [])
    sessions = list(selectors.sessions_by_codes(version=version, codes=codes))
    selectors.prefetch_for_listing(sessions, themes=True)
    sessions = [s for s in sessions if permissions.can_view_session(user, s)]
    found = {s.code for s in sessions}
    return Agenda(
        sessions=sessions,
        overlaps=timeline.find_overlaps([s for s in sessions if not s.is_cancelled]),
        missing=sorted(codes - found),
    )
