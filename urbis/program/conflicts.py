"""Conflicts in a programme: what an organiser should fix before (or knowingly while) publishing.

Pure functions over sessions already loaded (with ``speaker_links__person`` prefetched); one sort and
sweep per room, stream and speaker, so 1,500 sessions cost n·log n, not n².
"""

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .enums import SessionMode, SessionStatus
from .models import Edition, Part, Room, Session, SessionSpeaker, Stream


class ConflictKind:
    SPEAKER_DOUBLE_BOOKED = "speaker_double_booked"
    ROOM_DOUBLE_BOOKED = "room_double_booked"
    STREAM_DOUBLE_BOOKED = "stream_double_booked"
    OUTSIDE_EDITION = "outside_edition"
    MISSING_ROOM = "missing_room"
    MISSING_STREAM = "missing_stream"


@dataclass(frozen=True)
class ConflictItem:
    kind: str
    sessions: tuple[Session, ...]
    message: str

    @property
    def key(self) -> tuple:
        """A stable identity (kind and session codes), handy for comparisons in tests and templates."""
        return (self.kind, tuple(s.code for s in self.sessions))


def draft_sessions_for_checks(edition: Edition) -> QuerySet[Session]:
    """The edition's draft sessions with what the checks and the editor grid read (3 queries)."""
    return (Session.objects.filter(edition=edition, version__isnull=True)
            .select_related("room", "stream", "part")
            .prefetch_related(Prefetch("speaker_links", queryset=SessionSpeaker.objects.select_related("person")
                                       .order_by("position")))
            .order_by("starts_at", "room__position", "title", "pk"))


def attach_places(sessions: list[Session], *, edition: Edition, rooms: Iterable[Room] | None = None,
                  streams: Iterable[Stream] | None = None, parts: Iterable[Part] | None = None) -> list[Session]:
    """Give the sessions shared Room/Stream/Part instances of the edition (≤3 queries in all) instead of
    one joined copy per row: 1,500 sessions then build 1,500 objects, not 6,000."""
    shared = {
        "room": {r.pk: r for r in (rooms if rooms is not None else Room.objects.filter(edition=edition))},
        "stream": {r.pk: r for r in (streams if streams is not None else Stream.objects.filter(edition=edition))},
        "part": {r.pk: r for r in (parts if parts is not None else Part.objects.filter(edition=edition))},
    }
    for session in sessions:
        for name, objects in shared.items():
            pk = getattr(session, f"{name}_id")
            if pk is None or pk in objects:
                Session._meta.get_field(name).set_cached_value(session, objects.get(pk) if pk else None)
        Session._meta.get_field("edition").set_cached_value(session, edition)
    return sessions


def load_draft_sessions(edition: Edition, *, rooms: Iterable[Room] | None = None,
                        streams: Iterable[Stream] | None = None, with_topics: bool = False) -> list[Session]:
    """The edition's draft sessions, as draft_sessions_for_checks, with shared room/stream/part objects
    (and themes/SDGs when asked, for copying into a version)."""
    qs = (Session.objects.filter(edition=edition, version__isnull=True)
          .prefetch_related(Prefetch("speaker_links", queryset=SessionSpeaker.objects.select_related("person")
                                     .order_by("position")))
          .order_by("starts_at", "room__position", "title", "pk"))
    if with_topics:
        qs = qs.prefetch_related("themes", "sdgs")
    return attach_places(list(qs), edition=edition, rooms=rooms, streams=streams)


def _overlapping_pairs(sessions: list[Session]) -> Iterator[tuple[Session, Session]]:
    """Every pair of sessions whose times overlap (end is exclusive): sort by start, keep a heap of ends."""
    # Compared in UTC: two datetimes sharing one ZoneInfo compare by wall clock, ignoring DST folds.
    active: list[tuple[dt.datetime, int, Session]] = []
    ordered = sorted(sessions, key=lambda s: (s.starts_at.astimezone(dt.UTC), s.ends_at.astimezone(dt.UTC), s.pk or 0))
    for index, session in enumerate(ordered):
        start = session.starts_at.astimezone(dt.UTC)
        while active and active[0][0] <= start:
            heapq.heappop(active)
        for _end, _i, other in sorted(active, key=lambda item: item[1]):
            yield other, session
        heapq.heappush(active, (session.ends_at.astimezone(dt.UTC), index, session))


def _local(moment: dt.datetime, zone) -> str:
    return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M")


def find_conflicts(sessions: Iterable[Session], *, edition: Edition | None = None) -> list[ConflictItem]:
    """Every conflict among the (not cancelled) sessions: speakers, rooms, streams, then per-session checks."""
    live = [s for s in sessions if s.status != SessionStatus.CANCELLED]
    items: list[ConflictItem] = []

    by_room: dict[int, list[Session]] = defaultdict(list)
    by_stream: dict[int, list[Session]] = defaultdict(list)
    by_person: dict[int, list[Session]] = defaultdict(list)
    people = {}
    for session in live:
        if session.room_id is not None:
            by_room[session.room_id].append(session)
        if session.stream_id is not None:
            by_stream[session.stream_id].append(session)
        for link in session.speaker_links.all():
            by_person[link.person_id].append(session)
            people[link.person_id] = link.person

    for person_id, booked in sorted(by_person.items(), key=lambda kv: str(people[kv[0]])):
        for a, b in _overlapping_pairs(booked):
            items.append(ConflictItem(
                ConflictKind.SPEAKER_DOUBLE_BOOKED, (a, b),
                _("%(person)s speaks in “%(a)s” and “%(b)s” at overlapping times.")
                % {"person": people[person_id], "a": a.title, "b": b.title}))
    for booked in by_room.values():
        for a, b in _overlapping_pairs(booked):
            items.append(ConflictItem(
                ConflictKind.ROOM_DOUBLE_BOOKED, (a, b),
                _("%(room)s is booked twice: “%(a)s” and “%(b)s” overlap.") % {"room": a.room, "a": a.title,
                                                                              "b": b.title}))
    for booked in by_stream.values():
        for a, b in _overlapping_pairs(booked):
            items.append(ConflictItem(
                ConflictKind.STREAM_DOUBLE_BOOKED, (a, b),
                _("%(stream)s carries two sessions at once: “%(a)s” and “%(b)s” overlap.")
                % {"stream": a.stream, "a": a.title, "b": b.title}))

    windows: dict[int, tuple[dt.datetime, dt.datetime, Edition]] = {}
    for session in sorted(live, key=lambda s: (s.starts_at, s.pk or 0)):
        ed = edition if edition is not None and session.edition_id == edition.pk else session.edition
        if ed.pk not in windows:
            from .services import edition_window

            windows[ed.pk] = (*edition_window(ed), ed)
        first, last, ed = windows[ed.pk]
        if session.starts_at < first or session.ends_at > last:
            items.append(ConflictItem(
                ConflictKind.OUTSIDE_EDITION, (session,),
                _("“%(title)s” (%(start)s–%(end)s, %(zone)s) is outside the edition's dates, %(first)s to %(last)s.")
                % {"title": session.title, "start": _local(session.starts_at, ed.zone),
                   "end": _local(session.ends_at, ed.zone), "zone": ed.time_zone,
                   "first": ed.starts_on.isoformat(), "last": ed.ends_on.isoformat()}))
        if session.mode in (SessionMode.IN_PERSON, SessionMode.HYBRID) and session.room_id is None:
            items.append(ConflictItem(
                ConflictKind.MISSING_ROOM, (session,),
                _("“%(title)s” is %(mode)s but has no room.") % {"title": session.title,
                                                                 "mode": session.get_mode_display().lower()}))
        if session.mode in (SessionMode.ONLINE, SessionMode.HYBRID) and session.stream_id is None:
            items.append(ConflictItem(
                ConflictKind.MISSING_STREAM, (session,),
                _("“%(title)s” is %(mode)s but has no stream, so no join link.")
                % {"title": session.title, "mode": session.get_mode_display().lower()}))
    return items


def conflicting_codes(items: Iterable[ConflictItem]) -> set[str]:
    return {s.code for item in items for s in item.sessions}
