"""Agenda services: bookmarks by code, overlaps, the private feed token."""

import datetime as dt

import pytest

from tests.factories import PersonFactory, StaffFactory, UserFactory
from tests.program.programme_builders import add_session, at, current_edition, publish
from urbis.core.errors import NotFound
from urbis.core.models import AuditEntry
from urbis.program import agenda
from urbis.program.enums import SessionStatus, Visibility
from urbis.program.models import AgendaFeed, Bookmark, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    edition = current_edition()
    day = edition.starts_on
    add_session(edition, code="A", title="Alpha", starts_at=at(edition, day, 10), ends_at=at(edition, day, 11))
    add_session(edition, code="B", title="Beta", starts_at=at(edition, day, 10, 30), ends_at=at(edition, day, 12, 30))
    add_session(edition, code="C", title="Gamma", starts_at=at(edition, day, 12), ends_at=at(edition, day, 13))
    add_session(edition, code="X", title="Closed", visibility=Visibility.CLOSED,
                starts_at=at(edition, day, 14), ends_at=at(edition, day, 15))
    publish(edition)
    return edition


def test_bookmark_session_is_idempotent_and_audited(edition):
    user = UserFactory()
    first = agenda.bookmark_session(user=user, edition=edition, code="A")
    again = agenda.bookmark_session(user=user, edition=edition, code="A")
    assert (first.pk, list(Bookmark.objects.values_list("user_id", "session_code"))) == (again.pk, [(user.pk, "A")])
    assert list(AuditEntry.objects.filter(action="program.bookmark.added").values_list("actor_id", "data")) == [
        (user.pk, {"code": "A"})]


def test_bookmark_session_refuses_an_unknown_code(edition):
    user = UserFactory()
    with pytest.raises(NotFound) as caught:
        agenda.bookmark_session(user=user, edition=edition, code="NOPE")
    assert (caught.value.code, Bookmark.objects.count()) == ("unknown_session", 0)


def test_bookmark_session_refuses_a_closed_session_to_someone_who_may_not_see_it(edition):
    with pytest.raises(NotFound):
        agenda.bookmark_session(user=UserFactory(), edition=edition, code="X")
    staff = StaffFactory()
    agenda.bookmark_session(user=staff, edition=edition, code="X")
    assert list(Bookmark.objects.values_list("user_id", "session_code")) == [(staff.pk, "X")]


def test_bookmark_session_before_publication_is_refused():
    edition = current_edition()
    add_session(edition, code="A")
    with pytest.raises(NotFound):
        agenda.bookmark_session(user=UserFactory(), edition=edition, code="A")


def test_remove_bookmark_touches_only_the_persons_own(edition):
    alice, bob = UserFactory(), UserFactory()
    agenda.bookmark_session(user=alice, edition=edition, code="A")
    agenda.bookmark_session(user=bob, edition=edition, code="A")
    assert agenda.remove_bookmark(user=bob, edition=edition, code="A") is True
    assert agenda.remove_bookmark(user=bob, edition=edition, code="A") is False
    assert list(Bookmark.objects.values_list("user_id", "session_code")) == [(alice.pk, "A")]


def test_agenda_flags_overlaps_between_bookmarked_sessions(edition):
    user = UserFactory()
    for code in ("C", "A", "B"):
        agenda.bookmark_session(user=user, edition=edition, code=code)
    result = agenda.agenda_of(user=user, edition=edition)
    assert [s.code for s in result.sessions] == ["A", "B", "C"]
    assert {k: [s.code for s in v] for k, v in result.overlaps.items()} == {"A": ["B"], "B": ["A", "C"], "C": ["B"]}
    assert result.missing == []


def test_bookmarks_survive_republication_and_follow_the_new_times(edition):
    user = UserFactory()
    agenda.bookmark_session(user=user, edition=edition, code="A")
    agenda.bookmark_session(user=user, edition=edition, code="B")
    # The organisers move A away from B and remove C, then publish again.
    Session.objects.filter(version__isnull=True, code="A").update(
        starts_at=at(edition, edition.starts_on, 8), ends_at=at(edition, edition.starts_on, 9))
    publish(edition)
    result = agenda.agenda_of(user=user, edition=edition)
    assert [(s.code, s.version.number, s.starts_at) for s in result.sessions] == [
        ("A", 2, at(edition, edition.starts_on, 8)), ("B", 2, at(edition, edition.starts_on, 10, 30))]
    assert result.overlaps == {}


def test_agenda_lists_codes_gone_from_the_programme_and_ignores_cancelled_overlaps(edition):
    user = UserFactory()
    for code in ("A", "B", "C"):
        agenda.bookmark_session(user=user, edition=edition, code=code)
    Session.objects.filter(version__isnull=True, code="C").delete()
    Session.objects.filter(version__isnull=True, code="B").update(status=SessionStatus.CANCELLED)
    publish(edition)
    result = agenda.agenda_of(user=user, edition=edition)
    assert ([s.code for s in result.sessions], result.overlaps, result.missing) == (["A", "B"], {}, ["C"])


def test_agenda_days_follow_the_zone(edition):
    user = UserFactory()
    agenda.bookmark_session(user=user, edition=edition, code="A")  # 10:00 Shanghai = 21:00 New York the day before
    from zoneinfo import ZoneInfo

    days = agenda.agenda_of(user=user, edition=edition).days(ZoneInfo("America/New_York"))
    assert {d: [s.code for s in ss] for d, ss in days.items()} == {edition.starts_on - dt.timedelta(days=1): ["A"]}


def test_rotate_agenda_feed_token_replaces_the_old_token(edition):
    user = UserFactory()
    first = agenda.rotate_agenda_feed_token(user=user).token
    second = agenda.rotate_agenda_feed_token(user=user).token
    assert first != second and len(second) >= 40
    assert (agenda.feed_owner(first), agenda.feed_owner(second)) == (None, user)
    assert AgendaFeed.objects.count() == 1
    assert AuditEntry.objects.filter(action="program.agenda_feed.rotated", actor=user).count() == 2


def test_revoke_agenda_feed_switches_it_off(edition):
    user = UserFactory()
    token = agenda.rotate_agenda_feed_token(user=user).token
    assert agenda.revoke_agenda_feed(user=user) is True
    assert (agenda.feed_owner(token), agenda.revoke_agenda_feed(user=user), AgendaFeed.objects.count()) == (
        None, False, 0)
    assert AuditEntry.objects.filter(action="program.agenda_feed.revoked", actor=user).count() == 1


def test_feed_owner_of_an_inactive_user_is_none(edition):
    user = UserFactory()
    token = agenda.rotate_agenda_feed_token(user=user).token
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert (agenda.feed_owner(token), agenda.feed_owner("")) == (None, None)


def test_closed_session_of_ones_own_can_be_bookmarked_by_its_speaker(edition):
    user = UserFactory()
    person = PersonFactory(user=user)
    closed = Session.objects.get(version__isnull=True, code="X")
    closed.speaker_links.create(person=person)
    publish(edition)
    agenda.bookmark_session(user=user, edition=edition, code="X")
    assert [s.code for s in agenda.agenda_of(user=user, edition=edition).sessions] == ["X"]
