"""Every page: one allowed and one denied request; bad input gives a message, never a 500."""


import pytest
from allauth.account.models import EmailAddress
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories import OrganisationFactory, StaffFactory, UserFactory
from urbis.awards import services
from urbis.awards.enums import ReviewStatus, SubmissionStatus
from urbis.awards.models import Assignment, PublicVote, ReportJob, Submission

from .factories import CycleFactory, SubmissionFactory


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def finalist(db, cycle):
    return SubmissionFactory(cycle=cycle, status=SubmissionStatus.SHORTLISTED)


def test_cycle_pages_public(client, cycle):
    assert client.get("/awards/").status_code == 200
    assert client.get(f"/awards/{cycle.slug}/").status_code == 200


def test_apply_allowed_for_logged_in_denied_for_anonymous(client, cycle):
    assert client.get(f"/awards/{cycle.slug}/apply/").status_code == 302
    client.force_login(UserFactory())
    assert client.get(f"/awards/{cycle.slug}/apply/").status_code == 200


def test_apply_creates_draft_and_submit(client, cycle):
    user = UserFactory()
    client.force_login(user)
    response = client.post(f"/awards/{cycle.slug}/apply/", {
        "new_applicant_name": "Ciudad de México", "title": "Bike lanes", "city": "Mexico City", "country": "MX",
        "contact_name": "Ana", "contact_email": "ana@example.org", "summary": "Lanes", "description": "Cycling lanes.",
        "start_year": 2017, "stage": "mature", "sdgs": ["11", "13"], "links_text": "https://example.org/bikes"})
    submission = Submission.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/awards/submissions/{submission.pk}/"
    assert (submission.status, submission.links, sorted(g.number for g in submission.sdgs.all())) == (
        "draft", ["https://example.org/bikes"], [11, 13])
    client.post(f"/awards/submissions/{submission.pk}/submit/")
    assert Submission.objects.get().status == SubmissionStatus.SUBMITTED


def test_submit_ineligible_shows_message_nothing_changed(client, cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT, start_year=2021)
    client.force_login(s.submitted_by)
    response = client.post(f"/awards/submissions/{s.pk}/submit/", follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The initiative must have been running for at least 1 year(s) by 2021."]
    assert Submission.objects.get(pk=s.pk).status == SubmissionStatus.DRAFT


def test_submission_detail_allowed_owner_and_staff_denied_other(client, cycle, staff):
    s = SubmissionFactory(cycle=cycle)
    client.force_login(UserFactory())
    assert client.get(f"/awards/submissions/{s.pk}/").status_code == 403
    client.force_login(s.submitted_by)
    assert client.get(f"/awards/submissions/{s.pk}/").status_code == 200
    client.force_login(staff)
    assert client.get(f"/awards/submissions/{s.pk}/").status_code == 200


def test_edit_allowed_owner_draft_denied_other(client, cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT)
    client.force_login(UserFactory())
    assert client.get(f"/awards/submissions/{s.pk}/edit/").status_code == 403
    client.force_login(s.submitted_by)
    assert client.get(f"/awards/submissions/{s.pk}/edit/").status_code == 200


def test_withdraw_allowed_owner_denied_other(client, cycle):
    s = SubmissionFactory(cycle=cycle)
    client.force_login(UserFactory())
    assert client.post(f"/awards/submissions/{s.pk}/withdraw/").status_code == 403
    client.force_login(s.submitted_by)
    client.post(f"/awards/submissions/{s.pk}/withdraw/")
    assert Submission.objects.get(pk=s.pk).status == SubmissionStatus.WITHDRAWN


def test_attachment_upload_wrong_type_message_and_denied_other(client, cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.DRAFT)
    client.force_login(UserFactory())
    assert client.post(f"/awards/submissions/{s.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1")}
                       ).status_code == 403
    client.force_login(s.submitted_by)
    response = client.post(f"/awards/submissions/{s.pk}/attachments/",
                           {"file": SimpleUploadedFile("a.pdf", b"<html>")}, follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Only PDF, PNG, JPEG and WebP files are accepted."]
    assert s.attachments.count() == 0
    client.post(f"/awards/submissions/{s.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1")})
    assert s.attachments.count() == 1


def test_sdg_suggestions_htmx_allowed_logged_in_denied_anonymous(client, cycle):
    data = {"description": "Safe drinking water and sanitation for every household, new sewage network."}
    assert client.post(f"/awards/{cycle.slug}/apply/sdg-suggestions/", data).status_code == 403
    client.force_login(UserFactory())
    response = client.post(f"/awards/{cycle.slug}/apply/sdg-suggestions/", data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert [g.number for g in response.context["suggestions"]][0] == 6


def test_my_submissions_lists_own_only(client, cycle):
    mine = SubmissionFactory(cycle=cycle)
    SubmissionFactory(cycle=cycle)
    client.force_login(mine.submitted_by)
    response = client.get("/awards/mine/")
    assert list(response.context["submissions"]) == [mine]
    client.logout()
    assert client.get("/awards/mine/").status_code == 302


@pytest.mark.parametrize("path", ["staff/", "staff/export.csv", "staff/export.xlsx"])
def test_staff_submission_pages_allowed_staff_denied_other(client, cycle, staff, path):
    SubmissionFactory(cycle=cycle)
    client.force_login(UserFactory())
    assert client.get(f"/awards/{cycle.slug}/{path}").status_code == 403
    client.force_login(staff)
    assert client.get(f"/awards/{cycle.slug}/{path}").status_code == 200


def test_staff_csv_export_content_and_filter(client, cycle, staff):
    a = SubmissionFactory(cycle=cycle, title="Alpha", country="ES")
    SubmissionFactory(cycle=cycle, title="Beta", applicant=OrganisationFactory(country="BR"))
    client.force_login(staff)
    response = client.get(f"/awards/{cycle.slug}/staff/export.csv?country=ES")
    lines = response.content.decode().splitlines()
    assert len(lines) == 2 and lines[1].split(",")[:2] == [str(a.pk), "Alpha"]


def test_staff_message_allowed_staff_denied_other(client, cycle, staff, django_capture_on_commit_callbacks):
    SubmissionFactory(cycle=cycle, contact_email="c@example.org")
    client.force_login(UserFactory())
    assert client.post(f"/awards/{cycle.slug}/staff/message/", {"subject": "S", "body": "B"}).status_code == 403
    client.force_login(staff)
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/awards/{cycle.slug}/staff/message/", {"subject": "S", "body": "B"})
    assert [m.to for m in mail.outbox] == [["c@example.org"]]


def test_publication_allowed_staff_denied_other(client, cycle, staff):
    client.force_login(UserFactory())
    assert client.post(f"/awards/{cycle.slug}/staff/publication/", {"results_public": "1"}).status_code == 403
    client.force_login(staff)
    client.post(f"/awards/{cycle.slug}/staff/publication/", {"results_public": "1"})
    cycle.refresh_from_db()
    assert (cycle.showcase_public, cycle.results_public) == (False, True)


def test_decide_allowed_staff_denied_other(client, cycle, staff):
    s = SubmissionFactory(cycle=cycle)
    client.force_login(s.submitted_by)
    assert client.post(f"/awards/submissions/{s.pk}/decide/", {"status": "winner", "reason": "x"}).status_code == 403
    client.force_login(staff)
    client.post(f"/awards/submissions/{s.pk}/decide/", {"status": "deserving", "reason": "Strong impact"})
    s.refresh_from_db()
    assert (s.status, s.decision_reason) == ("deserving", "Strong impact")


# ---------------------------------------------------------------- rounds and reviewing


@pytest.mark.parametrize("path", ["", "ranking/", "record.json"])
def test_round_pages_allowed_staff_denied_reviewer(client, review_setup, staff, path):
    round, members, _subs = review_setup
    client.force_login(members[0].person.user)
    assert client.get(f"/awards/staff/rounds/{round.pk}/{path}").status_code == 403
    client.force_login(staff)
    assert client.get(f"/awards/staff/rounds/{round.pk}/{path}").status_code == 200


@pytest.mark.parametrize("path", ["assign/", "remind/"])
def test_round_actions_allowed_staff_denied_reviewer(client, review_setup, staff, path):
    round, members, _subs = review_setup
    client.force_login(members[0].person.user)
    assert client.post(f"/awards/staff/rounds/{round.pk}/{path}").status_code == 403
    client.force_login(staff)
    assert client.post(f"/awards/staff/rounds/{round.pk}/{path}").status_code == 302


def test_round_rule_allowed_staff_denied_reviewer(client, review_setup, staff):
    round, members, subs = review_setup
    data = {"submission": subs[0].pk, "member": members[0].pk, "kind": "forbid"}
    client.force_login(members[0].person.user)
    assert client.post(f"/awards/staff/rounds/{round.pk}/rule/", data).status_code == 403
    client.force_login(staff)
    client.post(f"/awards/staff/rounds/{round.pk}/rule/", data)
    assert round.pair_rules.get().kind == "forbid"


def test_round_ranking_method_change(client, review_setup, staff):
    round, _m, _s = review_setup
    client.force_login(staff)
    client.post(f"/awards/staff/rounds/{round.pk}/ranking/", {"method": "zscore"})
    round.refresh_from_db()
    assert round.method == "zscore"


def test_reviewer_opens_assigned_but_not_other_submission(client, review_setup):
    round, members, _subs = review_setup
    mine = Assignment.objects.filter(round=round, member=members[0]).first()
    other = Assignment.objects.filter(round=round).exclude(member=members[0]).first()
    client.force_login(members[0].person.user)
    assert client.get(f"/awards/review/{mine.pk}/").status_code == 200
    assert client.get(f"/awards/review/{other.pk}/").status_code == 403
    assert client.get("/awards/review/").status_code == 200


def test_reviewer_with_newly_known_conflict_gets_403(client, review_setup):
    round, members, _subs = review_setup
    a = Assignment.objects.filter(round=round, member=members[0]).select_related("submission").first()
    person = members[0].person
    person.country = a.submission.country
    person.save()
    client.force_login(person.user)
    assert client.get(f"/awards/review/{a.pk}/").status_code == 403


def test_review_score_out_of_scale_message_nothing_saved(client, review_setup):
    round, members, _subs = review_setup
    a = Assignment.objects.filter(round=round, member=members[0]).first()
    c = list(round.criteria.all())
    client.force_login(members[0].person.user)
    response = client.post(f"/awards/review/{a.pk}/", {f"c{c[0].pk}": 11, f"c{c[1].pk}": 5, f"c{c[2].pk}": 3,
                                                        "submit": "1"})
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == ["Innovation must be between 1 and 10."]
    assert not hasattr(a, "review") or a.review is None


def test_co_reviews_visible_only_after_own_submission(client, review_setup):
    round, members, subs = review_setup
    target = subs[0]
    pair = list(Assignment.objects.filter(round=round, submission=target).select_related("member__person"))
    c = list(round.criteria.all())
    first, second = pair
    services.save_review(assignment=first, actor=first.member.person.user, submit=True,
                         scores={c[0].pk: 7, c[1].pk: 7, c[2].pk: 3})
    client.force_login(second.member.person.user)
    assert list(client.get(f"/awards/review/{second.pk}/").context["others"]) == []
    client.post(f"/awards/review/{second.pk}/", {f"c{c[0].pk}": 5, f"c{c[1].pk}": 5, f"c{c[2].pk}": 2, "submit": "1"})
    others = client.get(f"/awards/review/{second.pk}/").context["others"]
    assert [o.assignment_id for o in others] == [first.pk]
    assert second.__class__.objects.get(pk=second.pk).review.status == ReviewStatus.SUBMITTED


# ---------------------------------------------------------------- public


def test_showcase_public_when_published_denied_when_not(client, finalist):
    assert client.get(f"/awards/{finalist.cycle.slug}/showcase/").status_code == 200
    assert client.get(f"/awards/{finalist.cycle.slug}/showcase/{finalist.pk}/").status_code == 200
    hidden = CycleFactory(showcase_public=False)
    assert client.get(f"/awards/{hidden.slug}/showcase/").status_code == 403


def test_showcase_entry_of_non_finalist_denied(client, cycle):
    s = SubmissionFactory(cycle=cycle)
    assert client.get(f"/awards/{cycle.slug}/showcase/{s.pk}/").status_code == 403


def test_showcase_filters_by_sdg_region_theme_and_links_member_page(client, cycle):
    a = SubmissionFactory(cycle=cycle, status=SubmissionStatus.WINNER, sdgs=[6])
    SubmissionFactory(cycle=cycle, status=SubmissionStatus.SHORTLISTED, sdgs=[13],
                      applicant=OrganisationFactory(country="BR", region="latin-america"))
    response = client.get(f"/awards/{cycle.slug}/showcase/?sdg=6&region=europe")
    assert list(response.context["entries"]) == [a]
    assert f'href="/members/{a.applicant.slug}/"' in response.content.decode()


def test_vote_page_and_vote_for_verified_user(client, finalist):
    assert client.get(f"/awards/{finalist.cycle.slug}/vote/").status_code == 200
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    first = client.post(f"/awards/{finalist.cycle.slug}/vote/", {"submission": finalist.pk}, follow=True)
    assert [str(m) for m in first.context["messages"]] == [f"Thank you: your vote for {finalist.title} is counted."]
    response = client.post(f"/awards/{finalist.cycle.slug}/vote/", {"submission": finalist.pk})
    assert response.status_code == 409
    assert [str(m) for m in response.context["messages"]] == ["This e-mail address has already voted in this cycle."]
    assert PublicVote.objects.count() == 1


def test_vote_denied_when_cycle_not_public(client, db):
    cycle = CycleFactory(showcase_public=False)
    assert client.get(f"/awards/{cycle.slug}/vote/").status_code == 403


def test_vote_confirm_link(client, finalist):
    request = services.request_public_vote(cycle=finalist.cycle, submission=finalist, email="x@example.org")
    assert client.get(f"/awards/vote/confirm/{request.token}/").status_code == 200
    assert client.get(f"/awards/vote/confirm/{request.token}/").status_code == 409
    assert client.get("/awards/vote/confirm/wrong/").status_code == 404
    assert PublicVote.objects.count() == 1


def test_vote_rate_limited(client, finalist):
    for _ in range(20):
        client.post(f"/awards/{finalist.cycle.slug}/vote/", {"submission": finalist.pk, "email": "bad"})
    response = client.post(f"/awards/{finalist.cycle.slug}/vote/", {"submission": finalist.pk, "email": "a@b.org"})
    assert response.status_code == 429
    assert PublicVote.objects.count() == 0


def test_report_page_allowed_public_denied_hidden(client, finalist):
    response = client.get(f"/awards/{finalist.cycle.slug}/report/")
    assert response.status_code == 200
    assert response.context["data"]["total"] == 1
    hidden = CycleFactory(showcase_public=False)
    assert client.get(f"/awards/{hidden.slug}/report/").status_code == 403


def test_report_pdf_status_and_download(client, finalist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/awards/{finalist.cycle.slug}/report/pdf/")
    job = ReportJob.objects.get()
    assert response["Location"] == f"/awards/reports/{job.pk}/"
    status = client.get(f"/awards/reports/{job.pk}/")
    assert status.status_code == 200 and status.context["job"].status == "done"
    pdf = client.get(f"/awards/reports/{job.pk}/download/")
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"


def test_report_pdf_denied_when_hidden(client, db):
    hidden = CycleFactory(showcase_public=False)
    assert client.post(f"/awards/{hidden.slug}/report/pdf/").status_code == 403
    job = ReportJob.objects.create(cycle=hidden)
    assert client.get(f"/awards/reports/{job.pk}/").status_code == 403
    assert client.get(f"/awards/reports/{job.pk}/download/").status_code == 403




def test_pages_come_out_in_the_visitors_language(client, cycle):
    client.cookies["django_language"] = "fr"
    response = client.get(f"/awards/{cycle.slug}/")
    assert "Appel à candidatures" in response.content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "征集申报" in client.get(f"/awards/{cycle.slug}/").content.decode()


def test_reviewer_declares_conflict_allowed_assigned_denied_other(client, review_setup):
    round, members, _subs = review_setup
    a = Assignment.objects.filter(round=round, member=members[0]).select_related("submission").first()
    assigned = set(Assignment.objects.filter(submission=a.submission).values_list("member_id", flat=True))
    outsider = next(m for m in members if m.pk not in assigned)
    client.force_login(outsider.person.user)
    assert client.post(f"/awards/review/{a.pk}/conflict/", {"reason": "x"}).status_code == 403
    client.force_login(members[0].person.user)
    response = client.post(f"/awards/review/{a.pk}/conflict/", {"reason": "My former employer"})
    assert response["Location"] == "/awards/review/"
    assert not Assignment.objects.filter(pk=a.pk).exists()
    assert list(members[0].declared_conflicts.values_list("submission_id", "reason")) == [
        (a.submission_id, "My former employer")]
