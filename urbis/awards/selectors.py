"""Reads of the award reused in several places, with their joins already made."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from urbis.core.taxonomies import region_of_country

from .enums import FINALIST_STATUSES, PairRuleKind, ReviewStatus, SubmissionStatus
from .models import (
    Assignment,
    Cycle,
    DeclaredConflict,
    PairRule,
    Panel,
    PanelMember,
    Review,
    Round,
    Submission,
)


def submissions_of_cycle(cycle: Cycle) -> QuerySet[Submission]:
    return (Submission.objects.filter(cycle=cycle).select_related("applicant", "submitted_by")
            .prefetch_related("sdgs", "themes").order_by("title", "pk"))


def filter_submissions(qs: QuerySet[Submission], *, status: str = "", country: str = "", region: str = "",
                       sdg: str = "", theme: str = "", q: str = "") -> QuerySet[Submission]:
    if status:
        qs = qs.filter(status=status)
    if country:
        qs = qs.filter(country=country.upper())
    if region:
        qs = qs.filter(region=region)
    if sdg and sdg.isdigit():
        qs = qs.filter(sdgs__number=int(sdg))
    if theme:
        qs = qs.filter(themes__slug=theme)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(city__icontains=q) | Q(applicant__name__icontains=q))
    return qs.distinct()


def showcase_submissions(cycle: Cycle) -> QuerySet[Submission]:
    statuses = list(FINALIST_STATUSES)
    return submissions_of_cycle(cycle).filter(status__in=statuses).annotate(vote_count=Count("public_votes"))


def finalists(cycle: Cycle) -> QuerySet[Submission]:
    return submissions_of_cycle(cycle).filter(status__in=list(FINALIST_STATUSES))


def my_submissions(user) -> QuerySet[Submission]:
    return (Submission.objects.filter(submitted_by=user).select_related("cycle", "applicant")
            .order_by("-created_at"))


def round_pool(round: Round) -> QuerySet[Submission]:
    statuses = round.pool_statuses or [SubmissionStatus.SUBMITTED]
    return (Submission.objects.filter(cycle=round.cycle, status__in=statuses).select_related("applicant")
            .prefetch_related("sdgs", "themes").order_by("pk"))


def round_pool_titles(round: Round) -> QuerySet[Submission]:
    """The pool for pick lists: ids and titles only."""
    statuses = round.pool_statuses or [SubmissionStatus.SUBMITTED]
    return Submission.objects.filter(cycle_id=round.cycle_id, status__in=statuses).only("pk", "title").order_by(
        "title", "pk")


def round_members(round: Round) -> QuerySet[PanelMember]:
    return (PanelMember.objects.filter(panel=round.panel)
            .select_related("person", "person__organisation", "person__user")
            .prefetch_related("expertise_themes", "expertise_sdgs", "declared_conflicts").order_by("pk"))


def conflict_reasons(member: PanelMember, submission: Submission) -> list[str]:
    """Why this panel member must not review this submission (empty when there is no conflict).
    Needs member.person.organisation and member.declared_conflicts loaded to avoid queries."""
    reasons = []
    person = member.person
    org = person.organisation
    if org is not None and org.pk == submission.applicant_id:
        reasons.append("own_organisation")
    if org is not None and org.city and org.country == submission.country and \
            org.city.strip().lower() == submission.city.strip().lower():
        reasons.append("own_city")
    countries = {c for c in (person.country, org.country if org else "") if c}
    if submission.country in countries:
        reasons.append("own_country")
    for conflict in member.declared_conflicts.all():
        if conflict.organisation_id == submission.applicant_id or conflict.submission_id == submission.pk:
            reasons.append("declared")
    return reasons


def member_region(member: PanelMember) -> str:
    country = member.person.country or (member.person.organisation.country if member.person.organisation else "")
    try:
        return region_of_country(country) if country else ""
    except KeyError:
        return ""


def assignments_of_member(user) -> QuerySet[Assignment]:
    return (Assignment.objects.filter(member__person__user=user)
            .select_related("round", "round__cycle", "submission", "submission__applicant", "review")
            .order_by("round__cycle", "round__position", "submission__title"))


def assignments_of_round(round: Round) -> QuerySet[Assignment]:
    return (Assignment.objects.filter(round=round).select_related("submission", "member__person", "review")
            .order_by("submission__title", "member__person__last_name"))


def submitted_reviews_of_round(round: Round) -> QuerySet[Review]:
    return (Review.objects.filter(assignment__round=round, status=ReviewStatus.SUBMITTED)
            .select_related("assignment").prefetch_related("scores").order_by("assignment_id"))


def cycle_by_slug(slug: str) -> Cycle:
    from urbis.core.errors import NotFound

    cycle = Cycle.objects.select_related("award").filter(slug=slug).first()
    if cycle is None:
        raise NotFound()
    return cycle


def round_with_joins(round_id: int) -> Round:
    from urbis.core.errors import NotFound

    found = Round.objects.select_related("cycle", "panel").prefetch_related(
        Prefetch("criteria")).filter(pk=round_id).first()
    if found is None:
        raise NotFound()
    return found


def sdg_report_data(cycle: Cycle) -> dict:
    """Counts behind the SDG report: by SDG, region, country and theme, over submitted initiatives."""
    from urbis.core.models import SDG, Theme
    from urbis.core.taxonomies import region_label
    from urbis.members.countries import country_name

    base = Submission.objects.filter(cycle=cycle).exclude(status__in=[SubmissionStatus.DRAFT,
                                                                     SubmissionStatus.WITHDRAWN])
    by_sdg_raw = dict(base.values_list("sdgs__number").annotate(n=Count("id", distinct=True)).exclude(sdgs__number=None))
    by_sdg = [{"number": g.number, "label": g.label, "colour": g.colour, "count": by_sdg_raw.get(g.number, 0)}
              for g in SDG.objects.all()]
    by_region = [{"region": r or "", "label": region_label(r) if r else "—", "count": n}
                 for r, n in base.values_list("region").annotate(n=Count("id")).order_by("-n", "region")]
    by_country = [{"country": c, "label": country_name(c), "count": n}
                  for c, n in base.values_list("country").annotate(n=Count("id")).order_by("-n", "country")]
    themes_raw = dict(base.values_list("themes__slug").annotate(n=Count("id", distinct=True)).exclude(themes__slug=None))
    by_theme = [{"slug": t.slug, "label": t.label, "count": themes_raw.get(t.slug, 0)} for t in Theme.objects.all()]
    finalist_rows = list(finalists(cycle).annotate(vote_count=Count("public_votes")))
    return {
        "total": base.count(),
        "cities": base.values("city", "country").distinct().count(),
        "countries": base.values("country").distinct().count(),
        "by_sdg": by_sdg, "by_region": by_region, "by_country": by_country, "by_theme": by_theme,
        "finalists": finalist_rows,
        "winners": [s for s in finalist_rows if s.status == SubmissionStatus.WINNER],
    }


# ---------------------------------------------------------------- set-up pages


def cycle_panels(cycle: Cycle) -> QuerySet[Panel]:
    return Panel.objects.filter(cycle=cycle).annotate(member_count=Count("members", distinct=True)).order_by(
        "kind", "pk")


def cycle_rounds(cycle: Cycle) -> QuerySet[Round]:
    started = Review.objects.filter(assignment__round=OuterRef("pk"))
    return (Round.objects.filter(cycle=cycle).select_related("panel")
            .annotate(criterion_count=Count("criteria", distinct=True),
                      assignment_count=Count("assignments", distinct=True), rubric_locked=Exists(started))
            .order_by("position", "pk"))


def panel_members(panel: Panel) -> QuerySet[PanelMember]:
    """A panel's members with what the set-up page shows: expertise, declared conflicts, load."""
    return (PanelMember.objects.filter(panel=panel)
            .select_related("person", "person__organisation")
            .prefetch_related("expertise_themes", "expertise_sdgs",
                              Prefetch("declared_conflicts", queryset=DeclaredConflict.objects.select_related(
                                  "organisation", "submission").order_by("pk")))
            .annotate(assignment_count=Count("assignments", distinct=True),
                      review_count=Count("assignments__review", distinct=True))
            .order_by("person__last_name", "person__first_name", "pk"))


def reviewer_loads(round: Round) -> list[dict]:
    """Every member of the round's panel, also those with nothing assigned: assigned, done, pins, forbids."""
    in_round = Q(assignments__round=round)
    done = in_round & Q(assignments__review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED])
    members = (PanelMember.objects.filter(panel_id=round.panel_id).select_related("person")
               .annotate(assigned=Count("assignments", filter=in_round, distinct=True),
                         done=Count("assignments", filter=done, distinct=True))
               .order_by("person__last_name", "person__first_name", "pk"))
    rules = {}
    for member_id, kind, n in (PairRule.objects.filter(round=round).values_list("member_id", "kind")
                               .annotate(n=Count("id")).order_by()):
        rules[(member_id, kind)] = n
    return [{"member": m, "assigned": m.assigned, "done": m.done,
             "pins": rules.get((m.pk, PairRuleKind.PIN), 0), "forbids": rules.get((m.pk, PairRuleKind.FORBID), 0)}
            for m in members]


def pair_rules_of_round(round: Round) -> QuerySet[PairRule]:
    return (PairRule.objects.filter(round=round).select_related("submission", "member__person")
            .order_by("member__person__last_name", "submission__title", "pk"))
