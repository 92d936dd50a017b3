import datetime as dt
from collections import Counter

import pytest
from django.utils import timezone

from urbis.program.conflicts import draft_sessions_for_checks, find_conflicts
from urbis.program.enums import SessionMode, SessionStatus, SessionType, SpeakerRole, Visibility
from urbis.program.models import Edition, ProgrammeVersion, Room, Session, SessionSpeaker, Stream
from urbis.program.selectors import current_edition, published_sessions

pytestmark = pytest.mark.django_db


def _local_days(sessions, edition):
    return sorted({timezone.localtime(s.starts_at, edition.zone).date() for s in sessions})


def test_edition(own_demo):
    edition = Edition.objects.get(slug="guangzhou-2021")
    assert current_edition() == edition
    assert (edition.name, edition.number, edition.starts_on, edition.ends_on, edition.time_zone, edition.venue_city,
            edition.venue_country, edition.format, edition.join_opens_minutes, edition.is_current) == (
        "13th World Congress of Metropolis", 13, dt.date(2021, 11, 8), dt.date(2021, 11, 13), "Asia/Shanghai",
        "Guangzhou", "CN", "hybrid", 15, True)
    assert list(edition.parts.values_list("name", flat=True)) == [
        "World Congress", "Global Mayors' Forum", "Statutory meetings", "Award ceremony", "Side events"]


def test_rooms_and_streams(own_demo):
    edition = own_demo.data["edition"]
    assert list(Room.objects.filter(edition=edition).values_list("name", "capacity")) == [
        ("Plenary Hall", 2000), ("Pearl River Hall", 800), ("Lingnan Room", 300), ("Baiyun Room", 250),
        ("Canton Room", 150), ("Five Rams Room", 80)]
    streams = list(Stream.objects.filter(edition=edition))
    assert [s.name for s in streams] == ["Main stream", "Forum stream", "Workshop stream", "Side-event stream"]
    assert [sorted(s.interpretation) for s in streams] == [["en", "es", "fr", "zh"]] * 4
    assert streams[0].url == "https://stream.urbis.example/guangzhou-2021/main-stream"


def test_sessions_figures(own_demo):
    edition = own_demo.data["edition"]
    drafts = Session.objects.filter(edition=edition, version__isnull=True)
    assert drafts.count() == 150
    assert _local_days(drafts, edition) == [dt.date(2021, 11, d) for d in range(8, 14)]
    assert Counter(drafts.values_list("mode", flat=True)) == {
        SessionMode.HYBRID: 78, SessionMode.IN_PERSON: 44, SessionMode.ONLINE: 28}
    assert Counter(drafts.values_list("type", flat=True)) == {
        SessionType.FORUM: 78, SessionType.WORKSHOP: 38, SessionType.SIDE_EVENT: 25, SessionType.PLENARY: 6,
        SessionType.STATUTORY: 2, SessionType.CEREMONY: 1}
    assert Counter(drafts.values_list("status", flat=True)) == {SessionStatus.CONFIRMED: 148,
                                                                 SessionStatus.CANCELLED: 2}
    assert drafts.filter(themes__isnull=True).exclude(type__in=["statutory", "ceremony"]).count() == 0
    assert drafts.filter(sdgs__isnull=True).count() == 0
    assert drafts.filter(languages=[]).count() == 0
    assert drafts.values("code").distinct().count() == 150


def test_speakers_figures(own_demo):
    links = SessionSpeaker.objects.filter(session__version__isnull=True)
    assert links.values("person").distinct().count() == 300
    assert len(own_demo.data["speakers"]) == 300
    assert set(links.values_list("role", flat=True)) == set(SpeakerRole.values)
    # every session has speakers, numbered from 0 without gaps
    by_session = {}
    for session_id, position in links.values_list("session_id", "position"):
        by_session.setdefault(session_id, []).append(position)
    assert len(by_session) == 150
    assert all(sorted(p) == list(range(len(p))) for p in by_session.values())


def test_special_sessions(own_demo):
    specials = own_demo.data["special_sessions"]
    summary = {key: (s.title, s.type, s.visibility, s.part.slug) for key, s in specials.items()}
    assert summary == {
        "opening": ("Opening plenary: Our Common Metropolitan Future", SessionType.PLENARY, Visibility.PUBLIC,
                    "world-congress"),
        "mayors_forum": ("Global Mayors' Forum: Mayors for a common metropolitan future", SessionType.FORUM,
                         Visibility.PUBLIC, "global-mayors-forum"),
        "board": ("Board of Directors meeting", SessionType.STATUTORY, Visibility.CLOSED, "statutory"),
        "general_assembly": ("General Assembly", SessionType.STATUTORY, Visibility.MEMBERS, "statutory"),
        "award_ceremony": ("Guangzhou Award for Urban Innovation: award ceremony", SessionType.CEREMONY,
                           Visibility.PUBLIC, "award"),
        "closing": ("Closing plenary and Guangzhou Declaration", SessionType.PLENARY, Visibility.PUBLIC,
                    "world-congress"),
    }
    # the demo speaker can see the closed board meeting (as one of its speakers)
    board = Session.objects.get(pk=specials["board"].pk)
    assert "speaker@urbis.example" in [link.person.email for link in board.speaker_links.all()]
    mayors = Session.objects.get(pk=specials["mayors_forum"].pk)
    assert {link.person.function for link in mayors.speaker_links.all()} <= {"mayor", "governor"}


def test_no_conflicts_in_the_draft_or_the_published_programme(own_demo):
    edition = own_demo.data["edition"]
    assert find_conflicts(draft_sessions_for_checks(edition), edition=edition) == []
    published = list(published_sessions(edition))
    assert len(published) == 150
    assert find_conflicts(published, edition=edition) == []


def test_two_published_versions_with_a_change_list(own_demo):
    edition = own_demo.data["edition"]
    versions = list(ProgrammeVersion.objects.filter(edition=edition).order_by("number"))
    assert [(v.number, v.sessions.count()) for v in versions] == [(1, 150), (2, 150)]
    assert {k: len(v) for k, v in versions[0].changes.items()} == {
        "added": 150, "moved": 0, "cancelled": 0, "removed": 0, "changed": 0}
    assert {k: len(v) for k, v in versions[1].changes.items()} == {
        "added": 0, "moved": 3, "cancelled": 2, "removed": 0, "changed": 0}
    assert [v.published_at.isoformat() for v in versions] == ["2021-10-18T02:00:00+00:00",
                                                               "2021-11-05T09:00:00+00:00"]
