"""Builders of published programmes for the public-programme tests (views, agenda, cache, browser)."""

import datetime as dt

from django.utils import timezone

from tests.factories import (
    EditionFactory,
    PartFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    StaffFactory,
    StreamFactory,
)
from urbis.core.models import SDG, Theme
from urbis.program.models import SessionSpeaker
from urbis.program.services import publish_programme


def at(edition, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """An aware moment at a wall-clock time of the edition's zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), edition.zone)


def current_edition(**kwargs):
    kwargs.setdefault("is_current", True)
    return EditionFactory(**kwargs)


def add_session(edition, *, speakers=(), themes=(), sdgs=(), **kwargs):
    """A draft session with speakers (Person), themes (slugs) and SDGs (numbers)."""
    session = SessionFactory(edition=edition, **kwargs)
    for position, person in enumerate(speakers):
        SessionSpeaker.objects.create(session=session, person=person, position=position)
    if themes:
        session.themes.set(Theme.objects.filter(slug__in=themes))
    if sdgs:
        session.sdgs.set(SDG.objects.filter(number__in=sdgs))
    return session


def publish(edition, actor=None):
    return publish_programme(edition=edition, actor=actor or StaffFactory(), note="test")


def build_programme(n_sessions: int, *, edition=None, days: int = 3):
    """A current edition with 3 rooms, a stream, 2 parts and n published sessions spread over days
    and rooms, each with 2 speakers, 2 themes and 2 SDGs."""
    edition = edition or current_edition()
    rooms = [RoomFactory(edition=edition, position=i) for i in range(3)]
    stream = StreamFactory(edition=edition)
    parts = [PartFactory(edition=edition, position=i) for i in range(2)]
    theme_slugs = ["public-space", "healthcare", "resilience", "digitalisation"]
    for i in range(n_sessions):
        day = edition.starts_on + dt.timedelta(days=i % days)
        start = at(edition, day, 9 + (i // days) % 9)
        add_session(edition, title=f"Session number {i}", room=rooms[i % 3], stream=stream,
                    part=parts[i % 2], starts_at=start, ends_at=start + dt.timedelta(minutes=50),
                    speakers=[PersonFactory(), PersonFactory()],
                    themes=theme_slugs[i % 2::2][:2], sdgs=[1 + i % 17, 1 + (i + 5) % 17])
    publish(edition)
    return edition
