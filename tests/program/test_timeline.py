"""Pure timeline functions: days in a zone (midnight crossing, DST), the grid, overlaps, now/next."""

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from urbis.program import timeline

UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class Room:
    pk: int
    name: str
    position: int = 0

    def __str__(self):
        return self.name


@dataclass(frozen=True)
class S:
    code: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    room: Room | None = None
    stream: Room | None = field(default=None)


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def test_local_day_crosses_midnight_depending_on_the_zone():
    moment = utc(2023, 11, 1, 3, 0)  # 03:00 London, 23:00 the day before in New York, 14:00 in Sydney
    assert [timeline.local_day(moment, z) for z in (LONDON, NEW_YORK, SYDNEY)] == [
        dt.date(2023, 11, 1), dt.date(2023, 10, 31), dt.date(2023, 11, 1)]


def test_bucket_by_day_uses_the_start_in_the_viewers_zone():
    # A: 02:30–04:30 in London on 1 Nov; 22:30–00:30 in New York (crosses midnight: it belongs to 31 Oct).
    # B: 14:00 in London; 10:00 in New York; 01:00 on 2 Nov in Sydney.
    a = S("A", utc(2023, 11, 1, 2, 30), utc(2023, 11, 1, 4, 30))
    b = S("B", utc(2023, 11, 1, 14, 0), utc(2023, 11, 1, 15, 0))

    def codes(zone):
        return {d: [s.code for s in ss] for d, ss in timeline.bucket_by_day([b, a], zone).items()}

    assert codes(LONDON) == {dt.date(2023, 11, 1): ["A", "B"]}
    assert codes(NEW_YORK) == {dt.date(2023, 10, 31): ["A"], dt.date(2023, 11, 1): ["B"]}
    assert codes(SYDNEY) == {dt.date(2023, 11, 1): ["A"], dt.date(2023, 11, 2): ["B"]}


def test_bucket_by_day_across_the_european_dst_change():
    # 09:00 London on 28 Oct (BST, 08:00 UTC) and on 30 Oct (GMT, 09:00 UTC): the same wall-clock time
    # at the venue; New York and Sydney see the shift of one hour.
    before = S("B", utc(2023, 10, 28, 8, 0), utc(2023, 10, 28, 9, 0))
    after = S("A", utc(2023, 10, 30, 9, 0), utc(2023, 10, 30, 10, 0))
    assert [s.starts_at.astimezone(LONDON).strftime("%H:%M %Z") for s in (before, after)] == [
        "09:00 BST", "09:00 GMT"]
    assert [s.starts_at.astimezone(NEW_YORK).strftime("%d %H:%M %Z") for s in (before, after)] == [
        "28 04:00 EDT", "30 05:00 EDT"]
    assert [s.starts_at.astimezone(SYDNEY).strftime("%d %H:%M %Z") for s in (before, after)] == [
        "28 19:00 AEDT", "30 20:00 AEDT"]
    assert list(timeline.bucket_by_day([after, before], SYDNEY)) == [dt.date(2023, 10, 28), dt.date(2023, 10, 30)]


def test_bucket_by_day_across_the_us_dst_change():
    # 5 Nov 2023 02:00 EDT → 01:00 EST. A session at 23:30 EST on 5 Nov is 04:30 UTC on 6 Nov.
    session = S("A", utc(2023, 11, 6, 4, 30), utc(2023, 11, 6, 5, 30))
    assert list(timeline.bucket_by_day([session], NEW_YORK)) == [dt.date(2023, 11, 5)]
    assert list(timeline.bucket_by_day([session], LONDON)) == [dt.date(2023, 11, 6)]


def test_day_bounds_have_25_hours_when_the_clocks_go_back():
    start, end = timeline.day_bounds(dt.date(2023, 10, 29), LONDON)
    assert (start, end, end - start) == (utc(2023, 10, 28, 23, 0), utc(2023, 10, 30, 0, 0), dt.timedelta(hours=25))
    start, end = timeline.day_bounds(dt.date(2023, 10, 1), SYDNEY)  # clocks go forward: 23 hours
    assert end - start == dt.timedelta(hours=23)


def test_pick_day_prefers_the_wanted_day_then_today_then_the_first():
    days = [dt.date(2023, 10, 30), dt.date(2023, 10, 31)]
    assert timeline.pick_day(days, wanted=dt.date(2023, 10, 31), today=dt.date(2023, 10, 30)) == dt.date(2023, 10, 31)
    assert timeline.pick_day(days, wanted=dt.date(2024, 1, 1), today=dt.date(2023, 10, 31)) == dt.date(2023, 10, 31)
    assert timeline.pick_day(days, wanted=None, today=dt.date(2020, 1, 1)) == dt.date(2023, 10, 30)
    assert timeline.pick_day([], wanted=None, today=dt.date(2020, 1, 1)) is None


def test_build_grid_places_sessions_by_room_and_time():
    big, small = Room(1, "Big hall", 0), Room(2, "Small room", 1)
    stream = Room(9, "Channel 1", 0)
    sessions = [
        S("C", utc(2021, 11, 8, 2, 30), utc(2021, 11, 8, 3, 0), room=None, stream=stream),  # online only
        S("B", utc(2021, 11, 8, 2, 15), utc(2021, 11, 8, 3, 5), room=small),
        S("A", utc(2021, 11, 8, 2, 0), utc(2021, 11, 8, 3, 0), room=big),
    ]
    grid = timeline.build_grid(sessions, SHANGHAI, slot_minutes=30)
    assert [(c.label, c.kind) for c in grid.columns] == [("Big hall", "room"), ("Small room", "room"),
                                                         ("Channel 1", "stream")]
    assert [r.strftime("%H:%M") for r in grid.rows] == ["10:00", "10:30", "11:00"]
    assert [(c.session.code, c.column, c.row, c.span) for c in grid.cells] == [
        ("A", 1, 1, 2), ("B", 2, 1, 3), ("C", 3, 2, 1)]


def test_build_grid_on_the_day_the_clocks_go_back_repeats_the_hour():
    room = Room(1, "Hall")
    first = S("A", utc(2023, 10, 28, 23, 30), utc(2023, 10, 29, 0, 30), room=room)  # 00:30–01:30 BST
    second = S("B", utc(2023, 10, 29, 1, 0), utc(2023, 10, 29, 2, 0), room=room)  # 01:00–02:00 GMT
    grid = timeline.build_grid([second, first], LONDON, slot_minutes=30)
    assert [r.strftime("%H:%M %Z") for r in grid.rows] == [
        "00:30 BST", "01:00 BST", "01:30 BST", "01:00 GMT", "01:30 GMT"]
    assert [(c.session.code, c.row, c.span) for c in grid.cells] == [("A", 1, 2), ("B", 4, 2)]


def test_build_grid_gives_overlapping_sessions_of_one_room_their_own_lanes():
    hall, side = Room(1, "Hall", 0), Room(2, "Side", 1)
    sessions = [
        S("A", utc(2021, 11, 8, 2, 0), utc(2021, 11, 8, 3, 0), room=hall),
        S("B", utc(2021, 11, 8, 2, 30), utc(2021, 11, 8, 3, 30), room=hall),  # overlaps A: second lane
        S("C", utc(2021, 11, 8, 3, 0), utc(2021, 11, 8, 4, 0), room=hall),  # after A: back in the first lane
        S("D", utc(2021, 11, 8, 2, 0), utc(2021, 11, 8, 3, 0), room=side),
    ]
    grid = timeline.build_grid(sessions, SHANGHAI, slot_minutes=30)
    assert [(c.label, c.start, c.lanes) for c in grid.columns] == [("Hall", 1, 2), ("Side", 3, 1)]
    assert grid.width == 3
    assert [(c.session.code, c.column, c.row, c.span) for c in grid.cells] == [
        ("A", 1, 1, 2), ("D", 3, 1, 2), ("B", 2, 2, 2), ("C", 1, 3, 2)]


def test_build_grid_of_no_sessions_is_empty():
    grid = timeline.build_grid([], LONDON)
    assert (grid.is_empty, grid.columns, grid.rows) == (True, [], [])


def test_find_overlaps_ignores_sessions_that_only_touch():
    a = S("A", utc(2023, 1, 1, 10), utc(2023, 1, 1, 11))
    b = S("B", utc(2023, 1, 1, 10, 30), utc(2023, 1, 1, 11, 30))
    c = S("C", utc(2023, 1, 1, 11), utc(2023, 1, 1, 12))
    d = S("D", utc(2023, 1, 1, 12), utc(2023, 1, 1, 13))
    found = timeline.find_overlaps([d, c, b, a])
    assert {k: [s.code for s in v] for k, v in found.items()} == {"A": ["B"], "B": ["A", "C"], "C": ["B"]}
    assert (timeline.overlaps(a, b), timeline.overlaps(a, c), timeline.overlaps(c, d)) == (True, False, False)


def test_find_overlaps_of_a_long_session_spanning_several():
    long = S("L", utc(2023, 1, 1, 9), utc(2023, 1, 1, 17))
    x = S("X", utc(2023, 1, 1, 10), utc(2023, 1, 1, 11))
    y = S("Y", utc(2023, 1, 1, 14), utc(2023, 1, 1, 15))
    found = timeline.find_overlaps([y, x, long])
    assert {k: [s.code for s in v] for k, v in found.items()} == {"L": ["X", "Y"], "X": ["L"], "Y": ["L"]}


def test_now_and_next():
    now = utc(2023, 1, 1, 10, 30)
    past = S("P", utc(2023, 1, 1, 8), utc(2023, 1, 1, 9))
    running = S("R", utc(2023, 1, 1, 10), utc(2023, 1, 1, 11))
    starting_now = S("N", now, utc(2023, 1, 1, 11))
    later = [S(f"L{i}", utc(2023, 1, 1, 12 + i), utc(2023, 1, 1, 13 + i)) for i in range(3)]
    current, upcoming = timeline.now_and_next([*later, running, past, starting_now], now=now, limit=2)
    assert ([s.code for s in current], [s.code for s in upcoming]) == (["R", "N"], ["L0", "L1"])
