"""Reads of the programme reused in several places, with their joins already made."""

from django.db.models import Prefetch, QuerySet

from .models import Edition, ProgrammeVersion, Session, SessionSpeaker


def current_edition() -> Edition | None:
    return Edition.objects.filter(is_current=True).first() or Edition.objects.order_by("-starts_on").first()


def latest_version(edition: Edition) -> ProgrammeVersion | None:
    return edition.versions.order_by("-number").first()


def _with_joins(qs: QuerySet[Session]) -> QuerySet[Session]:
    return (qs.select_related("room", "stream", "part")
            .prefetch_related("themes", "sdgs",
                              Prefetch("speaker_links", queryset=SessionSpeaker.objects.select_related(
                                  "person", "person__organisation").order_by("position"))))


def published_sessions(edition: Edition, version: ProgrammeVersion | None = None) -> QuerySet[Session]:
    """The sessions of the edition's latest published version (none before the first publication)."""
    version = version or latest_version(edition)
    if version is None:
        return Session.objects.none()
    return _with_joins(Session.objects.filter(version=version)).order_by("starts_at", "room__position", "title")


def draft_sessions(edition: Edition) -> QuerySet[Session]:
    return _with_joins(Session.objects.filter(edition=edition, version__isnull=True)).order_by(
        "starts_at", "room__position", "title")
