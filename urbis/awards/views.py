"""Thin views: parse, permit, call one service, answer."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from urbis.core.errors import DomainError
from urbis.core.models import SDG, Theme
from urbis.core.taxonomies import WORLD_REGIONS

from . import permissions, selectors, services
from .enums import PairRuleKind, ReportStatus, SubmissionStatus
from .forms import (
    AttachmentForm,
    ConflictForm,
    CriterionForm,
    CycleZoneForm,
    DecisionForm,
    ExpertiseForm,
    MessageForm,
    PanelForm,
    PanelMemberForm,
    PanelRenameForm,
    RoundForm,
    SubmissionForm,
    VoteForm,
)
from .models import (
    Assignment,
    Award,
    Criterion,
    Cycle,
    DeclaredConflict,
    Panel,
    PanelMember,
    ReportJob,
    Review,
    Round,
    Submission,
)
from .sdg_suggest import suggest


def _deny(allowed: bool) -> None:
    if not allowed:
        raise DjangoPermissionDenied


def _int(value) -> int:
    """A posted id; anything that is not a whole number is an id that matches nothing (so a 404, not a 500)."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return 0
    return number if 0 < number < 2**63 else 0


def _client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


# ---------------------------------------------------------------- public and applicants


@require_GET
def cycle_list(request):
    cycles = Cycle.objects.select_related("award").order_by("-year")
    return render(request, "awards/cycle_list.html", {"cycles": cycles, "awards": Award.objects.all()})


@require_GET
def cycle_detail(request, slug):
    cycle = get_object_or_404(Cycle.objects.select_related("award"), slug=slug)
    rounds = cycle.rounds.select_related("panel") if permissions.is_award_staff(request.user) else []
    return render(request, "awards/cycle_detail.html", {"cycle": cycle, "now": timezone.now(), "rounds": rounds,
                                                        **_zones(request, cycle)})


@login_required
@require_GET
def my_submissions(request):
    return render(request, "awards/my_submissions.html", {"submissions": selectors.my_submissions(request.user)})


def _submission_form_response(request, cycle, form, submission=None):
    return render(request, "awards/submission_form.html", {"cycle": cycle, "form": form, "submission": submission,
                                                           **_zones(request, cycle)})


def _save_from_form(request, cycle, form, submission=None):
    data = {k: v for k, v in form.cleaned_data.items() if k in services.SUBMISSION_FIELDS}
    data["links"] = form.cleaned_data.get("links_text", [])
    return services.save_submission(
        cycle=cycle, actor=request.user, data=data, submission=submission,
        applicant=form.cleaned_data.get("applicant"), new_applicant_name=form.cleaned_data.get("new_applicant_name", ""),
        sdg_numbers=[g.number for g in form.cleaned_data["sdgs"]], theme_slugs=[t.slug for t in form.cleaned_data["themes"]])


@login_required
@require_http_methods(["GET", "POST"])
def submission_new(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.can_apply(request.user))
    form = SubmissionForm(request.POST or None, initial={"contact_email": request.user.email})
    if request.method == "POST" and form.is_valid():
        try:
            submission = _save_from_form(request, cycle, form)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Draft saved. Add attachments, then submit."))
            return redirect("awards:submission", submission_id=submission.pk)
    return _submission_form_response(request, cycle, form)


@login_required
@require_http_methods(["GET", "POST"])
def submission_edit(request, submission_id):
    submission = get_object_or_404(Submission.objects.select_related("cycle"), pk=submission_id)
    _deny(permissions.can_edit_submission(request.user, submission))
    form = SubmissionForm(request.POST or None, instance=submission,
                          initial={"sdgs": submission.sdgs.all(), "themes": submission.themes.all()})
    if request.method == "POST" and form.is_valid():
        try:
            _save_from_form(request, submission.cycle, form, submission)
        except DomainError as exc:
            form.add_error(None, str(exc.message))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("awards:submission", submission_id=submission.pk)
    submission.refresh_from_db()
    return _submission_form_response(request, submission.cycle, form, submission)


@require_POST
def sdg_suggestions(request, slug=None, submission_id=None):
    """HTMX: the top-3 SDGs for the description being typed; the applicant ticks the ones that apply."""
    _deny(permissions.can_apply(request.user))
    services.check_rate(f"sdg:{request.user.pk}", limit=600, window=3600)
    text = " ".join(request.POST.get(k, "") for k in ("title", "summary", "description"))[:20_000]
    goals = {g.number: g for g in SDG.objects.all()}
    suggestions = [goals[n] for n in suggest(text) if n in goals]
    return render(request, "awards/_sdg_suggestions.html", {"suggestions": suggestions})


@login_required
@require_GET
def submission_detail(request, submission_id):
    submission = get_object_or_404(Submission.objects.select_related("cycle", "applicant"), pk=submission_id)
    _deny(permissions.can_view_submission(request.user, submission))
    feedback = []
    if permissions.can_see_applicant_feedback(request.user, submission):
        feedback = [r.comment_to_applicant for r in Review.objects.filter(
            assignment__submission=submission, status="submitted").exclude(comment_to_applicant="")]
    return render(request, "awards/submission_detail.html", {
        "submission": submission, "can_edit": permissions.can_edit_submission(request.user, submission),
        "is_staff": permissions.is_award_staff(request.user), "attachment_form": AttachmentForm(),
        "decision_form": DecisionForm(initial={"status": submission.status}), "feedback": feedback,
        "problems": services.eligibility_problems(submission) if submission.status == SubmissionStatus.DRAFT else [],
        **_zones(request, submission.cycle)})


def _post_action(request, submission_id, allowed, action, success):
    submission = get_object_or_404(Submission.objects.select_related("cycle"), pk=submission_id)
    _deny(allowed(request.user, submission))
    try:
        action(submission)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect("awards:submission", submission_id=submission.pk)


@login_required
@require_POST
def submission_submit(request, submission_id):
    return _post_action(request, submission_id, permissions.can_edit_submission,
                        lambda s: services.submit_submission(submission=s, actor=request.user),
                        _("Your initiative has been submitted."))


@login_required
@require_POST
def submission_withdraw(request, submission_id):
    def allowed(user, s):
        return user.is_authenticated and s.submitted_by_id == user.pk

    return _post_action(request, submission_id, allowed,
                        lambda s: services.withdraw_submission(submission=s, actor=request.user),
                        _("The submission has been withdrawn."))


@login_required
@require_POST
def attachment_add(request, submission_id):
    form = AttachmentForm(request.POST, request.FILES)

    def action(s):
        if not form.is_valid():
            raise services.ValidationFailed(_("Choose a file."), code="file_missing")
        services.add_attachment(submission=s, upload=form.cleaned_data["file"], actor=request.user)

    return _post_action(request, submission_id, permissions.can_edit_submission, action, _("Attachment added."))


@login_required
@require_POST
def submission_decide(request, submission_id):
    form = DecisionForm(request.POST)

    def action(s):
        if not form.is_valid():
            raise services.ValidationFailed(_("Choose a decision and give the reason."), code="decision_invalid")
        services.decide_submission(submission=s, status=form.cleaned_data["status"],
                                   reason=form.cleaned_data["reason"], actor=request.user)

    return _post_action(request, submission_id, lambda u, s: permissions.is_award_staff(u), action,
                        _("Decision recorded."))


# ---------------------------------------------------------------- staff: submissions


def _filters(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in ("status", "country", "region", "sdg", "theme", "q")}


@login_required
@require_GET
def staff_submissions(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.is_award_staff(request.user))
    filters = _filters(request)
    qs = selectors.filter_submissions(selectors.submissions_of_cycle(cycle), **filters)
    return render(request, "awards/staff_submissions.html", {
        "cycle": cycle, "submissions": qs[:500], "count": qs.count(), "filters": filters,
        "statuses": SubmissionStatus.choices, "regions": WORLD_REGIONS, "sdgs": SDG.objects.all(),
        "themes": Theme.objects.all(), "message_form": MessageForm(), "query": request.GET.urlencode(),
        "rounds": cycle.rounds.select_related("panel")})


EXPORT_HEADERS = ["id", "title", "applicant", "city", "country", "region", "status", "start_year", "stage",
                  "budget_range", "contact_name", "contact_email", "sdgs", "themes", "submitted_at"]


def _export_rows(qs):
    for s in qs:
        yield [s.pk, s.title, s.applicant.name, s.city, s.country, s.region, s.status, s.start_year, s.stage,
               s.budget_range, s.contact_name, s.contact_email, " ".join(str(g.number) for g in s.sdgs.all()),
               " ".join(t.slug for t in s.themes.all()),
               s.submitted_at.isoformat() if s.submitted_at else ""]


@login_required
@require_GET
def staff_export(request, slug, fmt):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.is_award_staff(request.user))
    qs = selectors.filter_submissions(selectors.submissions_of_cycle(cycle), **_filters(request))
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(EXPORT_HEADERS)
        writer.writerows(_export_rows(qs))
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        import tablib

        book = tablib.Dataset(headers=EXPORT_HEADERS)
        for row in _export_rows(qs):
            book.append(row)
        response = HttpResponse(book.export("xlsx"),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="submissions-{cycle.slug}.{fmt}"'
    return response


@login_required
@require_POST
def staff_message(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.is_award_staff(request.user))
    form = MessageForm(request.POST)
    qs = selectors.filter_submissions(selectors.submissions_of_cycle(cycle), **_filters(request))
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_("Write a subject and a message."), code="message_empty")
        n = services.message_applicants(submissions=list(qs), subject=form.cleaned_data["subject"],
                                        body=form.cleaned_data["body"], actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Message sent to %(n)s applicant(s).") % {"n": n})
    return redirect("awards:staff_submissions", slug=cycle.slug)


@login_required
@require_POST
def staff_publication(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.is_award_staff(request.user))
    services.set_cycle_publication(cycle=cycle, showcase_public=bool(request.POST.get("showcase_public")),
                                   results_public=bool(request.POST.get("results_public")), actor=request.user)
    messages.success(request, _("Publication settings saved."))
    return redirect("awards:cycle", slug=cycle.slug)


# ---------------------------------------------------------------- staff: rounds


def round_half_pct(part: int, whole: int) -> int:
    return int(100 * part / whole + 0.5) if whole else 0


def _staff_round(request, round_id) -> Round:
    _deny(permissions.is_award_staff(request.user))
    try:
        return selectors.round_with_joins(round_id)
    except DomainError as exc:
        raise Http404 from exc


@login_required
@require_GET
def round_detail(request, round_id):
    round = _staff_round(request, round_id)
    loads = selectors.reviewer_loads(round)
    most = max([row["assigned"] for row in loads] + [1])
    loads = [{**row, "done_pct": round_half_pct(row["done"], most),
              "open_pct": round_half_pct(row["assigned"] - row["done"], most)} for row in loads]
    return render(request, "awards/round_detail.html", {
        "round": round, "run": round.runs.first(), "loads": loads,
        "rules": selectors.pair_rules_of_round(round), "assignments": selectors.assignments_of_round(round),
        "members": PanelMember.objects.filter(panel_id=round.panel_id).select_related("person").order_by(
            "person__last_name", "person__first_name", "pk"),
        "pool": selectors.round_pool_titles(round), **_zones(request, round.cycle)})


@login_required
@require_POST
def round_assign(request, round_id):
    round = _staff_round(request, round_id)
    try:
        run = services.run_assignment(round=round, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Assignment done: objective %(obj)s, bound %(bound)s.")
                         % {"obj": f"{run.objective:g}", "bound": f"{run.bound:g}"})
    return redirect("awards:round", round_id=round.pk)


@login_required
@require_POST
def round_rule(request, round_id):
    round = _staff_round(request, round_id)
    submission = get_object_or_404(Submission, pk=_int(request.POST.get("submission")), cycle=round.cycle)
    member = get_object_or_404(PanelMember.objects.select_related("person__organisation"),
                               pk=_int(request.POST.get("member")), panel=round.panel)
    kind = request.POST.get("kind") or None
    try:
        if kind not in (None, PairRuleKind.PIN, PairRuleKind.FORBID):
            raise services.ValidationFailed(_("Unknown rule."), code="unknown_rule")
        services.set_pair_rule(round=round, submission=submission, member=member, kind=kind, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Rule saved; run the assignment again to apply it."))
    return redirect("awards:round", round_id=round.pk)


@login_required
@require_POST
def round_remind(request, round_id):
    round = _staff_round(request, round_id)
    n = services.send_review_reminders(round=round, actor=request.user)
    messages.success(request, _("Reminders sent to %(n)s reviewer(s).") % {"n": n})
    return redirect("awards:round", round_id=round.pk)


@login_required
@require_http_methods(["GET", "POST"])
def round_ranking(request, round_id):
    round = _staff_round(request, round_id)
    if request.method == "POST":
        try:
            services.set_round_method(round=round, method=request.POST.get("method", ""), actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("awards:round_ranking", round_id=round.pk)
    # the ranking is exact and immediate; the intervals come from a background task, once per review state
    record, result = services.round_record_and_ranking(round)
    intervals = services.request_rank_intervals(round=round, record=record)
    ready = intervals.status == ReportStatus.DONE
    subs = Submission.objects.only("pk", "title", "status").in_bulk([row["submission"] for row in result["rows"]])
    decide = reverse("awards:submission_decide", args=[0]).replace("/0/", "/{}/")
    show = reverse("awards:submission", args=[0]).replace("/0/", "/{}/")
    labels = {value: str(label) for value, label in SubmissionStatus.choices}  # translated once, not per row
    rows = [{**row, "obj": subs[row["submission"]], "decide_url": decide.format(row["submission"]),
             "status_label": labels.get(subs[row["submission"]].status, ""),
             "url": show.format(row["submission"]),
             "interval": intervals.intervals.get(str(row["submission"])) if ready else None}
            for row in result["rows"]]
    return render(request, "awards/round_ranking.html", {
        "round": round, "rows": rows, "intervals": intervals, "intervals_ready": ready})


@login_required
@require_http_methods(["GET", "POST"])
def round_ranking_intervals(request, round_id):
    """HTMX: whether the rank intervals of the round's current reviews are ready (the page then reloads)."""
    round = _staff_round(request, round_id)
    intervals = services.request_rank_intervals(round=round)
    if request.method == "POST":
        try:
            intervals = services.retry_rank_intervals(intervals=intervals, actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("awards:round_ranking", round_id=round.pk)
    response = render(request, "awards/_rank_intervals_status.html", {"round": round, "intervals": intervals})
    if intervals.status == ReportStatus.DONE:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_GET
def round_record_export(request, round_id):
    round = _staff_round(request, round_id)
    response = JsonResponse(services.round_record(round), json_dumps_params={"indent": 1})
    response["Content-Disposition"] = f'attachment; filename="round-{round.pk}.json"'
    return response


# ---------------------------------------------------------------- reviewers


@login_required
@require_GET
def review_list(request):
    return render(request, "awards/review_list.html", {"assignments": selectors.assignments_of_member(request.user),
                                                       "visitor_zone": getattr(request, "display_tz", None)})


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request, assignment_id):
    assignment = get_object_or_404(Assignment.objects.select_related(
        "round", "round__cycle", "submission", "submission__applicant", "member__person__organisation"),
        pk=assignment_id)
    _deny(permissions.can_review(request.user, assignment))
    criteria = list(assignment.round.criteria.all())
    if request.method == "POST":
        try:
            if request.POST.get("abstain"):
                services.abstain_review(assignment=assignment, actor=request.user,
                                        reason=request.POST.get("abstain_reason", ""))
            else:
                scores = {c.pk: request.POST.get(f"c{c.pk}", "") for c in criteria}
                services.save_review(assignment=assignment, actor=request.user, scores=scores,
                                     comment_to_staff=request.POST.get("comment_to_staff", ""),
                                     comment_to_applicant=request.POST.get("comment_to_applicant", ""),
                                     submit=bool(request.POST.get("submit")))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Review saved."))
            return redirect("awards:review", assignment_id=assignment.pk)
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    assignment.review = review
    values = {s.criterion_id: s.value for s in review.scores.all()} if review else {}
    others = []
    if review is not None and permissions.can_see_co_reviews(request.user, assignment):
        others = (Review.objects.filter(assignment__submission=assignment.submission, assignment__round=assignment.round)
                  .exclude(assignment=assignment).select_related("assignment__member__person")
                  .prefetch_related("scores"))
    return render(request, "awards/review_detail.html", {
        "assignment": assignment, "submission": assignment.submission, "review": review,
        "criteria": [(c, values.get(c.pk, request.POST.get(f"c{c.pk}", ""))) for c in criteria], "others": others,
        **_zones(request, assignment.round.cycle)})


@login_required
@require_POST
def review_conflict(request, assignment_id):
    """The assigned reviewer declares a conflict of interest: the assignment is dropped."""
    assignment = get_object_or_404(Assignment.objects.select_related(
        "submission", "member__person__organisation"), pk=assignment_id)
    _deny(permissions.can_review(request.user, assignment))
    try:
        if getattr(assignment, "review", None) is not None and assignment.review.status in ("submitted", "abstained"):
            raise services.Conflict(_("This review has already been submitted."), code="review_closed")
        services.declare_conflict(member=assignment.member, submission=assignment.submission, actor=request.user,
                                  reason=request.POST.get("reason", "")[:300])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("awards:review", assignment_id=assignment.pk)
    messages.success(request, _("Conflict of interest recorded; the secretariat will reassign this submission."))
    return redirect("awards:review_list")


# ---------------------------------------------------------------- public: showcase, vote, report


def _showcase_filters(request) -> dict:
    return {key: request.GET.get(key, "").strip() for key in ("sdg", "region", "theme")}


@require_GET
def showcase(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.can_view_showcase(request.user, cycle))
    filters = _showcase_filters(request)
    qs = selectors.filter_submissions(selectors.showcase_submissions(cycle), **filters)
    return render(request, "awards/showcase.html", {
        "cycle": cycle, "entries": qs, "filters": filters, "regions": WORLD_REGIONS, "sdgs": SDG.objects.all(),
        "themes": Theme.objects.all()})


@require_GET
def showcase_entry(request, slug, submission_id):
    submission = get_object_or_404(Submission.objects.select_related("cycle", "applicant"), pk=submission_id,
                                   cycle__slug=slug)
    _deny(permissions.can_view_showcase_entry(request.user, submission))
    return render(request, "awards/showcase_entry.html", {"submission": submission, "cycle": submission.cycle})


@require_http_methods(["GET", "POST"])
def vote(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.can_view_showcase(request.user, cycle))
    form = VoteForm(request.POST or None)
    if request.method == "POST":
        try:
            services.check_rate(f"vote:{_client_key(request)}", limit=20, window=3600)
            if not form.is_valid():
                raise services.ValidationFailed(_("Choose a finalist."), code="vote_invalid")
            submission = get_object_or_404(Submission, pk=form.cleaned_data["submission"], cycle=cycle)
            outcome = services.request_public_vote(cycle=cycle, submission=submission, user=request.user,
                                                   email=form.cleaned_data.get("email") or "")
        except DomainError as exc:
            messages.error(request, str(exc.message))
            status = exc.status
        else:
            status = 200
            if isinstance(outcome, services.PublicVote):
                messages.success(request, _("Thank you: your vote for %(title)s is counted.") % {"title": submission.title})
            else:
                messages.success(request, _("We sent a confirmation link to %(email)s; open it to count your vote.")
                                 % {"email": outcome.email})
            return redirect("awards:vote", slug=cycle.slug)
        return render(request, "awards/vote.html", _vote_context(request, cycle, form), status=status)
    return render(request, "awards/vote.html", _vote_context(request, cycle, form))


def _vote_context(request, cycle, form):
    now = timezone.now()
    return {"cycle": cycle, "form": form, "finalists": selectors.finalists(cycle), "now": now,
            "open": cycle.vote_opens_at <= now < cycle.vote_closes_at,
            "verified": bool(services._verified_email(request.user)), **_zones(request, cycle)}


@require_GET
def vote_confirm(request, token):
    try:
        vote = services.confirm_public_vote(token=token)
    except DomainError as exc:
        return render(request, "awards/vote_confirmed.html", {"error": str(exc.message)}, status=exc.status)
    return render(request, "awards/vote_confirmed.html", {"vote": vote, "cycle": vote.cycle})


@require_GET
def report(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.can_view_report(request.user, cycle))
    data = selectors.sdg_report_data(cycle)
    chart = {"sdg": {"labels": [f"SDG {r['number']}" for r in data["by_sdg"]],
                     "values": [r["count"] for r in data["by_sdg"]], "colours": [r["colour"] for r in data["by_sdg"]]},
             "region": {"labels": [str(r["label"]) for r in data["by_region"]],
                        "values": [r["count"] for r in data["by_region"]]}}
    return render(request, "awards/report.html", {"cycle": cycle, "data": data, "chart_json": json.dumps(chart)})


@require_POST
def report_pdf_start(request, slug):
    cycle = get_object_or_404(Cycle, slug=slug)
    _deny(permissions.can_view_report(request.user, cycle))
    services.check_rate(f"report:{_client_key(request)}", limit=10, window=3600)
    job = services.start_report(cycle=cycle, actor=request.user)
    return redirect("awards:report_status", job_id=job.pk)


@require_GET
def report_status(request, job_id):
    job = get_object_or_404(ReportJob.objects.select_related("cycle"), pk=job_id)
    _deny(permissions.can_view_report(request.user, job.cycle))
    template = "awards/_report_progress.html" if request.headers.get("HX-Request") else "awards/report_status.html"
    return render(request, template, {"job": job, "done": job.status == ReportStatus.DONE})


@require_GET
def report_download(request, job_id):
    job = get_object_or_404(ReportJob.objects.select_related("cycle"), pk=job_id)
    _deny(permissions.can_view_report(request.user, job.cycle))
    if job.status != ReportStatus.DONE or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), content_type="application/pdf", as_attachment=True,
                        filename=f"sdg-report-{job.cycle.slug}.pdf")



# ---------------------------------------------------------------- staff: set-up of panels, rounds and rubrics


def _zones(request, cycle) -> dict:
    """The cycle's reference zone and the visitor's (None when unknown), for award_when and the zone bar."""
    return {"cycle_zone": cycle.zone, "visitor_zone": getattr(request, "display_tz", None),
            "zone_next": request.get_full_path()}


def _staff_cycle(request, slug) -> Cycle:
    _deny(permissions.can_set_up_award(request.user))
    return get_object_or_404(Cycle.objects.select_related("award"), slug=slug)


def _invalid(form) -> str:
    """The first error of a form, as one sentence for a page message."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return _("Check the form.")


@login_required
@require_GET
def staff_cycles(request):
    _deny(permissions.can_set_up_award(request.user))
    cycles = Cycle.objects.select_related("award").annotate(
        panel_count=Count("panels", distinct=True), round_count=Count("rounds", distinct=True)).order_by("-year", "pk")
    return render(request, "awards/staff_cycles.html", {"cycles": cycles})


def _setup_page(request, cycle, *, panel_form=None, round_form=None, zone_form=None, status=200):
    return render(request, "awards/cycle_setup.html", {
        "cycle": cycle, "panels": selectors.cycle_panels(cycle), "rounds": selectors.cycle_rounds(cycle),
        "panel_form": panel_form or PanelForm(), "round_form": round_form or RoundForm(cycle=cycle),
        "zone_form": zone_form or CycleZoneForm(initial={"time_zone": cycle.time_zone}), **_zones(request, cycle)},
        status=status)


@login_required
@require_GET
def cycle_setup(request, slug):
    return _setup_page(request, _staff_cycle(request, slug))


@login_required
@require_POST
def cycle_zone(request, slug):
    cycle = _staff_cycle(request, slug)
    form = CycleZoneForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="zone_invalid")
        services.set_cycle_time_zone(cycle=cycle, time_zone=form.cleaned_data["time_zone"].strip(),
                                     actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _setup_page(request, cycle, zone_form=form, status=exc.status)
    messages.success(request, _("Reference time zone saved: %(zone)s.") % {"zone": cycle.time_zone})
    return redirect("awards:cycle_setup", slug=cycle.slug)


@login_required
@require_POST
def panel_new(request, slug):
    cycle = _staff_cycle(request, slug)
    form = PanelForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="panel_invalid")
        panel = services.add_new_panel(cycle=cycle, kind=form.cleaned_data["kind"], name=form.cleaned_data["name"],
                                       actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _setup_page(request, cycle, panel_form=form, status=exc.status)
    messages.success(request, _("Panel created; now add its members."))
    return redirect("awards:panel", panel_id=panel.pk)


@login_required
@require_POST
def round_new(request, slug):
    cycle = _staff_cycle(request, slug)
    form = RoundForm(request.POST, cycle=cycle)
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="round_invalid")
        data = form.cleaned_data
        round = services.create_round(cycle=cycle, panel=data["panel"], name=data["name"], actor=request.user,
                                      k=data["k"], pool_statuses=form.pool_statuses(),
                                      one_per_region=data["one_per_region"], position=data["position"],
                                      method=data["method"], closes_at=data["closes_at"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _setup_page(request, cycle, round_form=form, status=exc.status)
    messages.success(request, _("Round created; now write its rubric."))
    return redirect("awards:round_edit", round_id=round.pk)


def _staff_panel(request, panel_id):
    _deny(permissions.can_set_up_award(request.user))
    return get_object_or_404(Panel.objects.select_related("cycle"), pk=panel_id)


def _panel_page(request, panel, *, member_form=None, rename_form=None, status=200):
    return render(request, "awards/panel_detail.html", {
        "panel": panel, "cycle": panel.cycle, "members": selectors.panel_members(panel),
        "member_form": member_form or PanelMemberForm(),
        "rename_form": rename_form or PanelRenameForm(initial={"name": panel.name}),
        "rounds": panel.rounds.order_by("position", "pk")}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def panel_detail(request, panel_id):
    panel = _staff_panel(request, panel_id)
    if request.method == "POST":
        form = PanelRenameForm(request.POST)
        try:
            if not form.is_valid():
                raise services.ValidationFailed(_invalid(form), code="panel_invalid")
            services.rename_panel(panel=panel, name=form.cleaned_data["name"], actor=request.user)
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return _panel_page(request, panel, rename_form=form, status=exc.status)
        messages.success(request, _("Panel renamed."))
        return redirect("awards:panel", panel_id=panel.pk)
    return _panel_page(request, panel)


@login_required
@require_POST
def panel_member_add(request, panel_id):
    panel = _staff_panel(request, panel_id)
    form = PanelMemberForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="member_invalid")
        member = services.seat_panel_member(panel=panel, person=form.cleaned_data["person"], actor=request.user,
                                            **form.expertise())
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _panel_page(request, panel, member_form=form, status=exc.status)
    messages.success(request, _("%(name)s is on the panel.") % {"name": member.person})
    return redirect("awards:panel", panel_id=panel.pk)


def _staff_member(request, member_id):
    _deny(permissions.can_set_up_award(request.user))
    return get_object_or_404(PanelMember.objects.select_related("panel__cycle", "person__organisation"),
                             pk=member_id)


def _member_page(request, member, *, expertise_form=None, conflict_form=None, status=200):
    cycle = member.panel.cycle
    initial = {"themes": member.expertise_themes.all(), "sdgs": member.expertise_sdgs.all(),
               "regions": member.regions, "languages": member.languages}
    return render(request, "awards/panel_member.html", {
        "member": member, "panel": member.panel, "cycle": cycle,
        "expertise_form": expertise_form or ExpertiseForm(initial=initial),
        "conflict_form": conflict_form or ConflictForm(cycle=cycle),
        "conflicts": member.declared_conflicts.select_related("organisation", "submission").order_by("pk")},
        status=status)


@login_required
@require_http_methods(["GET", "POST"])
def panel_member(request, member_id):
    member = _staff_member(request, member_id)
    if request.method == "POST":
        form = ExpertiseForm(request.POST)
        try:
            if not form.is_valid():
                raise services.ValidationFailed(_invalid(form), code="expertise_invalid")
            services.update_panel_member(member=member, actor=request.user, **form.expertise())
        except DomainError as exc:
            messages.error(request, str(exc.message))
            return _member_page(request, member, expertise_form=form, status=exc.status)
        messages.success(request, _("Expertise saved."))
        return redirect("awards:panel_member", member_id=member.pk)
    return _member_page(request, member)


@login_required
@require_POST
def panel_member_remove(request, member_id):
    member = _staff_member(request, member_id)
    try:
        services.remove_panel_member(member=member, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("awards:panel_member", member_id=member.pk)
    messages.success(request, _("%(name)s has left the panel; run the assignment again where they had reviews "
                                "assigned.") % {"name": member.person})
    return redirect("awards:panel", panel_id=member.panel_id)


@login_required
@require_POST
def conflict_add(request, member_id):
    member = _staff_member(request, member_id)
    form = ConflictForm(request.POST, cycle=member.panel.cycle)
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="conflict_invalid")
        services.declare_conflict(member=member, actor=request.user, organisation=form.cleaned_data["organisation"],
                                  submission=form.cleaned_data["submission"], reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _member_page(request, member, conflict_form=form, status=exc.status)
    messages.success(request, _("Conflict of interest recorded; open assignments it touches were dropped."))
    return redirect("awards:panel_member", member_id=member.pk)


@login_required
@require_POST
def conflict_remove(request, conflict_id):
    _deny(permissions.can_set_up_award(request.user))
    conflict = get_object_or_404(DeclaredConflict.objects.select_related("member"), pk=conflict_id)
    services.withdraw_conflict(conflict=conflict, actor=request.user)
    messages.success(request, _("Declared conflict removed."))
    return redirect("awards:panel_member", member_id=conflict.member_id)


def _round_edit_page(request, round, *, round_form=None, criterion_form=None, status=200):
    criteria = list(round.criteria.order_by("position", "pk"))
    return render(request, "awards/round_edit.html", {
        "round": round, "cycle": round.cycle, "locked": services.rubric_locked(round),
        "round_form": round_form or RoundForm(cycle=round.cycle, round=round),
        "criterion_form": criterion_form or CriterionForm(),
        "criteria": [(c, CriterionForm(initial={"name": c.name, "weight": c.weight, "scale_min": c.scale_min,
                                                "scale_max": c.scale_max, "position": c.position},
                                       prefix=f"c{c.pk}")) for c in criteria],
        **_zones(request, round.cycle)}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def round_edit(request, round_id):
    round = _staff_round(request, round_id)
    if request.method == "POST":
        form = RoundForm(request.POST, cycle=round.cycle, round=round)
        try:
            if not form.is_valid():
                raise services.ValidationFailed(_invalid(form), code="round_invalid")
            data = form.cleaned_data
            services.update_round(round=round, actor=request.user, name=data["name"], panel=data["panel"],
                                  k=data["k"], pool_statuses=form.pool_statuses(round),
                                  one_per_region=data["one_per_region"], method=data["method"],
                                  closes_at=data["closes_at"], position=data["position"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
            round.refresh_from_db()
            return _round_edit_page(request, round, round_form=form, status=exc.status)
        messages.success(request, _("Round saved."))
        return redirect("awards:round_edit", round_id=round.pk)
    return _round_edit_page(request, round)


@login_required
@require_POST
def criterion_add(request, round_id):
    round = _staff_round(request, round_id)
    form = CriterionForm(request.POST)
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="criterion_invalid")
        data = form.cleaned_data
        services.add_criterion(round=round, name=data["name"], weight=data["weight"], scale_min=data["scale_min"],
                               scale_max=data["scale_max"], actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _round_edit_page(request, round, criterion_form=form, status=exc.status)
    messages.success(request, _("Criterion added."))
    return redirect("awards:round_edit", round_id=round.pk)


def _staff_criterion(request, criterion_id):
    _deny(permissions.can_set_up_award(request.user))
    return get_object_or_404(Criterion.objects.select_related("round__cycle", "round__panel"), pk=criterion_id)


@login_required
@require_POST
def criterion_edit(request, criterion_id):
    criterion = _staff_criterion(request, criterion_id)
    form = CriterionForm(request.POST, prefix=f"c{criterion.pk}")
    try:
        if not form.is_valid():
            raise services.ValidationFailed(_invalid(form), code="criterion_invalid")
        data = form.cleaned_data
        services.update_criterion(criterion=criterion, name=data["name"], weight=data["weight"],
                                  scale_min=data["scale_min"], scale_max=data["scale_max"],
                                  position=data["position"] if data["position"] is not None else criterion.position,
                                  actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        criterion.refresh_from_db()
        return _round_edit_page(request, criterion.round, status=exc.status)
    messages.success(request, _("Criterion saved."))
    return redirect("awards:round_edit", round_id=criterion.round_id)


@login_required
@require_POST
def criterion_delete(request, criterion_id):
    criterion = _staff_criterion(request, criterion_id)
    try:
        services.delete_criterion(criterion=criterion, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _round_edit_page(request, criterion.round, status=exc.status)
    messages.success(request, _("Criterion removed."))
    return redirect("awards:round_edit", round_id=criterion.round_id)
