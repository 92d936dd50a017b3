import datetime as dt
import time

import pytest
from django.utils import timezone

from tests.factories import EditionFactory, PersonFactory, RoomFactory, SessionFactory, StreamFactory
from tests.program.factories import at, edition_with_venue
from urbis.program.conflicts import ConflictKind, conflicting_codes, draft_sessions_for_checks, find_conflicts
from urbis.program.enums import SessionMode, SessionStatus
from urbis.program.models import Room, Session, SessionSpeaker, Stream
from urbis.program.services import edition_days


def _session(edition, room, stream, start, end, **kwargs):
    return SessionFactory(edition=edition, room=room, stream=stream, starts_at=start, ends_at=end, **kwargs)


def _keys(edition):
    return [c.key for c in find_conflicts(draft_sessions_for_checks(edition), edition=edition)]


@pytest.mark.django_db
def test_find_conflicts_none_for_a_clean_programme():
    edition, rooms, streams = edition_with_venue()
    _session(edition, rooms[0], streams[0], at(edition, 0, 10), at(edition, 0, 11))
    _session(edition, rooms[0], streams[0], at(edition, 0, 11), at(edition, 0, 12))  # back to back is fine
    _session(edition, rooms[1], streams[1], at(edition, 0, 10), at(edition, 0, 11))
    assert _keys(edition) == []


@pytest.mark.django_db
def test_find_conflicts_room_double_booked():
    edition, rooms, streams = edition_with_venue()
    a = _session(edition, rooms[0], streams[0], at(edition, 0, 10), at(edition, 0, 11), code="A")
    b = _session(edition, rooms[0], streams[1], at(edition, 0, 10, 30), at(edition, 0, 12), code="B")
    items = find_conflicts(draft_sessions_for_checks(edition), edition=edition)
    assert [c.key for c in items] == [(ConflictKind.ROOM_DOUBLE_BOOKED, ("A", "B"))]
    assert items[0].message == f"Hall A is booked twice: “{a.title}” and “{b.title}” overlap."


@pytest.mark.django_db
def test_find_conflicts_stream_double_booked():
    edition, rooms, streams = edition_with_venue()
    _session(edition, None, streams[0], at(edition, 1, 9), at(edition, 1, 11), code="A", mode=SessionMode.ONLINE)
    _session(edition, None, streams[0], at(edition, 1, 10), at(edition, 1, 10, 30), code="B", mode=SessionMode.ONLINE)
    assert _keys(edition) == [(ConflictKind.STREAM_DOUBLE_BOOKED, ("A", "B"))]


@pytest.mark.django_db
def test_find_conflicts_speaker_in_two_places():
    edition, rooms, streams = edition_with_venue()
    mayor = PersonFactory(first_name="Ada", last_name="Colau")
    a = _session(edition, rooms[0], streams[0], at(edition, 0, 10), at(edition, 0, 11), code="A")
    b = _session(edition, rooms[1], streams[1], at(edition, 0, 10, 45), at(edition, 0, 11, 30), code="B")
    c = _session(edition, rooms[1], streams[1], at(edition, 0, 11, 30), at(edition, 0, 12), code="C")
    for session in (a, b, c):
        SessionSpeaker.objects.create(session=session, person=mayor, role="speaker")
    items = find_conflicts(draft_sessions_for_checks(edition), edition=edition)
    assert [c.key for c in items] == [(ConflictKind.SPEAKER_DOUBLE_BOOKED, ("A", "B"))]
    assert items[0].message == f"Ada Colau speaks in “{a.title}” and “{b.title}” at overlapping times."


@pytest.mark.django_db
def test_find_conflicts_three_overlapping_sessions_give_every_pair():
    edition, rooms, streams = edition_with_venue()
    _session(edition, rooms[0], streams[0], at(edition, 0, 9), at(edition, 0, 12), code="A")
    _session(edition, rooms[0], streams[1], at(edition, 0, 10), at(edition, 0, 11), code="B")
    _session(edition, rooms[0], None, at(edition, 0, 10, 30), at(edition, 0, 13), code="C",
             mode=SessionMode.IN_PERSON)
    assert _keys(edition) == [(ConflictKind.ROOM_DOUBLE_BOOKED, pair) for pair in
                              (("A", "B"), ("A", "C"), ("B", "C"))]


@pytest.mark.django_db
def test_find_conflicts_ignores_cancelled_sessions():
    edition, rooms, streams = edition_with_venue()
    _session(edition, rooms[0], streams[0], at(edition, 0, 10), at(edition, 0, 11))
    _session(edition, rooms[0], streams[0], at(edition, 0, 10), at(edition, 0, 11), status=SessionStatus.CANCELLED)
    assert _keys(edition) == []


@pytest.mark.django_db
def test_find_conflicts_outside_edition_dates():
    edition, rooms, streams = edition_with_venue()
    _session(edition, rooms[0], streams[0], at(edition, -1, 23), at(edition, 0, 0, 30), code="EARLY")
    _session(edition, rooms[0], streams[0], at(edition, 5, 23, 30), at(edition, 6, 0, 30), code="LATE")
    _session(edition, rooms[1], streams[1], at(edition, 5, 22), at(edition, 6, 0), code="EDGE")  # fine
    items = find_conflicts(draft_sessions_for_checks(edition), edition=edition)
    assert [c.key for c in items] == [(ConflictKind.OUTSIDE_EDITION, ("EARLY",)),
                                      (ConflictKind.OUTSIDE_EDITION, ("LATE",))]
    assert "2021-11-07 23:00–2021-11-08 00:30, Asia/Shanghai" in items[0].message


@pytest.mark.django_db
def test_find_conflicts_missing_room_or_stream_for_mode():
    edition, rooms, streams = edition_with_venue()
    _session(edition, None, streams[0], at(edition, 0, 9), at(edition, 0, 10), code="P", mode=SessionMode.IN_PERSON)
    _session(edition, rooms[0], None, at(edition, 0, 11), at(edition, 0, 12), code="O", mode=SessionMode.ONLINE)
    _session(edition, None, None, at(edition, 0, 13), at(edition, 0, 14), code="H", mode=SessionMode.HYBRID)
    assert _keys(edition) == [
        (ConflictKind.MISSING_ROOM, ("P",)), (ConflictKind.MISSING_STREAM, ("O",)),
        (ConflictKind.MISSING_ROOM, ("H",)), (ConflictKind.MISSING_STREAM, ("H",))]


@pytest.mark.django_db
def test_find_conflicts_across_a_dst_change():
    # Paris leaves summer time at 03:00 on 31 October 2021: 02:00–03:00 happens twice. A session
    # 02:30 CEST–02:15 CET (45 minutes) and one 02:20 CET–03:00 CET do not overlap; 02:10 CET does.
    edition = EditionFactory(time_zone="Europe/Paris", starts_on=dt.date(2021, 10, 30), ends_on=dt.date(2021, 11, 1))
    room = RoomFactory(edition=edition)
    stream = StreamFactory(edition=edition)
    zone = edition.zone
    first_start = dt.datetime(2021, 10, 31, 2, 30, tzinfo=zone)  # fold=0: CEST (UTC+2)
    first_end = dt.datetime(2021, 10, 31, 2, 15, fold=1, tzinfo=zone)  # CET (UTC+1)
    assert (first_end.astimezone(dt.UTC) - first_start.astimezone(dt.UTC)).total_seconds() == 45 * 60
    _session(edition, room, stream, first_start, first_end, code="FIRST")
    _session(edition, room, stream, dt.datetime(2021, 10, 31, 2, 20, fold=1, tzinfo=zone),
             dt.datetime(2021, 10, 31, 3, 0, tzinfo=zone), code="AFTER")
    assert _keys(edition) == []
    _session(edition, room, None, dt.datetime(2021, 10, 31, 2, 10, fold=1, tzinfo=zone),
             dt.datetime(2021, 10, 31, 2, 20, fold=1, tzinfo=zone), code="CLASH", mode=SessionMode.IN_PERSON)
    assert _keys(edition) == [(ConflictKind.ROOM_DOUBLE_BOOKED, ("FIRST", "CLASH"))]


@pytest.mark.django_db
def test_find_conflicts_compares_in_memory_local_times_in_utc():
    # Same as above, on unsaved sessions whose times carry the Paris zone and a fold.
    edition = EditionFactory(time_zone="Europe/Paris", starts_on=dt.date(2021, 10, 30), ends_on=dt.date(2021, 11, 1))
    room = Room(pk=1, edition=edition, name="Salle")
    zone = edition.zone

    def make(pk, start, end):
        s = Session(pk=pk, edition=edition, code=f"X{pk}", title=f"S{pk}", starts_at=start, ends_at=end, room=room,
                    mode=SessionMode.IN_PERSON)
        s._prefetched_objects_cache = {"speaker_links": _no_speakers()}
        return s

    first = make(1, dt.datetime(2021, 10, 31, 2, 30, tzinfo=zone), dt.datetime(2021, 10, 31, 2, 15, fold=1, tzinfo=zone))
    after = make(2, dt.datetime(2021, 10, 31, 2, 20, fold=1, tzinfo=zone), dt.datetime(2021, 10, 31, 3, 0, tzinfo=zone))
    assert find_conflicts([first, after], edition=edition) == []


@pytest.mark.django_db
def test_find_conflicts_outside_edition_uses_the_edition_zone_on_dst_days():
    # The last day is the DST change day: it has 25 hours; 23:30 local is still inside.
    edition = EditionFactory(time_zone="Europe/Paris", starts_on=dt.date(2021, 10, 30), ends_on=dt.date(2021, 10, 31))
    room, stream = RoomFactory(edition=edition), StreamFactory(edition=edition)
    zone = edition.zone
    _session(edition, room, stream, dt.datetime(2021, 10, 31, 23, 0, tzinfo=zone),
             dt.datetime(2021, 10, 31, 23, 59, tzinfo=zone), code="IN")
    _session(edition, room, stream, dt.datetime(2021, 10, 29, 23, 30, tzinfo=zone),
             dt.datetime(2021, 10, 30, 0, 30, tzinfo=zone), code="OUT")
    assert _keys(edition) == [(ConflictKind.OUTSIDE_EDITION, ("OUT",))]


@pytest.mark.django_db
def test_conflicting_codes_collects_every_session_involved():
    edition, rooms, streams = edition_with_venue()
    _session(edition, rooms[0], streams[0], at(edition, 0, 10), at(edition, 0, 11), code="A")
    _session(edition, rooms[0], streams[1], at(edition, 0, 10), at(edition, 0, 11), code="B")
    _session(edition, rooms[1], None, at(edition, 0, 10), at(edition, 0, 11), code="C", mode=SessionMode.ONLINE)
    assert conflicting_codes(find_conflicts(draft_sessions_for_checks(edition), edition=edition)) == {"A", "B", "C"}


def _no_speakers():
    """An already-evaluated empty queryset, as prefetch_related leaves it (no SQL when iterated)."""
    qs = SessionSpeaker.objects.none()
    qs._result_cache = []
    qs._prefetch_done = True
    return qs


def _unsaved_programme(n_sessions: int, edition, rooms, streams):
    """Sessions in memory (no database) spread over days, rooms and streams, with no conflict."""
    sessions = []
    days = edition_days(edition)
    per_room_day = 10
    for i in range(n_sessions):
        room_index = i % len(rooms)
        slot = (i // len(rooms)) % per_room_day
        day = days[(i // (len(rooms) * per_room_day)) % len(days)]
        start = timezone.make_aware(dt.datetime.combine(day, dt.time(8 + slot, 0)), edition.zone)
        s = Session(pk=i + 1, edition=edition, code=f"C{i:05d}", title=f"S{i}", starts_at=start,
                    ends_at=start + dt.timedelta(minutes=50), room=rooms[room_index], stream=streams[room_index],
                    mode=SessionMode.HYBRID)
        s._prefetched_objects_cache = {"speaker_links": _no_speakers()}
        sessions.append(s)
    return sessions


@pytest.mark.django_db
def test_find_conflicts_scales_to_the_reference_congress():
    edition = EditionFactory()
    rooms = [Room(pk=i + 1, edition=edition, name=f"R{i}") for i in range(25)]
    streams = [Stream(pk=i + 1, edition=edition, name=f"S{i}") for i in range(25)]
    sessions = _unsaved_programme(1500, edition, rooms, streams)
    started = time.perf_counter()
    assert find_conflicts(sessions, edition=edition) == []
    assert time.perf_counter() - started < 1.0
