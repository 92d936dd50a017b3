"""Rank intervals: computed by a background task once per review state, never stale, never waited for."""

import datetime as dt
from types import SimpleNamespace
from unittest import mock

import pytest
from django.utils import timezone

from tests.factories import StaffFactory, UserFactory
from urbis.awards import services, tasks
from urbis.awards.models import Assignment, RankIntervals


def submit_all(round, value=5, skip=0):
    criteria = list(round.criteria.all())
    for a in (Assignment.objects.filter(round=round).exclude(review__status="submitted")
              .select_related("member__person").order_by("pk")[skip:]):
        services.save_review(assignment=a, actor=a.member.person.user, submit=True,
                             scores={c.pk: min(c.scale_max, value + a.pk % 3) for c in criteria})


@pytest.fixture
def reviewed(review_setup):
    round, members, subs = review_setup
    submit_all(round, skip=1)  # one review left open, for the "reviews change" tests
    return round


def test_page_shows_ranking_at_once_and_intervals_being_computed(client, reviewed):
    client.force_login(StaffFactory())
    response = client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/")  # the task waits for the commit
    page = response.content.decode()
    expected = services.compute_ranking(services.round_record(reviewed))["ranking"]
    assert [row["submission"] for row in response.context["rows"]] == expected
    assert (response.context["intervals_ready"], [row["interval"] for row in response.context["rows"]]) == (
        False, [None] * 4)
    assert "Rank intervals being computed" in page
    assert list(RankIntervals.objects.values_list("status", "samples", "method")) == [("queued", 100, "bias_model")]


def test_task_fills_intervals_equal_to_the_direct_bootstrap(client, reviewed, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/")
    response = client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/")
    direct = services.compute_ranking(services.round_record(reviewed), bootstrap=100)
    assert response.context["intervals_ready"] is True
    assert [(row["submission"], row["interval"]) for row in response.context["rows"]] == [
        (row["submission"], row["interval"]) for row in direct["rows"]]
    assert "Rank intervals being computed" not in response.content.decode()
    assert RankIntervals.objects.get().seconds >= 0


def test_new_review_gives_a_new_state_and_the_old_intervals_are_not_shown(client, reviewed,
                                                                          django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/")
    first = RankIntervals.objects.get()
    submit_all(reviewed)  # the last open review comes in
    response = client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/")
    assert response.context["intervals_ready"] is False
    assert [row["interval"] for row in response.context["rows"]] == [None] * 4
    states = list(RankIntervals.objects.order_by("pk").values_list("state", "status"))
    assert states[0] == (first.state, "done") and states[1][1] == "queued" and states[1][0] != first.state


def test_method_change_is_a_new_state(reviewed):
    record = services.round_record(reviewed)
    before = services.review_state(record)
    services.set_round_method(round=reviewed, method="zscore", actor=None)
    assert services.review_state(services.round_record(reviewed)) != before
    assert services.review_state(record) == before  # the digest depends only on the record


def test_task_for_a_state_that_is_gone_drops_it(reviewed):
    stale = services.request_rank_intervals(round=reviewed)
    submit_all(reviewed)
    services.compute_rank_intervals(intervals_id=stale.pk)
    assert not RankIntervals.objects.filter(pk=stale.pk).exists()


def test_done_intervals_replace_older_states(reviewed):
    old = services.request_rank_intervals(round=reviewed)
    services.compute_rank_intervals(intervals_id=old.pk)
    submit_all(reviewed)
    new = services.request_rank_intervals(round=reviewed)
    services.compute_rank_intervals(intervals_id=new.pk)
    assert list(RankIntervals.objects.values_list("pk", "status")) == [(new.pk, "done")]


def test_lost_task_is_queued_again_after_the_patience(reviewed, django_capture_on_commit_callbacks):
    enqueued = []
    fake = SimpleNamespace(enqueue=lambda **kw: enqueued.append(kw))
    with mock.patch.object(tasks, "task_compute_rank_intervals", fake):
        with django_capture_on_commit_callbacks(execute=True):
            row = services.request_rank_intervals(round=reviewed)
        with django_capture_on_commit_callbacks(execute=True):
            services.request_rank_intervals(round=reviewed)  # still waiting: not queued twice
        RankIntervals.objects.filter(pk=row.pk).update(updated_at=timezone.now() - dt.timedelta(minutes=11))
        with django_capture_on_commit_callbacks(execute=True):
            services.request_rank_intervals(round=reviewed)
    assert enqueued == [{"intervals_id": row.pk}, {"intervals_id": row.pk}]


def test_failed_computation_shows_the_error_and_can_be_retried(client, reviewed, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    from urbis.awards import normalisation

    with mock.patch.object(normalisation, "bootstrap_rank_intervals", side_effect=RuntimeError("solver exploded")), \
            django_capture_on_commit_callbacks(execute=True):
        services.request_rank_intervals(round=reviewed)
    row = RankIntervals.objects.get()
    assert (row.status, row.error) == ("failed", "solver exploded")
    page = client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/").content.decode()
    assert "The rank intervals could not be computed." in page and "solver exploded" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/awards/staff/rounds/{reviewed.pk}/ranking/intervals/")
    assert response["Location"] == f"/awards/staff/rounds/{reviewed.pk}/ranking/"
    assert RankIntervals.objects.get().status == "done"
    response = client.post(f"/awards/staff/rounds/{reviewed.pk}/ranking/intervals/", follow=True)
    assert [str(m) for m in response.context["messages"]] == ["These intervals are not in error."]


def test_status_fragment_polls_then_asks_for_a_reload(client, reviewed, django_capture_on_commit_callbacks):
    client.force_login(StaffFactory())
    url = f"/awards/staff/rounds/{reviewed.pk}/ranking/intervals/"
    pending = client.get(url, HTTP_HX_REQUEST="true")
    assert (pending.status_code, pending.has_header("HX-Refresh")) == (200, False)
    assert 'hx-trigger="every 2s"' in pending.content.decode()
    services.compute_rank_intervals(intervals_id=RankIntervals.objects.get().pk)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert (done.status_code, done["HX-Refresh"]) == (200, "true")


def test_status_fragment_denied_to_non_staff(client, reviewed):
    client.force_login(UserFactory())
    assert client.get(f"/awards/staff/rounds/{reviewed.pk}/ranking/intervals/").status_code == 403
    assert client.post(f"/awards/staff/rounds/{reviewed.pk}/ranking/intervals/").status_code == 403
    assert RankIntervals.objects.count() == 0


def test_round_without_reviews_has_no_intervals_and_no_error(client, review_setup,
                                                             django_capture_on_commit_callbacks):
    round, _m, _s = review_setup
    client.force_login(StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"/awards/staff/rounds/{round.pk}/ranking/")
    assert [(row["reviews"], row["interval"]) for row in response.context["rows"]] == [(0, None)] * 4
    assert list(RankIntervals.objects.values_list("status", "intervals")) == [("done", {})]
