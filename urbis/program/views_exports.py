"""The programme's machine-readable exports at stable URLs (iCalendar, schedule.xml, schedule.json).

Public: everyone may read them; they hold the latest published version's public sessions only. Each
file is cached under a key made of the edition, the latest version (id and number) and the site's base
URL (and the edition's last change), so publishing a new version moves the key on and a stale file
is never served.
"""

import hashlib
import re

from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import exports
from .enums import Visibility
from .models import Edition, ProgrammeVersion, Session
from .permissions import can_view_session
from .selectors import current_edition, latest_version, published_sessions

CACHE_SECONDS = 24 * 3600

_CONTENT_TYPES = {
    "ics": "text/calendar; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def _edition_or_404(slug: str | None) -> Edition:
    if slug is None:
        edition = current_edition()
        if edition is None:
            raise Http404(_("There is no edition yet."))
        return edition
    return get_object_or_404(Edition, slug=slug)


def export_cache_key(kind: str, edition: Edition, version: ProgrammeVersion | None, base_url: str,
                     extra: str = "") -> str:
    base = hashlib.sha256(base_url.encode()).hexdigest()[:16]
    number = f"{version.pk}.{version.number}" if version else "0"
    # The edition's own fields (name, zone …) are in every file too: an edit of the edition moves the key.
    edited = edition.updated_at.timestamp() if edition.updated_at else 0
    return f"urbis:program:export:{kind}:{edition.pk}:{number}:{edited}:{base}:{extra}"


def public_programme(edition: Edition, version: ProgrammeVersion | None) -> list[Session]:
    if version is None:
        return []
    return list(published_sessions(edition, version).filter(visibility=Visibility.PUBLIC))


def _build(kind: str, edition: Edition, version: ProgrammeVersion | None, base_url: str) -> bytes:
    sessions = public_programme(edition, version)
    if kind == "ics":
        return exports.calendar_for_sessions(edition=edition, sessions=sessions, title=edition.name,
                                             base_url=base_url)
    if kind == "xml":
        return exports.schedule_xml(edition=edition, version=version, sessions=sessions, base_url=base_url)
    return exports.schedule_json(edition=edition, version=version, sessions=sessions, base_url=base_url)


def _respond(body: bytes, kind: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=_CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _etag(key: str) -> str:
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:24] + '"'


def _programme_export(request, kind: str, slug: str | None) -> HttpResponse:
    edition = _edition_or_404(slug)
    version = latest_version(edition)
    base_url = request.build_absolute_uri("/")
    key = export_cache_key(kind, edition, version, base_url)
    etag = _etag(key)
    # Calendar apps poll these files: answer 304 while the programme version has not moved on.
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    body = cache.get(key)
    if body is None:
        body = _build(kind, edition, version, base_url)
        cache.set(key, body, CACHE_SECONDS)
    filename = {"ics": "programme.ics", "xml": "schedule.xml", "json": "schedule.json"}[kind]
    response = _respond(body, kind, f"{edition.slug}-{filename}")
    response["ETag"] = etag
    return response


@require_GET
def programme_ics(request, slug: str | None = None):
    return _programme_export(request, "ics", slug)


@require_GET
def schedule_xml(request, slug: str | None = None):
    return _programme_export(request, "xml", slug)


@require_GET
def schedule_json(request, slug: str | None = None):
    return _programme_export(request, "json", slug)


@require_GET
def session_ics(request, code: str, slug: str | None = None):
    """One session of the current (or given) edition; non-public ones only for those who may see them."""
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,12}", code):
        raise Http404(_("No such session."))  # never hand the database a code it could choke on
    edition = _edition_or_404(slug)
    version = latest_version(edition)
    if version is None:
        raise Http404(_("The programme is not published yet."))
    session = published_sessions(edition, version).filter(code=code).first()
    if session is None or not can_view_session(request.user, session):
        raise Http404(_("No such session."))
    base_url = request.build_absolute_uri("/")
    if session.visibility == Visibility.PUBLIC:
        key = export_cache_key("ics-session", edition, version, base_url, extra=hashlib.sha256(
            code.encode()).hexdigest()[:16])
        body = cache.get(key)
        if body is None:
            body = exports.calendar_for_sessions(edition=edition, sessions=[session], title=session.title,
                                                 base_url=base_url)
            cache.set(key, body, CACHE_SECONDS)
    else:
        body = exports.calendar_for_sessions(edition=edition, sessions=[session], title=session.title,
                                             base_url=base_url)
    response = _respond(body, "ics", f"{edition.slug}-{session.code}.ics")
    if session.visibility != Visibility.PUBLIC:
        del response["Access-Control-Allow-Origin"]
        response["Cache-Control"] = "private"
    return response
