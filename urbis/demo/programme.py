"""Demo step: the 13th World Congress (Guangzhou, 8–13 November 2021) and its programme.

About 150 sessions per unit of scale over the same 6 days; each unit of scale adds 6 rooms and
4 streams, so no room, stream or speaker is ever booked twice at once. The first version is
published, then a second one with a few sessions moved and cancelled through the editor's services,
so the change list shows something.

Leaves in ``ctx.data``: ``edition``, ``parts`` (slug → Part), ``rooms``, ``streams``,
``sessions`` (the draft Sessions), ``special_sessions`` (``opening``, ``mayors_forum``, ``board``,
``general_assembly``, ``award_ceremony``, ``closing`` → draft Session), ``speakers`` (the Persons
who speak), ``versions``.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from urbis.core.models import SDG, Theme
from urbis.program.enums import SessionMode, SessionType, SpeakerRole, Visibility
from urbis.program.models import Edition, Part, ProgrammeVersion, Room, Session, SessionSpeaker, Stream
from urbis.program.services import (
    CODE_ALPHABET,
    CODE_LENGTH,
    cancel_session,
    create_edition,
    move_session,
    publish_programme,
)

from . import names

if TYPE_CHECKING:
    from urbis.members.models import Person

    from .builder import DemoContext

EDITION_SLUG = "guangzhou-2021"
ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
FIRST_DAY = dt.date(2021, 11, 8)
DAYS = 6
SESSIONS = 150  # per unit of scale
SPEAKERS = 300  # distinct speakers per unit of scale
# On-site slots (local time, 90 minutes each); online-only sessions also use the early and late slots,
# which suit participants in the Americas and in Europe.
GRID = ((9, 0), (11, 0), (14, 0), (16, 0))
ONLINE_ONLY = ((7, 0), (20, 30))
SLOT_MINUTES = 90

PARTS = (
    ("world-congress", "World Congress", "#1f5f8b"),
    ("global-mayors-forum", "Global Mayors' Forum", "#b5442a"),
    ("statutory", "Statutory meetings", "#4b4b4b"),
    ("award", "Award ceremony", "#9a7b12"),
    ("side-events", "Side events", "#2f7d4a"),
)
VENUE = "Guangzhou Baiyun International Convention Center"
ROOMS = (("Plenary Hall", 2000), ("Pearl River Hall", 800), ("Lingnan Room", 300), ("Baiyun Room", 250),
         ("Canton Room", 150), ("Five Rams Room", 80))
STREAM_NAMES = ("Main stream", "Forum stream", "Workshop stream", "Side-event stream")
PLATFORMS = ("Zoom Webinar", "Webex Events", "Urbis Live", "Zoom Webinar")
INTERPRETATION = ("en", "fr", "es", "zh")

SDGS_OF_THEME = {
    "public-space": (11, 10), "climate-friendly-mobility": (11, 9, 13), "inclusive-sustainable-economy": (8, 1, 10),
    "technology-decentralised-work": (9, 8), "nature-based-solutions": (15, 13, 6), "carbon-footprint": (13, 7, 12),
    "healthcare": (3,), "gender-citizen-rights": (5, 10, 16), "urban-growth": (11,), "digitalisation": (9,),
    "citizen-participation": (16,), "resilience": (11, 13),
}
# type → (share of the generic sessions, min speakers, max speakers)
GENERIC_TYPES = ((SessionType.FORUM, 0.50, 3, 5), (SessionType.WORKSHOP, 0.26, 2, 3),
                 (SessionType.SIDE_EVENT, 0.20, 1, 3), (SessionType.PLENARY, 0.04, 4, 5))
MODES = ((SessionMode.HYBRID, 0.40), (SessionMode.IN_PERSON, 0.35), (SessionMode.ONLINE, 0.25))


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(FIRST_DAY + dt.timedelta(days=day), dt.time(hour, minute), tzinfo=ZONE)


def _weighted(rng, options):
    point, total = rng.random(), 0.0
    for value, share in options:
        total += share
        if point < total:
            return value
    return options[-1][0]


@dataclass
class _Planner:
    """Books rooms, streams and speakers; every booking is checked against the ones already made."""

    rng: object
    rooms: list[Room]
    streams: list[Stream]
    busy: dict = field(default_factory=lambda: defaultdict(list))  # resource key → [(start, end)]

    def free(self, key, start, end) -> bool:
        return all(end <= s or start >= e for s, e in self.busy[key])

    def book(self, key, start, end) -> None:
        assert self.free(key, start, end), key  # the demo must never double-book
        self.busy[key].append((start, end))

    def free_rooms(self, start, end) -> list[Room]:
        return [r for r in self.rooms if self.free(("room", r.pk), start, end)]

    def free_streams(self, start, end) -> list[Stream]:
        return [s for s in self.streams if self.free(("stream", s.pk), start, end)]


class _SpeakerPicker:
    """Hands out speakers, using everyone in the pool at least once before repeating anyone."""

    def __init__(self, rng, planner: _Planner, heads: list[Person], others: list[Person]) -> None:
        self.rng, self.planner = rng, planner
        self.pools = {"heads": heads, "others": others}
        self.unused = {name: deque(pool) for name, pool in self.pools.items()}
        self.used: set[int] = set()

    def take(self, person: Person, start, end) -> Person:
        self.planner.book(("person", person.pk), start, end)
        self.used.add(person.pk)
        return person

    def pick(self, n: int, start, end, *, pool: str, exclude=()) -> list[Person]:
        chosen: list[Person] = []
        taken = {p.pk for p in exclude}
        unused, skipped = self.unused[pool], []
        while unused and len(chosen) < n:
            person = unused.popleft()
            if person.pk in self.used:
                continue
            if person.pk in taken or not self.planner.free(("person", person.pk), start, end):
                skipped.append(person)
                continue
            chosen.append(self.take(person, start, end))
            taken.add(person.pk)
        unused.extendleft(reversed(skipped))
        candidates = self.pools[pool]
        for _attempt in range(200):
            if len(chosen) >= n:
                break
            person = self.rng.choice(candidates)
            if person.pk not in taken and self.planner.free(("person", person.pk), start, end):
                chosen.append(self.take(person, start, end))
                taken.add(person.pk)
        return chosen


def _codes(rng, n: int) -> list[str]:
    codes: list[str] = []
    seen: set[str] = set()
    while len(codes) < n:
        code = "".join(rng.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if code not in seen:
            seen.add(code)
            codes.append(code)
    return codes


def _edition(ctx: DemoContext) -> Edition:
    return create_edition(
        slug=EDITION_SLUG, name="13th World Congress of Metropolis", number=13, starts_on=FIRST_DAY,
        ends_on=FIRST_DAY + dt.timedelta(days=DAYS - 1), time_zone="Asia/Shanghai", venue_city="Guangzhou",
        venue_country="CN", venue=VENUE, format="hybrid", join_opens_minutes=15, is_current=True,
        actor=ctx.data.get("admin"),
        description="“Our Common Metropolitan Future”: the 13th World Congress, hosted by Guangzhou, on site "
                    "and online, with the Global Mayors' Forum, the statutory meetings of the association and "
                    "the Guangzhou Award ceremony.")


def _venues(ctx: DemoContext, edition: Edition) -> tuple[dict, list[Room], list[Stream]]:
    parts = Part.objects.bulk_create([Part(edition=edition, slug=slug, name=name, colour=colour, position=i)
                                      for i, (slug, name, colour) in enumerate(PARTS)])
    rooms, streams = [], []
    for unit in range(ctx.scale):
        for i, (name, capacity) in enumerate(ROOMS):
            label = name if unit == 0 else f"{name} {unit + 1}"
            rooms.append(Room(edition=edition, name=label, venue=VENUE if unit == 0 else f"{VENUE}, wing {unit + 1}",
                              capacity=capacity, position=unit * len(ROOMS) + i))
        for i, name in enumerate(STREAM_NAMES):
            label = name if unit == 0 else f"{name} {unit + 1}"
            slug = label.lower().replace(" ", "-")
            url = f"https://stream.urbis.example/guangzhou-2021/{slug}"
            streams.append(Stream(edition=edition, name=label, platform=PLATFORMS[i], url=url,
                                  interpretation={lang: f"{url}?lang={lang}" for lang in INTERPRETATION},
                                  position=unit * len(STREAM_NAMES) + i))
    Room.objects.bulk_create(rooms)
    Stream.objects.bulk_create(streams)
    return {p.slug: p for p in parts}, rooms, streams


@dataclass
class _Draft:
    session: Session
    speakers: list[tuple[Person, str]]
    themes: list[str]
    sdgs: list[int]


def _speaker_roles(kind: str, people: list[Person], keynotes: int = 0) -> list[tuple[Person, str]]:
    if kind in (SessionType.FORUM, SessionType.PLENARY) and len(people) >= 2:
        # the moderator is listed first, then keynotes, then the panel
        roles = [SpeakerRole.MODERATOR] + [SpeakerRole.KEYNOTE] * keynotes
        roles += [SpeakerRole.PANELIST if kind == SessionType.FORUM else SpeakerRole.SPEAKER] * len(people)
        return list(zip(people, roles, strict=False))
    if kind == SessionType.CEREMONY:
        return [(p, SpeakerRole.KEYNOTE if i == 0 else SpeakerRole.SPEAKER) for i, p in enumerate(people)]
    return [(p, SpeakerRole.SPEAKER) for p in people]


def _special_sessions(ctx, planner: _Planner, picker: _SpeakerPicker, parts, rooms, streams) -> dict[str, _Draft]:
    data = ctx.data
    host = data["host"]
    host_head = data["heads"][host.pk]
    demo_speaker = data["demo_people"].get("speaker@urbis.example")
    all_languages = list(INTERPRETATION)
    plenary_hall, pearl, canton = rooms[0], rooms[1], rooms[4]
    main, forum_stream = streams[0], streams[1]
    specials: dict[str, _Draft] = {}

    def add(key, *, title, abstract, part, kind, visibility, start, end, room, stream, speakers, themes, sdgs):
        mode = SessionMode.HYBRID if room and stream else (SessionMode.ONLINE if stream else SessionMode.IN_PERSON)
        if room:
            planner.book(("room", room.pk), start, end)
        if stream:
            planner.book(("stream", stream.pk), start, end)
        specials[key] = _Draft(Session(
            edition=data["edition"], part=parts[part], title=title, abstract=abstract, type=kind, mode=mode,
            visibility=visibility, languages=all_languages, room=room, stream=stream, starts_at=start, ends_at=end,
        ), speakers, themes, sdgs)

    start, end = _at(1, 9), _at(1, 10, 30)
    people = [picker.take(demo_speaker, start, end)] if demo_speaker else []
    people += [picker.take(host_head, start, end)]
    people += picker.pick(3, start, end, pool="heads", exclude=people)
    add("opening", title="Opening plenary: Our Common Metropolitan Future",
        abstract="The host city, the association's presidency and the United Nations open the 13th World "
                 "Congress: what metropolitan governments have learnt from the pandemic, and what they will "
                 "do together in the next three years.",
        part="world-congress", kind=SessionType.PLENARY, visibility=Visibility.PUBLIC, start=start, end=end,
        room=plenary_hall, stream=main, speakers=_speaker_roles(SessionType.PLENARY, people, keynotes=2),
        themes=["resilience", "urban-growth"], sdgs=[11, 17])

    start, end = _at(2, 9), _at(2, 12, 30)
    people = picker.pick(12, start, end, pool="heads")
    add("mayors_forum", title="Global Mayors' Forum: Mayors for a common metropolitan future",
        abstract="Mayors and governors of member cities compare their recovery plans and commit to shared "
                 "targets on climate, health and inclusion.",
        part="global-mayors-forum", kind=SessionType.FORUM, visibility=Visibility.PUBLIC, start=start, end=end,
        room=plenary_hall, stream=main, speakers=_speaker_roles(SessionType.FORUM, people),
        themes=["resilience", "inclusive-sustainable-economy", "carbon-footprint"], sdgs=[11, 13, 17])

    start, end = _at(0, 9), _at(0, 10, 30)
    people = [picker.take(demo_speaker, start, end)] if demo_speaker else []
    people += picker.pick(3, start, end, pool="heads", exclude=people)
    add("board", title="Board of Directors meeting",
        abstract="The Board of Directors prepares the General Assembly: accounts, the action plan and the "
                 "candidacies to the presidency. Board members only.",
        part="statutory", kind=SessionType.STATUTORY, visibility=Visibility.CLOSED, start=start, end=end,
        room=canton, stream=forum_stream, speakers=_speaker_roles(SessionType.STATUTORY, people),
        themes=[], sdgs=[17])

    start, end = _at(4, 14), _at(4, 17, 30)
    people = picker.pick(3, start, end, pool="heads")
    add("general_assembly", title="General Assembly",
        abstract="The statutory meeting of all member governments: reports, the 2021–2023 action plan, and the "
                 "elections of the Board and the presidency. Each member votes once, online or in the room.",
        part="statutory", kind=SessionType.STATUTORY, visibility=Visibility.MEMBERS, start=start, end=end,
        room=pearl, stream=forum_stream, speakers=_speaker_roles(SessionType.STATUTORY, people),
        themes=["citizen-participation"], sdgs=[16, 17])

    start, end = _at(4, 18, 30), _at(4, 20)
    people = [picker.take(host_head, start, end)] + picker.pick(3, start, end, pool="others")
    add("award_ceremony", title="Guangzhou Award for Urban Innovation: award ceremony",
        abstract="The jury announces the five winners of the Guangzhou Award for Urban Innovation, chosen among "
                 "the finalists, and the city that won the public's online vote.",
        part="award", kind=SessionType.CEREMONY, visibility=Visibility.PUBLIC, start=start, end=end,
        room=plenary_hall, stream=main, speakers=_speaker_roles(SessionType.CEREMONY, people),
        themes=[], sdgs=[11, 17])

    start, end = _at(5, 16), _at(5, 17, 30)
    people = [picker.take(host_head, start, end)] + picker.pick(3, start, end, pool="heads")
    add("closing", title="Closing plenary and Guangzhou Declaration",
        abstract="The Congress adopts its declaration and hands over to the host of the next edition.",
        part="world-congress", kind=SessionType.PLENARY, visibility=Visibility.PUBLIC, start=start, end=end,
        room=plenary_hall, stream=main, speakers=_speaker_roles(SessionType.PLENARY, people, keynotes=1),
        themes=["resilience"], sdgs=[11, 17])
    return specials


def _generic_sessions(ctx, planner: _Planner, picker: _SpeakerPicker, parts, count: int) -> list[_Draft]:
    rng = ctx.rng
    members = ctx.data["members"]
    others = [o for o in ctx.data["organisations"] if o.kind != "member_government"]
    theme_slugs = list(names.THEME_TITLES)
    outcome_slugs = theme_slugs[:8]
    aspect_slugs = theme_slugs[8:]
    grid = [(day, h, m) for day in range(DAYS) for h, m in GRID]
    late = [(day, h, m) for day in range(DAYS) for h, m in ONLINE_ONLY]
    drafts: list[_Draft] = []
    for _n in range(count):
        kind = _weighted(rng, [(t, share) for t, share, _lo, _hi in GENERIC_TYPES])
        low, high = next((lo, hi) for t, _s, lo, hi in GENERIC_TYPES if t == kind)
        mode = SessionMode.HYBRID if kind == SessionType.PLENARY else _weighted(rng, MODES)
        # online-only sessions take the early and late slots first, leaving the streams of the day to hybrid ones
        slots = (rng.sample(late, len(late)) if mode == SessionMode.ONLINE else []) + rng.sample(grid, len(grid))
        placed = None
        for day, hour, minute in slots:
            start = _at(day, hour, minute)
            end = start + dt.timedelta(minutes=SLOT_MINUTES)
            rooms = planner.free_rooms(start, end) if mode != SessionMode.ONLINE else [None]
            streams = planner.free_streams(start, end) if mode != SessionMode.IN_PERSON else [None]
            if rooms and streams:
                if kind == SessionType.PLENARY:
                    rooms = sorted(rooms, key=lambda r: -(r.capacity or 0))[:1]
                placed = (start, end, rng.choice(rooms), rng.choice(streams))
                break
        if placed is None:
            raise RuntimeError("The demo programme does not fit in its rooms and streams.")
        start, end, room, stream = placed
        if room is not None:
            planner.book(("room", room.pk), start, end)
        if stream is not None:
            planner.book(("stream", stream.pk), start, end)

        theme = rng.choice(outcome_slugs)
        aspect = rng.choice(aspect_slugs) if rng.random() < 0.5 else None
        base = rng.choice(names.THEME_TITLES[theme])
        city_a, city_b = rng.sample(members, 2)
        partner = rng.choice(others)
        prefix = rng.choice(names.FORMAT_PREFIXES[kind])
        if kind == SessionType.FORUM:
            title = f"{base}: the experience of {city_a.city} and {city_b.city}"
        elif kind == SessionType.SIDE_EVENT:
            title = f"{prefix}: {base}, with {partner.name}"
        else:
            title = f"{prefix} — {base} ({city_a.city})"
        gmf = kind == SessionType.FORUM and start.date() == _at(2, 0).date() and rng.random() < 0.5
        part = parts["global-mayors-forum" if gmf else "side-events" if kind == SessionType.SIDE_EVENT
                     else "world-congress"]
        visibility = Visibility.PUBLIC
        if kind == SessionType.WORKSHOP and rng.random() < 0.25:
            visibility = Visibility.PARTICIPANTS
        elif kind == SessionType.SIDE_EVENT and rng.random() < 0.1:
            visibility = Visibility.MEMBERS
        if kind in (SessionType.PLENARY,) or gmf:
            languages = list(INTERPRETATION)
        elif kind == SessionType.WORKSHOP:
            languages = [_weighted(rng, (("en", 0.7), ("es", 0.1), ("fr", 0.1), ("zh", 0.1)))]
        else:
            languages = ["en"] + (["zh"] if rng.random() < 0.5 else []) + (
                [rng.choice(["fr", "es"])] if rng.random() < 0.2 else [])
        capacity = None
        if room is not None and kind in (SessionType.WORKSHOP, SessionType.SIDE_EVENT):
            capacity = min(room.capacity or 40, rng.choice((30, 40, 60, 80)))
        n_speakers = rng.randint(low, high)
        if gmf:
            people = picker.pick(n_speakers, start, end, pool="heads")
        else:
            people = picker.pick(n_speakers, start, end, pool="others")
            if kind in (SessionType.FORUM, SessionType.PLENARY) and rng.random() < 0.6:
                people += picker.pick(1, start, end, pool="heads")
        abstract = (f"{base}. {city_a.name} and {city_b.name} share what has worked and what has not, with "
                    f"{partner.name}. The session looks at {str(dict(_theme_labels())[theme]).lower()}"
                    + (f" and {str(dict(_theme_labels())[aspect]).lower()}" if aspect else "") + ".")
        themes = [theme] + ([aspect] if aspect else [])
        goals = list(SDGS_OF_THEME[theme])
        sdgs = sorted(set(rng.sample(goals, rng.randint(1, len(goals))) + ([17] if rng.random() < 0.15 else [])))
        drafts.append(_Draft(Session(
            edition=ctx.data["edition"], part=part, title=title[:250], abstract=abstract, type=kind, mode=mode,
            visibility=visibility, languages=languages, room=room, stream=stream, starts_at=start, ends_at=end,
            capacity=capacity,
        ), _speaker_roles(kind, people), themes, sdgs))
    return drafts


def _top_up(rng, picker: _SpeakerPicker, drafts: list[_Draft]) -> None:
    """Give everyone in the pool who has not spoken yet a place on a panel that has room for one more."""
    for pool in ("heads", "others"):
        for person in [p for p in picker.pools[pool] if p.pk not in picker.used]:
            for draft in rng.sample(drafts, len(drafts)):
                session = draft.session
                if len(draft.speakers) >= 6 or session.type not in (SessionType.FORUM, SessionType.SIDE_EVENT):
                    continue
                if picker.planner.free(("person", person.pk), session.starts_at, session.ends_at):
                    picker.take(person, session.starts_at, session.ends_at)
                    role = SpeakerRole.PANELIST if session.type == SessionType.FORUM else SpeakerRole.SPEAKER
                    draft.speakers.append((person, role))
                    break


def _theme_labels():
    from urbis.core.taxonomies import METROPOLITAN_ASPECTS, OUTCOME_AREAS

    return OUTCOME_AREAS + METROPOLITAN_ASPECTS


def _save(ctx, drafts: list[_Draft]) -> list[Session]:
    rank = {room.pk: room.position for room in ctx.data["rooms"]}
    drafts.sort(key=lambda d: (d.session.starts_at, rank.get(d.session.room_id, 999), d.session.stream_id or 0,
                               d.session.title))
    for draft, code in zip(drafts, _codes(ctx.rng, len(drafts)), strict=True):
        draft.session.code = code
    sessions = Session.objects.bulk_create([d.session for d in drafts])
    themes = {t.slug: t.pk for t in Theme.objects.all()}
    sdgs = set(SDG.objects.values_list("number", flat=True))
    ThemeLink, SdgLink = Session.themes.through, Session.sdgs.through
    ThemeLink.objects.bulk_create([ThemeLink(session_id=d.session.pk, theme_id=themes[slug])
                                   for d in drafts for slug in d.themes])
    SdgLink.objects.bulk_create([SdgLink(session_id=d.session.pk, sdg_id=n)
                                 for d in drafts for n in d.sdgs if n in sdgs])
    SessionSpeaker.objects.bulk_create([SessionSpeaker(session=d.session, person=person, role=role, position=i)
                                        for d in drafts for i, (person, role) in enumerate(d.speakers)])
    return sessions


def _second_version(ctx, planner: _Planner, sessions: list[Session], specials: dict[str, _Draft]) -> None:
    """Move three sessions to free slots and cancel two, through the editor's services."""
    rng, admin = ctx.rng, ctx.data.get("admin")
    special_pks = {d.session.pk for d in specials.values()}
    candidates = [s for s in sessions if s.pk not in special_pks and s.mode != SessionMode.ONLINE]
    chosen = rng.sample(candidates, 5)
    for session in chosen[:3]:
        for day, hour, minute in rng.sample([(d, h, m) for d in range(DAYS) for h, m in GRID], DAYS * len(GRID)):
            start = _at(day, hour, minute)
            end = start + dt.timedelta(minutes=SLOT_MINUTES)
            people = [link.person_id for link in session.speaker_links.all()]
            rooms = planner.free_rooms(start, end)
            streams = planner.free_streams(start, end) if session.stream_id else [None]
            if rooms and streams and all(planner.free(("person", pk), start, end) for pk in people):
                room, stream = rng.choice(rooms), rng.choice(streams)
                planner.book(("room", room.pk), start, end)
                if stream is not None:
                    planner.book(("stream", stream.pk), start, end)
                for pk in people:
                    planner.book(("person", pk), start, end)
                move_session(session=session, actor=admin, starts_at=start, ends_at=end, room=room, stream=stream)
                break
    for session in chosen[3:]:
        cancel_session(session=session, actor=admin)


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    edition = _edition(ctx)
    ctx.data["edition"] = edition
    parts, rooms, streams = _venues(ctx, edition)
    ctx.data.update(parts=parts, rooms=rooms, streams=streams)

    planner = _Planner(rng=rng, rooms=rooms, streams=streams)
    heads = list(ctx.data["heads"].values())
    demo_speaker = ctx.data["demo_people"].get("speaker@urbis.example")
    head_pks = {p.pk for p in heads}
    non_speakers = set(ctx.data["demo_people"].values())
    others = [p for p in ctx.data["people"] if p.pk not in head_pks and p not in non_speakers]
    pool_size = SPEAKERS * ctx.scale - len(heads) - (1 if demo_speaker else 0)
    others = rng.sample(others, pool_size)
    picker = _SpeakerPicker(rng, planner, heads, others)

    specials = _special_sessions(ctx, planner, picker, parts, rooms, streams)
    generic = _generic_sessions(ctx, planner, picker, parts, SESSIONS * ctx.scale - len(specials))
    _top_up(rng, picker, generic)
    sessions = _save(ctx, list(specials.values()) + generic)
    speakers = [p for p in heads + others + ([demo_speaker] if demo_speaker else []) if p.pk in picker.used]
    if len(speakers) != SPEAKERS * ctx.scale:
        raise RuntimeError(f"The demo programme used {len(speakers)} speakers, not {SPEAKERS * ctx.scale}.")
    ctx.data.update(sessions=sessions, speakers=speakers,
                    special_sessions={key: d.session for key, d in specials.items()})

    admin = ctx.data.get("admin")
    first = publish_programme(edition=edition, actor=admin, note="First programme")
    sessions_with_links = list(Session.objects.filter(pk__in=[s.pk for s in sessions])
                               .prefetch_related("speaker_links").order_by("starts_at", "code"))
    _second_version(ctx, planner, sessions_with_links, specials)
    second = publish_programme(edition=edition, actor=admin, note="Three sessions moved, two cancelled")
    # Fixed publication dates, so that two builds are identical and the dates read plausibly.
    ProgrammeVersion.objects.filter(pk=first.pk).update(published_at=dt.datetime(2021, 10, 18, 10, tzinfo=ZONE))
    ProgrammeVersion.objects.filter(pk=second.pk).update(published_at=dt.datetime(2021, 11, 5, 17, tzinfo=ZONE))
    ctx.data["versions"] = [first, second]
    modes = defaultdict(int)
    for s in sessions:
        modes[s.mode] += 1
    ctx.say(f"Programme: “{edition.name}”, {len(sessions)} sessions over {DAYS} days "
            f"({', '.join(f'{n} {m}' for m, n in sorted(modes.items()))}), {len(rooms)} rooms, {len(streams)} "
            f"streams, {len(speakers)} speakers; published as version {second.number}.")
