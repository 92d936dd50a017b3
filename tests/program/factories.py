"""Factories and builders for the programme editor's tests."""

import datetime as dt

from django.utils import timezone

from tests.factories import EditionFactory, RoomFactory, StreamFactory


def at(edition, day_index: int, hour: int, minute: int = 0) -> dt.datetime:
    """An aware datetime: day N of the edition, wall-clock time in the edition's zone."""
    day = edition.starts_on + dt.timedelta(days=day_index)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), edition.zone)


def edition_with_venue(**kwargs):
    """An edition with two rooms and two streams: (edition, [room_a, room_b], [stream_a, stream_b])."""
    edition = EditionFactory(**kwargs)
    rooms = [RoomFactory(edition=edition, name="Hall A", position=1), RoomFactory(edition=edition, name="Hall B",
                                                                                    position=2)]
    streams = [StreamFactory(edition=edition, name="Channel 1", position=1),
               StreamFactory(edition=edition, name="Channel 2", position=2)]
    return edition, rooms, streams
