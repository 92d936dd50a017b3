import datetime as dt

import pytest
from django.utils import timezone

from tests.factories import EditionFactory, RoomFactory, SessionFactory, StaffFactory, StreamFactory
from urbis.program.enums import SessionMode
from urbis.program.services import publish_programme
from urbis.registration import services


@pytest.fixture
def edition(db):
    return EditionFactory(slug="gz2021", name="World Congress 2021", is_current=True)


@pytest.fixture
def staff(db):
    return StaffFactory(email="staff@example.org")


def publish(edition, **session_kwargs):
    """A published hybrid session of the edition (first day 10:00–11:00 local) and its code."""
    stream = StreamFactory(edition=edition, url="https://meet.example.org/s1")
    room = RoomFactory(edition=edition, capacity=session_kwargs.pop("room_capacity", 200))
    draft = SessionFactory(edition=edition, stream=stream, room=room, mode=SessionMode.HYBRID, **session_kwargs)
    publish_programme(edition=edition, actor=None)
    from urbis.program.selectors import published_sessions

    return published_sessions(edition).get(code=draft.code)


def during(edition, hour=10, minute=30, day=0):
    """An aware moment on the edition's day `day` at local hour:minute."""
    return timezone.make_aware(dt.datetime.combine(edition.starts_on + dt.timedelta(days=day),
                                                   dt.time(hour, minute)), edition.zone)


@pytest.fixture
def capacity(edition):
    def set_capacity(n, **more):
        services.ensure_settings(edition=edition)
        return services.update_settings(edition=edition, actor=None, onsite_capacity=n, **more)
    return set_capacity
