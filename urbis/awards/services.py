"""Every write of the award: submissions, panels, assignment, reviews, decisions, public vote, report."""

from __future__ import annotations

import datetime as dt
import io
import secrets
import time
from typing import Any

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from urbis.core.audit import log_action
from urbis.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from urbis.core.models import SDG, Theme
from urbis.core.taxonomies import region_of_country
from urbis.members.enums import OrganisationKind
from urbis.members.models import Organisation, Person

from . import assignment as solver
from . import normalisation
from .enums import (
    DECISION_STATUSES,
    FINALIST_STATUSES,
    NormalisationMethod,
    PairRuleKind,
    PanelKind,
    ReportStatus,
    ReviewStatus,
    SubmissionStatus,
)
from .models import (
    Assignment,
    AssignmentRun,
    Attachment,
    Criterion,
    Cycle,
    DeclaredConflict,
    PairRule,
    Panel,
    PanelMember,
    PublicVote,
    RankIntervals,
    ReportJob,
    Review,
    Round,
    Score,
    Submission,
    VoteRequest,
)
from .selectors import conflict_reasons, member_region, round_members, round_pool

SUBMISSION_FIELDS = ("title", "city", "country", "contact_name", "contact_email", "summary", "description",
                     "start_year", "stage", "partners", "budget_range", "results", "links", "language")
DEFAULT_ELIGIBLE_KINDS = (OrganisationKind.MEMBER_GOVERNMENT, OrganisationKind.LOCAL_GOVERNMENT)


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429


# ---------------------------------------------------------------- submissions


def _region(country: str) -> str:
    try:
        return region_of_country(country)
    except KeyError:
        return ""


def _new_local_government(*, name: str, city: str, country: str, actor) -> Organisation:
    """A non-member local government applying for the first time (via members' service when it has one)."""
    try:
        from urbis.members import services as member_services

        create = getattr(member_services, "create_organisation", None)
    except ImportError:
        create = None
    if create is not None:
        return create(name=name, kind=OrganisationKind.LOCAL_GOVERNMENT, country=country, city=city, actor=actor)
    base = slugify(name)[:200] or "organisation"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    org = Organisation.objects.create(name=name, slug=slug, kind=OrganisationKind.LOCAL_GOVERNMENT, country=country,
                                      city=city, region=_region(country))
    log_action(org, "members.organisation.created", actor=actor, data={"via": "awards"})
    return org


def _in_cycle_zone(cycle: Cycle, moment) -> str:
    """'2021-03-31 18:00 CEST (Europe/Paris)': a deadline as the cycle announces it."""
    local = moment.astimezone(cycle.zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({cycle.zone})"


@transaction.atomic
def save_submission(*, cycle: Cycle, actor, data: dict[str, Any], submission: Submission | None = None,
                    applicant: Organisation | None = None, new_applicant_name: str = "",
                    sdg_numbers: list[int] | None = None, theme_slugs: list[str] | None = None,
                    now=None) -> Submission:
    """Create or update a draft submission; audited."""
    now = now or timezone.now()
    if now >= cycle.call_closes_at:
        raise ValidationFailed(_("The call closed on %(when)s; submissions can no longer be changed.")
                               % {"when": _in_cycle_zone(cycle, cycle.call_closes_at)}, code="call_closed")
    if now < cycle.call_opens_at:
        raise ValidationFailed(_("The call is not open yet."), code="call_not_open")
    if submission is not None:
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if submission.status != SubmissionStatus.DRAFT:
            raise Conflict(_("Only a draft can be edited."), code="not_a_draft")
    if applicant is None and submission is None:
        if not new_applicant_name.strip():
            raise ValidationFailed(_("Choose the applicant government or give its name."), code="applicant_missing",
                                   field="applicant")
        applicant = _new_local_government(name=new_applicant_name.strip(), city=data.get("city", ""),
                                          country=data.get("country", ""), actor=actor)
    fields = {k: v for k, v in data.items() if k in SUBMISSION_FIELDS}
    if "country" in fields:
        fields["country"] = fields["country"].upper()
        fields["region"] = _region(fields["country"])
    created = submission is None
    try:
        with transaction.atomic():
            if created:
                submission = Submission.objects.create(cycle=cycle, applicant=applicant, submitted_by=actor, **fields)
            else:
                for key, value in fields.items():
                    setattr(submission, key, value)
                if applicant is not None:
                    submission.applicant = applicant
                submission.save()
    except IntegrityError as exc:
        raise Conflict(_("This government already has a submission in this cycle."),
                       code="one_submission_per_applicant") from exc
    if sdg_numbers is not None:
        submission.sdgs.set(SDG.objects.filter(number__in=sdg_numbers))
    if theme_slugs is not None:
        submission.themes.set(Theme.objects.filter(slug__in=theme_slugs))
    log_action(submission, "awards.submission.created" if created else "awards.submission.updated", actor=actor)
    return submission


def eligibility_problems(submission: Submission, *, now=None) -> list[tuple[str, str]]:
    """(code, message) for every eligibility rule of the cycle that the submission breaks."""
    now = now or timezone.now()
    cycle = submission.cycle
    problems = []
    if now >= cycle.call_closes_at:
        problems.append(("call_closed", _("The submission deadline has passed.")))
    kinds = cycle.eligible_kinds or list(DEFAULT_ELIGIBLE_KINDS)
    if submission.applicant.kind not in kinds:
        problems.append(("applicant_not_government",
                         _("Only local and regional governments can apply; %(name)s is not one.")
                         % {"name": submission.applicant.name}))
    if submission.start_year > cycle.year - cycle.min_years_running:
        problems.append(("initiative_too_recent",
                         _("The initiative must have been running for at least %(n)s year(s) by %(year)s.")
                         % {"n": cycle.min_years_running, "year": cycle.year}))
    if not submission.sdgs.exists():
        problems.append(("sdgs_missing", _("Name at least one SDG the initiative addresses.")))
    others = Submission.objects.filter(cycle=cycle, applicant=submission.applicant).exclude(
        pk=submission.pk).exclude(status=SubmissionStatus.WITHDRAWN)
    if others.exists():
        problems.append(("one_submission_per_applicant", _("This government already has a submission in this cycle.")))
    return problems


@transaction.atomic
def submit_submission(*, submission: Submission, actor, now=None) -> Submission:
    """Check eligibility and submit; audited."""
    submission = Submission.objects.select_for_update().select_related("cycle", "applicant").get(pk=submission.pk)
    if submission.status != SubmissionStatus.DRAFT:
        raise Conflict(_("This submission has already been submitted."), code="not_a_draft")
    problems = eligibility_problems(submission, now=now)
    if problems:
        raise ValidationFailed(" ".join(message for _code, message in problems), code=problems[0][0])
    submission.status = SubmissionStatus.SUBMITTED
    submission.submitted_at = now or timezone.now()
    submission.save(update_fields=["status", "submitted_at", "updated_at"])
    log_action(submission, "awards.submission.submitted", actor=actor)
    return submission


@transaction.atomic
def withdraw_submission(*, submission: Submission, actor) -> Submission:
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.status not in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED):
        raise Conflict(_("This submission can no longer be withdrawn."), code="cannot_withdraw")
    submission.status = SubmissionStatus.WITHDRAWN
    submission.save(update_fields=["status", "updated_at"])
    log_action(submission, "awards.submission.withdrawn", actor=actor)
    return submission


_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


def sniff_type(head: bytes) -> tuple[str, str] | None:
    for magic, content_type, ext in _SIGNATURES:
        if head.startswith(magic):
            return content_type, ext
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def _strip_image_metadata(data: bytes, ext: str) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only: no EXIF, no text chunks
        out = io.BytesIO()
        clean.save(out, format={"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[ext])
    return out.getvalue()


@transaction.atomic
def add_attachment(*, submission: Submission, upload, actor) -> Attachment:
    """Store a PDF or image (type sniffed from its bytes, size capped, image metadata removed); audited."""
    submission = Submission.objects.select_for_update().select_related("cycle").get(pk=submission.pk)
    if submission.status != SubmissionStatus.DRAFT:
        raise Conflict(_("Attachments can only be added to a draft."), code="not_a_draft")
    limit = submission.cycle.max_attachment_mb * 1024 * 1024
    if upload.size > limit:
        raise ValidationFailed(_("The file is larger than %(mb)s MB.") % {"mb": submission.cycle.max_attachment_mb},
                               code="attachment_too_large", field="file")
    data = upload.read()
    sniffed = sniff_type(data[:16])
    if sniffed is None:
        raise ValidationFailed(_("Only PDF, PNG, JPEG and WebP files are accepted."), code="attachment_wrong_type",
                               field="file")
    content_type, ext = sniffed
    if content_type.startswith("image/"):
        try:
            data = _strip_image_metadata(data, ext)
        except Exception as exc:  # a corrupt image is bad input, not a server error
            raise ValidationFailed(_("The image could not be read."), code="attachment_unreadable",
                                   field="file") from exc
    name = (getattr(upload, "name", "") or f"attachment.{ext}")[:200]
    stem = slugify(name.rsplit(".", 1)[0])[:60] or "attachment"
    attachment = Attachment(submission=submission, original_name=name, content_type=content_type, size=len(data))
    attachment.file.save(f"{stem}.{ext}", ContentFile(data), save=False)
    attachment.save()
    log_action(submission, "awards.attachment.added", actor=actor, data={"name": name, "type": content_type})
    return attachment


@transaction.atomic
def message_applicants(*, submissions, subject: str, body: str, actor) -> int:
    """E-mail the contacts of the given submissions (one background task each); audited."""
    from .tasks import task_send_applicant_message

    if not subject.strip() or not body.strip():
        raise ValidationFailed(_("Write a subject and a message."), code="message_empty")
    ids = [s.pk for s in submissions]
    for submission_id in ids:
        transaction.on_commit(lambda sid=submission_id: task_send_applicant_message.enqueue(
            submission_id=sid, subject=subject, body=body))
    log_action(None, "awards.applicants.messaged", actor=actor, data={"submissions": ids, "subject": subject})
    return len(ids)


def send_applicant_message(*, submission_id: int, subject: str, body: str) -> None:
    from django.core.mail import send_mail

    submission = Submission.objects.get(pk=submission_id)
    send_mail(subject, body, None, [submission.contact_email])


# ---------------------------------------------------------------- panels


@transaction.atomic
def create_panel(*, cycle: Cycle, kind: str, name: str, actor) -> Panel:
    if kind not in PanelKind.values:
        raise ValidationFailed(_("Unknown panel kind."), code="unknown_panel_kind")
    panel, _created = Panel.objects.get_or_create(cycle=cycle, kind=kind, defaults={"name": name})
    log_action(panel, "awards.panel.created", actor=actor)
    return panel


@transaction.atomic
def add_panel_member(*, panel: Panel, person: Person, actor, theme_slugs=(), sdg_numbers=(), regions=(),
                     languages=()) -> PanelMember:
    member, _created = PanelMember.objects.get_or_create(panel=panel, person=person)
    member.regions = list(regions)
    member.languages = list(languages or person.languages or [])
    member.save(update_fields=["regions", "languages", "updated_at"])
    member.expertise_themes.set(Theme.objects.filter(slug__in=theme_slugs))
    member.expertise_sdgs.set(SDG.objects.filter(number__in=sdg_numbers))
    log_action(member, "awards.panel_member.added", actor=actor, data={"panel": panel.pk})
    return member


@transaction.atomic
def declare_conflict(*, member: PanelMember, actor, organisation: Organisation | None = None,
                     submission: Submission | None = None, reason: str = "") -> DeclaredConflict:
    """Record a declared conflict and drop any open assignment it touches; audited."""
    if organisation is None and submission is None:
        raise ValidationFailed(_("Name the organisation or the submission."), code="conflict_empty")
    conflict = DeclaredConflict.objects.create(member=member, organisation=organisation, submission=submission,
                                               reason=reason)
    open_assignments = Assignment.objects.filter(member=member).exclude(
        review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED])
    if submission is not None:
        open_assignments.filter(submission=submission).delete()
    if organisation is not None:
        open_assignments.filter(submission__applicant=organisation).delete()
    log_action(member, "awards.conflict.declared", actor=actor,
               data={"organisation": getattr(organisation, "pk", None), "submission": getattr(submission, "pk", None)})
    return conflict


@transaction.atomic
def create_round(*, cycle: Cycle, panel: Panel, name: str, actor, k: int = 3, pool_statuses=None,
                 criteria=(), one_per_region: bool = False, position: int = 1, method: str | None = None,
                 closes_at=None) -> Round:
    """A reviewing round with its rubric: criteria as (name, weight, scale_min, scale_max); audited."""
    _check_round_fields(cycle=cycle, panel=panel, name=name, k=k, method=method)
    round = Round.objects.create(cycle=cycle, panel=panel, name=name.strip(), reviewers_per_submission=k,
                                 pool_statuses=list(pool_statuses or [SubmissionStatus.SUBMITTED]),
                                 one_per_region=one_per_region, position=position, closes_at=closes_at,
                                 method=method or NormalisationMethod.BIAS_MODEL)
    for i, (cname, weight, lo, hi) in enumerate(criteria):
        _check_criterion(name=cname, weight=weight, scale_min=lo, scale_max=hi)
        Criterion.objects.create(round=round, name=cname, weight=weight, scale_min=lo, scale_max=hi, position=i)
    log_action(round, "awards.round.created", actor=actor, data={"criteria": len(criteria)})
    return round


# ---------------------------------------------------------------- set-up pages: cycle, panels, rounds, rubrics


@transaction.atomic
def set_cycle_time_zone(*, cycle: Cycle, time_zone: str, actor) -> Cycle:
    """The zone in which the cycle's deadlines are announced (they stay the same moments); audited."""
    from urbis.core.timezones import get_zone

    get_zone(time_zone)  # raises ValidationFailed for an unknown zone
    previous = cycle.time_zone
    cycle.time_zone = time_zone
    cycle.save(update_fields=["time_zone", "updated_at"])
    log_action(cycle, "awards.cycle.time_zone_set", actor=actor, data={"from": previous, "to": time_zone})
    return cycle


@transaction.atomic
def add_new_panel(*, cycle: Cycle, kind: str, name: str, actor) -> Panel:
    """A new panel from the set-up page: one of each kind per cycle, refused with a message otherwise."""
    if not name.strip():
        raise ValidationFailed(_("Give the panel a name."), code="panel_name_missing", field="name")
    if Panel.objects.filter(cycle=cycle, kind=kind).exists():
        raise Conflict(_("This cycle already has a panel of that kind."), code="panel_kind_taken", field="kind")
    return create_panel(cycle=cycle, kind=kind, name=name.strip(), actor=actor)


@transaction.atomic
def rename_panel(*, panel: Panel, name: str, actor) -> Panel:
    if not name.strip():
        raise ValidationFailed(_("Give the panel a name."), code="panel_name_missing", field="name")
    previous = panel.name
    panel.name = name.strip()[:200]
    panel.save(update_fields=["name", "updated_at"])
    log_action(panel, "awards.panel.renamed", actor=actor, data={"from": previous, "to": panel.name})
    return panel


@transaction.atomic
def seat_panel_member(*, panel: Panel, person: Person, actor, theme_slugs=(), sdg_numbers=(), regions=(),
                      languages=()) -> PanelMember:
    """Put a person on a panel (refused if already there); audited."""
    if PanelMember.objects.filter(panel=panel, person=person).exists():
        raise Conflict(_("%(name)s is already on this panel.") % {"name": person}, code="already_on_panel",
                       field="person")
    return add_panel_member(panel=panel, person=person, actor=actor, theme_slugs=theme_slugs,
                            sdg_numbers=sdg_numbers, regions=regions, languages=languages)


@transaction.atomic
def update_panel_member(*, member: PanelMember, actor, theme_slugs=(), sdg_numbers=(), regions=(),
                        languages=()) -> PanelMember:
    """Change a member's declared expertise (themes, SDGs, regions, languages); audited."""
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    member.regions = sorted(set(regions))
    member.languages = [code for code in dict.fromkeys(languages) if code]
    member.save(update_fields=["regions", "languages", "updated_at"])
    member.expertise_themes.set(Theme.objects.filter(slug__in=theme_slugs))
    member.expertise_sdgs.set(SDG.objects.filter(number__in=sdg_numbers))
    log_action(member, "awards.panel_member.updated", actor=actor,
               data={"themes": sorted(theme_slugs), "sdgs": sorted(sdg_numbers), "regions": member.regions,
                     "languages": member.languages})
    return member


@transaction.atomic
def remove_panel_member(*, member: PanelMember, actor) -> None:
    """Take a person off a panel; refused once they have started a review (their record must stay).
    Their open assignments and pair rules go; audited."""
    member = PanelMember.objects.select_for_update().select_related("panel").get(pk=member.pk)
    if Review.objects.filter(assignment__member=member).exists():
        raise Conflict(_("%(name)s has started reviewing; their reviews are part of the record, so they stay "
                         "on the panel.") % {"name": member.person}, code="member_has_reviews")
    dropped = Assignment.objects.filter(member=member).count()
    Assignment.objects.filter(member=member).delete()
    PairRule.objects.filter(member=member).delete()
    log_action(member.panel, "awards.panel_member.removed", actor=actor,
               data={"member": member.pk, "person": member.person_id, "assignments_dropped": dropped})
    member.delete()


@transaction.atomic
def withdraw_conflict(*, conflict: DeclaredConflict, actor) -> None:
    """Remove a declared conflict of interest (the automatic ones cannot be removed); audited."""
    log_action(conflict.member, "awards.conflict.withdrawn", actor=actor,
               data={"organisation": conflict.organisation_id, "submission": conflict.submission_id,
                     "reason": conflict.reason})
    conflict.delete()


def _check_round_fields(*, cycle: Cycle, panel: Panel, name: str, k: int, method: str | None) -> None:
    if not name.strip():
        raise ValidationFailed(_("Give the round a name."), code="round_name_missing", field="name")
    if panel.cycle_id != cycle.pk:
        raise ValidationFailed(_("The panel belongs to another cycle."), code="panel_of_other_cycle", field="panel")
    if not isinstance(k, int) or k < 1:
        raise ValidationFailed(_("Each submission needs at least one reviewer."), code="k_not_positive", field="k")
    if method is not None and method not in normalisation.METHODS:
        raise ValidationFailed(_("Unknown method."), code="unknown_method", field="method")


@transaction.atomic
def update_round(*, round: Round, actor, name: str, panel: Panel, k: int, pool_statuses, one_per_region: bool,
                 method: str, closes_at, position: int) -> Round:
    """Change a round's settings; the panel stays once reviewers are assigned; audited."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    _check_round_fields(cycle=round.cycle, panel=panel, name=name, k=k, method=method)
    if panel.pk != round.panel_id and Assignment.objects.filter(round=round).exists():
        raise Conflict(_("Reviewers of this panel are already assigned; the round keeps its panel."),
                       code="round_panel_locked", field="panel")
    statuses = [str(s) for s in pool_statuses]
    if not statuses or any(s not in SubmissionStatus.values for s in statuses):
        raise ValidationFailed(_("Choose which submissions the round reviews."), code="pool_invalid", field="pool")
    changes = {}
    for field, value in (("name", name.strip()[:120]), ("panel_id", panel.pk), ("reviewers_per_submission", k),
                         ("pool_statuses", statuses), ("one_per_region", one_per_region), ("method", method),
                         ("closes_at", closes_at), ("position", position)):
        if getattr(round, field) != value:
            changes[field] = [str(getattr(round, field)), str(value)]
            setattr(round, field, value)
    round.save()
    log_action(round, "awards.round.updated", actor=actor, data=changes)
    return round


def rubric_locked(round: Round) -> bool:
    """A rubric is fixed once anyone has started a review in the round."""
    return Review.objects.filter(assignment__round=round).exists()


LOCK_ROUND_FOR_FIRST_REVIEW = True  # the race test's control turns it off


def _rubric_checked() -> None:
    """Called between the rubric check and the change; the race test widens the window here."""


def _lock_rubric(round: Round) -> Round:
    round = Round.objects.select_for_update().get(pk=round.pk)
    if rubric_locked(round):
        raise Conflict(_("The rubric is locked: reviews have been started in this round, and changing the "
                         "criteria would change scores already given."), code="rubric_locked")
    _rubric_checked()
    return round


SCALE_LIMITS = (-100, 1000)


def _check_criterion(*, name: str, weight, scale_min, scale_max) -> None:
    if not str(name).strip():
        raise ValidationFailed(_("Name the criterion."), code="criterion_name_missing", field="name")
    try:
        weight, scale_min, scale_max = float(weight), int(scale_min), int(scale_max)
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(_("Weight and scale must be numbers."), code="criterion_not_a_number") from exc
    if not weight > 0 or weight > 1000:
        raise ValidationFailed(_("The weight must be above 0 (and at most 1000)."), code="criterion_weight",
                               field="weight")
    lo, hi = SCALE_LIMITS
    if not lo <= scale_min < scale_max <= hi:
        raise ValidationFailed(_("The scale must go from a lower to a higher whole number, between %(lo)s and "
                                 "%(hi)s.") % {"lo": lo, "hi": hi}, code="criterion_scale", field="scale_max")


@transaction.atomic
def add_criterion(*, round: Round, name: str, weight: float, scale_min: int, scale_max: int, actor) -> Criterion:
    """Add a criterion to a round's rubric (refused once reviews exist); audited."""
    round = _lock_rubric(round)
    _check_criterion(name=name, weight=weight, scale_min=scale_min, scale_max=scale_max)
    position = (Criterion.objects.filter(round=round).order_by("-position").values_list("position", flat=True)
                .first())
    criterion = Criterion.objects.create(round=round, name=name.strip()[:120], weight=float(weight),
                                         scale_min=int(scale_min), scale_max=int(scale_max),
                                         position=0 if position is None else position + 1)
    log_action(round, "awards.criterion.added", actor=actor,
               data={"criterion": criterion.pk, "name": criterion.name, "weight": criterion.weight,
                     "scale": [criterion.scale_min, criterion.scale_max]})
    return criterion


@transaction.atomic
def update_criterion(*, criterion: Criterion, name: str, weight: float, scale_min: int, scale_max: int,
                     position: int, actor) -> Criterion:
    """Change a criterion (refused once reviews exist); audited."""
    _lock_rubric(criterion.round)
    _check_criterion(name=name, weight=weight, scale_min=scale_min, scale_max=scale_max)
    before = [criterion.name, criterion.weight, criterion.scale_min, criterion.scale_max, criterion.position]
    criterion.name, criterion.weight = name.strip()[:120], float(weight)
    criterion.scale_min, criterion.scale_max, criterion.position = int(scale_min), int(scale_max), int(position)
    criterion.save()
    log_action(criterion.round, "awards.criterion.updated", actor=actor,
               data={"criterion": criterion.pk, "from": before,
                     "to": [criterion.name, criterion.weight, criterion.scale_min, criterion.scale_max,
                            criterion.position]})
    return criterion


@transaction.atomic
def delete_criterion(*, criterion: Criterion, actor) -> None:
    """Remove a criterion (refused once reviews exist); audited."""
    round = _lock_rubric(criterion.round)
    log_action(round, "awards.criterion.deleted", actor=actor, data={"criterion": criterion.pk, "name": criterion.name})
    criterion.delete()


# ---------------------------------------------------------------- assignment


def affinity(member: PanelMember, submission: Submission) -> float:
    """Expertise × the submission's themes and SDGs, plus shared language and region expertise."""
    themes = {t.pk for t in member.expertise_themes.all()} & {t.pk for t in submission.themes.all()}
    sdgs = {g.pk for g in member.expertise_sdgs.all()} & {g.pk for g in submission.sdgs.all()}
    score = 2.0 * len(themes) + 1.0 * len(sdgs)
    if submission.language in (member.languages or []):
        score += 1.0
    if submission.region and submission.region in (member.regions or []):
        score += 1.0
    return score


@transaction.atomic
def set_pair_rule(*, round: Round, submission: Submission, member: PanelMember, kind: str | None, actor) -> None:
    """Pin or forbid one pair (kind None removes the rule); a conflicted pair cannot be pinned; audited."""
    if kind == PairRuleKind.PIN and conflict_reasons(member, submission):
        raise Conflict(_("This reviewer has a conflict of interest with this submission."), code="conflict_of_interest")
    PairRule.objects.filter(round=round, submission=submission, member=member).delete()
    if kind is not None:
        if kind not in PairRuleKind.values:
            raise ValidationFailed(_("Unknown rule."), code="unknown_rule")
        PairRule.objects.create(round=round, submission=submission, member=member, kind=kind)
    log_action(round, "awards.pair_rule.set", actor=actor,
               data={"submission": submission.pk, "member": member.pk, "kind": kind})


@transaction.atomic
def run_assignment(*, round: Round, actor) -> AssignmentRun:
    """Re-assign the round's open pairs optimally (reviewed pairs and pins stay); audited."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    subs = list(round_pool(round))
    members = list(round_members(round))
    if not subs or not members:
        raise ValidationFailed(_("The round has no submissions or no panel members."), code="empty_round")
    k = round.reviewers_per_submission
    if k > len(members):
        raise ValidationFailed(_("k is larger than the panel."), code="k_too_large")
    s_index = {s.pk: i for i, s in enumerate(subs)}
    m_index = {m.pk: j for j, m in enumerate(members)}
    rules = {(r.submission_id, r.member_id): r.kind for r in PairRule.objects.filter(round=round)}
    kept = {(a.submission_id, a.member_id) for a in Assignment.objects.filter(
        round=round, review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED, ReviewStatus.DRAFT])}
    pairs, pinned, conflicted = [], set(), []
    for s in subs:
        for m in members:
            key = (s.pk, m.pk)
            if conflict_reasons(m, s):
                conflicted.append(key)
                continue
            if rules.get(key) == PairRuleKind.FORBID and key not in kept:
                continue
            pairs.append((s_index[s.pk], m_index[m.pk], affinity(m, s)))
            if rules.get(key) == PairRuleKind.PIN or key in kept:
                pinned.add((s_index[s.pk], m_index[m.pk]))
    regions = None
    if round.one_per_region:
        names = [member_region(m) for m in members]
        codes = {name: i for i, name in enumerate(sorted(set(names)))}
        regions = [codes[n] for n in names]
    started = time.perf_counter()
    try:
        solution, lo, hi = solver.solve_with_even_loads(n_submissions=len(subs), n_reviewers=len(members), k=k,
                                                        pairs=pairs, pinned=pinned, reviewer_region=regions)
    except solver.Infeasible as exc:
        raise ValidationFailed(_("No assignment satisfies the conflicts, k and the load bounds."),
                               code="assignment_infeasible") from exc
    unfinished = {(a.submission_id, a.member_id): a.pk for a in Assignment.objects.filter(round=round).exclude(
        review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED])}
    stale = [unfinished[key] for key in conflicted if key in unfinished]
    if stale:  # a conflict became known after the assignment: drop those unfinished pairs
        Assignment.objects.filter(pk__in=stale).delete()
    aff = {(s, r): a for s, r, a in pairs}
    chosen = {(subs[s].pk, members[r].pk): aff[(s, r)] for s, r in solution.pairs}
    Assignment.objects.filter(round=round).exclude(
        review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED, ReviewStatus.DRAFT]).delete()
    existing = set(Assignment.objects.filter(round=round).values_list("submission_id", "member_id"))
    Assignment.objects.bulk_create([Assignment(round=round, submission_id=s, member_id=m, affinity=a)
                                    for (s, m), a in chosen.items() if (s, m) not in existing])
    run = AssignmentRun.objects.create(round=round, solver=solution.solver, objective=solution.objective,
                                       bound=solution.bound, min_load=lo, max_load=hi,
                                       seconds=time.perf_counter() - started, actor=actor)
    log_action(round, "awards.assignment.run", actor=actor,
               data={"objective": solution.objective, "bound": solution.bound, "pairs": len(chosen)})
    return run


# ---------------------------------------------------------------- reviews


def _review_for(assignment: Assignment) -> Review:
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    if review is None:
        # The first review of a round locks its rubric: take the round's row, as rubric edits do, so that
        # a criterion cannot change between this check and the scores.
        if LOCK_ROUND_FOR_FIRST_REVIEW:
            Round.objects.select_for_update().get(pk=assignment.round_id)
        review = Review.objects.create(assignment=assignment)
    return review


@transaction.atomic
def save_review(*, assignment: Assignment, actor, scores: dict[int, Any], comment_to_staff: str = "",
                comment_to_applicant: str = "", submit: bool = False) -> Review:
    """Save (and optionally submit) a review; every score is checked against its criterion's scale; audited."""
    assignment = (Assignment.objects.select_for_update(of=("self",)).select_related("round", "member__person")
                  .get(pk=assignment.pk))
    if assignment.member.person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("This review is not assigned to you."), code="not_assigned")
    review = _review_for(assignment)
    if review.status in (ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED):
        raise Conflict(_("This review has already been submitted."), code="review_closed")
    criteria = list(Criterion.objects.filter(round=assignment.round))
    values: dict[int, int] = {}
    for criterion in criteria:
        raw = scores.get(criterion.pk)
        if raw in (None, ""):
            if submit:
                raise ValidationFailed(_("Score every criterion before submitting (%(name)s is missing).")
                                       % {"name": criterion.name}, code="score_missing", field=f"c{criterion.pk}")
            continue
        try:
            value = int(raw)
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(_("%(name)s: a whole number is needed.") % {"name": criterion.name},
                                   code="score_not_a_number", field=f"c{criterion.pk}") from exc
        if not criterion.scale_min <= value <= criterion.scale_max:
            raise ValidationFailed(_("%(name)s must be between %(lo)s and %(hi)s.")
                                   % {"name": criterion.name, "lo": criterion.scale_min, "hi": criterion.scale_max},
                                   code="score_out_of_scale", field=f"c{criterion.pk}")
        values[criterion.pk] = value
    unknown = set(scores) - {c.pk for c in criteria}
    if unknown:
        raise ValidationFailed(_("Unknown criterion."), code="unknown_criterion")
    by_pk = {c.pk: c for c in criteria}
    for pk, value in values.items():
        c = by_pk[pk]
        Score.objects.update_or_create(review=review, criterion=c,
                                       defaults={"value": value, "scale_min": c.scale_min, "scale_max": c.scale_max})
    review.comment_to_staff = comment_to_staff
    review.comment_to_applicant = comment_to_applicant
    review.total = weighted_total(criteria, values) if len(values) == len(criteria) else None
    if submit:
        review.status = ReviewStatus.SUBMITTED
        review.submitted_at = timezone.now()
    review.save()
    log_action(review, "awards.review.submitted" if submit else "awards.review.saved", actor=actor)
    return review


def weighted_total(criteria: list[Criterion], values: dict[int, int]) -> float:
    """Weighted mean of the scores, each rescaled to 0–10."""
    weight = sum(c.weight for c in criteria)
    return sum(c.weight * 10 * (values[c.pk] - c.scale_min) / (c.scale_max - c.scale_min) for c in criteria) / weight


@transaction.atomic
def abstain_review(*, assignment: Assignment, actor, reason: str) -> Review:
    assignment = Assignment.objects.select_for_update(of=("self",)).select_related("member__person").get(pk=assignment.pk)
    if assignment.member.person.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(_("This review is not assigned to you."), code="not_assigned")
    if not reason.strip():
        raise ValidationFailed(_("Give a reason for abstaining."), code="abstain_reason_missing", field="reason")
    review = _review_for(assignment)
    if review.status in (ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED):
        raise Conflict(_("This review has already been submitted."), code="review_closed")
    review.status = ReviewStatus.ABSTAINED
    review.abstain_reason = reason.strip()[:300]
    review.submitted_at = timezone.now()
    review.total = None
    review.save()
    log_action(review, "awards.review.abstained", actor=actor)
    return review


@transaction.atomic
def send_review_reminders(*, round: Round, actor) -> int:
    """E-mail every reviewer with reviews still open (background task); audited."""
    from .tasks import task_send_review_reminder

    open_members = sorted(set(Assignment.objects.filter(round=round).exclude(
        review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED]).values_list("member_id", flat=True)))
    for member_id in open_members:
        transaction.on_commit(lambda mid=member_id: task_send_review_reminder.enqueue(round_id=round.pk, member_id=mid))
    log_action(round, "awards.reviews.reminded", actor=actor, data={"members": open_members})
    return len(open_members)


def send_review_reminder(*, round_id: int, member_id: int) -> None:
    from django.core.mail import send_mail

    member = PanelMember.objects.select_related("person", "person__user").get(pk=member_id)
    to = member.person.email or (member.person.user.email if member.person.user else "")
    if not to:
        return
    pending = Assignment.objects.filter(round_id=round_id, member=member).exclude(
        review__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.ABSTAINED]).count()
    send_mail(_("Reviews waiting for you"),
              _("You have %(n)s review(s) to finish: /awards/review/") % {"n": pending}, None, [to])


# ---------------------------------------------------------------- ranking, decisions, record


def round_record(round: Round) -> dict:
    """The round's record: rubric, assignments, submitted scores, method and the ranking they give."""
    return round_record_and_ranking(round)[0]


def round_record_and_ranking(round: Round) -> tuple[dict, dict]:
    """The round's record and compute_ranking() of it (every method side by side), computed once.

    Reads plain rows (no model instances): a screening round has some 800 reviews and 4,000 scores."""
    criteria = list(Criterion.objects.filter(round=round))
    reviews = list(Review.objects.filter(assignment__round=round, status=ReviewStatus.SUBMITTED)
                   .order_by("assignment__submission_id", "assignment__member_id")
                   .values_list("pk", "assignment__submission_id", "assignment__member_id"))
    scores: dict[int, dict[str, int]] = {pk: {} for pk, _s, _m in reviews}
    for review_id, criterion_id, value in (Score.objects.filter(
            review__assignment__round=round, review__status=ReviewStatus.SUBMITTED)
            .order_by("pk").values_list("review_id", "criterion_id", "value")):
        scores[review_id][str(criterion_id)] = value
    record = {
        "format": "urbis.awards.round/1",
        "cycle": round.cycle.slug, "round": round.pk, "name": round.name, "method": round.method,
        "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight, "min": c.scale_min, "max": c.scale_max}
                     for c in criteria],
        "assignments": [list(pair) for pair in Assignment.objects.filter(round=round)
                        .order_by("submission_id", "member_id").values_list("submission_id", "member_id")],
        "reviews": [{"submission": s, "member": m, "scores": scores[pk]} for pk, s, m in reviews],
    }
    result = compute_ranking(record)
    record["ranking"] = result["ranking"]
    return record, result


def compute_ranking(record: dict, *, method: str | None = None, bootstrap: int = 0) -> dict:
    """Re-derive the ranking from a record (or its reviews): every method side by side."""
    criteria = [Criterion(pk=c["id"], name=c["name"], weight=c["weight"], scale_min=c["min"], scale_max=c["max"])
                for c in record["criteria"]]
    subs = sorted({s for s, _m in record["assignments"]} | {r["submission"] for r in record["reviews"]})
    members = sorted({m for _s, m in record["assignments"]} | {r["member"] for r in record["reviews"]})
    s_index = {s: i for i, s in enumerate(subs)}
    m_index = {m: j for j, m in enumerate(members)}
    obs = []
    for r in record["reviews"]:
        values = {int(k): v for k, v in r["scores"].items()}
        obs.append((s_index[r["submission"]], m_index[r["member"]], weighted_total(criteria, values)))
    estimates = {name: normalisation.estimate(name, obs, len(subs), len(members)) for name in normalisation.METHODS}
    method = method or record["method"]
    order = normalisation.ranking(estimates[method])
    intervals = (normalisation.bootstrap_rank_intervals(obs, len(subs), len(members), method, samples=bootstrap)
                 if bootstrap and obs else None)
    rows = []
    for place, i in enumerate(order, start=1):
        row = {"submission": subs[i], "place": place, "reviews": sum(1 for o in obs if o[0] == i)}
        for name in normalisation.METHODS:
            value = estimates[name][i]
            row[name] = None if value != value else round(float(value), 4)
        if intervals is not None:
            row["interval"] = list(intervals[i])
        rows.append(row)
    return {"method": method, "ranking": [subs[i] for i in order], "rows": rows}


RANK_INTERVAL_SAMPLES = 100
RANK_INTERVAL_PATIENCE = dt.timedelta(minutes=10)


def review_state(record: dict) -> str:
    """A digest of what a round's ranking is computed from: rubric, submitted scores and method."""
    import hashlib
    import json

    basis = {key: record[key] for key in ("criteria", "reviews", "method")}
    return hashlib.sha256(json.dumps(basis, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def request_rank_intervals(*, round: Round, record: dict | None = None) -> RankIntervals:
    """The rank intervals for the round's current review state; queues their computation (background task)
    the first time this state is seen. Never waits for them."""
    record = record or round_record(round)
    state = review_state(record)
    with transaction.atomic():
        intervals, created = RankIntervals.objects.get_or_create(
            round=round, state=state, defaults={"method": record["method"], "samples": RANK_INTERVAL_SAMPLES})
        lost = (not created and intervals.status in (ReportStatus.QUEUED, ReportStatus.RUNNING)
                and intervals.updated_at < timezone.now() - RANK_INTERVAL_PATIENCE)
        if lost:  # a worker died or the queue was flushed: queue it again, once per period of patience
            lost = bool(RankIntervals.objects.filter(pk=intervals.pk, updated_at=intervals.updated_at).update(
                status=ReportStatus.QUEUED, updated_at=timezone.now()))
        if created or lost:
            from .tasks import task_compute_rank_intervals

            transaction.on_commit(lambda: task_compute_rank_intervals.enqueue(intervals_id=intervals.pk))
    intervals.refresh_from_db()  # the immediate backend has computed them by now
    return intervals


@transaction.atomic
def retry_rank_intervals(*, intervals: RankIntervals, actor) -> RankIntervals:
    """Queue a failed computation again."""
    from .tasks import task_compute_rank_intervals

    intervals = RankIntervals.objects.select_for_update().get(pk=intervals.pk)
    if intervals.status != ReportStatus.FAILED:
        raise Conflict(_("These intervals are not in error."), code="intervals_not_failed")
    intervals.status, intervals.error = ReportStatus.QUEUED, ""
    intervals.save(update_fields=["status", "error", "updated_at"])
    transaction.on_commit(lambda: task_compute_rank_intervals.enqueue(intervals_id=intervals.pk))
    return intervals


def compute_rank_intervals(*, intervals_id: int) -> None:
    """Bootstrap the rank intervals of one review state (the task's body); a state that is no longer
    the round's is dropped, not computed."""
    intervals = RankIntervals.objects.select_related("round", "round__cycle").filter(pk=intervals_id).first()
    if intervals is None or intervals.status == ReportStatus.DONE:
        return
    started = time.perf_counter()
    RankIntervals.objects.filter(pk=intervals.pk).update(status=ReportStatus.RUNNING, updated_at=timezone.now())
    try:
        record = round_record(intervals.round)
        if review_state(record) != intervals.state:  # reviews changed while it waited: the page asks again
            intervals.delete()
            return
        result = compute_ranking(record, method=intervals.method, bootstrap=intervals.samples)
        found = {str(row["submission"]): row["interval"] for row in result["rows"] if "interval" in row}
        RankIntervals.objects.filter(pk=intervals.pk).update(
            status=ReportStatus.DONE, intervals=found, seconds=time.perf_counter() - started,
            updated_at=timezone.now())
        RankIntervals.objects.filter(round=intervals.round).exclude(pk=intervals.pk).delete()
    except Exception as exc:
        RankIntervals.objects.filter(pk=intervals.pk).update(status=ReportStatus.FAILED, error=str(exc)[:300])
        raise


@transaction.atomic
def set_round_method(*, round: Round, method: str, actor) -> Round:
    if method not in normalisation.METHODS:
        raise ValidationFailed(_("Unknown method."), code="unknown_method")
    round.method = method
    round.save(update_fields=["method", "updated_at"])
    log_action(round, "awards.round.method_set", actor=actor, data={"method": method})
    return round


@transaction.atomic
def decide_submission(*, submission: Submission, status: str, reason: str, actor) -> Submission:
    """Staff decision (ineligible / deserving / shortlisted / winner) with its reason; audited."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if status not in DECISION_STATUSES:
        raise ValidationFailed(_("Unknown decision."), code="unknown_decision")
    if not reason.strip():
        raise ValidationFailed(_("Record the reason for the decision."), code="reason_missing", field="reason")
    if submission.status in (SubmissionStatus.DRAFT, SubmissionStatus.WITHDRAWN):
        raise Conflict(_("Only submitted initiatives can be decided on."), code="not_submitted")
    previous = submission.status
    submission.status = status
    submission.decision_reason = reason.strip()
    submission.save(update_fields=["status", "decision_reason", "updated_at"])
    log_action(submission, "awards.submission.decided", actor=actor,
               data={"from": previous, "to": status, "reason": submission.decision_reason})
    return submission


# ---------------------------------------------------------------- public vote


def check_rate(key: str, *, limit: int = 10, window: int = 3600) -> None:
    """At most `limit` attempts per `window` seconds for one key (e.g. a client address)."""
    cache_key = f"awards-rate:{key}"
    cache.add(cache_key, 0, window)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        cache.set(cache_key, 1, window)
        count = 1
    if count > limit:
        raise RateLimited(_("Too many attempts; try again later."))


def _check_vote_open(cycle: Cycle, submission: Submission, now) -> None:
    if now < cycle.vote_opens_at:
        raise Conflict(_("The public vote has not opened yet."), code="vote_not_open")
    if now >= cycle.vote_closes_at:
        raise Conflict(_("The public vote is closed."), code="vote_closed")
    if submission.cycle_id != cycle.pk or submission.status not in FINALIST_STATUSES:
        raise NotFound(_("This initiative is not a finalist."), code="not_a_finalist")


@transaction.atomic
def cast_public_vote(*, cycle: Cycle, submission: Submission, email: str, now=None, lock: bool = True,
                     _pause=None) -> PublicVote:
    """One vote per verified e-mail per cycle: the cycle row is locked and the database has a unique constraint."""
    now = now or timezone.now()
    email = email.strip().lower()
    if lock:
        Cycle.objects.select_for_update().get(pk=cycle.pk)
    _check_vote_open(cycle, submission, now)
    if PublicVote.objects.filter(cycle=cycle, email=email).exists():
        raise Conflict(_("This e-mail address has already voted in this cycle."), code="already_voted")
    if _pause is not None:
        _pause()  # tests widen the window between the check and the insert
    try:
        with transaction.atomic():
            vote = PublicVote.objects.create(cycle=cycle, submission=submission, email=email)
    except IntegrityError as exc:
        raise Conflict(_("This e-mail address has already voted in this cycle."), code="already_voted") from exc
    log_action(None, "awards.public_vote.cast", data={"cycle": cycle.pk})
    return vote


def _verified_email(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    from allauth.account.models import EmailAddress

    if EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        return user.email
    return None


@transaction.atomic
def request_public_vote(*, cycle: Cycle, submission: Submission, user=None, email: str = "",
                        now=None) -> PublicVote | VoteRequest:
    """A logged-in voter with a verified e-mail votes at once; anyone else gets a confirmation link by e-mail."""
    now = now or timezone.now()
    verified = _verified_email(user)
    if verified:
        return cast_public_vote(cycle=cycle, submission=submission, email=verified, now=now)
    _check_vote_open(cycle, submission, now)
    email = (email or "").strip().lower()
    from django.core.validators import validate_email

    try:
        validate_email(email)
    except Exception as exc:
        raise ValidationFailed(_("Enter a valid e-mail address."), code="email_invalid", field="email") from exc
    if PublicVote.objects.filter(cycle=cycle, email=email).exists():
        raise Conflict(_("This e-mail address has already voted in this cycle."), code="already_voted")
    request = VoteRequest.objects.create(cycle=cycle, submission=submission, email=email,
                                         token=secrets.token_urlsafe(32))
    from .tasks import task_send_vote_confirmation

    transaction.on_commit(lambda: task_send_vote_confirmation.enqueue(request_id=request.pk))
    return request


def send_vote_confirmation(*, request_id: int) -> None:
    from django.core.mail import send_mail
    from django.urls import reverse

    request = VoteRequest.objects.select_related("cycle", "submission").get(pk=request_id)
    link = reverse("awards:vote_confirm", args=[request.token])
    send_mail(_("Confirm your vote"),
              _("Confirm your vote for %(title)s by opening this link: %(link)s")
              % {"title": request.submission.title, "link": link}, None, [request.email])


@transaction.atomic
def confirm_public_vote(*, token: str, now=None) -> PublicVote:
    request = VoteRequest.objects.select_for_update().select_related("cycle", "submission").filter(token=token).first()
    if request is None:
        raise NotFound(_("This confirmation link is not valid."), code="bad_token")
    if request.confirmed_at is not None:
        raise Conflict(_("This vote has already been confirmed."), code="already_voted")
    vote = cast_public_vote(cycle=request.cycle, submission=request.submission, email=request.email, now=now)
    request.confirmed_at = timezone.now()
    request.save(update_fields=["confirmed_at", "updated_at"])
    return vote


# ---------------------------------------------------------------- showcase and report


@transaction.atomic
def set_cycle_publication(*, cycle: Cycle, showcase_public: bool, results_public: bool, actor) -> Cycle:
    cycle.showcase_public = showcase_public
    cycle.results_public = results_public
    cycle.save(update_fields=["showcase_public", "results_public", "updated_at"])
    log_action(cycle, "awards.cycle.publication_set", actor=actor,
               data={"showcase_public": showcase_public, "results_public": results_public})
    return cycle


@transaction.atomic
def start_report(*, cycle: Cycle, actor) -> ReportJob:
    """Queue the PDF of the SDG report (built by a background task)."""
    from .tasks import task_build_report

    job = ReportJob.objects.create(cycle=cycle, requested_by=actor if getattr(actor, "is_authenticated", False) else None)
    transaction.on_commit(lambda: task_build_report.enqueue(job_id=job.pk))
    return job


def _progress(job: ReportJob, status: str, progress: int) -> None:
    ReportJob.objects.filter(pk=job.pk).update(status=status, progress=progress, updated_at=timezone.now())


def build_report(*, job_id: int) -> None:
    """Build the PDF, recording progress as it goes."""
    from .report_pdf import render_report_pdf
    from .selectors import sdg_report_data

    job = ReportJob.objects.select_related("cycle").get(pk=job_id)
    try:
        _progress(job, ReportStatus.RUNNING, 10)
        data = sdg_report_data(job.cycle)
        _progress(job, ReportStatus.RUNNING, 50)
        pdf = render_report_pdf(job.cycle, data)
        _progress(job, ReportStatus.RUNNING, 90)
        job.file.save(f"sdg-report-{job.cycle.slug}-{job.pk}.pdf", ContentFile(pdf), save=False)
        ReportJob.objects.filter(pk=job.pk).update(file=job.file.name, status=ReportStatus.DONE, progress=100)
    except Exception as exc:
        ReportJob.objects.filter(pk=job.pk).update(status=ReportStatus.FAILED, error=str(exc)[:300])
        raise
