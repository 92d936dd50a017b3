"""Services: submissions and eligibility, attachments, panels and conflicts, reviews, decisions, record."""

import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from PIL import Image

from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from urbis.awards import services
from urbis.awards.enums import PairRuleKind, ReviewStatus, SubmissionStatus
from urbis.awards.models import Assignment, Attachment, Review, Score, Submission
from urbis.core.errors import Conflict, PermissionDenied, ValidationFailed
from urbis.core.models import AuditEntry
from urbis.members.enums import OrganisationKind

from .conftest import CRITERIA
from .factories import CycleFactory, PanelFactory, PanelMemberFactory, SubmissionFactory

DATA = {"title": "Green corridors", "city": "Madrid", "country": "es", "contact_name": "Ana",
        "contact_email": "ana@example.org", "summary": "Trees.", "description": "Planting trees along streets.",
        "start_year": 2016, "stage": "implementation", "links": ["https://example.org"]}


@pytest.mark.django_db
def test_save_and_submit_submission_new_applicant(cycle):
    user = UserFactory()
    s = services.save_submission(cycle=cycle, actor=user, data=DATA, new_applicant_name="Madrid City Council",
                                 sdg_numbers=[11, 15], theme_slugs=["nature-based-solutions"])
    assert (s.status, s.country, s.region, s.applicant.kind, s.applicant.name) == (
        "draft", "ES", "europe", OrganisationKind.LOCAL_GOVERNMENT, "Madrid City Council")
    services.submit_submission(submission=s, actor=user)
    s.refresh_from_db()
    assert s.status == SubmissionStatus.SUBMITTED
    assert list(AuditEntry.objects.filter(object_id=str(s.pk), object_type="awards.submission")
                .values_list("action", flat=True).order_by("id")) == ["awards.submission.created",
                                                                       "awards.submission.submitted"]


@pytest.mark.django_db
def test_submit_refused_when_applicant_not_a_government(cycle):
    ngo = OrganisationFactory(kind=OrganisationKind.NGO)
    s = SubmissionFactory(cycle=cycle, applicant=ngo, status=SubmissionStatus.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_submission(submission=s, actor=s.submitted_by)
    assert exc.value.code == "applicant_not_government"
    assert Submission.objects.get(pk=s.pk).status == SubmissionStatus.DRAFT


@pytest.mark.django_db
def test_submit_refused_when_initiative_too_recent(cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT, start_year=2021)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_submission(submission=s, actor=s.submitted_by)
    assert exc.value.code == "initiative_too_recent"


@pytest.mark.django_db
def test_submit_refused_after_deadline(cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.submit_submission(submission=s, actor=s.submitted_by, now=cycle.call_closes_at + dt.timedelta(seconds=1))
    assert exc.value.code == "call_closed"
    assert Submission.objects.get(pk=s.pk).status == SubmissionStatus.DRAFT


@pytest.mark.django_db
def test_save_refused_after_deadline(cycle):
    with pytest.raises(ValidationFailed) as exc:
        services.save_submission(cycle=cycle, actor=UserFactory(), data=DATA, applicant=OrganisationFactory(),
                                 now=cycle.call_closes_at)
    assert exc.value.code == "call_closed"
    assert Submission.objects.count() == 0


@pytest.mark.django_db
def test_one_submission_per_applicant_service_and_database(cycle):
    org = OrganisationFactory()
    SubmissionFactory(cycle=cycle, applicant=org)
    with pytest.raises(Conflict) as exc:
        services.save_submission(cycle=cycle, actor=UserFactory(), data=DATA, applicant=org)
    assert exc.value.code == "one_submission_per_applicant"
    with pytest.raises(IntegrityError), transaction.atomic():
        SubmissionFactory(cycle=cycle, applicant=org)
    assert Submission.objects.filter(applicant=org).count() == 1


@pytest.mark.django_db
def test_withdrawn_submission_frees_the_applicant(cycle):
    org = OrganisationFactory()
    first = SubmissionFactory(cycle=cycle, applicant=org)
    services.withdraw_submission(submission=first, actor=first.submitted_by)
    second = services.save_submission(cycle=cycle, actor=UserFactory(), data=DATA, applicant=org)
    assert Submission.objects.get(pk=first.pk).status == "withdrawn" and second.status == "draft"


def _png(size=(4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, format="PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_attachment_pdf_and_image_accepted_by_content(cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT)
    pdf = services.add_attachment(submission=s, upload=SimpleUploadedFile("plan.bin", b"%PDF-1.4 hello"),
                                  actor=s.submitted_by)
    png = services.add_attachment(submission=s, upload=SimpleUploadedFile("photo.pdf", _png()), actor=s.submitted_by)
    assert [(a.content_type, a.file.name.rsplit(".", 1)[1]) for a in (pdf, png)] == [
        ("application/pdf", "pdf"), ("image/png", "png")]
    assert pdf.file.read() == b"%PDF-1.4 hello"


@pytest.mark.django_db
def test_attachment_wrong_type_refused_even_with_pdf_extension(cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.add_attachment(submission=s, upload=SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 executable"),
                                actor=s.submitted_by)
    assert exc.value.code == "attachment_wrong_type"
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_attachment_too_large_refused():
    cycle = CycleFactory(max_attachment_mb=1)
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT)
    with pytest.raises(ValidationFailed) as exc:
        services.add_attachment(submission=s, upload=SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 1024 * 1024),
                                actor=s.submitted_by)
    assert exc.value.code == "attachment_too_large"
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_message_applicants_sends_one_mail_each(cycle, django_capture_on_commit_callbacks):
    subs = [SubmissionFactory(cycle=cycle, contact_email=f"c{i}@example.org") for i in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        n = services.message_applicants(submissions=subs, subject="News", body="Hello", actor=None)
    assert n == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["c0@example.org", "c1@example.org"]


# ---------------------------------------------------------------- conflicts and assignment


@pytest.mark.django_db
def test_automatic_conflicts_own_country_city_and_organisation(cycle):
    panel = PanelFactory(cycle=cycle)
    org = OrganisationFactory(country="BR", city="Recife", region="latin-america")
    sub = SubmissionFactory(cycle=cycle, applicant=org)
    same_org = PanelMemberFactory(panel=panel, person=PersonFactory(organisation=org, country="PT"))
    same_country = PanelMemberFactory(panel=panel, person=PersonFactory(
        organisation=OrganisationFactory(country="DE", city="Berlin"), country="BR"))
    same_city = PanelMemberFactory(panel=panel, person=PersonFactory(
        organisation=OrganisationFactory(country="BR", city="recife "), country="PT"))
    free = PanelMemberFactory(panel=panel)
    from urbis.awards.selectors import conflict_reasons

    assert [conflict_reasons(m, sub) for m in (same_org, same_country, same_city, free)] == [
        ["own_organisation", "own_city", "own_country"], ["own_country"], ["own_city", "own_country"], []]


@pytest.mark.django_db
def test_run_assignment_never_assigns_conflicts_and_balances(cycle):
    panel = PanelFactory(cycle=cycle)
    members = [PanelMemberFactory(panel=panel) for _ in range(4)]  # all French
    spanish = [SubmissionFactory(cycle=cycle) for _ in range(6)]
    round = services.create_round(cycle=cycle, panel=panel, name="R", actor=None, k=2, criteria=CRITERIA)
    services.declare_conflict(member=members[0], organisation=spanish[0].applicant, actor=None)
    run = services.run_assignment(round=round, actor=None)
    pairs = set(Assignment.objects.filter(round=round).values_list("submission_id", "member_id"))
    assert (spanish[0].pk, members[0].pk) not in pairs
    assert sorted(sum(1 for p in pairs if p[0] == s.pk) for s in spanish) == [2] * 6
    assert sorted(sum(1 for p in pairs if p[1] == m.pk) for m in members) == [3, 3, 3, 3]
    assert (run.min_load, run.max_load, run.objective == run.bound) == (3, 3, True)


@pytest.mark.django_db
def test_run_assignment_infeasible_when_every_reviewer_conflicted(cycle):
    panel = PanelFactory(cycle=cycle)
    [PanelMemberFactory(panel=panel) for _ in range(3)]
    SubmissionFactory(cycle=cycle, applicant=OrganisationFactory(country="FR", city="Paris"))
    round = services.create_round(cycle=cycle, panel=panel, name="R", actor=None, k=2, criteria=CRITERIA)
    with pytest.raises(ValidationFailed) as exc:
        services.run_assignment(round=round, actor=None)
    assert exc.value.code == "assignment_infeasible"
    assert Assignment.objects.count() == 0


@pytest.mark.django_db
def test_pin_and_forbid_then_rerun(review_setup):
    round, members, subs = review_setup
    current = set(Assignment.objects.filter(round=round).values_list("submission_id", "member_id"))
    forbidden = sorted(current)[0]
    services.set_pair_rule(round=round, submission=Submission.objects.get(pk=forbidden[0]),
                           member=next(m for m in members if m.pk == forbidden[1]), kind=PairRuleKind.FORBID, actor=None)
    missing = next((s.pk, m.pk) for s in subs for m in members if (s.pk, m.pk) not in current and s.pk != forbidden[0])
    services.set_pair_rule(round=round, submission=Submission.objects.get(pk=missing[0]),
                           member=next(m for m in members if m.pk == missing[1]), kind=PairRuleKind.PIN, actor=None)
    services.run_assignment(round=round, actor=None)
    after = set(Assignment.objects.filter(round=round).values_list("submission_id", "member_id"))
    assert (forbidden in after, missing in after, len(after)) == (False, True, 8)


@pytest.mark.django_db
def test_pin_refused_for_conflicted_pair(review_setup):
    round, members, _subs = review_setup
    french = SubmissionFactory(cycle=round.cycle, applicant=OrganisationFactory(country="FR"))
    with pytest.raises(Conflict) as exc:
        services.set_pair_rule(round=round, submission=french, member=members[0], kind=PairRuleKind.PIN, actor=None)
    assert exc.value.code == "conflict_of_interest"


@pytest.mark.django_db
def test_region_rule_round_uses_mip(cycle):
    panel = PanelFactory(cycle=cycle)
    for c in ("FR", "DE", "JP", "KR"):
        PanelMemberFactory(panel=panel, person=PersonFactory(country=c, organisation=OrganisationFactory(country=c)))
    for _ in range(4):
        SubmissionFactory(cycle=cycle)
    round = services.create_round(cycle=cycle, panel=panel, name="R", actor=None, k=2, criteria=CRITERIA,
                                  one_per_region=True)
    run = services.run_assignment(round=round, actor=None)
    assert run.solver == "milp_highs"
    for sub_id in Submission.objects.values_list("pk", flat=True):
        countries = set(Assignment.objects.filter(round=round, submission_id=sub_id)
                        .values_list("member__person__country", flat=True))
        assert len(countries) == 2 and len(countries & {"FR", "DE"}) == 1


# ---------------------------------------------------------------- reviews


def _assignment_of(round, member):
    return Assignment.objects.filter(round=round, member=member).select_related("submission").first()


@pytest.mark.django_db
def test_save_review_scores_and_weighted_total(review_setup):
    round, members, _subs = review_setup
    a = _assignment_of(round, members[0])
    c = list(round.criteria.all())
    review = services.save_review(assignment=a, actor=members[0].person.user, submit=True,
                                  scores={c[0].pk: 10, c[1].pk: 1, c[2].pk: 3}, comment_to_applicant="Good")
    # rescaled to 0-10: 10, 0, 5 with weights 2, 1, 1 → (20 + 0 + 5) / 4
    assert (review.status, review.total) == (ReviewStatus.SUBMITTED, 6.25)
    assert sorted(Score.objects.filter(review=review).values_list("value", flat=True)) == [1, 3, 10]


@pytest.mark.django_db
def test_score_outside_scale_refused_nothing_changed(review_setup):
    round, members, _subs = review_setup
    a = _assignment_of(round, members[0])
    c = list(round.criteria.all())
    with pytest.raises(ValidationFailed) as exc:
        services.save_review(assignment=a, actor=members[0].person.user, scores={c[0].pk: 5, c[1].pk: 5, c[2].pk: 6})
    assert exc.value.code == "score_out_of_scale"
    assert (Review.objects.count(), Score.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_database_rejects_a_score_outside_the_scale(review_setup):
    round, members, _subs = review_setup
    a = _assignment_of(round, members[0])
    review = Review.objects.create(assignment=a)
    criterion = round.criteria.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(review=review, criterion=criterion, value=11, scale_min=1, scale_max=10)
    assert Score.objects.count() == 0


@pytest.mark.django_db
def test_review_by_someone_else_refused(review_setup):
    round, members, _subs = review_setup
    a = _assignment_of(round, members[0])
    with pytest.raises(PermissionDenied):
        services.save_review(assignment=a, actor=members[1].person.user, scores={})
    assert Review.objects.count() == 0


@pytest.mark.django_db
def test_abstain_needs_reason(review_setup):
    round, members, _subs = review_setup
    a = _assignment_of(round, members[0])
    with pytest.raises(ValidationFailed):
        services.abstain_review(assignment=a, actor=members[0].person.user, reason=" ")
    assert Review.objects.count() == 0
    review = services.abstain_review(assignment=a, actor=members[0].person.user, reason="I know the team")
    assert (review.status, review.abstain_reason) == ("abstained", "I know the team")


@pytest.mark.django_db
def test_reminders_mail_reviewers_with_open_reviews(review_setup, django_capture_on_commit_callbacks):
    round, members, _subs = review_setup
    for m in members:
        m.person.email = f"{m.person.slug}@example.org"
        m.person.save()
    c = list(round.criteria.all())
    for a in Assignment.objects.filter(round=round, member=members[0]):
        services.save_review(assignment=a, actor=members[0].person.user, submit=True,
                             scores={c[0].pk: 5, c[1].pk: 5, c[2].pk: 3})
    with django_capture_on_commit_callbacks(execute=True):
        n = services.send_review_reminders(round=round, actor=None)
    assert n == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{m.person.slug}@example.org" for m in members[1:])


# ---------------------------------------------------------------- ranking, decisions, record


def score_all(round, by_sub):
    c = list(round.criteria.all())
    for a in Assignment.objects.filter(round=round).select_related("member__person"):
        v = by_sub[a.submission_id]
        services.save_review(assignment=a, actor=a.member.person.user, submit=True,
                             scores={c[0].pk: v, c[1].pk: v, c[2].pk: min(v, 5)})


@pytest.mark.django_db
def test_record_export_and_recompute_command_matches(review_setup, tmp_path):
    round, _members, subs = review_setup
    score_all(round, {s.pk: 3 + 2 * i for i, s in enumerate(subs)})
    record = services.round_record(round)
    assert record["ranking"] == [s.pk for s in reversed(subs)]
    path = tmp_path / "round.json"
    path.write_text(json.dumps(record))
    out = io.StringIO()
    call_command("recompute_round", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "OK: 4 submissions, ranking by bias_model matches the record"


@pytest.mark.django_db
def test_recompute_command_detects_a_changed_score(review_setup, tmp_path):
    round, _members, subs = review_setup
    score_all(round, {s.pk: 3 + 2 * i for i, s in enumerate(subs)})
    record = services.round_record(round)
    worst = record["ranking"][-1]
    for review in record["reviews"]:
        if review["submission"] == worst:
            review["scores"] = {k: (5 if int(k) == round.criteria.last().pk else 10) for k in review["scores"]}
    path = tmp_path / "round.json"
    path.write_text(json.dumps(record))
    with pytest.raises(CommandError, match="ranking differs from the record"):
        call_command("recompute_round", str(path), stdout=io.StringIO())


@pytest.mark.django_db
def test_decide_submission_records_reason_and_audit(review_setup):
    staff = UserFactory(is_staff=True)
    _round, _members, subs = review_setup
    services.decide_submission(submission=subs[0], status=SubmissionStatus.SHORTLISTED, reason="Top 15", actor=staff)
    entry = AuditEntry.objects.filter(action="awards.submission.decided").get()
    assert (entry.actor, entry.data) == (staff, {"from": "submitted", "to": "shortlisted", "reason": "Top 15"})
    with pytest.raises(ValidationFailed):
        services.decide_submission(submission=subs[1], status=SubmissionStatus.WINNER, reason="", actor=staff)
    assert Submission.objects.get(pk=subs[1].pk).status == SubmissionStatus.SUBMITTED


@pytest.mark.django_db
def test_report_job_builds_pdf(cycle, django_capture_on_commit_callbacks):
    SubmissionFactory(cycle=cycle, status=SubmissionStatus.WINNER)
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_report(cycle=cycle, actor=None)
    job.refresh_from_db()
    assert (job.status, job.progress) == ("done", 100)
    assert job.file.read(5) == b"%PDF-"


@pytest.mark.django_db
def test_rerun_drops_a_draft_review_that_became_conflicted(review_setup):
    round, members, _subs = review_setup
    a = _assignment_of(round, members[0])
    c = list(round.criteria.all())
    services.save_review(assignment=a, actor=members[0].person.user, scores={c[0].pk: 5})
    person = members[0].person
    person.country = a.submission.country
    person.save()
    services.run_assignment(round=round, actor=None)
    assert not Assignment.objects.filter(submission=a.submission, member=members[0]).exists()
    assert Assignment.objects.filter(submission=a.submission).count() == 2
