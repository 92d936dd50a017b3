"""Who may see, join and edit what in the programme. Used by views, the API, templates and tests."""

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from .enums import Visibility


def can_edit_programme(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


def can_view_session(user, session) -> bool:
    """Public sessions: everyone. Participants/members sessions: logged-in people (registration narrows
    this through URBIS_SESSION_ACCESS_POLICY). Closed sessions: staff and the session's own speakers."""
    if session.visibility == Visibility.PUBLIC:
        return True
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    if session.visibility == Visibility.CLOSED:
        return any(link.person.user_id == user.pk for link in session.speaker_links.all())
    policy = getattr(settings, "URBIS_SESSION_ACCESS_POLICY", "")
    return import_string(policy)(user, session) if policy else True


def can_join_session(user, session) -> bool:
    """Whether the person may use the session's online join link at all (time aside)."""
    if not session.is_online or session.stream_id is None or session.is_cancelled:
        return False
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    policy = getattr(settings, "URBIS_JOIN_POLICY", "")
    if policy:
        return import_string(policy)(user, session)
    return can_view_session(user, session)


def join_is_open(session, *, now=None) -> bool:
    """The join button opens `join_opens_minutes` before the start and closes at the end."""
    from datetime import timedelta

    now = now or timezone.now()
    opens = session.starts_at - timedelta(minutes=session.edition.join_opens_minutes)
    return opens <= now < session.ends_at


def join_url(session) -> str:
    """Where the Join button leads: through URBIS_JOIN_ROUTE (registration records attendance and then
    redirects to the stream) when that route is configured, else straight to the stream."""
    from django.urls import reverse

    route = getattr(settings, "URBIS_JOIN_ROUTE", "")
    return reverse(route, args=[session.code]) if route else session.stream.url
