"""Published editions of several shapes, shared by the export and API tests."""

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
from urbis.program.enums import SessionMode, SessionStatus, SessionType, SpeakerRole, Visibility
from urbis.program.models import Edition, SessionSpeaker
from urbis.program.services import publish_programme


def at(edition: Edition, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)), edition.zone)


def build_programme(edition: Edition, *, size: int = 3) -> dict:
    """A draft programme: `size` ordinary sessions per day-slot plus one of each special shape."""
    room_a = RoomFactory(edition=edition, name="Main hall", position=1)
    room_b = RoomFactory(edition=edition, name="Room B", position=2, capacity=None)
    stream = StreamFactory(edition=edition, name="Channel 1")
    part = PartFactory(edition=edition, slug="congress", name="World Congress", colour="#1f5f8b")
    theme = Theme.objects.order_by("position", "slug").first()
    sdg = SDG.objects.order_by("number").first()
    first, last = edition.starts_on, edition.ends_on
    sessions = {}
    for index in range(size):
        day = first + dt.timedelta(days=index % ((last - first).days + 1))
        session = SessionFactory(
            edition=edition, code=f"GEN{index:03d}", title=f"Forum {index}", abstract=f"About forum {index}.",
            part=part if index % 2 == 0 else None, room=room_a if index % 2 == 0 else room_b,
            stream=stream, mode=SessionMode.HYBRID, languages=["en", "fr"],
            starts_at=at(edition, day, 9 + index % 8), ends_at=at(edition, day, 10 + index % 8),
        )
        session.themes.add(theme)
        session.sdgs.add(sdg)
        SessionSpeaker.objects.create(session=session, person=PersonFactory(), role=SpeakerRole.MODERATOR)
        SessionSpeaker.objects.create(session=session, person=PersonFactory(), position=1)
        sessions[session.code] = session
    sessions["CANCEL"] = SessionFactory(
        edition=edition, code="CANCEL", title="Cancelled workshop", type=SessionType.WORKSHOP, room=room_a,
        status=SessionStatus.CANCELLED, starts_at=at(edition, first, 14), ends_at=at(edition, first, 15))
    sessions["NOROOM"] = SessionFactory(
        edition=edition, code="NOROOM", title="Walk in the park", room=None, stream=None,
        mode=SessionMode.IN_PERSON, languages=["es"],
        starts_at=at(edition, last, 8), ends_at=at(edition, last, 9, 30))
    sessions["ONLINE"] = SessionFactory(
        edition=edition, code="ONLINE", title="Online dialogue", room=None, stream=stream,
        mode=SessionMode.ONLINE, languages=["zh"], type=SessionType.FORUM,
        starts_at=at(edition, first, 22), ends_at=at(edition, first + dt.timedelta(days=1), 1))
    sessions["LATE"] = SessionFactory(
        edition=edition, code="LATE", title="Night reception", room=room_b, type=SessionType.CEREMONY,
        starts_at=at(edition, first + dt.timedelta(days=1), 2), ends_at=at(edition, first + dt.timedelta(days=1), 3))
    sessions["CLOSED"] = SessionFactory(
        edition=edition, code="CLOSED", title="Board meeting", visibility=Visibility.CLOSED, room=room_b,
        type=SessionType.STATUTORY, starts_at=at(edition, first, 16), ends_at=at(edition, first, 17))
    sessions["MEMBERS"] = SessionFactory(
        edition=edition, code="MEMBERS", title="Members' lunch", visibility=Visibility.MEMBERS, room=room_b,
        starts_at=at(edition, first, 12), ends_at=at(edition, first, 13))
    return {"rooms": [room_a, room_b], "stream": stream, "part": part, "theme": theme, "sdg": sdg,
            "sessions": sessions}


def published_edition(*, size: int = 3, current: bool = True, **edition_fields) -> tuple[Edition, dict]:
    edition = EditionFactory(is_current=current, **edition_fields)
    built = build_programme(edition, size=size)
    built["version"] = publish_programme(edition=edition, actor=StaffFactory())
    return edition, built


PUBLIC_CODES_EXTRA = ["CANCEL", "NOROOM", "ONLINE", "LATE"]
