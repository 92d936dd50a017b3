"""The programme's JSON API (mounted at /api/v1/). Reads are public and show each caller what they may
see; writes are for the programme's editors (staff) and call the same services as the editor pages."""

import datetime as dt

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from urbis.api.auth import api_auth
from urbis.api.pagination import PageParams, paginate
from urbis.api.schemas import errors
from urbis.core.errors import PermissionDenied, ValidationFailed
from urbis.core.models import SDG, Theme
from urbis.members.models import Person

from . import services
from .enums import Visibility
from .exports import session_path
from .models import Edition, Part, ProgrammeVersion, Room, Session, SessionSpeaker, Stream
from .permissions import can_edit_programme, can_join_session, can_view_session, join_is_open, join_url
from .schemas import (
    CODE_PATTERN,
    SLUG_PATTERN,
    EditionOut,
    PublishIn,
    RoomOut,
    SessionDetailOut,
    SessionFilters,
    SessionIn,
    SessionPage,
    SessionPatch,
    SessionQuery,
    SpeakerPage,
    StreamOut,
    VersionOut,
)
from .selectors import ProgrammeFilters, current_edition, filter_sessions, latest_version, visible_sessions

router = Router(tags=["programme"])

READ_ERRORS = errors(404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422)
Slug = Path(..., pattern=SLUG_PATTERN, max_length=60)
Code = Path(..., pattern=CODE_PATTERN, max_length=12)


# ------------------------------------------------------------------------------------ helpers

def _edition(slug: str) -> Edition:
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise Http404
    return edition


def _listed(qs: QuerySet[Session], user) -> QuerySet[Session]:
    """Anonymous callers see public sessions only; people who are logged in see what the programme
    pages list for them (closed sessions only for staff and their own speakers)."""
    if not user.is_authenticated:
        return qs.filter(visibility=Visibility.PUBLIC)
    return visible_sessions(qs, user)


def _with_rows(qs: QuerySet[Session]) -> QuerySet[Session]:
    return (qs.select_related("room", "stream", "part")
            .prefetch_related("themes", "sdgs", Prefetch(
                "speaker_links", queryset=SessionSpeaker.objects.select_related(
                    "person", "person__organisation").order_by("position"))))


def _session_out(request, session: Session, edition: Edition) -> dict:
    zone = edition.zone
    return {
        "code": session.code,
        "title": session.title,
        "abstract": session.abstract,
        "type": session.type,
        "mode": session.mode,
        "visibility": session.visibility,
        "status": session.status,
        "languages": [str(code) for code in session.languages or []],
        "part": ({"slug": session.part.slug, "name": session.part.name, "colour": session.part.colour}
                 if session.part_id else None),
        "themes": [theme.slug for theme in session.themes.all()],
        "sdgs": [sdg.number for sdg in session.sdgs.all()],
        "room": {"id": session.room.pk, "name": session.room.name} if session.room_id else None,
        "stream": {"id": session.stream.pk, "name": session.stream.name} if session.stream_id else None,
        "starts_at": session.starts_at.astimezone(zone),
        "ends_at": session.ends_at.astimezone(zone),
        "duration_minutes": session.duration_minutes,
        "capacity": session.capacity,
        "speakers": [
            {"slug": link.person.slug, "name": link.person.full_name, "role": link.role, "title": link.person.title,
             "organisation": link.person.organisation.name if link.person.organisation_id else None}
            for link in session.speaker_links.all()
        ],
        "url": request.build_absolute_uri(session_path(session, edition)),
        "ics_url": request.build_absolute_uri(reverse("program:export_session_ics_edition",
                                                      kwargs={"slug": edition.slug, "code": session.code})),
    }


def _session_detail(request, session: Session, edition: Edition) -> dict:
    session.edition = edition  # already loaded: spares a query in join_is_open
    may_join = can_join_session(request.user, session) and join_is_open(session)
    return {**_session_out(request, session, edition), "edition": edition.slug,
            "join_url": request.build_absolute_uri(join_url(session)) if may_join else None}


def _published_session(edition: Edition, code: str, user) -> Session:
    version = latest_version(edition)
    session = None
    if version is not None:
        session = _with_rows(Session.objects.filter(version=version, code=code)).first()
    if session is None or not can_view_session(user, session):
        raise Http404
    return session


def _day_window(edition: Edition, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(0, 0)), edition.zone)
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0)), edition.zone)
    return start, end


def _edition_out(edition: Edition) -> dict:
    return {
        "slug": edition.slug, "name": edition.name, "number": edition.number, "starts_on": edition.starts_on,
        "ends_on": edition.ends_on, "time_zone": edition.time_zone, "venue_city": edition.venue_city,
        "venue_country": edition.venue_country, "venue": edition.venue, "format": edition.format,
        "is_current": edition.is_current, "description": edition.description,
        "version": edition.latest_number, "published_at": edition.latest_published_at,
    }


def _editions() -> QuerySet[Edition]:
    latest = ProgrammeVersion.objects.filter(edition=OuterRef("pk")).order_by("-number")
    return Edition.objects.annotate(latest_number=Max("versions__number"),
                                    latest_published_at=Subquery(latest.values("published_at")[:1]))


def _require_editor(request) -> None:
    if not can_edit_programme(request.auth):
        raise PermissionDenied()


# ------------------------------------------------------------------------------------ reads

@router.get("/editions", response={200: list[EditionOut]}, auth=None, summary="All editions")
def list_editions(request):
    return [_edition_out(e) for e in _editions().order_by("-starts_on")]


@router.get("/editions/{slug}", response={200: EditionOut, **READ_ERRORS}, auth=None, summary="One edition")
def get_edition(request, slug: str = Slug):
    edition = _editions().filter(slug=slug).first()
    if edition is None:
        raise Http404
    return _edition_out(edition)


@router.get("/editions/{slug}/sessions", response={200: SessionPage, **READ_ERRORS}, auth=None,
            summary="The published sessions of an edition the caller may see, filtered and paginated")
def list_sessions(request, filters: Query[SessionFilters], slug: str = Slug):
    edition = _edition(slug)
    version = latest_version(edition)
    if version is None:
        return {"count": 0, "limit": filters.limit, "offset": filters.offset, "items": []}
    qs = _listed(Session.objects.filter(version=version), request.user)
    qs = filter_sessions(qs, ProgrammeFilters(part=filters.part, theme=filters.theme, sdg=filters.sdg,
                                              mode=filters.mode, language=filters.language, room=filters.room,
                                              q=filters.q or ""))
    if filters.day:
        start, end = _day_window(edition, filters.day)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    count, rows = paginate(_with_rows(qs).order_by("starts_at", "room__position", "title", "code"),
                           limit=filters.limit, offset=filters.offset)
    return {"count": count, "limit": filters.limit, "offset": filters.offset,
            "items": [_session_out(request, s, edition) for s in rows]}


@router.get("/editions/{slug}/sessions/{code}", response={200: SessionDetailOut, **READ_ERRORS}, auth=None,
            summary="One published session of an edition")
def get_edition_session(request, slug: str = Slug, code: str = Code):
    edition = _edition(slug)
    return _session_detail(request, _published_session(edition, code, request.user), edition)


@router.get("/sessions/{code}", response={200: SessionDetailOut, **READ_ERRORS}, auth=None,
            summary="One published session of the current edition (or of ?edition=slug)")
def get_session(request, query: Query[SessionQuery], code: str = Code):
    edition = _edition(query.edition) if query.edition else current_edition()
    if edition is None:
        raise Http404
    return _session_detail(request, _published_session(edition, code, request.user), edition)


@router.get("/editions/{slug}/speakers", response={200: SpeakerPage, **READ_ERRORS}, auth=None,
            summary="People with a public profile who speak in sessions the caller may see")
def list_speakers(request, page: Query[PageParams], slug: str = Slug):
    edition = _edition(slug)
    version = latest_version(edition)
    if version is None:
        return {"count": 0, "limit": page.limit, "offset": page.offset, "items": []}
    sessions = _listed(Session.objects.filter(version=version), request.user)
    people = (Person.objects.filter(public_profile=True,
                                    pk__in=SessionSpeaker.objects.filter(session__in=sessions).values("person_id"))
              .select_related("organisation")
              .annotate(session_count=Count("session_links", filter=Q(session_links__session__in=sessions),
                                            distinct=True))
              .order_by("last_name", "first_name", "pk"))
    count, rows = paginate(people, limit=page.limit, offset=page.offset)
    items = [{"slug": p.slug, "name": p.full_name, "title": p.title, "function": p.function,
              "organisation": p.organisation.name if p.organisation_id else None, "country": p.country,
              "bio": p.bio, "session_count": p.session_count} for p in rows]
    return {"count": count, "limit": page.limit, "offset": page.offset, "items": items}


@router.get("/editions/{slug}/rooms", response={200: list[RoomOut], **READ_ERRORS}, auth=None,
            summary="The rooms of an edition")
def list_rooms(request, slug: str = Slug):
    edition = _edition(slug)
    return [{"id": r.pk, "name": r.name, "venue": r.venue, "capacity": r.capacity}
            for r in Room.objects.filter(edition=edition).order_by("position", "name")]


@router.get("/editions/{slug}/streams", response={200: list[StreamOut], **READ_ERRORS}, auth=None,
            summary="The online streams of an edition; join links only for people who may join")
def list_streams(request, slug: str = Slug):
    edition = _edition(slug)
    streams = list(Stream.objects.filter(edition=edition).order_by("position", "name"))
    joinable: set[int] = set()
    version = latest_version(edition)
    if request.user.is_authenticated and version is not None:
        sessions = (Session.objects.filter(version=version, stream__isnull=False)
                    .prefetch_related(Prefetch("speaker_links",
                                               queryset=SessionSpeaker.objects.select_related("person"))))
        for session in sessions:
            session.edition = edition
            if session.stream_id not in joinable and can_join_session(request.user, session):
                joinable.add(session.stream_id)
    return [{"id": s.pk, "name": s.name, "platform": s.platform,
             "url": s.url if s.pk in joinable else None,
             "interpretation": s.interpretation if s.pk in joinable else None} for s in streams]


# ------------------------------------------------------------------------------------ writes

def _draft(edition: Edition, code: str) -> Session:
    session = Session.objects.filter(edition=edition, version__isnull=True, code=code).first()
    if session is None:
        raise Http404
    return session


def _resolve(edition: Edition, data: dict) -> dict:
    """Turn the slugs and ids of a payload into the edition's objects; unknown ones are a 422."""
    out = dict(data)
    if out.get("part") is not None:
        out["part"] = Part.objects.filter(edition=edition, slug=out["part"]).first()
        if out["part"] is None:
            raise ValidationFailed(_("Unknown part."), code="unknown_part", field="part")
    for field, model in (("room", Room), ("stream", Stream)):
        if out.get(field) is not None:
            out[field] = model.objects.filter(edition=edition, pk=out[field]).first()
            if out[field] is None:
                raise ValidationFailed(_("Unknown %(field)s.") % {"field": field}, code=f"unknown_{field}",
                                       field=field)
    if out.get("themes") is not None:
        slugs = list(dict.fromkeys(out["themes"]))
        themes = list(Theme.objects.filter(slug__in=slugs))
        if len(themes) != len(slugs):
            raise ValidationFailed(_("Unknown theme."), code="unknown_theme", field="themes")
        out["themes"] = themes
    if out.get("sdgs") is not None:
        numbers = list(dict.fromkeys(out["sdgs"]))
        sdgs = list(SDG.objects.filter(number__in=numbers))
        if len(sdgs) != len(numbers):
            raise ValidationFailed(_("Unknown SDG."), code="unknown_sdg", field="sdgs")
        out["sdgs"] = sdgs
    if out.get("speakers") is not None:
        slugs = [s["person"] for s in out["speakers"]]
        people = {p.slug: p for p in Person.objects.filter(slug__in=slugs)}
        if set(slugs) - set(people):
            raise ValidationFailed(_("Unknown person."), code="unknown_person", field="speakers")
        out["speakers"] = [(people[s["person"]], s["role"]) for s in out["speakers"]]
    return out


NOT_NULL = ("title", "starts_at", "ends_at", "abstract", "type", "mode", "visibility", "languages", "themes",
            "sdgs", "speakers")


def _draft_out(request, session: Session, edition: Edition) -> dict:
    session = _with_rows(Session.objects.filter(pk=session.pk)).get()
    return _session_detail(request, session, edition)


@router.post("/editions/{slug}/sessions", response={201: SessionDetailOut, **WRITE_ERRORS}, auth=api_auth,
             summary="Add a draft session (staff)")
def create_session(request, payload: SessionIn, slug: str = Slug):
    _require_editor(request)
    edition = _edition(slug)
    values = _resolve(edition, payload.dict())
    session = services.create_session(edition=edition, actor=request.auth, **values)
    return Status(201, _draft_out(request, session, edition))


@router.patch("/editions/{slug}/sessions/{code}", response={200: SessionDetailOut, **WRITE_ERRORS},
              auth=api_auth, summary="Change a draft session (only the fields given; staff)")
def update_session(request, payload: SessionPatch, slug: str = Slug, code: str = Code):
    _require_editor(request)
    edition = _edition(slug)
    session = _draft(edition, code)
    given = payload.dict(exclude_unset=True)
    for field in NOT_NULL:
        if field in given and given[field] is None:
            raise ValidationFailed(_("This field cannot be empty."), code="null_not_allowed", field=field)
    values = _resolve(edition, given)
    session = services.update_session(session=session, actor=request.auth, **values)
    return Status(200, _draft_out(request, session, edition))


@router.post("/editions/{slug}/sessions/{code}/cancel", response={200: SessionDetailOut, **WRITE_ERRORS},
             auth=api_auth, summary="Cancel a draft session (staff)")
def cancel_session(request, slug: str = Slug, code: str = Code):
    _require_editor(request)
    edition = _edition(slug)
    session = services.cancel_session(session=_draft(edition, code), actor=request.auth)
    return Status(200, _draft_out(request, session, edition))


@router.post("/editions/{slug}/publish", response={201: VersionOut, **WRITE_ERRORS}, auth=api_auth,
             summary="Publish the draft programme as a new version (staff)")
def publish(request, payload: PublishIn, slug: str = Slug):
    _require_editor(request)
    edition = _edition(slug)
    version = services.publish_programme(edition=edition, actor=request.auth, note=payload.note,
                                         allow_conflicts=payload.allow_conflicts)
    return Status(201, {"number": version.number, "published_at": version.published_at, "note": version.note,
                 "changes": version.changes})
