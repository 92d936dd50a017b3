"""Machine-readable exports of the programme: iCalendar (RFC 5545) and the conference schedule
exchange format ("frab" schedule.xml and schedule.json "schedule2").

The builders are pure functions of an edition and its sessions; the export views cache their output
under a key that includes the latest programme version, so a publication never serves a stale file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from xml.etree import ElementTree as ET  # noqa: S405 - we only build XML, never parse it

import icalendar
from django.conf import settings
from django.db.models import Min
from django.urls import NoReverseMatch, reverse
from django.utils.text import slugify

from .enums import SessionMode, SessionStatus, SessionType, SpeakerRole
from .models import Edition, ProgrammeVersion, Session

PRODID = "-//Urbis//Congress programme//EN"
GENERATOR = "Urbis"
# The schedule day changes at 04:00 local time, so a late reception still belongs to its day.
DAY_CHANGE = dt.time(4, 0)
# A fixed namespace for the stable UUIDs of the schedule exchange format.
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://urbis.example.org/schedule")


# ---------------------------------------------------------------------------------------- helpers

def session_path(session: Session, edition: Edition | None = None) -> str:
    """The permanent path of the session's public page, under its edition's slug: it stays valid when
    another edition becomes current (while the edition is current it redirects to /sessions/<code>/)."""
    slug = (edition or session.edition).slug
    try:
        return reverse("program:archive_session", kwargs={"edition": slug, "code": session.code})
    except NoReverseMatch:  # the public pages are not mounted (e.g. an API-only deployment)
        return f"/{slug}/sessions/{session.code}/"


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path if base_url else ""


def _default_base_url() -> str:
    return getattr(settings, "URBIS_SITE_URL", "") or ""


def _location(session: Session) -> str:
    parts = []
    if session.room_id:
        parts.append(session.room.name)
    if session.stream_id and session.mode in (SessionMode.ONLINE, SessionMode.HYBRID):
        parts.append(f"{session.stream.name} (online)")
    elif session.mode == SessionMode.ONLINE:
        parts.append("Online")
    return " / ".join(parts)


def _speaker_names(session: Session) -> list[str]:
    return [link.person.full_name for link in session.speaker_links.all()]


def session_uid(edition: Edition, session: Session) -> str:
    """The iCalendar UID: stable across programme versions (edition slug + session code)."""
    return f"{edition.slug}-{session.code}@urbis"


def session_guid(edition: Edition, session: Session) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{edition.slug}/{session.code}"))


# -------------------------------------------------------------------------------------- iCalendar

def calendar_for_sessions(*, edition: Edition, sessions: Iterable[Session], title: str,
                          base_url: str | None = None) -> bytes:
    """An iCalendar document with one VEVENT per session, times in the edition's zone (with VTIMEZONE).

    ``base_url`` (e.g. ``request.build_absolute_uri("/")``) makes the URL property absolute; without it
    the ``URBIS_SITE_URL`` setting is used, and without that the URL property is left out.
    """
    base_url = _default_base_url() if base_url is None else base_url
    zone = edition.zone
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", title)
    calendar.add("x-wr-timezone", edition.time_zone)
    first, last = None, None
    for session in sessions:
        event = icalendar.Event()
        event.add("uid", session_uid(edition, session))
        event.add("dtstamp", session.updated_at)
        event.add("last-modified", session.updated_at)
        event.add("dtstart", session.starts_at.astimezone(zone))
        event.add("dtend", session.ends_at.astimezone(zone))
        event.add("summary", session.title)
        description = session.abstract
        names = _speaker_names(session)
        if names:
            description = (description + "\n\n" if description else "") + ", ".join(names)
        if description:
            event.add("description", description)
        location = _location(session)
        if location:
            event.add("location", location)
        url = _absolute(base_url, session_path(session, edition))
        if url:
            event.add("url", url)
        event.add("status", "CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED")
        categories = [session.part.name] if session.part_id else []
        categories += [theme.name for theme in session.themes.all()]
        if categories:
            event.add("categories", categories)
        calendar.add_component(event)
        first = min(first, session.starts_at) if first else session.starts_at
        last = max(last, session.ends_at) if last else session.ends_at
    if first is not None:
        # A VTIMEZONE covering the programme's span (plus a margin), generated from the IANA database.
        calendar.add_missing_timezones(first_date=(first - dt.timedelta(days=366)).date(),
                                       last_date=(last + dt.timedelta(days=366)).date())
    return calendar.to_ical()


# ------------------------------------------------------------------------ schedule exchange format

_XML_TYPES = {
    SessionType.PLENARY: "Plenary",
    SessionType.FORUM: "Forum",
    SessionType.WORKSHOP: "Workshop",
    SessionType.STATUTORY: "Meeting",
    SessionType.CEREMONY: "Ceremony",
    SessionType.SIDE_EVENT: "Side event",
}
_JSON_TYPES = {
    SessionType.PLENARY: "TALK",
    SessionType.FORUM: "DISCUSSION",
    SessionType.WORKSHOP: "WORKSHOP",
    SessionType.STATUTORY: "MEETING",
    SessionType.CEREMONY: "OTHER",
    SessionType.SIDE_EVENT: "OTHER",
}
_JSON_ROLES = {
    SpeakerRole.KEYNOTE: "SPEAKER",
    SpeakerRole.SPEAKER: "SPEAKER",
    SpeakerRole.PANELIST: "SPEAKER",
    SpeakerRole.MODERATOR: "MODERATOR",
}
ONLINE_ROOM = "Online"


def acronym(edition: Edition) -> str:
    """The edition's acronym in the exchange format: lower-case letters, digits and underscores, 4+ chars."""
    value = re.sub(r"[^a-z0-9_]", "_", edition.slug.lower())
    return value.ljust(4, "_")


def _slug_part(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "", slugify(text).lower())


def event_slug(edition: Edition, session: Session) -> str:
    """``<acronym>-<code>-<title>``: unique per edition (codes are), matching both schemas."""
    code = re.sub(r"[^a-z0-9]", "", session.code.lower()) or "x"
    title = _slug_part(session.title)[:50].strip("-_")
    slug = f"{acronym(edition)}-{code}" + (f"-{title}" if title else "")
    tail = slug.split("-", 1)[1]
    if len(tail) < 4:
        slug = slug + "-" + "session"
    return slug


def _isotime(moment: dt.datetime, zone) -> str:
    return moment.astimezone(zone).isoformat(timespec="seconds")


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _iso_duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{mins}M" if mins or not hours else "")


def _room_name(session: Session) -> str:
    if session.room_id:
        return session.room.name
    if session.stream_id:
        return session.stream.name
    return ONLINE_ROOM


def _room_guid(edition: Edition, name: str) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"{edition.slug}/room/{name}"))


def _person_guid(link) -> str:
    return str(uuid.uuid5(GUID_NAMESPACE, f"person/{link.person.slug}"))


def _track(session: Session) -> tuple[str, str, str] | None:
    """(name, slug, colour) of the session's track: its part, or else its first theme."""
    if session.part_id:
        return session.part.name, _slug_part(session.part.slug) or "part", session.part.colour
    themes = list(session.themes.all())
    if themes:
        theme = themes[0]
        return theme.name, _slug_part(theme.slug) or "theme", ""
    return None


def _language(session: Session) -> str:
    languages = [code for code in session.languages if re.fullmatch(r"[a-z]{2}", str(code))]
    return languages[0] if languages else "en"


def schedule_days(edition: Edition, sessions: list[Session]) -> list[dict]:
    """The conference days (day start at 04:00 local, end just before the next day's start)."""
    zone = edition.zone
    first_day = edition.starts_on
    last_day = edition.ends_on
    for session in sessions:
        first_day = min(first_day, _schedule_date(session.starts_at, zone))
        last_day = max(last_day, _schedule_date(session.starts_at, zone))
    days = []
    for index in range((last_day - first_day).days + 1):
        date = first_day + dt.timedelta(days=index)
        start = dt.datetime.combine(date, DAY_CHANGE, tzinfo=zone)
        end = dt.datetime.combine(date + dt.timedelta(days=1), DAY_CHANGE, tzinfo=zone) - dt.timedelta(minutes=1)
        days.append({"index": index + 1, "date": date, "start": start, "end": end})
    return days


def _schedule_date(moment: dt.datetime, zone) -> dt.date:
    local = moment.astimezone(zone)
    return (local - dt.timedelta(hours=DAY_CHANGE.hour, minutes=DAY_CHANGE.minute)).date()


def event_ids(edition: Edition) -> dict[str, int]:
    """A positive integer id per session code, stable across versions: its first published row's id."""
    rows = (Session.objects.filter(edition=edition, version__isnull=False)
            .values("code").annotate(first=Min("id")).values_list("code", "first"))
    return dict(rows)


def _event_common(edition: Edition, session: Session, base_url: str) -> dict:
    zone = edition.zone
    track = _track(session)
    return {
        "guid": session_guid(edition, session),
        "code": session.code,
        "title": session.title,
        "slug": event_slug(edition, session),
        "url": _absolute(base_url, session_path(session, edition)) or session_path(session, edition),
        "start": session.starts_at.astimezone(zone),
        "end": session.ends_at.astimezone(zone),
        "minutes": session.duration_minutes,
        "room": _room_name(session),
        "track": track,
        "language": _language(session),
        "abstract": session.abstract,
        "persons": [link for link in session.speaker_links.all()],
        "cancelled": session.status == SessionStatus.CANCELLED,
    }


def schedule_xml(*, edition: Edition, version: ProgrammeVersion | None, sessions: list[Session],
                 base_url: str) -> bytes:
    """schedule.xml (frab format), valid against the voc schedule.xml.xsd."""
    zone = edition.zone
    ids = event_ids(edition)
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, version="1")
    if base_url.startswith(("http://", "https://")):
        ET.SubElement(root, "url").text = _absolute(base_url, reverse("program:export_schedule_xml_edition",
                                                                      kwargs={"slug": edition.slug}))
    ET.SubElement(root, "version").text = _version_label(version)
    conference = ET.SubElement(root, "conference")
    days = schedule_days(edition, sessions)
    ET.SubElement(conference, "title").text = edition.name
    ET.SubElement(conference, "acronym").text = acronym(edition)
    ET.SubElement(conference, "start").text = days[0]["start"].isoformat(timespec="seconds")
    ET.SubElement(conference, "end").text = days[-1]["end"].isoformat(timespec="seconds")
    ET.SubElement(conference, "days").text = str(len(days))
    ET.SubElement(conference, "timeslot_duration").text = "00:15"
    if base_url.startswith(("http://", "https://")):
        ET.SubElement(conference, "base_url").text = base_url.rstrip("/") + "/"
    ET.SubElement(conference, "time_zone_name").text = edition.time_zone
    tracks: dict[str, tuple[str, str, str]] = {}
    for session in sessions:
        track = _track(session)
        if track:
            tracks.setdefault(track[1], track)
    for name, slug, colour in tracks.values():
        attrs = {"name": name, "slug": slug} if re.fullmatch(r"[a-z][a-z0-9-]+", slug) else {"name": name}
        if re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
            attrs["color"] = colour
        ET.SubElement(conference, "track", attrs).text = name

    by_day: dict[dt.date, dict[str, list[Session]]] = {day["date"]: {} for day in days}
    for session in sessions:
        by_day[_schedule_date(session.starts_at, zone)].setdefault(_room_name(session), []).append(session)
    for day in days:
        day_el = ET.SubElement(root, "day", date=day["date"].isoformat(), index=str(day["index"]),
                               start=day["start"].isoformat(timespec="seconds"),
                               end=day["end"].isoformat(timespec="seconds"))
        for room_name, room_sessions in by_day[day["date"]].items():
            room_el = ET.SubElement(day_el, "room", name=room_name, guid=_room_guid(edition, room_name))
            for session in room_sessions:
                data = _event_common(edition, session, base_url)
                attrs = {"guid": data["guid"], "id": str(ids.get(session.code, session.pk))}
                if re.fullmatch(r"[0-9A-Z]{6}", session.code):
                    attrs["code"] = session.code
                event = ET.SubElement(room_el, "event", attrs)
                title = data["title"] + (" (cancelled)" if data["cancelled"] else "")
                for tag, text in (
                    ("date", data["start"].isoformat(timespec="seconds")),
                    ("start", data["start"].strftime("%H:%M")),
                    ("duration", _hhmm(min(data["minutes"], 99 * 60 + 59))),
                    ("room", room_name),
                    ("slug", data["slug"]),
                    ("title", title),
                    ("subtitle", ""),
                    ("track", data["track"][0] if data["track"] else ""),
                    ("type", _XML_TYPES.get(session.type, "Other")),
                    ("language", data["language"]),
                    ("abstract", data["abstract"]),
                    ("description", ""),
                ):
                    ET.SubElement(event, tag).text = text
                if data["url"].startswith(("http://", "https://")):
                    ET.SubElement(event, "url").text = data["url"]
                persons = ET.SubElement(event, "persons")
                for link in data["persons"]:
                    ET.SubElement(persons, "person", id=str(link.person_id), guid=_person_guid(link)).text = (
                        link.person.full_name)
                ET.SubElement(event, "links")
                ET.SubElement(event, "attachments")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def schedule_json(*, edition: Edition, version: ProgrammeVersion | None, sessions: list[Session],
                  base_url: str) -> bytes:
    """schedule.json ("schedule2"), valid against the voc schedule.schema.json."""
    days = schedule_days(edition, sessions)
    rooms: dict[str, dict] = {}
    tracks: dict[str, dict] = {}
    events = []
    for session in sessions:
        data = _event_common(edition, session, base_url)
        room_name = data["room"]
        room_slug = _room_slug(room_name)
        if room_name not in rooms:
            room = {"name": room_name, "slug": room_slug, "guid": _room_guid(edition, room_name),
                    "type": "VIRTUAL" if not session.room_id else "LECTURE_HALL"}
            if session.room_id:
                room["capacity"] = session.room.capacity
            rooms[room_name] = room
        track_ref = {"slug": "general"}
        if data["track"]:
            name, slug, colour = data["track"]
            slug = _json_slug(slug)
            track_ref = {"slug": slug}
            entry = {"name": name, "slug": slug}
            if colour:
                entry["color"] = colour
            tracks.setdefault(slug, entry)
        else:
            tracks.setdefault("general", {"name": "General", "slug": "general"})
        event = {
            "guid": data["guid"],
            "start": _isotime(data["start"], edition.zone),
            "end": _isotime(data["end"], edition.zone),
            "duration": _iso_duration(data["minutes"]),
            "room": {"name": room_name, "slug": room_slug, "guid": _room_guid(edition, room_name)},
            "slug": _json_slug(data["slug"]),
            "url": data["url"],
            "title": data["title"],
            "subtitle": None,
            "track": track_ref,
            "type": _JSON_TYPES.get(session.type, "OTHER"),
            "language": data["language"],
            "abstract": data["abstract"] or None,
            "participants": [
                {"name": link.person.full_name, "guid": _person_guid(link),
                 "role": _JSON_ROLES.get(link.role, "SPEAKER")}
                for link in data["persons"]
            ],
            "links": [],
            "attachments": [],
            "state": "CANCELED" if data["cancelled"] else "CONFIRMED",
        }
        if re.fullmatch(r"[A-Z0-9]+", session.code):
            event["code"] = session.code
        events.append(event)
    conference = {
        "acronym": acronym(edition),
        "title": edition.name,
        "start": days[0]["start"].isoformat(timespec="seconds"),
        "end": days[-1]["end"].isoformat(timespec="seconds"),
        "time_zone_name": edition.time_zone,
        "languages": sorted({event["language"] for event in events}) or ["en"],
        "tracks": list(tracks.values()),
        "rooms": list(rooms.values()),
        "days": [{"index": day["index"], "date": day["date"].isoformat(),
                  "start": day["start"].isoformat(timespec="seconds"),
                  "end": day["end"].isoformat(timespec="seconds")} for day in days],
    }
    if base_url.startswith(("http://", "https://")):
        conference["url"] = base_url.rstrip("/") + "/"
    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": "1"},
        "schedule": {"version": _version_label(version), "conference": conference, "events": events},
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _version_label(version: ProgrammeVersion | None) -> str:
    return f"v{version.number}" if version else "v0"


def _room_slug(name: str) -> str:
    return _json_slug(_slug_part(name) or "room")


def _json_slug(value: str) -> str:
    """Fit a slug to the schedule2 pattern ``^[a-z0-9_-]+[a-z0-9]$``."""
    value = re.sub(r"[^a-z0-9_-]", "", value.lower()).rstrip("-_")
    return value if len(value) >= 2 else (value + "00")[:2] if value else "x0"
