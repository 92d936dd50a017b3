"""List pages: the number of queries does not grow with the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import StaffFactory
from urbis.awards import services
from urbis.awards.enums import SubmissionStatus

from .conftest import CRITERIA
from .factories import CycleFactory, PanelFactory, PanelMemberFactory, SubmissionFactory


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def grow(cycle, n, status=SubmissionStatus.SHORTLISTED, user=None):
    for _ in range(n):
        s = SubmissionFactory(cycle=cycle, status=status, **({"submitted_by": user} if user else {}))
        s.themes.set([])


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["staff/", "showcase/", "report/", "vote/"])
def test_cycle_list_pages_constant_queries(client, page):
    cycle = CycleFactory()
    client.force_login(StaffFactory())
    grow(cycle, 2)
    small = queries(client, f"/awards/{cycle.slug}/{page}")
    grow(cycle, 6)
    assert queries(client, f"/awards/{cycle.slug}/{page}") == small


@pytest.mark.django_db
def test_my_submissions_constant_queries(client):
    staff = StaffFactory()
    client.force_login(staff)
    grow(CycleFactory(), 1, user=staff)
    small = queries(client, "/awards/mine/")
    for _ in range(4):
        grow(CycleFactory(), 1, user=staff)
    assert queries(client, "/awards/mine/") == small


@pytest.mark.django_db
def test_cycle_list_constant_queries(client):
    CycleFactory()
    small = queries(client, "/awards/")
    for _ in range(4):
        CycleFactory()
    assert queries(client, "/awards/") == small


def _round(n_subs):
    cycle = CycleFactory()
    panel = PanelFactory(cycle=cycle)
    members = [PanelMemberFactory(panel=panel) for _ in range(3)]
    grow(cycle, n_subs, status=SubmissionStatus.SUBMITTED)
    round = services.create_round(cycle=cycle, panel=panel, name="R", actor=None, k=2, criteria=CRITERIA)
    services.run_assignment(round=round, actor=None)
    return round, members


@pytest.mark.django_db
def test_round_page_and_review_list_constant_queries(client):
    staff = StaffFactory()
    small_round, small_members = _round(3)
    big_round, big_members = _round(9)
    client.force_login(staff)
    assert queries(client, f"/awards/staff/rounds/{small_round.pk}/") == queries(
        client, f"/awards/staff/rounds/{big_round.pk}/")
    client.force_login(small_members[0].person.user)
    small = queries(client, "/awards/review/")
    client.force_login(big_members[0].person.user)
    assert queries(client, "/awards/review/") == small


@pytest.mark.django_db
def test_ranking_page_constant_queries(client):
    from urbis.awards.models import Assignment

    client.force_login(StaffFactory())
    sizes = []
    for n in (3, 9):
        round, _members = _round(n)
        c = list(round.criteria.all())
        for a in Assignment.objects.filter(round=round).select_related("member__person"):
            services.save_review(assignment=a, actor=a.member.person.user, submit=True,
                                 scores={c[0].pk: 5, c[1].pk: 6, c[2].pk: 3})
        sizes.append(queries(client, f"/awards/staff/rounds/{round.pk}/ranking/"))
    assert sizes[0] == sizes[1]
