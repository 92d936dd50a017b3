import datetime as dt

import pytest

from tests.factories import (
    EditionFactory,
    PartFactory,
    PersonFactory,
    RoomFactory,
    SessionFactory,
    StaffFactory,
    StreamFactory,
)
from tests.helpers import requires_postgres
from tests.program.factories import at, edition_with_venue
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import SDG, AuditEntry, Theme
from urbis.program import services
from urbis.program.enums import SessionMode, SessionStatus, SpeakerRole
from urbis.program.models import Edition, Session, SessionSpeaker


def _snapshot():
    """Everything the services could change, to assert that a refused request changed nothing."""
    return (
        list(Session.objects.order_by("pk").values()),
        list(SessionSpeaker.objects.order_by("pk").values()),
        list(Session.themes.through.objects.order_by("pk").values()),
        list(Edition.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def venue():
    return edition_with_venue()


@pytest.fixture
def staff():
    return StaffFactory()


def _create(edition, rooms, streams, staff, **overrides):
    kwargs = {"edition": edition, "actor": staff, "title": "Climate mobility", "starts_at": at(edition, 0, 10),
              "ends_at": at(edition, 0, 11), "room": rooms[0], "stream": streams[0]}
    kwargs.update(overrides)
    return services.create_session(**kwargs)


# ---------------------------------------------------------------- create


@pytest.mark.django_db
def test_create_session_saves_draft_with_code_and_audit(venue, staff):
    edition, rooms, streams = venue
    theme, sdg = Theme.objects.order_by("pk").first(), SDG.objects.get(number=11)
    speaker, moderator = PersonFactory(), PersonFactory()
    session = _create(edition, rooms, streams, staff, languages=["en", "zh"], themes=[theme], sdgs=[sdg],
                      capacity=120, speakers=[(moderator, SpeakerRole.MODERATOR), (speaker, SpeakerRole.SPEAKER)])
    session.refresh_from_db()
    assert (session.version_id, session.title, session.room, session.stream, session.languages, session.capacity,
            session.status) == (None, "Climate mobility", rooms[0], streams[0], ["en", "zh"], 120,
                                 SessionStatus.CONFIRMED)
    assert len(session.code) == services.CODE_LENGTH
    assert set(session.code) <= set(services.CODE_ALPHABET)
    assert list(session.themes.all()) == [theme]
    assert list(session.sdgs.all()) == [sdg]
    assert [(link.person, link.role, link.position) for link in session.speaker_links.all()] == [
        (moderator, SpeakerRole.MODERATOR, 0), (speaker, SpeakerRole.SPEAKER, 1)]
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id, entry.data["code"], entry.data["room"]) == (
        "program.session.created", staff, str(session.pk), session.code, rooms[0].pk)


@pytest.mark.django_db
def test_create_session_codes_are_unique_per_edition(venue, staff):
    edition, rooms, streams = venue
    codes = {_create(edition, rooms, streams, staff, starts_at=at(edition, 0, h), ends_at=at(edition, 0, h, 30)).code
             for h in range(8, 20)}
    assert len(codes) == 12


@pytest.mark.parametrize(("overrides", "code", "field"), [
    ({"title": "  "}, "title_required", "title"),
    ({"ends_at": "start"}, "end_before_start", "ends_at"),
    ({"ends_at": "before"}, "end_before_start", "ends_at"),
    ({"starts_at": "day_before", "ends_at": "day_before_end"}, "outside_edition", "starts_at"),
    ({"starts_at": "last_late", "ends_at": "after_last"}, "outside_edition", "starts_at"),
    ({"languages": ["en", "xx"]}, "unknown_language", "languages"),
    ({"mode": SessionMode.IN_PERSON, "room": None}, "room_required", "room"),
    ({"mode": SessionMode.HYBRID, "room": None}, "room_required", "room"),
    ({"mode": SessionMode.ONLINE, "stream": None, "room": None}, "stream_required", "stream"),
    ({"mode": SessionMode.HYBRID, "stream": None}, "stream_required", "stream"),
    ({"mode": "telepathy"}, "invalid_choice", "mode"),
    ({"capacity": 0}, "invalid_capacity", "capacity"),
    ({"starts_at": "naive"}, "naive_datetime", "starts_at"),
])
@pytest.mark.django_db
def test_create_session_refuses_invalid_values(venue, staff, overrides, code, field):
    edition, rooms, streams = venue
    special = {
        "start": at(edition, 0, 10), "before": at(edition, 0, 9),
        "day_before": at(edition, -1, 10), "day_before_end": at(edition, -1, 11),
        "last_late": at(edition, 5, 23), "after_last": at(edition, 6, 0, 30),
        "naive": dt.datetime(2021, 11, 8, 10, 0),  # noqa: DTZ001 - the point of the test
    }
    overrides = {k: special.get(v, v) if isinstance(v, str) and k != "title" and k != "mode" else v
                 for k, v in overrides.items()}
    before = _snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(edition, rooms, streams, staff, **overrides)
    assert (info.value.code, info.value.field) == (code, field)
    assert _snapshot() == before


@pytest.mark.django_db
def test_create_session_accepts_the_last_minute_of_the_edition(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff, starts_at=at(edition, 5, 23), ends_at=at(edition, 6, 0))
    assert session.ends_at == at(edition, 6, 0)


@pytest.mark.django_db
def test_create_session_outside_edition_is_judged_in_the_edition_zone(staff):
    # 02:00 in Shanghai on the first day is still the previous day in UTC: it is inside the edition.
    edition, rooms, streams = edition_with_venue()
    session = _create(edition, rooms, streams, staff, starts_at=at(edition, 0, 2), ends_at=at(edition, 0, 3))
    assert session.starts_at.astimezone(dt.UTC).date() == dt.date(2021, 11, 7)


@pytest.mark.parametrize("field", ["room", "stream", "part"])
@pytest.mark.django_db
def test_create_session_refuses_reference_data_of_another_edition(venue, staff, field):
    edition, rooms, streams = venue
    other = EditionFactory()
    foreign = {"room": RoomFactory(edition=other), "stream": StreamFactory(edition=other),
               "part": PartFactory(edition=other)}[field]
    before = _snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(edition, rooms, streams, staff, **{field: foreign})
    assert (info.value.code, info.value.field) == ("wrong_edition", field)
    assert _snapshot() == before


@pytest.mark.parametrize(("field", "code"), [("room", "room_double_booked"), ("stream", "stream_double_booked")])
@pytest.mark.django_db
def test_create_session_refuses_double_booking(venue, staff, field, code):
    edition, rooms, streams = venue
    _create(edition, rooms, streams, staff)  # 10:00–11:00, Hall A, Channel 1
    other = {"room": rooms[1], "stream": streams[1]}
    other.pop(field)
    before = _snapshot()
    with pytest.raises(Conflict) as info:
        _create(edition, rooms, streams, staff, starts_at=at(edition, 0, 10, 30), ends_at=at(edition, 0, 12),
                **other)
    assert (info.value.code, info.value.status, info.value.field) == (code, 409, field)
    assert _snapshot() == before


@pytest.mark.django_db
def test_create_session_allows_back_to_back_and_cancelled_slots(venue, staff):
    edition, rooms, streams = venue
    first = _create(edition, rooms, streams, staff)
    back_to_back = _create(edition, rooms, streams, staff, starts_at=at(edition, 0, 11), ends_at=at(edition, 0, 12))
    services.cancel_session(session=first, actor=staff)
    replacement = _create(edition, rooms, streams, staff, starts_at=at(edition, 0, 10), ends_at=at(edition, 0, 11))
    assert Session.objects.filter(status=SessionStatus.CONFIRMED).count() == 2
    assert {back_to_back.pk, replacement.pk} == set(
        Session.objects.filter(status=SessionStatus.CONFIRMED).values_list("pk", flat=True))


@pytest.mark.django_db
def test_create_session_ignores_published_copies_when_checking_bookings(venue, staff):
    edition, rooms, streams = venue
    first = _create(edition, rooms, streams, staff)
    services.publish_programme(edition=edition, actor=staff)
    services.move_session(session=first, actor=staff, starts_at=at(edition, 1, 10), ends_at=at(edition, 1, 11),
                          room=rooms[0], stream=streams[0])
    second = _create(edition, rooms, streams, staff)
    assert second.room == rooms[0]


@pytest.mark.django_db
def test_create_session_refuses_bad_speakers(venue, staff):
    edition, rooms, streams = venue
    person = PersonFactory()
    before = _snapshot()
    with pytest.raises(ValidationFailed) as info:
        _create(edition, rooms, streams, staff, speakers=[(person, "juggler")])
    assert info.value.code == "invalid_role"
    with pytest.raises(ValidationFailed) as info:
        _create(edition, rooms, streams, staff, speakers=[(person, "speaker"), (person, "moderator")])
    assert info.value.code == "duplicate_speaker"
    assert _snapshot() == before


# ---------------------------------------------------------------- update, move


@pytest.mark.django_db
def test_update_session_changes_only_given_fields(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff, abstract="Old")
    theme = Theme.objects.order_by("pk").first()
    updated = services.update_session(session=session, actor=staff, title="New title", themes=[theme])
    updated.refresh_from_db()
    assert (updated.title, updated.abstract, updated.room, list(updated.themes.all())) == (
        "New title", "Old", rooms[0], [theme])
    entry = AuditEntry.objects.filter(action="program.session.updated").get()
    assert (entry.data["changed"], entry.data["title"]) == (["themes", "title"], "New title")


@pytest.mark.django_db
def test_update_session_replaces_speakers(venue, staff):
    edition, rooms, streams = venue
    a, b = PersonFactory(), PersonFactory()
    session = _create(edition, rooms, streams, staff, speakers=[(a, "speaker")])
    services.update_session(session=session, actor=staff, speakers=[(b, "keynote"), (a, "moderator")])
    assert [(link.person, link.role) for link in session.speaker_links.all()] == [(b, "keynote"), (a, "moderator")]


@pytest.mark.django_db
def test_update_session_refuses_published_copy(venue, staff):
    edition, rooms, streams = venue
    _create(edition, rooms, streams, staff)
    version = services.publish_programme(edition=edition, actor=staff)
    copy = version.sessions.get()
    before = _snapshot()
    with pytest.raises(Conflict) as info:
        services.update_session(session=copy, actor=staff, title="Hacked")
    assert info.value.code == "not_a_draft"
    assert _snapshot() == before


@pytest.mark.django_db
def test_update_session_refuses_double_booking_and_changes_nothing(venue, staff):
    edition, rooms, streams = venue
    _create(edition, rooms, streams, staff)
    other = _create(edition, rooms, streams, staff, starts_at=at(edition, 0, 12), ends_at=at(edition, 0, 13),
                    room=rooms[1], stream=streams[1])
    before = _snapshot()
    with pytest.raises(Conflict) as info:
        services.update_session(session=other, actor=staff, title="Renamed", room=rooms[0],
                                starts_at=at(edition, 0, 10, 15))
    assert info.value.code == "room_double_booked"
    assert _snapshot() == before


@pytest.mark.django_db
def test_update_session_may_keep_its_own_slot(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    services.update_session(session=session, actor=staff, ends_at=at(edition, 0, 11, 30))
    session.refresh_from_db()
    assert session.ends_at == at(edition, 0, 11, 30)


@pytest.mark.django_db
def test_move_session_changes_place_and_audits_from_to(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    services.move_session(session=session, actor=staff, starts_at=at(edition, 2, 14), ends_at=at(edition, 2, 15),
                          room=rooms[1], stream=streams[1])
    session.refresh_from_db()
    assert (session.starts_at, session.ends_at, session.room, session.stream) == (
        at(edition, 2, 14), at(edition, 2, 15), rooms[1], streams[1])
    entry = AuditEntry.objects.filter(action="program.session.moved").get()
    assert (entry.data["from"]["room"], entry.data["to"]["room"]) == (rooms[0].pk, rooms[1].pk)


@pytest.mark.parametrize(("change", "code"), [
    ({"ends_at": "start"}, "end_before_start"),
    ({"starts_at": "outside", "ends_at": "outside_end"}, "outside_edition"),
    ({"room": "busy"}, "room_double_booked"),
    ({"stream": "busy"}, "stream_double_booked"),
    ({"room": "foreign"}, "wrong_edition"),
    ({"room": None}, "room_required"),
])
@pytest.mark.django_db
def test_move_session_refusals_change_nothing(venue, staff, change, code):
    edition, rooms, streams = venue
    busy = _create(edition, rooms, streams, staff, starts_at=at(edition, 1, 9), ends_at=at(edition, 1, 12),
                   room=rooms[1], stream=streams[1])
    session = _create(edition, rooms, streams, staff)
    values = {"starts_at": at(edition, 1, 10), "ends_at": at(edition, 1, 11), "room": rooms[0], "stream": streams[0]}
    special = {"start": at(edition, 1, 10), "outside": at(edition, 7, 10), "outside_end": at(edition, 7, 11),
               "busy": busy.room if "room" in change else busy.stream, "foreign": RoomFactory()}
    values.update({k: special.get(v, v) if isinstance(v, str) else v for k, v in change.items()})
    before = _snapshot()
    with pytest.raises((ValidationFailed, Conflict)) as info:
        services.move_session(session=session, actor=staff, **values)
    assert info.value.code == code
    assert _snapshot() == before


# ---------------------------------------------------------------- cancel, restore, delete


@pytest.mark.django_db
def test_cancel_and_restore_session(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    services.cancel_session(session=session, actor=staff)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    services.restore_session(session=session, actor=staff)
    session.refresh_from_db()
    assert session.status == SessionStatus.CONFIRMED
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == [
        "program.session.created", "program.session.cancelled", "program.session.restored"]


@pytest.mark.django_db
def test_cancel_session_twice_and_restore_confirmed_are_refused(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    with pytest.raises(Conflict) as info:
        services.restore_session(session=session, actor=staff)
    assert info.value.code == "not_cancelled"
    services.cancel_session(session=session, actor=staff)
    before = _snapshot()
    with pytest.raises(Conflict) as info:
        services.cancel_session(session=session, actor=staff)
    assert info.value.code == "already_cancelled"
    assert _snapshot() == before


@pytest.mark.django_db
def test_restore_session_refuses_when_its_room_was_taken(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    services.cancel_session(session=session, actor=staff)
    _create(edition, rooms, streams, staff, stream=streams[1])
    before = _snapshot()
    with pytest.raises(Conflict) as info:
        services.restore_session(session=session, actor=staff)
    assert info.value.code == "room_double_booked"
    assert _snapshot() == before


@pytest.mark.django_db
def test_delete_session_removes_draft_only(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff, speakers=[(PersonFactory(), "speaker")])
    version = services.publish_programme(edition=edition, actor=staff)
    copy = version.sessions.get()
    with pytest.raises(Conflict) as info:
        services.delete_session(session=copy, actor=staff)
    assert info.value.code == "not_a_draft"
    services.delete_session(session=session, actor=staff)
    assert list(Session.objects.values_list("pk", flat=True)) == [copy.pk]
    assert AuditEntry.objects.filter(action="program.session.deleted").get().data == {
        "code": session.code, "title": "Climate mobility"}


@pytest.mark.django_db
def test_delete_session_twice_is_refused(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    stale = Session.objects.get(pk=session.pk)
    services.delete_session(session=session, actor=staff)
    with pytest.raises(Conflict) as info:
        services.delete_session(session=stale, actor=staff)
    assert info.value.code == "not_a_draft"


# ---------------------------------------------------------------- speakers


@pytest.mark.django_db
def test_set_session_speakers_orders_and_audits(venue, staff):
    edition, rooms, streams = venue
    session = _create(edition, rooms, streams, staff)
    a, b, c = PersonFactory(), PersonFactory(), PersonFactory()
    services.set_session_speakers(session=session, speakers=[(c, "moderator"), (a, "keynote"), (b, "panelist")],
                                  actor=staff)
    assert [(link.person, link.role, link.position) for link in session.speaker_links.all()] == [
        (c, "moderator", 0), (a, "keynote", 1), (b, "panelist", 2)]
    services.set_session_speakers(session=session, speakers=[(b, "speaker")], actor=staff)
    assert [(link.person, link.role) for link in session.speaker_links.all()] == [(b, "speaker")]
    assert AuditEntry.objects.filter(action="program.session.speakers_set").count() == 2


@pytest.mark.parametrize("speakers_kind", ["bad_role", "duplicate", "published"])
@pytest.mark.django_db
def test_set_session_speakers_refusals_change_nothing(venue, staff, speakers_kind):
    edition, rooms, streams = venue
    a = PersonFactory()
    session = _create(edition, rooms, streams, staff, speakers=[(a, "speaker")])
    target, speakers, code = session, [(a, "moderator")], "not_a_draft"
    if speakers_kind == "bad_role":
        speakers, code = [(a, "juggler")], "invalid_role"
    elif speakers_kind == "duplicate":
        speakers, code = [(a, "speaker"), (a, "keynote")], "duplicate_speaker"
    else:
        target = services.publish_programme(edition=edition, actor=staff).sessions.get()
    before = _snapshot()
    with pytest.raises((ValidationFailed, Conflict)) as info:
        services.set_session_speakers(session=target, speakers=speakers, actor=staff)
    assert info.value.code == code
    assert _snapshot() == before


# ---------------------------------------------------------------- editions


@pytest.mark.django_db
def test_create_edition_validates_and_moves_current(staff):
    old = EditionFactory(is_current=True)
    edition = services.create_edition(slug="lisbon-2026", name="World Congress 2026", starts_on=dt.date(2026, 10, 26),
                                      ends_on=dt.date(2026, 10, 29), time_zone="Europe/Lisbon", venue_city="Lisbon",
                                      actor=staff, is_current=True)
    old.refresh_from_db()
    assert (edition.is_current, old.is_current, edition.time_zone) == (True, False, "Europe/Lisbon")
    assert AuditEntry.objects.get().action == "program.edition.created"


@pytest.mark.parametrize(("overrides", "code"), [
    ({"time_zone": "Mars/Olympus"}, "unknown_time_zone"),
    ({"ends_on": dt.date(2026, 10, 25)}, "end_before_start"),
    ({"slug": "taken"}, "slug_taken"),
    ({"name": ""}, "name_required"),
    ({"format": "hologram"}, "invalid_choice"),
])
@pytest.mark.django_db
def test_create_edition_refusals_change_nothing(staff, overrides, code):
    EditionFactory(slug="taken")
    kwargs = {"slug": "lisbon-2026", "name": "World Congress 2026", "starts_on": dt.date(2026, 10, 26),
              "ends_on": dt.date(2026, 10, 29), "time_zone": "Europe/Lisbon", "venue_city": "Lisbon", "actor": staff}
    before = _snapshot()
    with pytest.raises((ValidationFailed, Conflict)) as info:
        services.create_edition(**{**kwargs, **overrides})
    assert info.value.code == code
    assert _snapshot() == before


@pytest.mark.django_db
def test_update_edition_changes_given_fields(staff):
    edition = EditionFactory()
    services.update_edition(edition=edition, actor=staff, time_zone="Europe/Paris", name="Renamed")
    edition.refresh_from_db()
    assert (edition.time_zone, edition.name, edition.venue_city) == ("Europe/Paris", "Renamed", "Guangzhou")
    assert AuditEntry.objects.get().data == {"changed": ["name", "time_zone"]}


@pytest.mark.django_db
def test_update_edition_moves_current_and_skips_audit_when_nothing_changes(staff):
    old, new = EditionFactory(is_current=True), EditionFactory()
    services.update_edition(edition=new, actor=staff, is_current=True)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    services.update_edition(edition=new, actor=staff, name=new.name)
    assert list(AuditEntry.objects.values_list("action", "data")) == [
        ("program.edition.updated", {"changed": ["is_current"]})]


@pytest.mark.parametrize(("overrides", "code"), [
    ({"time_zone": "Nowhere/Else"}, "unknown_time_zone"),
    ({"ends_on": dt.date(2021, 11, 1)}, "end_before_start"),
])
@pytest.mark.django_db
def test_update_edition_refusals_change_nothing(staff, overrides, code):
    edition = EditionFactory()
    before = _snapshot()
    with pytest.raises(ValidationFailed) as info:
        services.update_edition(edition=edition, actor=staff, **overrides)
    assert info.value.code == code
    assert _snapshot() == before


# ---------------------------------------------------------------- publication


@pytest.mark.django_db
def test_publish_programme_records_changes_and_conflict_count(venue, staff):
    edition, rooms, streams = venue
    person = PersonFactory()
    a = _create(edition, rooms, streams, staff, speakers=[(person, "speaker")])
    _create(edition, rooms, streams, staff, room=rooms[1], stream=streams[1], speakers=[(person, "moderator")])
    version = services.publish_programme(edition=edition, actor=staff, note="First")
    assert (version.number, len(version.changes["added"]), version.sessions.count()) == (1, 2, 2)
    entry = AuditEntry.objects.filter(action="program.programme.published").get()
    assert entry.data == {"version": 1, "conflicts": 1, "added": 2, "moved": 0, "cancelled": 0, "removed": 0,
                          "changed": 0}
    services.move_session(session=a, actor=staff, starts_at=at(edition, 0, 14), ends_at=at(edition, 0, 15),
                          room=rooms[0], stream=streams[0])
    services.update_session(session=a, actor=staff, languages=["en", "fr"])
    second = services.publish_programme(edition=edition, actor=staff)
    assert [(m["code"], m["to"]["starts_at"]) for m in second.changes["moved"]] == [
        (a.code, at(edition, 0, 14).astimezone(dt.UTC).isoformat())]
    assert second.changes["added"] == []


@pytest.mark.django_db
def test_publish_programme_lists_changed_details(venue, staff):
    edition, rooms, streams = venue
    a = _create(edition, rooms, streams, staff)
    services.publish_programme(edition=edition, actor=staff)
    services.update_session(session=a, actor=staff, languages=["en", "fr"])
    second = services.publish_programme(edition=edition, actor=staff)
    assert second.changes == {"added": [], "moved": [], "cancelled": [], "removed": [],
                              "changed": [{"code": a.code, "title": a.title}]}


@pytest.mark.django_db
def test_publish_programme_lists_speaker_and_theme_changes(venue, staff):
    edition, rooms, streams = venue
    a = _create(edition, rooms, streams, staff, speakers=[(PersonFactory(), "speaker")])
    b = _create(edition, rooms, streams, staff, room=rooms[1], stream=streams[1])
    c = _create(edition, rooms, streams, staff, starts_at=at(edition, 1, 10), ends_at=at(edition, 1, 11))
    services.publish_programme(edition=edition, actor=staff)
    services.set_session_speakers(session=a, speakers=[(PersonFactory(), "moderator")], actor=staff)
    services.update_session(session=b, actor=staff, themes=[Theme.objects.order_by("pk").first()])
    second = services.publish_programme(edition=edition, actor=staff)
    assert second.changes["changed"] == [{"code": a.code, "title": a.title}, {"code": b.code, "title": b.title}]
    assert c.code not in str(second.changes)


@pytest.mark.django_db
def test_publish_programme_refuses_conflicts_unless_allowed(venue, staff):
    edition, rooms, streams = venue
    person = PersonFactory()
    _create(edition, rooms, streams, staff, speakers=[(person, "speaker")])
    _create(edition, rooms, streams, staff, room=rooms[1], stream=streams[1], speakers=[(person, "speaker")])
    before = _snapshot()
    with pytest.raises(Conflict) as info:
        services.publish_programme(edition=edition, actor=staff, allow_conflicts=False)
    assert info.value.code == "unresolved_conflicts"
    assert (_snapshot(), edition.versions.count()) == (before, 0)


@pytest.mark.django_db
def test_publish_programme_refuses_empty_programme(staff):
    edition = EditionFactory()
    with pytest.raises(Conflict) as info:
        services.publish_programme(edition=edition, actor=staff)
    assert info.value.code == "empty_programme"


@pytest.mark.django_db
def test_pending_changes_counts_draft_edits_since_latest_version(venue, staff):
    edition, rooms, streams = venue
    a = _create(edition, rooms, streams, staff)
    b = _create(edition, rooms, streams, staff, room=rooms[1], stream=streams[1])
    services.publish_programme(edition=edition, actor=staff)
    services.cancel_session(session=a, actor=staff)
    services.delete_session(session=b, actor=staff)
    c = SessionFactory(edition=edition, room=rooms[1], stream=streams[1])
    assert services.pending_changes(edition=edition) == {
        "added": [{"code": c.code, "title": c.title}], "moved": [],
        "cancelled": [{"code": a.code, "title": a.title}], "removed": [{"code": b.code, "title": b.title}],
        "changed": []}


# ---------------------------------------------------------------- concurrency (PostgreSQL)


def _book_concurrently(edition_pk, room_pk, stream_pks, actor_pk):
    """Two organisers book the same room at the same time, each on their own connection."""
    import threading
    import time

    from django.db import connection, connections

    from urbis.accounts.models import User
    from urbis.program.models import Room, Stream

    real_check = services._check_bookings

    def slow_check(**kwargs):
        real_check(**kwargs)
        time.sleep(0.4)  # widen the window between "the room is free" and the insert

    start = threading.Barrier(2, timeout=10)
    results: list[str] = []

    def organiser(stream_pk):
        try:
            connection.ensure_connection()
            edition = Edition.objects.get(pk=edition_pk)
            room, stream, actor = Room.objects.get(pk=room_pk), Stream.objects.get(pk=stream_pk), User.objects.get(
                pk=actor_pk)
            start.wait()
            services.create_session(edition=edition, actor=actor, title=f"Booked via {stream.name}",
                                    starts_at=at(edition, 0, 10), ends_at=at(edition, 0, 11), room=room,
                                    stream=stream)
            results.append("created")
        except Conflict as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    services._check_bookings = slow_check
    try:
        threads = [threading.Thread(target=organiser, args=(pk,)) for pk in stream_pks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        services._check_bookings = real_check
    return sorted(results)


@requires_postgres
@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_concurrent_bookings_of_one_room_only_one_wins():
    edition, rooms, streams = edition_with_venue()
    staff = StaffFactory()
    results = _book_concurrently(edition.pk, rooms[0].pk, [s.pk for s in streams], staff.pk)
    assert results == ["created", "room_double_booked"]
    assert Session.objects.filter(room=rooms[0]).count() == 1


@requires_postgres
@pytest.mark.race
@pytest.mark.django_db(transaction=True)
def test_control_without_the_edition_lock_the_room_is_double_booked(monkeypatch):
    edition, rooms, streams = edition_with_venue()
    staff = StaffFactory()
    monkeypatch.setattr(services, "_lock_edition", lambda edition_id: Edition.objects.get(pk=edition_id))
    results = _book_concurrently(edition.pk, rooms[0].pk, [s.pk for s in streams], staff.pk)
    assert results == ["created", "created"]  # the race the lock prevents
    assert Session.objects.filter(room=rooms[0]).count() == 2



@pytest.mark.django_db
def test_publish_programme_query_count_does_not_grow(staff):
    from tests.helpers import count_queries

    counts = []
    for n in (4, 24):
        edition, rooms, streams = edition_with_venue()
        theme = Theme.objects.order_by("pk").first()
        for i in range(n):
            session = SessionFactory(edition=edition, room=rooms[i % 2], stream=streams[i % 2],
                                     starts_at=at(edition, i // 20, 8 + (i % 20) // 2),
                                     ends_at=at(edition, i // 20, 8 + (i % 20) // 2, 50))
            session.themes.add(theme)
            SessionSpeaker.objects.create(session=session, person=PersonFactory())
        services.publish_programme(edition=edition, actor=staff)
        SessionFactory(edition=edition, room=rooms[0], stream=streams[0], starts_at=at(edition, 5, 20),
                       ends_at=at(edition, 5, 21))
        queries, version = count_queries(services.publish_programme, edition=edition, actor=staff)
        assert (version.number, version.sessions.count(), len(version.changes["added"])) == (2, n + 1, 1)
        counts.append(queries)
    assert counts[0] == counts[1]
