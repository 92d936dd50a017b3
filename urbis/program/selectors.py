"""Reads of the programme reused in several places, with their joins already made."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from django.db import connection
from django.db.models import Count, Max, Prefetch, Q, QuerySet, prefetch_related_objects

from urbis.members.models import Person

from .enums import Visibility
from .models import Edition, ProgrammeVersion, Session, SessionSpeaker


def current_edition() -> Edition | None:
    return Edition.objects.filter(is_current=True).first() or Edition.objects.order_by("-starts_on").first()


def latest_version(edition: Edition) -> ProgrammeVersion | None:
    return edition.versions.order_by("-number").first()


def _with_joins(qs: QuerySet[Session]) -> QuerySet[Session]:
    return (qs.select_related("room", "stream", "part")
            .prefetch_related("themes", "sdgs",
                              Prefetch("speaker_links", queryset=SessionSpeaker.objects.select_related(
                                  "person", "person__organisation").order_by("position"))))


def published_sessions(edition: Edition, version: ProgrammeVersion | None = None) -> QuerySet[Session]:
    """The sessions of the edition's latest published version (none before the first publication)."""
    version = version or latest_version(edition)
    if version is None:
        return Session.objects.none()
    return _with_joins(Session.objects.filter(version=version)).order_by("starts_at", "room__position", "title")


def published_editions() -> QuerySet[Edition]:
    """Every edition with at least one published version, newest first, with its latest version number
    (`latest_number`) and when it was published (`published_at`)."""
    return (Edition.objects.annotate(latest_number=Max("versions__number"), published_at=Max("versions__published_at"))
            .filter(latest_number__isnull=False).order_by("-starts_on", "name"))


def draft_sessions(edition: Edition) -> QuerySet[Session]:
    return _with_joins(Session.objects.filter(edition=edition, version__isnull=True)).order_by(
        "starts_at", "room__position", "title")


# ---------------------------------------------------------------- public programme reads

@dataclass(frozen=True)
class ProgrammeFilters:
    """Validated filters of the public programme (each None when not set)."""

    part: str | None = None  # Part.slug
    theme: str | None = None  # Theme.slug (outcome area or aspect)
    sdg: int | None = None  # SDG.number
    mode: str | None = None  # SessionMode value
    language: str | None = None  # language code (enums.LANGUAGE_CODES)
    room: int | None = None  # Room.pk
    q: str = ""  # words of a title or of a speaker's name

    def as_key(self) -> str:
        return "|".join(f"{k}={v}" for k, v in sorted(asdict(self).items()) if v not in (None, ""))

    @property
    def active(self) -> bool:
        return bool(self.as_key())


def visible_sessions(qs: QuerySet[Session], user) -> QuerySet[Session]:
    """Closed sessions are not listed except for staff and the session's own speakers."""
    if user.is_authenticated and user.is_staff:
        return qs
    if not user.is_authenticated:
        return qs.exclude(visibility=Visibility.CLOSED)
    own = SessionSpeaker.objects.filter(person__user=user).values("session_id")
    return qs.filter(~Q(visibility=Visibility.CLOSED) | Q(pk__in=own))


def filter_sessions(qs: QuerySet[Session], filters: ProgrammeFilters) -> QuerySet[Session]:
    """Narrow sessions by every filter set; filters combine (AND); `q` words each must match."""
    if filters.part:
        qs = qs.filter(part__slug=filters.part)
    if filters.theme:
        qs = qs.filter(pk__in=Session.themes.through.objects.filter(theme__slug=filters.theme).values("session_id"))
    if filters.sdg:
        qs = qs.filter(pk__in=Session.sdgs.through.objects.filter(sdg_id=filters.sdg).values("session_id"))
    if filters.mode:
        qs = qs.filter(mode=filters.mode)
    if filters.language:
        # `languages` is a JSON list of codes; codes are validated against LANGUAGE_CODES, and the
        # quotes make "en" not match inside another code. Works the same on SQLite and PostgreSQL.
        qs = qs.filter(languages__icontains=f'"{filters.language}"')
    if filters.room:
        qs = qs.filter(room_id=filters.room)
    for word in filters.q.split():
        speakers = SessionSpeaker.objects.filter(
            Q(person__first_name__icontains=word) | Q(person__last_name__icontains=word)).values("session_id")
        qs = qs.filter(Q(title__icontains=word) | Q(pk__in=speakers))
    return qs


def programme_sessions(*, version: ProgrammeVersion, user, filters: ProgrammeFilters) -> QuerySet[Session]:
    """The sessions of a published version this person may see listed, filtered; rooms, streams and
    parts joined (prefetch speakers and SDGs on the rows you show, with `prefetch_for_listing`)."""
    qs = Session.objects.filter(version=version).select_related("room", "stream", "part")
    return filter_sessions(visible_sessions(qs, user), filters).order_by("starts_at", "room__position", "title")


def prefetch_for_listing(sessions: list[Session], *, themes: bool = False) -> list[Session]:
    lookups: list = ["sdgs", Prefetch("speaker_links", queryset=SessionSpeaker.objects.select_related(
        "person").order_by("position"))]
    if themes:
        lookups.append("themes")
    prefetch_related_objects(sessions, *lookups)
    return sessions


def published_session(*, version: ProgrammeVersion, code: str) -> Session | None:
    """One session of a published version by its public code, with everything a session page shows."""
    return _with_joins(Session.objects.filter(version=version, code=code)).first()


def speakers_of_version(*, version: ProgrammeVersion, user) -> QuerySet[Person]:
    """People with a public profile who speak in the sessions of the version this person may see listed."""
    sessions = visible_sessions(Session.objects.filter(version=version), user)
    links = SessionSpeaker.objects.filter(session__in=sessions)
    return (Person.objects.filter(public_profile=True, pk__in=links.values("person_id"))
            .select_related("organisation")
            .annotate(session_count=Count("session_links", filter=Q(session_links__session__in=sessions),
                                          distinct=True))
            .order_by("last_name", "first_name"))


def sessions_of_speaker(*, version: ProgrammeVersion, person: Person, user) -> QuerySet[Session]:
    qs = Session.objects.filter(version=version, speaker_links__person=person).select_related("room", "stream", "part")
    return visible_sessions(qs, user).order_by("starts_at", "title")


def sessions_by_codes(*, version: ProgrammeVersion, codes: Iterable[str]) -> QuerySet[Session]:
    return (Session.objects.filter(version=version, code__in=list(codes))
            .select_related("room", "stream", "part").order_by("starts_at", "title"))


@dataclass(frozen=True)
class ProgrammeState:
    edition_id: int
    time_zone: str
    edition_updated_at: str
    version_number: int  # 0 before the first publication
    is_current: bool = True
    published_at: dt.datetime | None = None  # of the latest version
    updated_at: dt.datetime | None = None  # of the edition row

    @property
    def last_modified(self) -> dt.datetime | None:
        """The last change a public page of this edition can show: its latest publication or an edit of
        the edition itself (name, dates, zone), whichever is later."""
        moments = [m for m in (self.published_at, self.updated_at) if m is not None]
        return max(moments) if moments else None


def _as_datetime(value) -> dt.datetime | None:
    """A moment read by a raw query: SQLite gives naive UTC datetimes (or text, for an aggregate)."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def programme_state(slug: str | None = None) -> ProgrammeState | None:
    """An edition's id, zone, last change and latest version (number, publication time), in ONE plain
    query: what a cached public page's key is made of, read on every request so that a publication is
    seen at once. Without a slug, the current edition (the same one as `current_edition`)."""
    edition_table = connection.ops.quote_name(Edition._meta.db_table)
    version_table = connection.ops.quote_name(ProgrammeVersion._meta.db_table)
    latest = f"(SELECT MAX(v.{{column}}) FROM {version_table} v WHERE v.edition_id = e.id)"  # noqa: S608
    if slug is None:
        is_current = "1"  # the edition picked below is the current one by definition
        where, params = "ORDER BY e.is_current DESC, e.starts_on DESC LIMIT 1", []
    else:
        is_current = (f"e.id = (SELECT c.id FROM {edition_table} c "  # noqa: S608
                      f"ORDER BY c.is_current DESC, c.starts_on DESC LIMIT 1)")
        where, params = "WHERE e.slug = %s", [slug]
    sql = (f"SELECT e.id, e.time_zone, e.updated_at, {latest.format(column='number')}, "  # noqa: S608 - table names from the models
           f"{latest.format(column='published_at')}, {is_current} FROM {edition_table} e {where}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    return ProgrammeState(edition_id=row[0], time_zone=row[1], edition_updated_at=str(row[2]),
                          version_number=row[3] or 0, is_current=bool(row[5]),
                          published_at=_as_datetime(row[4]), updated_at=_as_datetime(row[2]))
