"""Every write to the programme. Views and the API call these; each is atomic and audited.

Organisers only ever edit the draft rows (``version`` is null); publishing copies them into a new
numbered version. A rule broken by a request raises a ``DomainError`` with a stable code and changes
nothing.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from urbis.core.audit import log_action
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import SDG, Theme
from urbis.core.timezones import get_zone
from urbis.members.models import Person

from .enums import (
    LANGUAGE_CODES,
    EditionFormat,
    SessionMode,
    SessionStatus,
    SessionType,
    SpeakerRole,
    Visibility,
)
from .models import (
    RESERVED_EDITION_SLUGS,
    Edition,
    Part,
    ProgrammeVersion,
    Room,
    Session,
    SessionSpeaker,
    Stream,
)


class _Keep:
    """Marker for "leave this field as it is" in update services."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no I, O, 0, 1: codes are read aloud and typed
CODE_LENGTH = 6


# ---------------------------------------------------------------- change lists and publication


def _placement(session: Session) -> dict:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room.name if session.room_id else None,
        "stream": session.stream.name if session.stream_id else None,
    }


def _details(session: Session) -> tuple:
    return (session.title, session.abstract, session.status, session.part_id, session.type, session.mode,
            session.visibility, list(session.languages or []), session.capacity)


def _relations(session: Session) -> dict:
    """Speakers, themes and SDGs, for those the caller prefetched (never a query per session)."""
    cache = getattr(session, "_prefetched_objects_cache", {})
    out = {}
    if "speaker_links" in cache:
        out["speakers"] = [(link.person_id, link.role) for link in session.speaker_links.all()]
    if "themes" in cache:
        out["themes"] = sorted(t.pk for t in session.themes.all())
    if "sdgs" in cache:
        out["sdgs"] = sorted(g.pk for g in session.sdgs.all())
    return out


def _relations_differ(before: Session, after: Session) -> bool:
    old, new = _relations(before), _relations(after)
    return any(old[key] != new[key] for key in old.keys() & new.keys())


def compute_changes(*, previous: dict[str, Session], current: dict[str, Session]) -> dict:
    """The change list between two states of a programme, keyed by session code."""
    added, moved, cancelled, removed, changed = [], [], [], [], []
    for code, session in current.items():
        before = previous.get(code)
        if before is None:
            added.append({"code": code, "title": session.title})
            continue
        if session.is_cancelled and not before.is_cancelled:
            cancelled.append({"code": code, "title": session.title})
            continue
        if _placement(before) != _placement(session):
            moved.append({"code": code, "title": session.title, "from": _placement(before), "to": _placement(session)})
        elif _details(before) != _details(session) or _relations_differ(before, session):
            changed.append({"code": code, "title": session.title})
    for code, before in previous.items():
        if code not in current:
            removed.append({"code": code, "title": before.title})
    return {"added": added, "moved": moved, "cancelled": cancelled, "removed": removed, "changed": changed}


def _published_for_diff(version: ProgrammeVersion, edition: Edition) -> dict[str, Session]:
    from .conflicts import attach_places

    sessions = list(version.sessions.prefetch_related("speaker_links", "themes", "sdgs"))
    return {s.code: s for s in attach_places(sessions, edition=edition)}


def pending_changes(*, edition: Edition, drafts: Iterable[Session] | None = None) -> dict:
    """The change list from the latest published version to the drafts (what publishing would record)."""
    from .conflicts import load_draft_sessions

    latest = edition.versions.order_by("-number").first()
    previous = _published_for_diff(latest, edition) if latest else {}
    current = {s.code: s for s in (drafts if drafts is not None else load_draft_sessions(edition, with_topics=True))}
    return compute_changes(previous=previous, current=current)


@transaction.atomic
def publish_programme(*, edition: Edition, actor, note: str = "", allow_conflicts: bool = True) -> ProgrammeVersion:
    """Copy the draft programme into a new numbered public version; audited (with the number of
    outstanding conflicts); locks the edition row. With ``allow_conflicts=False`` a programme that
    still has conflicts is refused (``unresolved_conflicts``)."""
    from .conflicts import find_conflicts, load_draft_sessions

    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    drafts = load_draft_sessions(edition, with_topics=True)
    if not drafts:
        raise Conflict(_("There is nothing to publish: the programme has no sessions."), code="empty_programme")
    conflict_count = len(find_conflicts(drafts, edition=edition))
    if conflict_count and not allow_conflicts:
        raise Conflict(ngettext("The programme still has %(n)d conflict; tick “publish anyway” to publish it as it is.",
                                "The programme still has %(n)d conflicts; tick “publish anyway” to publish it as it is.",
                                conflict_count) % {"n": conflict_count}, code="unresolved_conflicts")
    latest = edition.versions.order_by("-number").first()
    previous = _published_for_diff(latest, edition) if latest else {}
    current = {s.code: s for s in drafts}
    number = (edition.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProgrammeVersion.objects.create(
        edition=edition, number=number, published_at=timezone.now(), published_by=actor, note=note,
        changes=compute_changes(previous=previous, current=current),
    )
    _copy_drafts_into(version=version, drafts=drafts)
    log_action(version, "program.programme.published", actor=actor,
               data={"version": number, "conflicts": conflict_count,
                     **{k: len(v) for k, v in version.changes.items()}})
    return version


def _copy_drafts_into(*, version: ProgrammeVersion, drafts: list[Session]) -> None:
    copies = []
    for draft in drafts:
        copy = Session(**{f.attname: getattr(draft, f.attname) for f in Session._meta.concrete_fields
                          if f.attname not in ("id", "version_id", "created_at", "updated_at")})
        copy.version = version
        copies.append(copy)
    Session.objects.bulk_create(copies)
    by_code = {c.code: c for c in copies}
    theme_links, sdg_links, speaker_links = [], [], []
    ThemeLink, SdgLink = Session.themes.through, Session.sdgs.through
    for draft in drafts:
        copy = by_code[draft.code]
        theme_links += [ThemeLink(session_id=copy.pk, theme_id=t.pk) for t in draft.themes.all()]
        sdg_links += [SdgLink(session_id=copy.pk, sdg_id=g.pk) for g in draft.sdgs.all()]
        speaker_links += [SessionSpeaker(session_id=copy.pk, person_id=link.person_id, role=link.role,
                                         position=link.position) for link in draft.speaker_links.all()]
    ThemeLink.objects.bulk_create(theme_links)
    SdgLink.objects.bulk_create(sdg_links)
    SessionSpeaker.objects.bulk_create(speaker_links)


def edition_days(edition: Edition) -> list[dt.date]:
    return [edition.starts_on + dt.timedelta(days=i) for i in range((edition.ends_on - edition.starts_on).days + 1)]


def edition_window(edition: Edition) -> tuple[dt.datetime, dt.datetime]:
    """From midnight of the first day to midnight after the last day, in the edition's zone (as aware datetimes)."""
    zone = edition.zone
    start = timezone.make_aware(dt.datetime.combine(edition.starts_on, dt.time(0, 0)), zone)
    end = timezone.make_aware(dt.datetime.combine(edition.ends_on + dt.timedelta(days=1), dt.time(0, 0)), zone)
    return start, end


# ---------------------------------------------------------------- editions

EDITION_FIELDS = ("slug", "name", "number", "starts_on", "ends_on", "time_zone", "venue_city", "venue_country",
                  "venue", "format", "join_opens_minutes", "is_current", "description")


def validate_edition(*, slug: str, name: str, starts_on: dt.date, ends_on: dt.date, time_zone: str,
                     format: str, exclude_pk: int | None = None) -> None:
    """Raise the first broken rule of an edition's fields (used by the services and the admin form)."""
    if not (name or "").strip():
        raise ValidationFailed(_("An edition needs a name."), code="name_required", field="name")
    get_zone(time_zone)
    if ends_on < starts_on:
        raise ValidationFailed(_("The last day cannot be before the first day."), code="end_before_start",
                               field="ends_on")
    if format not in EditionFormat.values:
        raise ValidationFailed(_("Unknown format: %(value)s.") % {"value": format}, code="invalid_choice",
                               field="format")
    if (slug or "").lower() in RESERVED_EDITION_SLUGS:
        raise ValidationFailed(_("“%(value)s” is a reserved address on this site; choose another slug.")
                               % {"value": slug}, code="slug_reserved", field="slug")
    if Edition.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        raise Conflict(_("Another edition already uses the short name “%(slug)s”.") % {"slug": slug},
                       code="slug_taken", field="slug")


def _make_current(edition: Edition) -> None:
    Edition.objects.filter(is_current=True).exclude(pk=edition.pk).update(is_current=False)


@transaction.atomic
def create_edition(*, slug: str, name: str, starts_on: dt.date, ends_on: dt.date, time_zone: str,
                   venue_city: str, actor, number: int | None = None, venue_country: str = "", venue: str = "",
                   format: str = EditionFormat.HYBRID, join_opens_minutes: int = 15, is_current: bool = False,
                   description: str = "") -> Edition:
    """Create an edition (making it the current one unsets the previous current one); audited."""
    validate_edition(slug=slug, name=name, starts_on=starts_on, ends_on=ends_on, time_zone=time_zone,
                     format=format)
    edition = Edition(slug=slug, name=name, number=number, starts_on=starts_on, ends_on=ends_on,
                      time_zone=time_zone, venue_city=venue_city, venue_country=venue_country, venue=venue,
                      format=format, join_opens_minutes=join_opens_minutes, is_current=False,
                      description=description)
    edition.save()
    if is_current:
        _make_current(edition)
        edition.is_current = True
        edition.save(update_fields=["is_current", "updated_at"])
    log_action(edition, "program.edition.created", actor=actor,
               data={"slug": slug, "starts_on": starts_on, "ends_on": ends_on, "time_zone": time_zone})
    return edition


@transaction.atomic
def update_edition(*, edition: Edition, actor, slug: str = KEEP, name: str = KEEP, number: int | None = KEEP,
                   starts_on: dt.date = KEEP, ends_on: dt.date = KEEP, time_zone: str = KEEP,
                   venue_city: str = KEEP, venue_country: str = KEEP, venue: str = KEEP, format: str = KEEP,
                   join_opens_minutes: int = KEEP, is_current: bool = KEEP, description: str = KEEP) -> Edition:
    """Change an edition's fields (only those given); audited with the fields that changed."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    offered = {"slug": slug, "name": name, "number": number, "starts_on": starts_on, "ends_on": ends_on,
               "time_zone": time_zone, "venue_city": venue_city, "venue_country": venue_country, "venue": venue,
               "format": format, "join_opens_minutes": join_opens_minutes, "is_current": is_current,
               "description": description}
    given = {k: v for k, v in offered.items() if v is not KEEP}
    values = {f: given.get(f, getattr(edition, f)) for f in EDITION_FIELDS}
    validate_edition(slug=values["slug"], name=values["name"], starts_on=values["starts_on"],
                     ends_on=values["ends_on"], time_zone=values["time_zone"], format=values["format"],
                     exclude_pk=edition.pk)
    changed = {f: v for f, v in given.items() if getattr(edition, f) != v}
    if not changed:
        return edition
    if changed.get("is_current"):
        _make_current(edition)
    for field, value in changed.items():
        setattr(edition, field, value)
    edition.save(update_fields=[*changed, "updated_at"])
    log_action(edition, "program.edition.updated", actor=actor, data={"changed": sorted(changed)})
    return edition


# ---------------------------------------------------------------- sessions

SESSION_FIELDS = ("title", "abstract", "part", "type", "mode", "visibility", "languages", "room", "stream",
                  "starts_at", "ends_at", "capacity")


def _require_draft(session: Session) -> Session:
    """The session's draft row, locked; a published copy is refused."""
    if session.version_id is not None:
        raise Conflict(_("Published versions are never edited; edit the draft programme instead."),
                       code="not_a_draft")
    # order_by(): the default ordering joins rooms, and FOR UPDATE refuses an outer join.
    locked = Session.objects.select_for_update().filter(pk=session.pk, version__isnull=True).order_by("pk").first()
    if locked is None:
        raise Conflict(_("This session is not in the draft programme any more."), code="not_a_draft")
    return locked


def _lock_edition(edition_id: int) -> Edition:
    # Every check-then-write on bookings of one edition runs behind this row lock, so two organisers
    # cannot each see a free room and both book it.
    return Edition.objects.select_for_update().get(pk=edition_id)


def _check_same_edition(edition: Edition, obj, field: str) -> None:
    if obj is not None and obj.edition_id != edition.pk:
        raise ValidationFailed(_("%(name)s belongs to another edition.") % {"name": obj}, code="wrong_edition",
                               field=field)


def _validate_session(*, edition: Edition, values: dict) -> None:
    """Raise the first broken rule in a session's values (booking clashes are checked separately)."""
    if not str(values["title"] or "").strip():
        raise ValidationFailed(_("A session needs a title."), code="title_required", field="title")
    for field, choices in (("type", SessionType), ("mode", SessionMode), ("visibility", Visibility)):
        if values[field] not in choices.values:
            raise ValidationFailed(_("Unknown value: %(value)s.") % {"value": values[field]}, code="invalid_choice",
                                   field=field)
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValidationFailed(_("Times must carry a time zone."), code="naive_datetime", field="starts_at")
    # In UTC from here on: aware datetimes sharing one ZoneInfo compare by wall clock, ignoring DST folds.
    starts_at = values["starts_at"] = starts_at.astimezone(dt.UTC)
    ends_at = values["ends_at"] = ends_at.astimezone(dt.UTC)
    if ends_at <= starts_at:
        raise ValidationFailed(_("The end must be after the start."), code="end_before_start", field="ends_at")
    window_start, window_end = edition_window(edition)
    if starts_at < window_start or ends_at > window_end:
        raise ValidationFailed(
            _("The session must take place between %(first)s and %(last)s (%(zone)s).")
            % {"first": edition.starts_on.isoformat(), "last": edition.ends_on.isoformat(),
               "zone": edition.time_zone},
            code="outside_edition", field="starts_at")
    _check_same_edition(edition, values["part"], "part")
    _check_same_edition(edition, values["room"], "room")
    _check_same_edition(edition, values["stream"], "stream")
    unknown = sorted(set(values["languages"]) - LANGUAGE_CODES)
    if unknown:
        raise ValidationFailed(_("Unknown language code(s): %(codes)s.") % {"codes": ", ".join(unknown)},
                               code="unknown_language", field="languages")
    mode = values["mode"]
    if mode in (SessionMode.IN_PERSON, SessionMode.HYBRID) and values["room"] is None:
        raise ValidationFailed(_("An in-person or hybrid session needs a room."), code="room_required",
                               field="room")
    if mode in (SessionMode.ONLINE, SessionMode.HYBRID) and values["stream"] is None:
        raise ValidationFailed(_("An online or hybrid session needs a stream (for its join link)."),
                               code="stream_required", field="stream")
    capacity = values["capacity"]
    if capacity is not None and capacity < 1:
        raise ValidationFailed(_("The capacity must be a positive number, or left empty."), code="invalid_capacity",
                               field="capacity")


def _check_bookings(*, edition: Edition, values: dict, exclude_pk: int | None) -> None:
    """Refuse a room or a stream already taken by another (not cancelled) draft session at an overlapping time."""
    if values.get("status", SessionStatus.CONFIRMED) == SessionStatus.CANCELLED:
        return
    overlapping = (Session.objects.filter(edition=edition, version__isnull=True, starts_at__lt=values["ends_at"],
                                          ends_at__gt=values["starts_at"])
                   .exclude(status=SessionStatus.CANCELLED).exclude(pk=exclude_pk))
    for field, code, message in (
        ("room", "room_double_booked", _("%(name)s is already booked at that time by “%(other)s” (%(code)s).")),
        ("stream", "stream_double_booked", _("%(name)s is already in use at that time by “%(other)s” (%(code)s).")),
    ):
        resource = values[field]
        if resource is None:
            continue
        clash = overlapping.filter(**{field: resource}).order_by("starts_at").first()
        if clash is not None:
            raise Conflict(message % {"name": resource, "other": clash.title, "code": clash.code}, code=code,
                           field=field)


def _new_code(edition: Edition) -> str:
    for _attempt in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
        if not Session.objects.filter(edition=edition, code=code).exists():
            return code
    raise Conflict(_("Could not find a free session code; try again."), code="code_exhausted")  # pragma: no cover


def _session_values(session: Session) -> dict:
    return {"title": session.title, "abstract": session.abstract, "part": session.part, "type": session.type,
            "mode": session.mode, "visibility": session.visibility, "languages": list(session.languages or []),
            "room": session.room, "stream": session.stream, "starts_at": session.starts_at,
            "ends_at": session.ends_at, "capacity": session.capacity, "status": session.status}


def _audit_values(values: dict) -> dict:
    out = {}
    for key, value in values.items():
        if key in ("part", "room", "stream"):
            out[key] = value.pk if value is not None else None
        elif key == "abstract":
            continue
        else:
            out[key] = value
    return out


@transaction.atomic
def create_session(*, edition: Edition, actor, title: str, starts_at: dt.datetime, ends_at: dt.datetime,
                   abstract: str = "", part: Part | None = None, type: str = SessionType.FORUM,
                   mode: str = SessionMode.HYBRID, visibility: str = Visibility.PUBLIC,
                   languages: Sequence[str] = ("en",), themes: Iterable[Theme] = (), sdgs: Iterable[SDG] = (),
                   room: Room | None = None, stream: Stream | None = None, capacity: int | None = None,
                   speakers: Sequence[tuple[Person, str]] | None = None) -> Session:
    """Add a draft session with a new random code; locks the edition row while checking bookings; audited."""
    edition = _lock_edition(edition.pk)
    values = {"title": title, "abstract": abstract, "part": part, "type": type, "mode": mode,
              "visibility": visibility, "languages": list(languages), "room": room, "stream": stream,
              "starts_at": starts_at, "ends_at": ends_at, "capacity": capacity}
    _validate_session(edition=edition, values=values)
    _check_bookings(edition=edition, values=values, exclude_pk=None)
    if speakers:
        _validate_speakers(speakers)
    session = Session.objects.create(edition=edition, code=_new_code(edition), **values)
    session.themes.set(list(themes))
    session.sdgs.set(list(sdgs))
    if speakers:
        _write_speakers(session, speakers)
    log_action(session, "program.session.created", actor=actor,
               data={"code": session.code, **_audit_values(values), "speakers": len(speakers or [])})
    return session


@transaction.atomic
def update_session(*, session: Session, actor, title: str = KEEP, abstract: str = KEEP, part: Part | None = KEEP,
                   type: str = KEEP, mode: str = KEEP, visibility: str = KEEP, languages: Sequence[str] = KEEP,
                   themes: Iterable[Theme] = KEEP, sdgs: Iterable[SDG] = KEEP, room: Room | None = KEEP,
                   stream: Stream | None = KEEP, starts_at: dt.datetime = KEEP, ends_at: dt.datetime = KEEP,
                   capacity: int | None = KEEP, speakers: Sequence[tuple[Person, str]] | None = KEEP) -> Session:
    """Change a draft session (only the fields given); locks the edition while checking bookings; audited."""
    offered = {"title": title, "abstract": abstract, "part": part, "type": type, "mode": mode,
               "visibility": visibility, "languages": languages, "room": room, "stream": stream,
               "starts_at": starts_at, "ends_at": ends_at, "capacity": capacity}
    given = {k: v for k, v in offered.items() if v is not KEEP}
    if "languages" in given:
        given["languages"] = list(given["languages"])
    edition = _lock_edition(session.edition_id)
    session = _require_draft(session)
    values = {**_session_values(session), **given}
    _validate_session(edition=edition, values=values)
    _check_bookings(edition=edition, values=values, exclude_pk=session.pk)
    if speakers is not KEEP and speakers:
        _validate_speakers(speakers)
    before = _session_values(session)
    changed = [f for f in given if before[f] != given[f]]
    for field in changed:
        setattr(session, field, given[field])
    if changed:
        session.save(update_fields=[*changed, "updated_at"])
    if themes is not KEEP:
        session.themes.set(list(themes))
        changed.append("themes")
    if sdgs is not KEEP:
        session.sdgs.set(list(sdgs))
        changed.append("sdgs")
    if speakers is not KEEP:
        _write_speakers(session, speakers or [])
        changed.append("speakers")
    log_action(session, "program.session.updated", actor=actor,
               data={"code": session.code, "changed": sorted(changed),
                     **_audit_values({f: given[f] for f in changed if f in given})})
    return session


@transaction.atomic
def move_session(*, session: Session, actor, starts_at: dt.datetime, ends_at: dt.datetime,
                 room: Room | None, stream: Stream | None) -> Session:
    """Give a draft session a new time, room and stream; locks the edition while checking bookings; audited."""
    edition = _lock_edition(session.edition_id)
    session = _require_draft(session)
    before = _session_values(session)
    values = {**before, "starts_at": starts_at, "ends_at": ends_at, "room": room, "stream": stream}
    _validate_session(edition=edition, values=values)
    _check_bookings(edition=edition, values=values, exclude_pk=session.pk)
    session.starts_at, session.ends_at, session.room, session.stream = starts_at, ends_at, room, stream
    session.save(update_fields=["starts_at", "ends_at", "room", "stream", "updated_at"])
    log_action(session, "program.session.moved", actor=actor, data={
        "code": session.code,
        "from": _audit_values({k: before[k] for k in ("starts_at", "ends_at", "room", "stream")}),
        "to": _audit_values({"starts_at": starts_at, "ends_at": ends_at, "room": room, "stream": stream}),
    })
    return session


@transaction.atomic
def cancel_session(*, session: Session, actor) -> Session:
    """Mark a draft session cancelled (it stays in the programme, shown as cancelled); audited."""
    _lock_edition(session.edition_id)
    session = _require_draft(session)
    if session.status == SessionStatus.CANCELLED:
        raise Conflict(_("This session is already cancelled."), code="already_cancelled")
    session.status = SessionStatus.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    log_action(session, "program.session.cancelled", actor=actor, data={"code": session.code})
    return session


@transaction.atomic
def restore_session(*, session: Session, actor) -> Session:
    """Bring a cancelled draft session back, if its room and stream are still free; audited."""
    edition = _lock_edition(session.edition_id)
    session = _require_draft(session)
    if session.status != SessionStatus.CANCELLED:
        raise Conflict(_("This session is not cancelled."), code="not_cancelled")
    values = {**_session_values(session), "status": SessionStatus.CONFIRMED}
    _check_bookings(edition=edition, values=values, exclude_pk=session.pk)
    session.status = SessionStatus.CONFIRMED
    session.save(update_fields=["status", "updated_at"])
    log_action(session, "program.session.restored", actor=actor, data={"code": session.code})
    return session


@transaction.atomic
def delete_session(*, session: Session, actor) -> None:
    """Remove a draft session (published versions keep their copy; the next one lists it as removed); audited."""
    _lock_edition(session.edition_id)
    session = _require_draft(session)
    log_action(session, "program.session.deleted", actor=actor, data={"code": session.code, "title": session.title})
    session.delete()


def _validate_speakers(speakers: Sequence[tuple[Person, str]]) -> None:
    seen: set[int] = set()
    for person, role in speakers:
        if role not in SpeakerRole.values:
            raise ValidationFailed(_("Unknown speaker role: %(role)s.") % {"role": role}, code="invalid_role",
                                   field="speakers")
        if person.pk in seen:
            raise ValidationFailed(_("%(person)s is listed twice.") % {"person": person}, code="duplicate_speaker",
                                   field="speakers")
        seen.add(person.pk)


def _write_speakers(session: Session, speakers: Sequence[tuple[Person, str]]) -> None:
    session.speaker_links.all().delete()
    SessionSpeaker.objects.bulk_create([SessionSpeaker(session=session, person=person, role=role, position=i)
                                        for i, (person, role) in enumerate(speakers)])


@transaction.atomic
def set_session_speakers(*, session: Session, speakers: Sequence[tuple[Person, str]], actor) -> Session:
    """Replace a draft session's speakers by the ordered list of (person, role); audited."""
    session = _require_draft(session)
    _validate_speakers(speakers)
    _write_speakers(session, speakers)
    log_action(session, "program.session.speakers_set", actor=actor,
               data={"code": session.code, "speakers": [[p.pk, role] for p, role in speakers]})
    return session

