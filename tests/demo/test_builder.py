"""Whole builds of the demo (not sharing the module-scoped one of the other demo tests)."""

import datetime as dt

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from urbis.demo.builder import STEPS, build_demo
from urbis.program.conflicts import draft_sessions_for_checks, find_conflicts
from urbis.program.models import Session, SessionSpeaker

from .conftest import FAST_HASHERS, OWN_STEPS

pytestmark = pytest.mark.django_db


def _local_days(sessions, edition):
    return sorted({timezone.localtime(s.starts_at, edition.zone).date() for s in sessions})


def test_steps_start_with_members_and_programme():
    assert STEPS[:2] == OWN_STEPS


def _snapshot():
    return list(Session.objects.filter(version__isnull=True).order_by("code").values_list(
        "code", "title", "starts_at", "room__name", "stream__name", "mode", "type", "visibility", "status"))


def test_two_builds_are_identical():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            first_state = build_demo(scale=1, seed=2021, steps=OWN_STEPS).rng.getstate()
            first = _snapshot()
            first_speakers = sorted(SessionSpeaker.objects.filter(session__version__isnull=True).values_list(
                "session__code", "person__slug", "role", "position"))
            transaction.set_rollback(True)
        second_state = build_demo(scale=1, seed=2021, steps=OWN_STEPS).rng.getstate()
    assert len(first) == 150
    assert second_state == first_state  # so the later steps draw the same numbers too
    assert _snapshot() == first
    assert sorted(SessionSpeaker.objects.filter(session__version__isnull=True).values_list(
        "session__code", "person__slug", "role", "position")) == first_speakers


def test_scale_two_doubles_sessions_rooms_and_speakers_without_conflicts():
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        ctx = build_demo(scale=2, seed=2021, steps=OWN_STEPS)
    edition = ctx.data["edition"]
    drafts = Session.objects.filter(edition=edition, version__isnull=True)
    assert drafts.count() == 300
    assert _local_days(drafts, edition) == [dt.date(2021, 11, d) for d in range(8, 14)]
    assert (edition.rooms.count(), edition.streams.count()) == (12, 8)
    assert SessionSpeaker.objects.filter(session__version__isnull=True).values("person").distinct().count() == 600
    assert find_conflicts(draft_sessions_for_checks(edition), edition=edition) == []


def test_build_demo_records_each_step_and_writes_its_lines():
    lines = []

    class Out:
        def write(self, text):
            lines.extend(text.splitlines())

    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        ctx = build_demo(scale=1, seed=2021, steps=OWN_STEPS, stdout=Out())
    assert list(ctx.timings) == OWN_STEPS
    assert [line.split(":")[0] for line in lines] == ["Members", "Programme"]
    assert lines[0].startswith("Members: 140 member governments in 93 countries and 6/6 regions; "
                               "31 other organisations; 444 people. [")
    assert ctx.log == []
