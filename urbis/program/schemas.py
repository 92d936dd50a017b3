"""API schemas of the programme (input validation and documented answers)."""

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator

from urbis.api.pagination import PageParams

from .enums import (
    LANGUAGE_CODES,
    EditionFormat,
    SessionMode,
    SessionStatus,
    SessionType,
    SpeakerRole,
    Visibility,
)

SLUG_PATTERN = r"^[-a-zA-Z0-9_]+$"
CODE_PATTERN = r"^[A-Za-z0-9_-]{1,12}$"

ModeValue = Literal[tuple(SessionMode.values)]  # type: ignore[valid-type]
TypeValue = Literal[tuple(SessionType.values)]  # type: ignore[valid-type]
VisibilityValue = Literal[tuple(Visibility.values)]  # type: ignore[valid-type]
StatusValue = Literal[tuple(SessionStatus.values)]  # type: ignore[valid-type]
RoleValue = Literal[tuple(SpeakerRole.values)]  # type: ignore[valid-type]
FormatValue = Literal[tuple(EditionFormat.values)]  # type: ignore[valid-type]
LanguageValue = Literal[tuple(sorted(LANGUAGE_CODES))]  # type: ignore[valid-type]


def _no_nul(value: str) -> str:
    # Databases refuse NUL characters in text; refuse them here, as a validation error.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]


# ------------------------------------------------------------------------------------ answers

class VersionOut(Schema):
    number: int
    published_at: dt.datetime
    note: str
    changes: dict


class EditionOut(Schema):
    slug: str
    name: str
    number: int | None
    starts_on: dt.date
    ends_on: dt.date
    time_zone: str
    venue_city: str
    venue_country: str
    venue: str
    format: FormatValue
    is_current: bool
    description: str
    version: int | None = Field(description="Number of the latest published programme version.")
    published_at: dt.datetime | None


class PartOut(Schema):
    slug: str
    name: str
    colour: str


class RoomRef(Schema):
    id: int
    name: str


class StreamRef(Schema):
    id: int
    name: str


class SpeakerRef(Schema):
    slug: str
    name: str
    role: RoleValue
    title: str
    organisation: str | None


class SessionOut(Schema):
    code: str
    title: str
    abstract: str
    type: TypeValue
    mode: ModeValue
    visibility: VisibilityValue
    status: StatusValue
    languages: list[str]
    part: PartOut | None
    themes: list[str]
    sdgs: list[int]
    room: RoomRef | None
    stream: StreamRef | None
    starts_at: dt.datetime = Field(description="In the edition's time zone, with its offset.")
    ends_at: dt.datetime
    duration_minutes: int
    capacity: int | None
    speakers: list[SpeakerRef]
    url: str
    ics_url: str


class SessionDetailOut(SessionOut):
    edition: str
    join_url: str | None = Field(description="Only for people who may join, while joining is open.")


class SessionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SessionOut]


class SpeakerOut(Schema):
    slug: str
    name: str
    title: str
    function: str
    organisation: str | None
    country: str
    bio: str
    session_count: int


class SpeakerPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SpeakerOut]


class RoomOut(Schema):
    id: int
    name: str
    venue: str
    capacity: int | None


class StreamOut(Schema):
    id: int
    name: str
    platform: str
    url: str | None = Field(description="Only for people who may join one of the stream's sessions.")
    interpretation: dict | None


# ------------------------------------------------------------------------------------ queries

class SessionFilters(PageParams):
    day: dt.date | None = Field(None, description="A day of the edition (in its time zone).")
    part: Text | None = Field(None, max_length=60, description="Part slug.")
    theme: Text | None = Field(None, max_length=60, description="Theme slug.")
    sdg: int | None = Field(None, ge=1, le=17)
    mode: ModeValue | None = None
    language: LanguageValue | None = None
    room: int | None = Field(None, ge=1, le=2**31 - 1, description="Room id.")
    q: Text | None = Field(None, max_length=200, description="Words of the title or of a speaker's name.")


class SessionQuery(Schema):
    edition: str | None = Field(None, pattern=SLUG_PATTERN, max_length=60,
                                description="Edition slug (the current edition when left out).")


# ------------------------------------------------------------------------------------ writes

class SpeakerIn(Schema):
    person: str = Field(pattern=SLUG_PATTERN, max_length=220, description="Person slug.")
    role: RoleValue = SpeakerRole.SPEAKER.value


class SessionIn(Schema):
    title: Text = Field(min_length=1, max_length=250)
    starts_at: dt.datetime = Field(description="With a time zone offset.")
    ends_at: dt.datetime
    abstract: Text = Field("", max_length=20_000)
    part: str | None = Field(None, pattern=SLUG_PATTERN, max_length=60)
    type: TypeValue = SessionType.FORUM.value
    mode: ModeValue = SessionMode.HYBRID.value
    visibility: VisibilityValue = Visibility.PUBLIC.value
    languages: list[LanguageValue] = Field(default_factory=lambda: ["en"], max_length=10)
    themes: list[Annotated[str, Field(pattern=SLUG_PATTERN, max_length=60)]] = Field(default_factory=list,
                                                                                     max_length=30)
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] = Field(default_factory=list, max_length=17)
    room: int | None = Field(None, ge=1, le=2**31 - 1)
    stream: int | None = Field(None, ge=1, le=2**31 - 1)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    speakers: list[SpeakerIn] = Field(default_factory=list, max_length=50)


class SessionPatch(Schema):
    title: Text | None = Field(None, min_length=1, max_length=250)
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    abstract: Text | None = Field(None, max_length=20_000)
    part: str | None = Field(None, pattern=SLUG_PATTERN, max_length=60)
    type: TypeValue | None = None
    mode: ModeValue | None = None
    visibility: VisibilityValue | None = None
    languages: list[LanguageValue] | None = Field(None, max_length=10)
    themes: list[Annotated[str, Field(pattern=SLUG_PATTERN, max_length=60)]] | None = Field(None, max_length=30)
    sdgs: list[Annotated[int, Field(ge=1, le=17)]] | None = Field(None, max_length=17)
    room: int | None = Field(None, ge=1, le=2**31 - 1)
    stream: int | None = Field(None, ge=1, le=2**31 - 1)
    capacity: int | None = Field(None, ge=1, le=1_000_000)
    speakers: list[SpeakerIn] | None = Field(None, max_length=50)


class PublishIn(Schema):
    note: Text = Field("", max_length=300)
    allow_conflicts: bool = True
