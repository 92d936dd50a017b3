"""JSON endpoints of the award; the same services as the pages."""

from django.shortcuts import get_object_or_404
from ninja import Router

from urbis.core.errors import PermissionDenied

from . import permissions, selectors, services
from .models import Assignment, Cycle, Submission
from .schemas import (
    AssignmentRunOut,
    CycleOut,
    ReviewIn,
    ReviewOut,
    ShowcaseEntryOut,
    SuggestIn,
    SuggestOut,
    VoteIn,
    VoteOut,
)
from .sdg_suggest import suggest

router = Router(tags=["awards"])


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


@router.get("/cycles", response=list[CycleOut])
def list_cycles(request):
    return list(Cycle.objects.order_by("-year"))


@router.get("/cycles/{slug}/showcase", response=list[ShowcaseEntryOut])
def showcase(request, slug: str, sdg: str = "", region: str = "", theme: str = ""):
    cycle = selectors.cycle_by_slug(slug)
    _require(permissions.can_view_showcase(request.user, cycle))
    qs = selectors.filter_submissions(selectors.showcase_submissions(cycle), sdg=sdg, region=region, theme=theme)
    return [{"id": s.pk, "title": s.title, "city": s.city, "country": s.country, "region": s.region,
             "applicant_slug": s.applicant.slug, "status": s.status, "sdgs": [g.number for g in s.sdgs.all()],
             "member_page": f"/members/{s.applicant.slug}/"} for s in qs]


@router.post("/sdg-suggestions", response=SuggestOut)
def sdg_suggestions(request, payload: SuggestIn):
    _require(permissions.can_apply(request.user))
    return {"sdgs": suggest(payload.text[:20_000])}


@router.post("/cycles/{slug}/votes", response={200: VoteOut, 202: VoteOut})
def cast_vote(request, slug: str, payload: VoteIn):
    cycle = selectors.cycle_by_slug(slug)
    _require(permissions.can_view_showcase(request.user, cycle))
    services.check_rate(f"vote:{request.META.get('REMOTE_ADDR', 'unknown')}", limit=20, window=3600)
    submission = get_object_or_404(Submission, pk=payload.submission, cycle=cycle)
    outcome = services.request_public_vote(cycle=cycle, submission=submission, user=request.user, email=payload.email)
    if isinstance(outcome, services.PublicVote):
        return 200, {"status": "counted"}
    return 202, {"status": "confirmation_sent"}


@router.post("/assignments/{assignment_id}/review", response=ReviewOut)
def save_review(request, assignment_id: int, payload: ReviewIn):
    assignment = get_object_or_404(Assignment.objects.select_related(
        "submission", "member__person__organisation"), pk=assignment_id)
    _require(permissions.can_review(request.user, assignment))
    review = services.save_review(assignment=assignment, actor=request.user, scores=payload.scores,
                                  comment_to_staff=payload.comment_to_staff,
                                  comment_to_applicant=payload.comment_to_applicant, submit=payload.submit)
    return {"id": review.pk, "status": review.status, "total": review.total}


@router.post("/rounds/{round_id}/assignment", response=AssignmentRunOut)
def run_assignment(request, round_id: int):
    _require(permissions.is_award_staff(request.user))
    round = selectors.round_with_joins(round_id)
    return services.run_assignment(round=round, actor=request.user)
