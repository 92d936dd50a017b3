"""Every write to the programme. Views and the API call these; each is atomic and audited."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from urbis.core.audit import log_action
from urbis.core.errors import Conflict

from .models import Edition, ProgrammeVersion, Session, SessionSpeaker


def _placement(session: Session) -> dict:
    return {
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room": session.room.name if session.room_id else None,
        "stream": session.stream.name if session.stream_id else None,
    }


def _sessions_for_diff(qs) -> dict[str, Session]:
    return {s.code: s for s in qs.select_related("room", "stream")}


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
        elif (before.title, before.abstract, before.status) != (session.title, session.abstract, session.status):
            changed.append({"code": code, "title": session.title})
    for code, before in previous.items():
        if code not in current:
            removed.append({"code": code, "title": before.title})
    return {"added": added, "moved": moved, "cancelled": cancelled, "removed": removed, "changed": changed}


@transaction.atomic
def publish_programme(*, edition: Edition, actor, note: str = "") -> ProgrammeVersion:
    """Copy the draft programme into a new numbered public version; audited; the cache key moves on."""
    edition = Edition.objects.select_for_update().get(pk=edition.pk)
    drafts = Session.objects.filter(edition=edition, version__isnull=True)
    if not drafts.exists():
        raise Conflict(_("There is nothing to publish: the programme has no sessions."), code="empty_programme")
    latest = edition.versions.order_by("-number").first()
    previous = _sessions_for_diff(latest.sessions.all()) if latest else {}
    current = _sessions_for_diff(drafts)
    number = (edition.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProgrammeVersion.objects.create(
        edition=edition, number=number, published_at=timezone.now(), published_by=actor, note=note,
        changes=compute_changes(previous=previous, current=current),
    )
    _copy_drafts_into(version=version, drafts=list(drafts.prefetch_related("themes", "sdgs", "speaker_links")))
    log_action(version, "program.programme.published", actor=actor,
               data={"version": number, **{k: len(v) for k, v in version.changes.items()}})
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
