"""Set-up services: panels, members, conflicts, rounds and rubrics (locked once a review exists)."""

import datetime as dt
import threading
import time
from unittest import mock

import pytest
from django.db import connection, connections

from tests.factories import OrganisationFactory, PersonFactory, StaffFactory
from tests.helpers import requires_postgres
from urbis.awards import services
from urbis.awards.enums import POOL_STATUSES, PanelKind, RoundPool, SubmissionStatus
from urbis.awards.models import (
    Assignment,
    Criterion,
    DeclaredConflict,
    PairRule,
    Panel,
    PanelMember,
    Review,
    Round,
)
from urbis.core.errors import Conflict, ValidationFailed
from urbis.core.models import AuditEntry

from .conftest import CRITERIA
from .factories import CycleFactory, PanelFactory, PanelMemberFactory, SubmissionFactory


def actions(prefix="awards."):
    return list(AuditEntry.objects.filter(action__startswith=prefix).order_by("id").values_list("action", flat=True))


def rubric(round):
    return list(Criterion.objects.filter(round=round).order_by("position", "pk").values_list(
        "name", "weight", "scale_min", "scale_max", "position"))


@pytest.mark.django_db
def test_add_new_panel_and_refuse_a_second_of_the_same_kind(cycle):
    staff = StaffFactory()
    panel = services.add_new_panel(cycle=cycle, kind=PanelKind.JURY, name=" Jury ", actor=staff)
    assert (panel.kind, panel.name) == ("jury", "Jury")
    with pytest.raises(Conflict) as exc:
        services.add_new_panel(cycle=cycle, kind=PanelKind.JURY, name="Another jury", actor=staff)
    assert (exc.value.code, str(exc.value.message)) == ("panel_kind_taken",
                                                        "This cycle already has a panel of that kind.")
    with pytest.raises(ValidationFailed) as exc:
        services.add_new_panel(cycle=cycle, kind=PanelKind.TECHNICAL_COMMITTEE, name="  ", actor=staff)
    assert exc.value.code == "panel_name_missing"
    assert list(Panel.objects.values_list("name", flat=True)) == ["Jury"]
    assert actions() == ["awards.panel.created"]


@pytest.mark.django_db
def test_rename_panel_audited(cycle):
    panel = PanelFactory(cycle=cycle)
    services.rename_panel(panel=panel, name="Technical committee of experts", actor=StaffFactory())
    assert Panel.objects.get().name == "Technical committee of experts"
    assert AuditEntry.objects.get().data == {"from": "Technical committee", "to": "Technical committee of experts"}


@pytest.mark.django_db
def test_seat_member_with_expertise_and_refuse_twice(cycle):
    panel = PanelFactory(cycle=cycle)
    person = PersonFactory()
    member = services.seat_panel_member(panel=panel, person=person, actor=None, theme_slugs=["resilience"],
                                        sdg_numbers=[6, 11], regions=["europe"], languages=["fr"])
    assert (sorted(t.slug for t in member.expertise_themes.all()), sorted(g.number for g in member.expertise_sdgs.all()),
            member.regions, member.languages) == (["resilience"], [6, 11], ["europe"], ["fr"])
    with pytest.raises(Conflict) as exc:
        services.seat_panel_member(panel=panel, person=person, actor=None)
    assert exc.value.code == "already_on_panel"
    assert PanelMember.objects.count() == 1


@pytest.mark.django_db
def test_update_member_expertise_replaces_it(cycle):
    member = PanelMemberFactory(panel=PanelFactory(cycle=cycle))
    services.add_panel_member(panel=member.panel, person=member.person, actor=None, sdg_numbers=[1, 2])
    services.update_panel_member(member=member, actor=None, theme_slugs=["public-space"], sdg_numbers=[13],
                                 regions=["africa", "africa"], languages=["es", "en", "es"])
    member.refresh_from_db()
    assert ([t.slug for t in member.expertise_themes.all()], [g.number for g in member.expertise_sdgs.all()],
            member.regions, member.languages) == (["public-space"], [13], ["africa"], ["es", "en"])
    assert actions()[-1] == "awards.panel_member.updated"


@pytest.mark.django_db
def test_remove_member_drops_open_assignments_and_rules(review_setup):
    round, members, subs = review_setup
    member = members[0]
    services.set_pair_rule(round=round, submission=subs[0], member=member, kind="forbid", actor=None)
    assert Assignment.objects.filter(member=member).count() > 0
    services.remove_panel_member(member=member, actor=None)
    assert (PanelMember.objects.filter(pk=member.pk).exists(), Assignment.objects.filter(member_id=member.pk).count(),
            PairRule.objects.count()) == (False, 0, 0)
    assert actions()[-1] == "awards.panel_member.removed"


@pytest.mark.django_db
def test_remove_member_refused_once_they_started_a_review(review_setup):
    round, members, _subs = review_setup
    a = Assignment.objects.filter(member=members[0]).select_related("member__person").first()
    services.save_review(assignment=a, actor=a.member.person.user, scores={})
    with pytest.raises(Conflict) as exc:
        services.remove_panel_member(member=members[0], actor=None)
    assert exc.value.code == "member_has_reviews"
    assert PanelMember.objects.filter(pk=members[0].pk).exists()


@pytest.mark.django_db
def test_declare_and_withdraw_conflict(review_setup):
    round, members, subs = review_setup
    member = members[0]
    a = Assignment.objects.filter(member=member).select_related("submission__applicant").first()
    conflict = services.declare_conflict(member=member, organisation=a.submission.applicant, actor=None,
                                         reason="Former adviser")
    assert not Assignment.objects.filter(pk=a.pk).exists()
    services.withdraw_conflict(conflict=conflict, actor=None)
    assert DeclaredConflict.objects.count() == 0
    assert actions()[-2:] == ["awards.conflict.declared", "awards.conflict.withdrawn"]


@pytest.mark.django_db
def test_set_cycle_time_zone_checks_the_name(cycle):
    services.set_cycle_time_zone(cycle=cycle, time_zone="Asia/Shanghai", actor=None)
    with pytest.raises(ValidationFailed) as exc:
        services.set_cycle_time_zone(cycle=cycle, time_zone="Mars/Olympus", actor=None)
    assert exc.value.code == "unknown_time_zone"
    cycle.refresh_from_db()
    assert (cycle.time_zone, str(cycle.zone)) == ("Asia/Shanghai", "Asia/Shanghai")


@pytest.mark.django_db
def test_create_round_with_pool_due_date_and_method(cycle):
    panel = PanelFactory(cycle=cycle)
    due = dt.datetime(2021, 5, 31, 9, tzinfo=dt.UTC)
    round = services.create_round(cycle=cycle, panel=panel, name="Screening", actor=None, k=2, criteria=CRITERIA,
                                  pool_statuses=POOL_STATUSES[RoundPool.ELIGIBLE], method="zscore", closes_at=due)
    round.refresh_from_db()
    assert (round.pool_statuses, round.pool_label, round.method, round.closes_at) == (
        ["submitted", "deserving", "shortlisted", "winner"], "All eligible submissions", "zscore", due)
    assert rubric(round) == [("Innovation", 2.0, 1, 10, 0), ("Impact", 1.0, 1, 10, 1), ("Replicability", 1.0, 1, 5, 2)]


@pytest.mark.django_db
@pytest.mark.parametrize(("kwargs", "code"), [
    ({"name": " "}, "round_name_missing"), ({"k": 0}, "k_not_positive"), ({"method": "median"}, "unknown_method")])
def test_create_round_bad_input_refused(cycle, kwargs, code):
    panel = PanelFactory(cycle=cycle)
    with pytest.raises(ValidationFailed) as exc:
        services.create_round(cycle=cycle, panel=panel, actor=None, **{"name": "R", **kwargs})
    assert exc.value.code == code
    assert Round.objects.count() == 0


@pytest.mark.django_db
def test_create_round_refuses_panel_of_another_cycle(cycle):
    with pytest.raises(ValidationFailed) as exc:
        services.create_round(cycle=cycle, panel=PanelFactory(), name="R", actor=None)
    assert exc.value.code == "panel_of_other_cycle"


def _update(round, **changes):
    values = {"name": round.name, "panel": round.panel, "k": round.reviewers_per_submission,
              "pool_statuses": round.pool_statuses, "one_per_region": round.one_per_region, "method": round.method,
              "closes_at": round.closes_at, "position": round.position}
    values.update(changes)
    return services.update_round(round=round, actor=None, **values)


@pytest.mark.django_db
def test_update_round_records_what_changed(review_setup):
    round, _members, _subs = review_setup
    _update(round, name="Screening (extended)", k=3, pool_statuses=POOL_STATUSES[RoundPool.SHORTLISTED])
    round.refresh_from_db()
    assert (round.name, round.reviewers_per_submission, round.pool_label) == (
        "Screening (extended)", 3, "The shortlisted ones from the previous round")
    entry = AuditEntry.objects.filter(action="awards.round.updated").get()
    assert sorted(entry.data) == ["name", "pool_statuses", "reviewers_per_submission"]


@pytest.mark.django_db
def test_update_round_keeps_its_panel_once_assigned(review_setup):
    round, _members, _subs = review_setup
    other = PanelFactory(cycle=round.cycle, kind=PanelKind.JURY, name="Jury")
    with pytest.raises(Conflict) as exc:
        _update(round, panel=other)
    assert exc.value.code == "round_panel_locked"
    assert Round.objects.get(pk=round.pk).panel_id == round.panel_id


@pytest.mark.django_db
def test_update_round_refuses_unknown_status(review_setup):
    round, _m, _s = review_setup
    with pytest.raises(ValidationFailed) as exc:
        _update(round, pool_statuses=["bogus"])
    assert exc.value.code == "pool_invalid"


# ---------------------------------------------------------------- rubric


@pytest.mark.django_db
def test_rubric_add_edit_delete_before_reviews(review_setup):
    round, _m, _s = review_setup
    added = services.add_criterion(round=round, name="Partnership", weight=0.5, scale_min=0, scale_max=5, actor=None)
    first = Criterion.objects.filter(round=round).order_by("position").first()
    services.update_criterion(criterion=first, name="Innovation and novelty", weight=3, scale_min=1, scale_max=7,
                              position=9, actor=None)
    services.delete_criterion(criterion=Criterion.objects.get(round=round, name="Impact"), actor=None)
    assert rubric(round) == [("Replicability", 1.0, 1, 5, 2), ("Partnership", 0.5, 0, 5, 3),
                             ("Innovation and novelty", 3.0, 1, 7, 9)]
    assert added.position == 3
    assert actions()[-3:] == ["awards.criterion.added", "awards.criterion.updated", "awards.criterion.deleted"]


@pytest.mark.django_db
@pytest.mark.parametrize(("weight", "lo", "hi", "code"), [
    (0, 1, 10, "criterion_weight"), (-1, 1, 10, "criterion_weight"), (1, 5, 5, "criterion_scale"),
    (1, 10, 1, "criterion_scale"), (1, 1, 5000, "criterion_scale"), ("x", 1, 10, "criterion_not_a_number")])
def test_rubric_bad_criterion_refused(review_setup, weight, lo, hi, code):
    round, _m, _s = review_setup
    before = rubric(round)
    with pytest.raises(ValidationFailed) as exc:
        services.add_criterion(round=round, name="Bad", weight=weight, scale_min=lo, scale_max=hi, actor=None)
    assert exc.value.code == code
    assert rubric(round) == before


@pytest.mark.django_db
def test_rubric_locked_once_a_review_exists(review_setup):
    round, members, _s = review_setup
    a = Assignment.objects.filter(round=round, member=members[0]).select_related("member__person").first()
    services.save_review(assignment=a, actor=a.member.person.user, scores={})  # a draft is enough
    before = rubric(round)
    criterion = Criterion.objects.filter(round=round).first()
    attempts = [
        lambda: services.add_criterion(round=round, name="New", weight=1, scale_min=1, scale_max=10, actor=None),
        lambda: services.update_criterion(criterion=criterion, name="X", weight=1, scale_min=1, scale_max=10,
                                          position=0, actor=None),
        lambda: services.delete_criterion(criterion=criterion, actor=None),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as exc:
            attempt()
        assert (exc.value.code, str(exc.value.message)) == (
            "rubric_locked", "The rubric is locked: reviews have been started in this round, and changing the "
                             "criteria would change scores already given.")
    assert rubric(round) == before
    assert services.rubric_locked(round) is True


# ---------------------------------------------------------------- race: rubric edit against the first review


def _race_rubric_against_first_review(review_setup_on_pg):
    """A staff member adds a criterion while a reviewer submits the round's first review. Returns the number
    of submitted reviews that lack a score for one of the round's criteria (must be 0)."""
    round, members = review_setup_on_pg
    a = Assignment.objects.filter(round=round, member=members[0]).select_related("member__person").first()
    scores = {c.pk: 5 for c in Criterion.objects.filter(round=round)}
    checked = threading.Event()

    def widen():
        checked.set()
        time.sleep(0.4)  # the reviewer's request arrives while the rubric change is under way

    outcome = {}

    def staff():
        try:
            services.add_criterion(round=round, name="Late criterion", weight=1, scale_min=1, scale_max=10,
                                   actor=None)
            outcome["staff"] = "added"
        except Conflict as exc:
            outcome["staff"] = exc.code
        finally:
            connections.close_all()

    def reviewer():
        checked.wait(5)
        try:
            services.save_review(assignment=a, actor=a.member.person.user, scores=scores, submit=True)
            outcome["reviewer"] = "submitted"
        except ValidationFailed as exc:
            outcome["reviewer"] = exc.code
        finally:
            connections.close_all()

    with mock.patch.object(services, "_rubric_checked", widen):
        threads = [threading.Thread(target=staff), threading.Thread(target=reviewer)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    n_criteria = Criterion.objects.filter(round=round).count()
    incomplete = sum(1 for r in Review.objects.filter(assignment__round=round, status="submitted")
                     if r.scores.count() != n_criteria)
    return outcome, incomplete


@pytest.fixture
def review_setup_on_pg(transactional_db):
    cycle = CycleFactory()
    panel = PanelFactory(cycle=cycle)
    members = [PanelMemberFactory(panel=panel) for _ in range(3)]
    for _ in range(3):
        SubmissionFactory(cycle=cycle, applicant=OrganisationFactory(country="ES"))
    round = services.create_round(cycle=cycle, panel=panel, name="Screening", actor=None, k=2, criteria=CRITERIA)
    services.run_assignment(round=round, actor=None)
    return round, members


@pytest.mark.race
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_race_rubric_change_against_first_review_with_lock(review_setup_on_pg):
    assert connection.vendor == "postgresql"
    outcome, incomplete = _race_rubric_against_first_review(review_setup_on_pg)
    # the reviewer waited for the rubric change, then had to score the new criterion too
    assert (outcome, incomplete) == ({"staff": "added", "reviewer": "score_missing"}, 0)


@pytest.mark.race
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_race_control_without_the_round_lock_a_review_misses_a_criterion(review_setup_on_pg):
    with mock.patch.object(services, "LOCK_ROUND_FOR_FIRST_REVIEW", False):
        outcome, incomplete = _race_rubric_against_first_review(review_setup_on_pg)
    assert (outcome, incomplete) == ({"staff": "added", "reviewer": "submitted"}, 1)


def test_pool_presets_cover_the_statuses():
    assert {p: [str(s) for s in POOL_STATUSES[p]] for p in RoundPool} == {
        "eligible": ["submitted", "deserving", "shortlisted", "winner"],
        "deserving": ["deserving", "shortlisted", "winner"], "shortlisted": ["shortlisted", "winner"]}
    assert [s for s in SubmissionStatus if s not in POOL_STATUSES[RoundPool.ELIGIBLE]] == [
        "draft", "withdrawn", "ineligible"]
