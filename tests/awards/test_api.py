"""The award's JSON API: one allowed and one denied call per endpoint."""

import pytest
from allauth.account.models import EmailAddress
from django.middleware.csrf import _get_new_csrf_string

from tests.factories import StaffFactory, UserFactory
from urbis.awards.enums import SubmissionStatus
from urbis.awards.models import Assignment, PublicVote, Review

from .factories import CycleFactory, SubmissionFactory

pytestmark = pytest.mark.django_db
BASE = "/api/v1/awards"


def login_with_csrf(client, user):
    client.force_login(user)
    token = _get_new_csrf_string()
    client.cookies["csrftoken"] = token
    return {"HTTP_X_CSRFTOKEN": token}


def test_cycles_public(client, cycle):
    for field in ("call_closes_at", "vote_opens_at", "vote_closes_at"):
        setattr(cycle, field, getattr(cycle, field).replace(microsecond=0))
    cycle.save()
    assert client.get(f"{BASE}/cycles").json() == [{
        "slug": cycle.slug, "name": cycle.name, "year": 2021, "time_zone": "UTC",
        "call_closes_at": cycle.call_closes_at.isoformat().replace("+00:00", "Z"),
        "vote_opens_at": cycle.vote_opens_at.isoformat().replace("+00:00", "Z"),
        "vote_closes_at": cycle.vote_closes_at.isoformat().replace("+00:00", "Z")}]


def test_showcase_allowed_when_public_denied_when_hidden(client, cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.WINNER, sdgs=[6])
    assert client.get(f"{BASE}/cycles/{cycle.slug}/showcase").json() == [{
        "id": s.pk, "title": s.title, "city": s.city, "country": "ES", "region": "europe",
        "applicant_slug": s.applicant.slug, "status": "winner", "sdgs": [6],
        "member_page": f"/members/{s.applicant.slug}/"}]
    hidden = CycleFactory(showcase_public=False)
    response = client.get(f"{BASE}/cycles/{hidden.slug}/showcase")
    assert (response.status_code, response.json()["error"]["code"]) == (403, "permission_denied")


def test_sdg_suggestions_allowed_logged_in_denied_anonymous(client):
    body = {"text": "Rooftop solar panels and wind power bring renewable electricity to schools."}
    assert client.post(f"{BASE}/sdg-suggestions", body, content_type="application/json").status_code == 401
    headers = login_with_csrf(client, UserFactory())
    response = client.post(f"{BASE}/sdg-suggestions", body, content_type="application/json", **headers)
    assert response.status_code == 200 and response.json()["sdgs"][0] == 7


def test_vote_verified_user_counted_then_second_refused(client, cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.SHORTLISTED)
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.force_login(user)
    url = f"{BASE}/cycles/{cycle.slug}/votes"
    assert client.post(url, {"submission": s.pk}, content_type="application/json").json() == {"status": "counted"}
    second = client.post(url, {"submission": s.pk}, content_type="application/json")
    assert (second.status_code, second.json()["error"]["code"]) == (409, "already_voted")
    assert PublicVote.objects.count() == 1


def test_vote_anonymous_gets_confirmation_and_hidden_cycle_denied(client, cycle):
    s = SubmissionFactory(cycle=cycle, status=SubmissionStatus.SHORTLISTED)
    response = client.post(f"{BASE}/cycles/{cycle.slug}/votes", {"submission": s.pk, "email": "a@example.org"},
                           content_type="application/json")
    assert (response.status_code, response.json()) == (202, {"status": "confirmation_sent"})
    hidden = CycleFactory(showcase_public=False)
    assert client.post(f"{BASE}/cycles/{hidden.slug}/votes", {"submission": s.pk, "email": "a@example.org"},
                       content_type="application/json").status_code == 403


def test_review_allowed_assigned_denied_other_and_out_of_scale(client, review_setup):
    round, members, _subs = review_setup
    a = Assignment.objects.filter(round=round, member=members[0]).first()
    c = list(round.criteria.all())
    assigned = set(Assignment.objects.filter(submission=a.submission).values_list("member_id", flat=True))
    outsider = next(m for m in members if m.pk not in assigned)
    headers = login_with_csrf(client, outsider.person.user)
    denied = client.post(f"{BASE}/assignments/{a.pk}/review", {"scores": {}}, content_type="application/json", **headers)
    assert denied.status_code == 403
    headers = login_with_csrf(client, members[0].person.user)
    bad = client.post(f"{BASE}/assignments/{a.pk}/review", {"scores": {str(c[0].pk): 99}},
                      content_type="application/json", **headers)
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "score_out_of_scale")
    assert Review.objects.count() == 0
    ok = client.post(f"{BASE}/assignments/{a.pk}/review",
                     {"scores": {str(c[0].pk): 8, str(c[1].pk): 6, str(c[2].pk): 4}, "submit": True},
                     content_type="application/json", **headers)
    assert ok.json()["status"] == "submitted"


def test_run_assignment_allowed_staff_denied_other(client, review_setup):
    round, members, _subs = review_setup
    headers = login_with_csrf(client, members[0].person.user)
    assert client.post(f"{BASE}/rounds/{round.pk}/assignment", **headers).status_code == 403
    headers = login_with_csrf(client, StaffFactory())
    body = client.post(f"{BASE}/rounds/{round.pk}/assignment", **headers).json()
    assert (body["solver"], body["min_load"], body["max_load"], body["objective"] == body["bound"]) == (
        "min_cost_flow", 2, 3, True)
