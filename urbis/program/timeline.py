"""Pure functions over sessions and time: days in a zone, the rooms × time grid, overlaps, now/next.

Nothing here touches the database; a "session" is anything with ``starts_at`` / ``ends_at`` (aware
datetimes) and, for the grid, ``room`` / ``stream`` attributes. Rows of the grid are measured in
absolute time, so a day with a DST change simply has one row label more (or less) — never a gap
or two sessions drawn in the same place.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo


def local_day(moment: dt.datetime, zone: ZoneInfo) -> dt.date:
    """The calendar day on which an aware moment falls in a zone."""
    return moment.astimezone(zone).date()


def day_bounds(day: dt.date, zone: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """[start, end) of a calendar day in a zone, as aware UTC datetimes (23 or 25 hours around DST)."""
    start = dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 0), tzinfo=zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def bucket_by_day(sessions: Iterable[Any], zone: ZoneInfo) -> dict[dt.date, list[Any]]:
    """Sessions grouped by the day of their START in the zone, days in order, each day by start time."""
    days: dict[dt.date, list[Any]] = {}
    for session in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at)):
        days.setdefault(local_day(session.starts_at, zone), []).append(session)
    return dict(sorted(days.items()))


def pick_day(days: Sequence[dt.date], *, wanted: dt.date | None, today: dt.date) -> dt.date | None:
    """The day to show: the one asked for if it has sessions, else today if it has, else the first."""
    if not days:
        return None
    if wanted in days:
        return wanted
    if today in days:
        return today
    return days[0]


# ---------------------------------------------------------------- the grid

@dataclass(frozen=True)
class GridColumn:
    key: tuple
    label: str
    kind: str  # "room", "stream" or "other"
    start: int = 1  # first grid column (1-based) of this room
    lanes: int = 1  # grid columns it spans: more than one when its sessions overlap (a conflict)


@dataclass(frozen=True)
class GridCell:
    session: Any
    column: int  # 1-based, among the grid's columns
    row: int  # 1-based, among the grid's time rows
    span: int  # number of rows covered (≥ 1)


@dataclass
class Grid:
    zone: ZoneInfo
    slot_minutes: int
    columns: list[GridColumn] = field(default_factory=list)
    rows: list[dt.datetime] = field(default_factory=list)  # start of each row, aware, in `zone`
    cells: list[GridCell] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.cells

    @property
    def width(self) -> int:
        """Number of grid columns, lanes included."""
        return sum(c.lanes for c in self.columns)


def _column_of(session: Any) -> GridColumn:
    room = getattr(session, "room", None)
    if room is not None:
        return GridColumn(key=("room", getattr(room, "position", 0), room.pk), label=str(room), kind="room")
    stream = getattr(session, "stream", None)
    if stream is not None:
        return GridColumn(key=("stream", getattr(stream, "position", 0), stream.pk), label=str(stream), kind="stream")
    return GridColumn(key=("other", 0, 0), label="", kind="other")


_KIND_ORDER = {"room": 0, "stream": 1, "other": 2}


def _floor_local(moment: dt.datetime, zone: ZoneInfo, slot: int) -> dt.datetime:
    local = moment.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    floored = minutes - minutes % slot
    return local.replace(hour=floored // 60, minute=floored % 60, second=0, microsecond=0)


def build_grid(sessions: Iterable[Any], zone: ZoneInfo, *, slot_minutes: int = 30) -> Grid:
    """Lay out one day's sessions: a column per room in use (then per stream for online-only
    sessions), a row per `slot_minutes` from the earliest start to the latest end."""
    sessions = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    grid = Grid(zone=zone, slot_minutes=slot_minutes)
    if not sessions:
        return grid
    columns = sorted({_column_of(s) for s in sessions}, key=lambda c: (_KIND_ORDER[c.kind], c.key[1], c.label))
    # Two sessions of one room at the same time (a conflict the organisers chose to publish) get
    # side-by-side lanes, so that neither hides the other.
    lane_of: dict[int, int] = {}
    lanes_in: dict[tuple, int] = {}
    for column in columns:
        ends: list[dt.datetime] = []
        for session in (s for s in sessions if _column_of(s).key == column.key):
            lane = next((i for i, end in enumerate(ends) if end <= session.starts_at), len(ends))
            if lane == len(ends):
                ends.append(session.ends_at)
            else:
                ends[lane] = session.ends_at
            lane_of[id(session)] = lane
        lanes_in[column.key] = len(ends)
    placed, start = [], 1
    for column in columns:
        placed.append(GridColumn(key=column.key, label=column.label, kind=column.kind, start=start,
                                 lanes=lanes_in[column.key]))
        start += lanes_in[column.key]
    columns = placed
    index = {c.key: c.start for c in columns}
    # Arithmetic on aware datetimes of one ZoneInfo is wall-clock arithmetic: count rows in UTC.
    origin = _floor_local(sessions[0].starts_at, zone, slot_minutes).astimezone(dt.UTC)
    slot = dt.timedelta(minutes=slot_minutes)
    last_end = max(s.ends_at for s in sessions)
    n_rows = max(1, math.ceil((last_end - origin) / slot))
    grid.columns = columns
    grid.rows = [(origin + i * slot).astimezone(zone) for i in range(n_rows)]
    for s in sessions:
        first = int((s.starts_at - origin) // slot)
        last = max(first + 1, math.ceil((s.ends_at - origin) / slot))
        grid.cells.append(GridCell(session=s, column=index[_column_of(s).key] + lane_of[id(s)], row=first + 1,
                                   span=last - first))
    return grid


# ---------------------------------------------------------------- overlaps and now/next

def overlaps(a: Any, b: Any) -> bool:
    """Whether two sessions share some time (touching ends do not overlap)."""
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def find_overlaps(sessions: Iterable[Any], *, key=lambda s: s.code) -> dict[Any, list[Any]]:
    """For each session that overlaps another, the sessions it overlaps (in start order)."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    found: dict[Any, list[Any]] = {}
    active: list[Any] = []
    for session in ordered:
        active = [other for other in active if other.ends_at > session.starts_at]
        for other in active:
            found.setdefault(key(other), []).append(session)
            found.setdefault(key(session), []).append(other)
        active.append(session)
    for value in found.values():
        value.sort(key=lambda s: (s.starts_at, s.ends_at))
    return found


def now_and_next(sessions: Iterable[Any], *, now: dt.datetime, limit: int = 10) -> tuple[list[Any], list[Any]]:
    """The sessions running at `now`, and the next `limit` ones to start after it."""
    ordered = sorted(sessions, key=lambda s: (s.starts_at, s.ends_at))
    running = [s for s in ordered if s.starts_at <= now < s.ends_at]
    upcoming = [s for s in ordered if s.starts_at > now][:limit]
    return running, upcoming
