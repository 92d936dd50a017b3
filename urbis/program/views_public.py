"""Public pages of the programme (readable without JavaScript), the personal agenda and its feeds.

Views parse and permit, call selectors / agenda services, and render. The programme, session and
speakers pages are cached whole for anonymous visitors (see `cache.py`); pages of logged-in people,
which show personal things (bookmarks, Join, their own closed sessions), are rendered per request.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from urbis.core.errors import DomainError
from urbis.core.taxonomies import METROPOLITAN_ASPECTS, OUTCOME_AREAS, SDGS
from urbis.core.timezones import is_valid_zone
from urbis.members.models import Person

from . import agenda as agenda_services
from . import cache, permissions, selectors, timeline
from .enums import LANGUAGE_CHOICES, LANGUAGE_CODES, SessionMode, SessionStatus, Visibility
from .models import Edition

MAX_QUERY_LENGTH = 100
# Session codes are short and plain; anything else is a 404 before the database sees it
# (PostgreSQL refuses NUL bytes, for one). The same rule as the session .ics export.
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,12}")
SLUG_RE = re.compile(r"[-a-zA-Z0-9_]{1,60}")


def _clean(value: str | None) -> str:
    """Text from the query string without control characters (PostgreSQL refuses NUL bytes)."""
    return "".join(ch for ch in (value or "") if ch.isprintable())


# ---------------------------------------------------------------- helpers

def _edition_and_version(request, slug: str | None = None):
    """The current edition (no slug) or the edition of an archive URL, and its latest version."""
    if slug is None:
        edition = selectors.current_edition()
    else:
        edition = Edition.objects.filter(slug=slug).first()
        if edition is None:
            raise Http404
    version = selectors.latest_version(edition) if edition else None
    return edition, version


def _archive_state(request, edition_slug: str, current_name: str, **kwargs):
    """For a page under /<edition-slug>/: (the edition's state, None), or (None, a redirect to the short
    URL) when the slug is the current edition's. An unknown edition, or one not published yet, is a 404."""
    if not SLUG_RE.fullmatch(edition_slug):
        raise Http404
    state = selectors.programme_state(edition_slug)
    if state is None or not state.version_number:
        raise Http404
    if state.is_current:
        # A temporary redirect: once another edition is current, this URL serves the archive itself.
        target = reverse(current_name, kwargs=kwargs)
        query = request.META.get("QUERY_STRING", "")
        return None, HttpResponseRedirect(f"{target}?{query}" if query else target)
    return state, None


def _zone_context(request, edition) -> dict:
    """Edition zone, the visitor's zone (None when unknown) and the zone the days are cut in."""
    edition_zone = edition.zone if edition else None
    visitor_zone = getattr(request, "display_tz", None)
    return {
        "edition_zone": edition_zone,
        "visitor_zone": visitor_zone,
        "display_zone": visitor_zone or edition_zone,
        "zone_next": request.get_full_path(),
    }


def _not_published(request, edition, status: int = 200):
    return render(request, "program/public/not_published.html",
                  {"edition": edition, **_zone_context(request, edition)}, status=status)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or fallback
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        target = fallback
    return target


def _theme_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    return [(_("Outcome areas"), [(slug, str(name)) for slug, name in OUTCOME_AREAS]),
            (_("Metropolitan aspects"), [(slug, str(name)) for slug, name in METROPOLITAN_ASPECTS])]


_THEME_SLUGS = frozenset(slug for slug, _name in OUTCOME_AREAS + METROPOLITAN_ASPECTS)


def parse_filters(params, *, parts, rooms) -> tuple[selectors.ProgrammeFilters, list[str]]:
    """Validated filters and a message for each value that was not understood (and then ignored)."""
    problems: list[str] = []
    values: dict = {}

    def text(name: str) -> str:
        return _clean(params.get(name)).strip()

    part_slugs = {p.slug for p in parts}
    room_ids = {r.pk for r in rooms}
    # name → (the accepted value, or None when the given text is not understood; message when ignored)
    checks = (
        ("part", lambda v: v if v in part_slugs else None,
         lambda v: _("There is no part “%(value)s” in this programme; showing all parts.") % {"value": v}),
        ("theme", lambda v: v if v in _THEME_SLUGS else None,
         lambda v: _("Unknown theme “%(value)s”; showing all themes.") % {"value": v}),
        ("sdg", lambda v: int(v) if v.isdigit() and 1 <= int(v) <= len(SDGS) else None,
         lambda v: _("“%(value)s” is not an SDG (they are numbered 1 to 17); showing all SDGs.") % {"value": v}),
        ("mode", lambda v: v if v in SessionMode.values else None,
         lambda v: _("Unknown mode “%(value)s”; showing every mode.") % {"value": v}),
        ("language", lambda v: v if v in LANGUAGE_CODES else None,
         lambda v: _("Unknown language “%(value)s”; showing every language.") % {"value": v}),
        ("room", lambda v: int(v) if v.isdigit() and int(v) in room_ids else None,
         lambda v: _("There is no such room in this programme; showing every room.")),
    )
    for name, accept, message in checks:
        given = text(name)
        if not given:
            continue
        value = accept(given)
        if value is None:
            problems.append(message(given))
        else:
            values[name] = value
    q = " ".join(text("q").split())
    if len(q) > MAX_QUERY_LENGTH:
        problems.append(_("The search was cut to its first %(n)d characters.") % {"n": MAX_QUERY_LENGTH})
        q = q[:MAX_QUERY_LENGTH]
    values["q"] = q
    return selectors.ProgrammeFilters(**values), problems


def parse_day(value: str | None) -> tuple[dt.date | None, str | None]:
    value = (value or "").strip()
    if not value:
        return None, None
    try:
        return dt.date.fromisoformat(value), None
    except ValueError:
        return None, _("“%(value)s” is not a date (use YYYY-MM-DD); showing the default day.") % {"value": value[:20]}


def _join_state(user, session, *, now: dt.datetime) -> dict | None:
    """What the session page shows about joining online. The stream URL is only ever put in the
    page for a person who may join, and only while joining is open."""
    if not session.is_online or session.stream_id is None:
        return None
    if session.is_cancelled:
        return {"state": "cancelled"}
    if now >= session.ends_at:
        return {"state": "ended"}
    if not permissions.can_join_session(user, session):
        return {"state": "login" if not user.is_authenticated else "denied",
                "minutes": session.edition.join_opens_minutes}
    if permissions.join_is_open(session, now=now):
        channels = sorted((session.stream.interpretation or {}).items())
        return {"state": "open", "url": permissions.join_url(session), "platform": session.stream.platform,
                "channels": channels}
    return {"state": "later", "minutes": session.edition.join_opens_minutes,
            "opens_at": session.starts_at - dt.timedelta(minutes=session.edition.join_opens_minutes)}


def _anonymous_page_key(request, page: str, *, by_day: bool = False,
                        state: selectors.ProgrammeState | None = None) -> cache.PageKey | None:
    """The cache key of an anonymous visitor's page (None for anyone else, or before publication).

    Read from one plain query (`selectors.programme_state`, or the `state` an archive page has read
    already) so that a cache hit costs almost nothing; `by_day` adds today's date in the display zone
    (the programme opens on today when it can)."""
    if not cache.is_cacheable(request.user):
        return None
    early = getattr(request, "urbis_programme_key", None)  # computed by AnonymousProgrammeCacheMiddleware
    if early is not None and early[0] == page and state is None:
        return early[1]
    state = state or selectors.programme_state()
    if state is None or not state.version_number or not is_valid_zone(state.time_zone):
        return None
    zone = getattr(request, "display_tz", None) or zoneinfo.ZoneInfo(state.time_zone)
    variant = state.edition_updated_at
    if by_day:
        variant += f"|{timezone.now().astimezone(zone).date()}"
    return cache.page_key(request, page=page, edition_id=state.edition_id, version_number=state.version_number,
                          zone_name=str(zone), variant=variant, last_modified=state.last_modified)


def _archive_context(archive: Edition | None) -> dict:
    """What a page under /<edition-slug>/ adds: the edition it belongs to (None for the current edition's
    pages at their short URLs)."""
    return {"archive": archive}


# ---------------------------------------------------------------- programme

@require_GET
def programme(request, edition: str | None = None):
    state = None
    if edition is not None:
        state, redirect_ = _archive_state(request, edition, "program:programme")
        if redirect_ is not None:
            return redirect_
    key = _anonymous_page_key(request, "programme", by_day=True, state=state)
    hit = cache.cached_page(request, key)
    if hit is not None:
        return hit
    slug = edition
    edition, version = _edition_and_version(request, slug)
    if version is None:
        return _not_published(request, edition)
    archive = edition if slug is not None else None
    zones = _zone_context(request, edition)
    display_zone = zones["display_zone"]
    today = timezone.now().astimezone(display_zone).date()
    parts = list(edition.parts.all())
    rooms = list(edition.rooms.all())
    filters, problems = parse_filters(request.GET, parts=parts, rooms=rooms)
    wanted_day, day_problem = parse_day(request.GET.get("day"))
    if day_problem:
        problems.append(day_problem)
    view = "list" if request.GET.get("view") == "list" else "grid"
    user = request.user
    sessions = list(selectors.programme_sessions(version=version, user=user, filters=filters))
    days = timeline.bucket_by_day(sessions, display_zone)
    day = timeline.pick_day(list(days), wanted=wanted_day, today=today)
    shown = selectors.prefetch_for_listing(days.get(day, []))
    context = {
        "edition": edition, "version": version, "view": view, "filters": filters, "parts": parts, "rooms": rooms,
        "theme_choices": _theme_choices(), "sdgs": SDGS, "modes": SessionMode.choices,
        "language_choices": LANGUAGE_CHOICES, "problems": problems,
        "days": [(d, len(items)) for d, items in days.items()], "day": day, "sessions": shown,
        "wanted_day": wanted_day, "wanted_day_missing": bool(wanted_day and wanted_day != day),
        "total": len(sessions),
        "bookmarks": set() if archive else agenda_services.bookmarked_codes(user=user, edition=edition),
        "grid": timeline.build_grid(shown, display_zone) if view == "grid" else None,
        **zones, **_archive_context(archive),
    }
    return cache.render_page(request, key, "program/public/programme.html", context)


# ---------------------------------------------------------------- one session

@require_GET
def session_detail(request, code: str, edition: str | None = None):
    if not CODE_RE.fullmatch(code):
        raise Http404
    state = None
    if edition is not None:
        state, redirect_ = _archive_state(request, edition, "program:session", code=code)
        if redirect_ is not None:
            return redirect_
    # Only pages that an anonymous visitor may see are ever stored, and the version is in the key.
    key = _anonymous_page_key(request, "session", state=state)
    hit = cache.cached_page(request, key)
    if hit is not None:
        return hit
    slug = edition
    edition, version = _edition_and_version(request, slug)
    archive = edition if slug is not None else None
    if version is None:
        raise Http404
    zones = _zone_context(request, edition)
    session = selectors.published_session(version=version, code=code)
    if session is None:
        raise Http404
    session.edition = edition  # the same row: spares a query
    user = request.user
    if not permissions.can_view_session(user, session):
        if session.visibility == Visibility.CLOSED:
            raise Http404  # closed sessions are not revealed to those who may not see them
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    now = timezone.now()
    context = {"edition": edition, "version": version, "session": session, **zones, **_archive_context(archive),
               # An archived edition's page never offers to join (nor to bookmark: agendas are of the current one).
               "join": None if archive else _join_state(user, session, now=now),
               "bookmarked": not archive and code in agenda_services.bookmarked_codes(user=user, edition=edition)}
    # What an anonymous visitor reads about joining changes when the session ends.
    valid_until = session.ends_at if now < session.ends_at and not archive else None
    return cache.render_page(request, key, "program/public/session.html", context, valid_until=valid_until)


@require_POST
def session_bookmark(request, code: str):
    """Add (action=add) or remove (action=remove) a session from the person's own agenda."""
    if not CODE_RE.fullmatch(code):
        raise Http404
    session_url = reverse("program:session", kwargs={"code": code})
    if not request.user.is_authenticated:
        if request.htmx:
            response = HttpResponse(status=401)
            response["HX-Redirect"] = f"{reverse('account_login')}?next={session_url}"
            return response
        return redirect_to_login(session_url)
    edition = selectors.current_edition()
    if edition is None:
        raise Http404
    action = request.POST.get("action", "add")
    error = None
    try:
        if action == "remove":
            agenda_services.remove_bookmark(user=request.user, edition=edition, code=code)
        else:
            agenda_services.bookmark_session(user=request.user, edition=edition, code=code)
    except DomainError as exc:
        error = str(exc.message)
    bookmarked = code in agenda_services.bookmarked_codes(user=request.user, edition=edition)
    if request.htmx:
        return render(request, "program/public/_bookmark_button.html",
                      {"code": code, "bookmarked": bookmarked, "error": error,
                       "compact": request.POST.get("compact") == "1", "next": _safe_next(request, session_url)})
    if error:
        messages.error(request, error)
        return HttpResponseRedirect(_safe_next(request, reverse("program:programme")))
    if action == "remove":
        messages.success(request, _("The session was taken out of your agenda."))
    else:
        messages.success(request, _("The session is in your agenda."))
    return HttpResponseRedirect(_safe_next(request, session_url))


# ---------------------------------------------------------------- speakers

@require_GET
def speakers(request, edition: str | None = None):
    state = None
    if edition is not None:
        state, redirect_ = _archive_state(request, edition, "program:speakers")
        if redirect_ is not None:
            return redirect_
    key = _anonymous_page_key(request, "speakers", state=state)
    hit = cache.cached_page(request, key)
    if hit is not None:
        return hit
    slug = edition
    edition, version = _edition_and_version(request, slug)
    if version is None:
        return _not_published(request, edition)
    q = " ".join(_clean(request.GET.get("q")).split())[:MAX_QUERY_LENGTH]
    people = selectors.speakers_of_version(version=version, user=request.user)
    for word in q.split():
        people = people.filter(_name_matches(word))
    context = {"edition": edition, "version": version, "q": q, "people": list(people),
               **_zone_context(request, edition), **_archive_context(edition if slug is not None else None)}
    return cache.render_page(request, key, "program/public/speakers.html", context)


def _name_matches(word: str) -> Q:
    return Q(first_name__icontains=word) | Q(last_name__icontains=word) | Q(organisation__name__icontains=word)


@require_GET
def speaker_detail(request, slug: str, edition: str | None = None):
    edition_slug = edition
    if edition_slug is not None:
        _state, redirect_ = _archive_state(request, edition_slug, "program:speaker", slug=slug)
        if redirect_ is not None:
            return redirect_
    edition, version = _edition_and_version(request, edition_slug)
    if version is None:
        raise Http404
    person = get_object_or_404(Person.objects.select_related("organisation"), slug=slug, public_profile=True)
    sessions = list(selectors.sessions_of_speaker(version=version, person=person, user=request.user))
    if not sessions:
        raise Http404  # not a speaker of this programme (or only of sessions this person may not see)
    selectors.prefetch_for_listing(sessions)
    zones = _zone_context(request, edition)
    return render(request, "program/public/speaker.html",
                  {"edition": edition, "version": version, "person": person, "sessions": sessions, **zones,
                   **_archive_context(edition if edition_slug is not None else None)})


# ---------------------------------------------------------------- editions (the archive)

@require_GET
def editions(request):
    """Every edition with a published programme, newest first: the current one at its short URLs,
    the earlier ones (and any other published one) at /<edition-slug>/programme/."""
    current = selectors.current_edition()
    rows = list(selectors.published_editions())
    return render(request, "program/public/editions.html",
                  {"editions": rows, "current_edition": current, **_zone_context(request, current)})


# ---------------------------------------------------------------- now and next

@require_GET
def now_and_next(request):
    """Running and coming sessions; cached for anonymous visitors for a minute at most (the page
    shows the clock) and never past the next start or end."""
    key = _anonymous_page_key(request, "now")
    hit = cache.cached_page(request, key)
    if hit is not None:
        return hit
    edition, version = _edition_and_version(request)
    if version is None:
        return _not_published(request, edition)
    now = timezone.now()
    qs = selectors.programme_sessions(version=version, user=request.user, filters=selectors.ProgrammeFilters())
    candidates = list(qs.filter(ends_at__gt=now).exclude(status=SessionStatus.CANCELLED)[:60])
    running, upcoming = timeline.now_and_next(candidates, now=now, limit=10)
    selectors.prefetch_for_listing(running + upcoming)
    changes = [s.ends_at for s in running] + [s.starts_at for s in candidates if s.starts_at > now]
    valid_until = min([*changes, now + dt.timedelta(seconds=60)])
    return cache.render_page(request, key, "program/public/now.html",
                             {"edition": edition, "version": version, "running": running, "upcoming": upcoming,
                              "now": now, **_zone_context(request, edition)}, valid_until=valid_until)


# ---------------------------------------------------------------- personal agenda

@login_required
@require_GET
def my_agenda(request):
    edition, version = _edition_and_version(request)
    zones = _zone_context(request, edition)
    if edition is None:
        return _not_published(request, edition)
    agenda = agenda_services.agenda_of(user=request.user, edition=edition, version=version)
    feed = agenda_services.feed_of(request.user)
    return render(request, "program/public/agenda.html", {
        "edition": edition, "version": version, "agenda": agenda, "days": agenda.days(zones["display_zone"]),
        "overlap_count": len(agenda.overlaps), "feed": feed,
        "feed_url": request.build_absolute_uri(reverse("program:agenda_ics", kwargs={"token": feed.token}))
        if feed else "",
        **zones})


@login_required
@require_http_methods(["GET", "POST"])
def agenda_feed(request):
    """Show, create/rotate or revoke the secret URL of the person's private calendar feed."""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            agenda_services.rotate_agenda_feed_token(user=request.user)
            messages.success(request, _("Your private calendar address is ready. Any older address no longer works."))
        elif action == "revoke":
            agenda_services.revoke_agenda_feed(user=request.user)
            messages.success(request, _("Your private calendar address was switched off."))
        else:
            messages.error(request, _("Unknown action."))
        return redirect("program:agenda_feed")
    feed = agenda_services.feed_of(request.user)
    url = request.build_absolute_uri(reverse("program:agenda_ics", kwargs={"token": feed.token})) if feed else ""
    return render(request, "program/public/agenda_feed.html", {
        "feed": feed, "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1] if url else ""})


def _calendar_response(request, *, user, filename: str, attachment: bool) -> HttpResponse:
    from .exports import calendar_for_sessions

    edition = selectors.current_edition()
    if edition is None:
        raise Http404
    agenda = agenda_services.agenda_of(user=user, edition=edition)
    body = calendar_for_sessions(edition=edition, sessions=agenda.sessions,
                                 title=_("My agenda — %(edition)s") % {"edition": edition.name},
                                 base_url=request.build_absolute_uri("/"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@require_GET
def agenda_ics(request, token: str):
    """The private feed: no login, the secret token is the key; an unknown or revoked token is a 404."""
    user = agenda_services.feed_owner(token)
    if user is None:
        raise Http404
    return _calendar_response(request, user=user, filename="agenda.ics", attachment=False)


@login_required
@require_GET
def agenda_download(request):
    return _calendar_response(request, user=request.user, filename="my-agenda.ics", attachment=True)
