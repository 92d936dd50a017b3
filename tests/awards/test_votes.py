"""Public vote: one per verified e-mail, confirmation links, deadline, rate limit, and races on PostgreSQL."""

import threading

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection, connections

from tests.factories import UserFactory
from tests.helpers import requires_postgres
from urbis.awards import services
from urbis.awards.enums import SubmissionStatus
from urbis.awards.models import PublicVote, VoteRequest
from urbis.core.errors import Conflict, NotFound

from .factories import CycleFactory, SubmissionFactory


def verified_user():
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def finalist(db):
    return SubmissionFactory(cycle=CycleFactory(), status=SubmissionStatus.SHORTLISTED)


@pytest.mark.django_db
def test_verified_user_votes_at_once(finalist):
    user = verified_user()
    vote = services.request_public_vote(cycle=finalist.cycle, submission=finalist, user=user)
    assert list(PublicVote.objects.values_list("email", "submission_id")) == [(user.email, finalist.pk)]
    assert vote.email == user.email


@pytest.mark.django_db
def test_second_vote_refused_with_clear_error(finalist):
    user = verified_user()
    services.request_public_vote(cycle=finalist.cycle, submission=finalist, user=user)
    with pytest.raises(Conflict) as exc:
        services.request_public_vote(cycle=finalist.cycle, submission=finalist, user=user)
    assert (exc.value.code, str(exc.value.message)) == ("already_voted",
                                                        "This e-mail address has already voted in this cycle.")
    assert PublicVote.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_voter_confirms_by_link(finalist, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.request_public_vote(cycle=finalist.cycle, submission=finalist, email="Voter@Example.org")
    assert isinstance(request, VoteRequest) and PublicVote.objects.count() == 0
    assert mail.outbox[0].to == ["voter@example.org"]
    assert f"/awards/vote/confirm/{request.token}/" in mail.outbox[0].body
    services.confirm_public_vote(token=request.token)
    assert list(PublicVote.objects.values_list("email", flat=True)) == ["voter@example.org"]
    with pytest.raises(Conflict):
        services.confirm_public_vote(token=request.token)
    assert PublicVote.objects.count() == 1


@pytest.mark.django_db
def test_unverified_logged_in_user_must_confirm_by_mail(finalist):
    user = UserFactory()
    outcome = services.request_public_vote(cycle=finalist.cycle, submission=finalist, user=user, email=user.email)
    assert isinstance(outcome, VoteRequest) and PublicVote.objects.count() == 0


@pytest.mark.django_db
def test_vote_closed_at_the_deadline(finalist):
    with pytest.raises(Conflict) as exc:
        services.cast_public_vote(cycle=finalist.cycle, submission=finalist, email="a@example.org",
                                  now=finalist.cycle.vote_closes_at)
    assert exc.value.code == "vote_closed"
    assert PublicVote.objects.count() == 0


@pytest.mark.django_db
def test_vote_for_non_finalist_refused():
    sub = SubmissionFactory(status=SubmissionStatus.SUBMITTED)
    with pytest.raises(NotFound):
        services.cast_public_vote(cycle=sub.cycle, submission=sub, email="a@example.org")
    assert PublicVote.objects.count() == 0


@pytest.mark.django_db
def test_bad_token_refused():
    with pytest.raises(NotFound):
        services.confirm_public_vote(token="nope")


def test_rate_limit_after_limit():
    for _ in range(3):
        services.check_rate("t", limit=3, window=60)
    with pytest.raises(services.RateLimited):
        services.check_rate("t", limit=3, window=60)


# ---------------------------------------------------------------- races (PostgreSQL, threads)


def run_concurrently(func, n):
    barrier = threading.Barrier(n)
    results, errors = [], []
    guard = threading.Lock()

    def worker(i):
        try:
            barrier.wait()
            value = func(i)
            with guard:
                results.append(value)
        except Exception as exc:  # noqa: BLE001 — collected and asserted on
            with guard:
                errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results, errors


def _race(finalist, *, lock: bool):
    import time

    passed = []
    guard = threading.Lock()

    def pause():
        with guard:
            passed.append(1)
        time.sleep(0.05)

    results, errors = run_concurrently(lambda i: services.cast_public_vote(
        cycle=finalist.cycle, submission=finalist, email="same@example.org", lock=lock, _pause=pause), 8)
    return len(results), sorted({getattr(e, "code", repr(e)) for e in errors}), len(passed)


@pytest.mark.race
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_race_one_vote_per_email_with_lock():
    assert connection.vendor == "postgresql"
    finalist = SubmissionFactory(cycle=CycleFactory(), status=SubmissionStatus.SHORTLISTED)
    assert _race(finalist, lock=True) == (1, ["already_voted"], 1)
    assert PublicVote.objects.count() == 1


@pytest.mark.race
@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_race_control_without_lock_the_constraint_still_holds():
    finalist = SubmissionFactory(cycle=CycleFactory(), status=SubmissionStatus.SHORTLISTED)
    accepted, codes, passed_check = _race(finalist, lock=False)
    assert passed_check > 1  # the race: several requests passed the "not voted yet" check at once
    assert (accepted, codes) == (1, ["already_voted"])  # the unique constraint turned the rest away
    assert PublicVote.objects.count() == 1


