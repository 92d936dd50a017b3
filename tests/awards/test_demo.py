"""The demo's award step at the reference scale (run after the members step only, to stay quick)."""

from collections import Counter

import pytest
from django.test.utils import override_settings

from urbis.awards.enums import PanelKind, ReviewStatus, SubmissionStatus
from urbis.awards.models import AssignmentRun, PanelMember, PublicVote, Review, Submission
from urbis.awards.selectors import conflict_reasons
from urbis.demo import awards as award_step
from urbis.demo import members as member_step
from urbis.demo.builder import DemoContext


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_demo_award_cycle_at_reference_scale():
    ctx = DemoContext(seed=2021)
    member_step.build(ctx)
    award_step.build(ctx)
    subs = Submission.objects.filter(cycle=ctx.data["award_cycle"])
    assert (subs.count(), len({(s.city, s.country) for s in subs}), len({s.country for s in subs})) == (273, 175, 60)
    assert Counter(subs.values_list("status", flat=True)) == Counter({
        SubmissionStatus.SUBMITTED: 219, SubmissionStatus.INELIGIBLE: 9, SubmissionStatus.DESERVING: 30,
        SubmissionStatus.SHORTLISTED: 10, SubmissionStatus.WINNER: 5})
    assert Counter(PanelMember.objects.values_list("panel__kind", flat=True)) == Counter({
        PanelKind.TECHNICAL_COMMITTEE: 11, PanelKind.JURY: 7})
    assert Review.objects.filter(status=ReviewStatus.SUBMITTED).count() == 264 * 3 + 15 * 5
    assert PublicVote.objects.count() == 2400
    assert all(run.objective == run.bound for run in AssignmentRun.objects.all())
    for review in Review.objects.select_related("assignment__member__person__organisation",
                                                "assignment__submission").prefetch_related(
            "assignment__member__declared_conflicts"):
        assert conflict_reasons(review.assignment.member, review.assignment.submission) == []
