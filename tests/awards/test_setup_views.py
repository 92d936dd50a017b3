"""Set-up pages of the secretariat: allowed for award staff, denied to others; bad input gives a message and
a 4xx, never a 500, and changes nothing; list pages make the same number of queries at two sizes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import OrganisationFactory, PersonFactory, StaffFactory, UserFactory
from urbis.awards import services
from urbis.awards.enums import PanelKind
from urbis.awards.models import Assignment, Criterion, DeclaredConflict, Panel, PanelMember, Round

from .conftest import CRITERIA
from .factories import CycleFactory, PanelFactory, PanelMemberFactory, SubmissionFactory


@pytest.fixture
def staff(db):
    return StaffFactory()


def msgs(response):
    return [str(m) for m in response.context["messages"]]


def get_pages(review_setup):
    round, members, _subs = review_setup
    cycle = round.cycle
    criterion = round.criteria.first()
    return ["/awards/staff/", f"/awards/{cycle.slug}/staff/setup/", f"/awards/staff/panels/{round.panel_id}/",
            f"/awards/staff/members/{members[0].pk}/", f"/awards/staff/rounds/{round.pk}/edit/",
            f"/awards/staff/rounds/{round.pk}/", f"/awards/staff/rounds/{round.pk}/ranking/intervals/"], criterion


def test_setup_pages_allowed_staff_denied_others(client, review_setup, staff):
    pages, _criterion = get_pages(review_setup)
    _round, members, _subs = review_setup
    for user in (UserFactory(), members[0].person.user):
        client.force_login(user)
        assert [client.get(url).status_code for url in pages] == [403] * len(pages)
    client.logout()
    assert {client.get(url).status_code for url in pages} == {302}
    client.force_login(staff)
    assert [client.get(url).status_code for url in pages] == [200] * len(pages)


def test_setup_posts_denied_to_non_staff_and_nothing_changes(client, review_setup):
    round, members, subs = review_setup
    cycle = round.cycle
    criterion = round.criteria.first()
    conflict = services.declare_conflict(member=members[2], submission=subs[3], actor=None)
    posts = [(f"/awards/{cycle.slug}/staff/setup/zone/", {"time_zone": "Asia/Tokyo"}),
             (f"/awards/{cycle.slug}/staff/panels/new/", {"kind": "jury", "name": "Jury"}),
             (f"/awards/{cycle.slug}/staff/rounds/new/", {"name": "Jury", "panel": round.panel_id, "position": 2,
                                                          "k": 1, "pool": "shortlisted", "method": "raw_mean"}),
             (f"/awards/staff/panels/{round.panel_id}/", {"name": "Renamed"}),
             (f"/awards/staff/panels/{round.panel_id}/members/", {"person": PersonFactory().pk}),
             (f"/awards/staff/members/{members[0].pk}/", {"sdgs": ["1"]}),
             (f"/awards/staff/members/{members[0].pk}/remove/", {}),
             (f"/awards/staff/members/{members[0].pk}/conflicts/", {"submission": subs[0].pk}),
             (f"/awards/staff/conflicts/{conflict.pk}/remove/", {}),
             (f"/awards/staff/rounds/{round.pk}/edit/", {"name": "X", "panel": round.panel_id, "position": 1, "k": 1,
                                                         "pool": "eligible", "method": "raw_mean"}),
             (f"/awards/staff/rounds/{round.pk}/criteria/", {"name": "N", "weight": 1, "scale_min": 1,
                                                             "scale_max": 5}),
             (f"/awards/staff/criteria/{criterion.pk}/", {f"c{criterion.pk}-name": "N", f"c{criterion.pk}-weight": 1,
                                                          f"c{criterion.pk}-scale_min": 1,
                                                          f"c{criterion.pk}-scale_max": 5}),
             (f"/awards/staff/criteria/{criterion.pk}/delete/", {})]
    client.force_login(members[0].person.user)
    assert [client.post(url, data).status_code for url, data in posts] == [403] * len(posts)
    cycle.refresh_from_db()
    assert (cycle.time_zone, Panel.objects.count(), Round.objects.count(), PanelMember.objects.count(),
            Criterion.objects.count(), DeclaredConflict.objects.count(), round.panel.name) == (
        "UTC", 1, 1, 3, 3, 1, "Technical committee")


def test_create_panel_round_and_rubric_from_the_pages(client, cycle, staff):
    client.force_login(staff)
    response = client.post(f"/awards/{cycle.slug}/staff/panels/new/", {"kind": "jury", "name": "Jury of 2021"})
    panel = Panel.objects.get()
    assert response["Location"] == f"/awards/staff/panels/{panel.pk}/"
    person = PersonFactory(country="JP", organisation=OrganisationFactory(country="JP"))
    client.post(f"/awards/staff/panels/{panel.pk}/members/", {"person": person.pk, "sdgs": ["11", "13"],
                                                              "regions": ["asia-pacific"], "languages": ["en"]})
    member = PanelMember.objects.get()
    assert (member.person_id, sorted(g.number for g in member.expertise_sdgs.all()), member.regions) == (
        person.pk, [11, 13], ["asia-pacific"])
    response = client.post(f"/awards/{cycle.slug}/staff/rounds/new/", {
        "name": "Jury scoring", "panel": panel.pk, "position": 2, "k": 1, "pool": "shortlisted",
        "method": "bias_model", "closes_at": "2030-09-30T17:00"})
    round = Round.objects.get()
    assert response["Location"] == f"/awards/staff/rounds/{round.pk}/edit/"
    assert (round.pool_statuses, round.closes_at.isoformat()) == (["shortlisted", "winner"], "2030-09-30T17:00:00+00:00")
    client.post(f"/awards/staff/rounds/{round.pk}/criteria/", {"name": "Impact", "weight": "1.5", "scale_min": 1,
                                                               "scale_max": 10})
    c = Criterion.objects.get()
    client.post(f"/awards/staff/criteria/{c.pk}/", {f"c{c.pk}-name": "Impact on residents", f"c{c.pk}-weight": 2,
                                                    f"c{c.pk}-scale_min": 0, f"c{c.pk}-scale_max": 5,
                                                    f"c{c.pk}-position": 0})
    assert list(Criterion.objects.values_list("name", "weight", "scale_min", "scale_max")) == [
        ("Impact on residents", 2.0, 0, 5)]
    page = client.get(f"/awards/staff/rounds/{round.pk}/edit/").content.decode()
    assert "Impact on residents" in page and "rubric-locked" not in page


def test_round_edit_page_says_rubric_locked_and_refuses_changes(client, review_setup, staff):
    round, members, _subs = review_setup
    a = Assignment.objects.filter(round=round, member=members[0]).select_related("member__person").first()
    services.save_review(assignment=a, actor=a.member.person.user, scores={})
    c = round.criteria.first()
    client.force_login(staff)
    page = client.get(f"/awards/staff/rounds/{round.pk}/edit/")
    assert 'id="rubric-locked"' in page.content.decode()
    response = client.post(f"/awards/staff/criteria/{c.pk}/", {f"c{c.pk}-name": "Changed", f"c{c.pk}-weight": 1,
                                                               f"c{c.pk}-scale_min": 1, f"c{c.pk}-scale_max": 10})
    assert response.status_code == 409
    assert msgs(response) == ["The rubric is locked: reviews have been started in this round, and changing the "
                              "criteria would change scores already given."]
    response = client.post(f"/awards/staff/rounds/{round.pk}/criteria/", {"name": "New", "weight": 1,
                                                                           "scale_min": 1, "scale_max": 5})
    assert response.status_code == 409
    assert client.post(f"/awards/staff/criteria/{c.pk}/delete/").status_code == 409
    assert list(round.criteria.values_list("name", flat=True)) == ["Innovation", "Impact", "Replicability"]


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "", "weight": 1, "scale_min": 1, "scale_max": 5}, "Criterion: This field is required."),
    ({"name": "A", "weight": 0, "scale_min": 1, "scale_max": 5},
     "Weight: Ensure this value is greater than or equal to 0.01."),
    ({"name": "A", "weight": "heavy", "scale_min": 1, "scale_max": 5}, "Weight: Enter a number."),
    ({"name": "A", "weight": 1, "scale_min": 5, "scale_max": 5}, "Highest score: The highest score must be above the lowest."),
    ({"name": "A", "weight": 1, "scale_min": 1, "scale_max": 99999},
     "Highest score: Ensure this value is less than or equal to 1000."),
])
def test_criterion_bad_input_message_400_nothing_changed(client, review_setup, staff, data, message):
    round, _m, _s = review_setup
    client.force_login(staff)
    response = client.post(f"/awards/staff/rounds/{round.pk}/criteria/", data)
    assert (response.status_code, msgs(response)) == (422, [message])
    assert round.criteria.count() == 3


@pytest.mark.parametrize(("data", "status", "message"), [
    ({"name": "", "kind": "jury"}, 422, "Name: This field is required."),
    ({"name": "J", "kind": "orchestra"}, 422,
     "Kind: Select a valid choice. orchestra is not one of the available choices."),
    ({"name": "Second committee", "kind": "technical_committee"}, 409, "This cycle already has a panel of that kind."),
])
def test_panel_bad_input(client, review_setup, staff, data, status, message):
    round, _m, _s = review_setup
    client.force_login(staff)
    response = client.post(f"/awards/{round.cycle.slug}/staff/panels/new/", data)
    assert (response.status_code, msgs(response)) == (status, [message])
    assert Panel.objects.count() == 1


@pytest.mark.parametrize(("data", "message"), [
    ({"name": "R", "k": 0}, "Reviewers per submission (k): Ensure this value is greater than or equal to 1."),
    ({"name": "R", "k": 2, "pool": "everyone"},
     "Submissions reviewed: Select a valid choice. everyone is not one of the available choices."),
    ({"name": "R", "k": 2, "closes_at": "tomorrow"}, "Reviews due (in UTC): Enter a valid date/time."),
    ({"name": "R", "k": 2, "panel": 999999},
     "Panel: Select a valid choice. That choice is not one of the available choices."),
])
def test_round_new_bad_input(client, review_setup, staff, data, message):
    round, _m, _s = review_setup
    client.force_login(staff)
    payload = {"panel": round.panel_id, "position": 2, "pool": "eligible", "method": "raw_mean", **data}
    response = client.post(f"/awards/{round.cycle.slug}/staff/rounds/new/", payload)
    assert (response.status_code, msgs(response)) == (422, [message])
    assert Round.objects.count() == 1


def test_round_edit_refuses_new_panel_once_assigned(client, review_setup, staff):
    round, _m, _s = review_setup
    jury = PanelFactory(cycle=round.cycle, kind=PanelKind.JURY, name="Jury")
    client.force_login(staff)
    response = client.post(f"/awards/staff/rounds/{round.pk}/edit/", {
        "name": "Screening", "panel": jury.pk, "position": 1, "k": 2, "pool": "eligible", "method": "raw_mean"})
    assert (response.status_code, msgs(response)) == (
        409, ["Reviewers of this panel are already assigned; the round keeps its panel."])
    assert Round.objects.get().panel_id == round.panel_id


def test_round_edit_keeps_statuses_set_elsewhere(client, review_setup, staff):
    round, _m, _s = review_setup  # created by the service with ["submitted"]: no preset
    client.force_login(staff)
    page = client.get(f"/awards/staff/rounds/{round.pk}/edit/").content.decode()
    assert "As set: Submitted" in page
    client.post(f"/awards/staff/rounds/{round.pk}/edit/", {"name": "Screening 2", "panel": round.panel_id,
                                                           "position": 1, "k": 2, "pool": "", "method": "zscore"})
    round.refresh_from_db()
    assert (round.name, round.pool_statuses, round.method) == ("Screening 2", ["submitted"], "zscore")


def test_member_page_expertise_conflicts_and_removal(client, review_setup, staff):
    round, members, subs = review_setup
    member = members[0]
    client.force_login(staff)
    response = client.post(f"/awards/staff/members/{member.pk}/", {"sdgs": ["6"], "regions": ["africa"],
                                                                   "languages": ["fr"]}, follow=True)
    assert msgs(response) == ["Expertise saved."]
    member.refresh_from_db()
    assert ([g.number for g in member.expertise_sdgs.all()], member.regions, member.languages) == ([6], ["africa"],
                                                                                                   ["fr"])
    response = client.post(f"/awards/staff/members/{member.pk}/conflicts/", {"reason": "x"})
    assert (response.status_code, msgs(response)) == (422, ["Name the organisation or the submission."])
    client.post(f"/awards/staff/members/{member.pk}/conflicts/", {"submission": subs[0].pk, "reason": "Adviser"})
    conflict = DeclaredConflict.objects.get()
    assert (conflict.submission_id, conflict.reason) == (subs[0].pk, "Adviser")
    assert not Assignment.objects.filter(member=member, submission=subs[0]).exists()
    client.post(f"/awards/staff/conflicts/{conflict.pk}/remove/")
    assert DeclaredConflict.objects.count() == 0
    response = client.post(f"/awards/staff/members/{member.pk}/remove/")
    assert response["Location"] == f"/awards/staff/panels/{round.panel_id}/"
    assert not PanelMember.objects.filter(pk=member.pk).exists()


def test_member_removal_refused_after_a_review(client, review_setup, staff):
    round, members, _s = review_setup
    a = Assignment.objects.filter(member=members[0]).select_related("member__person").first()
    services.save_review(assignment=a, actor=a.member.person.user, scores={})
    client.force_login(staff)
    response = client.post(f"/awards/staff/members/{members[0].pk}/remove/", follow=True)
    assert msgs(response) == [f"{members[0].person} has started reviewing; their reviews are part of the record, "
                              "so they stay on the panel."]
    assert PanelMember.objects.filter(pk=members[0].pk).exists()


def test_add_member_twice_refused(client, review_setup, staff):
    round, members, _s = review_setup
    client.force_login(staff)
    response = client.post(f"/awards/staff/panels/{round.panel_id}/members/", {"person": members[0].person_id})
    assert (response.status_code, msgs(response)) == (409, [f"{members[0].person} is already on this panel."])
    assert PanelMember.objects.count() == 3


def test_cycle_zone_bad_name_message(client, cycle, staff):
    client.force_login(staff)
    response = client.post(f"/awards/{cycle.slug}/staff/setup/zone/", {"time_zone": "Europe/Atlantis"})
    assert (response.status_code, msgs(response)) == (422, ["Unknown time zone: Europe/Atlantis."])
    client.post(f"/awards/{cycle.slug}/staff/setup/zone/", {"time_zone": "Asia/Shanghai"})
    cycle.refresh_from_db()
    assert cycle.time_zone == "Asia/Shanghai"


def test_round_page_shows_load_of_every_reviewer_and_the_rules(client, review_setup, staff):
    round, members, subs = review_setup
    idle = PanelMemberFactory(panel=round.panel)  # joined after the assignment: load 0, still listed
    services.set_pair_rule(round=round, submission=subs[0], member=members[1], kind="pin", actor=None)
    client.force_login(staff)
    response = client.get(f"/awards/staff/rounds/{round.pk}/")
    loads = {row["member"].pk: (row["assigned"], row["done"], row["pins"], row["forbids"])
             for row in response.context["loads"]}
    assigned = {m.pk: Assignment.objects.filter(round=round, member=m).count() for m in members}
    assert loads == {**{m.pk: (assigned[m.pk], 0, 1 if m == members[1] else 0, 0) for m in members},
                     idle.pk: (0, 0, 0, 0)}
    assert sum(assigned.values()) == 8
    assert [(r.member_id, r.submission_id, r.kind) for r in response.context["rules"]] == [
        (members[1].pk, subs[0].pk, "pin")]


# ---------------------------------------------------------------- query counts


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _round(n_members, n_subs, n_criteria):
    cycle = CycleFactory()
    panel = PanelFactory(cycle=cycle)
    members = [PanelMemberFactory(panel=panel) for _ in range(n_members)]
    for m in members:
        services.add_panel_member(panel=panel, person=m.person, actor=None, sdg_numbers=[1, 2], theme_slugs=["resilience"])
        services.declare_conflict(member=m, organisation=OrganisationFactory(), actor=None)
    for _ in range(n_subs):
        SubmissionFactory(cycle=cycle)
    round = services.create_round(cycle=cycle, panel=panel, name="R", actor=None, k=2,
                                  criteria=(CRITERIA * 3)[:n_criteria])
    services.run_assignment(round=round, actor=None)
    subs = list(cycle.submissions.all())
    for m in members:
        services.set_pair_rule(round=round, submission=subs[0], member=m, kind="forbid", actor=None)
    return round


@pytest.mark.django_db
def test_setup_list_pages_constant_queries(client):
    client.force_login(StaffFactory())
    small, big = _round(3, 3, 2), _round(7, 9, 6)
    PanelFactory(cycle=big.cycle, kind=PanelKind.JURY, name="Jury")
    services.create_round(cycle=big.cycle, panel=big.panel, name="R2", actor=None, position=2)
    for page in ("/awards/{slug}/staff/setup/", "/awards/staff/panels/{panel}/", "/awards/staff/rounds/{round}/",
                 "/awards/staff/rounds/{round}/edit/", "/awards/staff/members/{member}/"):
        counts = [queries(client, page.format(slug=r.cycle.slug, panel=r.panel_id, round=r.pk,
                                              member=r.panel.members.first().pk)) for r in (small, big)]
        assert counts[0] == counts[1], page
    few = queries(client, "/awards/staff/")
    CycleFactory()
    CycleFactory()
    assert queries(client, "/awards/staff/") == few


JUNK = [{}, {"name": "\x00", "kind": "\x00", "k": "-1", "position": "abc", "panel": "x", "pool": "\x00",
             "method": "'; drop table", "closes_at": "2021-13-45T99:99", "time_zone": "\x00" * 70,
             "person": "nobody", "sdgs": ["99", "x"], "regions": ["mars"], "languages": ["xx"],
             "organisation": "-5", "submission": "1e9", "member": "99999999999999999999999", "reason": "r" * 5000, "weight": "nan",
             "scale_min": "1e99", "scale_max": "-1e99"},
        {"name": "A" * 5000, "k": "99999999999999999999", "position": "1.5", "panel": "99999999999999999999",
         "person": "99999999999999999999", "organisation": "99999999999999999999", "submission": "-99999999999999999999", "weight": "inf", "scale_min": "",
         "scale_max": "", "closes_at": "0000-00-00 00:00", "time_zone": "../../etc/passwd"}]


def test_setup_posts_never_500_and_change_nothing_on_junk(client, review_setup, staff):
    round, members, subs = review_setup
    cycle = round.cycle
    c = round.criteria.first()
    urls = [f"/awards/{cycle.slug}/staff/setup/zone/", f"/awards/{cycle.slug}/staff/panels/new/",
            f"/awards/{cycle.slug}/staff/rounds/new/", f"/awards/staff/panels/{round.panel_id}/",
            f"/awards/staff/panels/{round.panel_id}/members/", f"/awards/staff/members/{members[0].pk}/conflicts/",
            f"/awards/staff/rounds/{round.pk}/edit/", f"/awards/staff/rounds/{round.pk}/criteria/",
            f"/awards/staff/criteria/{c.pk}/", f"/awards/staff/rounds/{round.pk}/rule/"]
    before = (Panel.objects.count(), Round.objects.count(), PanelMember.objects.count(), Criterion.objects.count(),
              DeclaredConflict.objects.count(), sorted(Criterion.objects.values_list("name", "weight")))
    client.force_login(staff)
    statuses = {(url, client.post(url, junk).status_code) for url in urls for junk in JUNK[1:] + JUNK[:1]}
    assert {status for _url, status in statuses} <= {302, 404, 409, 422}
    assert (Panel.objects.count(), Round.objects.count(), PanelMember.objects.count(), Criterion.objects.count(),
            DeclaredConflict.objects.count(), sorted(Criterion.objects.values_list("name", "weight"))) == before
