"""JSON endpoints of the award; the same services as the pages."""

from django.shortcuts import get_object_or_404
from ninja import Router, Status

from urbis.api.auth import session_auth
from urbis.api.schemas import errors
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

READ_ERRORS = errors(403, 404, 422)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 422, 429)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


@router.get("/cycles", response={200: list[CycleOut]}, auth=None, summary="Award cycles")
def list_cycles(request):
    return list(Cycle.objects.order_by("-year"))


@router.get("/cycles/{slug}/showcase", response={200: list[ShowcaseEntryOut], **READ_ERRORS}, auth=None,
            summary="Finalists and winners of a cycle (filter by SDG, region, theme)")
def showcase(request, slug: str, sdg: str = "", region: str = "", theme: str = ""):
    cycle = selectors.cycle_by_slug(slug)
    _require(permissions.can_view_showcase(request.user, cycle))
    qs = selectors.filter_submissions(selectors.showcase_submissions(cycle), sdg=sdg, region=region, theme=theme)
    return [{"id": s.pk, "title": s.title, "city": s.city, "country": s.country, "region": s.region,
             "applicant_slug": s.applicant.slug, "status": s.status, "sdgs": [g.number for g in s.sdgs.all()],
             "member_page": f"/members/{s.applicant.slug}/"} for s in qs]


@router.post("/sdg-suggestions", response={200: SuggestOut, **WRITE_ERRORS}, auth=session_auth,
             summary="Top-3 SDG suggestions for a text")
def sdg_suggestions(request, payload: SuggestIn):
    _require(permissions.can_apply(request.auth))
    return {"sdgs": suggest(payload.text[:20_000])}


@router.post("/cycles/{slug}/votes", response={200: VoteOut, 202: VoteOut, **WRITE_ERRORS}, auth=None,
             summary="Vote for a finalist (verified e-mail, or a confirmation link is e-mailed)")
def cast_vote(request, slug: str, payload: VoteIn):
    cycle = selectors.cycle_by_slug(slug)
    _require(permissions.can_view_showcase(request.user, cycle))
    services.check_rate(f"vote:{request.META.get('REMOTE_ADDR', 'unknown')}", limit=20, window=3600)
    submission = get_object_or_404(Submission, pk=payload.submission, cycle=cycle)
    outcome = services.request_public_vote(cycle=cycle, submission=submission, user=request.user, email=payload.email)
    if isinstance(outcome, services.PublicVote):
        return Status(200, {"status": "counted"})
    return Status(202, {"status": "confirmation_sent"})


@router.post("/assignments/{assignment_id}/review", response={200: ReviewOut, **WRITE_ERRORS}, auth=session_auth,
             summary="Save or submit the caller's review")
def save_review(request, assignment_id: int, payload: ReviewIn):
    assignment = get_object_or_404(Assignment.objects.select_related(
        "submission", "member__person__organisation"), pk=assignment_id)
    _require(permissions.can_review(request.auth, assignment))
    review = services.save_review(assignment=assignment, actor=request.auth, scores=payload.scores,
                                  comment_to_staff=payload.comment_to_staff,
                                  comment_to_applicant=payload.comment_to_applicant, submit=payload.submit)
    return {"id": review.pk, "status": review.status, "total": review.total}


@router.post("/rounds/{round_id}/assignment", response={200: AssignmentRunOut, **WRITE_ERRORS}, auth=session_auth,
             summary="Run the automatic assignment of a round (staff)")
def run_assignment(request, round_id: int):
    _require(permissions.is_award_staff(request.auth))
    round = selectors.round_with_joins(round_id)
    return services.run_assignment(round=round, actor=request.auth)
