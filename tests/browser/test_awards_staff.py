"""The secretariat sets a round up in the browser: a panel and its member, a round with its due date in the
cycle's zone, the rubric; runs the assignment and sees the load per reviewer; the rubric then locks."""

import datetime as dt
import importlib
import os

import pytest
from django.apps import apps

from tests.awards.factories import CycleFactory, SubmissionFactory
from tests.browser.conftest import login
from tests.factories import OrganisationFactory, PersonFactory, StaffFactory, UserFactory
from urbis.awards import services
from urbis.awards.models import Assignment, Criterion, Round

PASSWORD = "correct horse battery"
SHOTS = os.environ.get("URBIS_SCREENSHOTS", "")


def shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_sets_up_a_round_and_the_rubric_locks(page):
    importlib.import_module("urbis.core.migrations.0002_load_taxonomies").load(apps, None)
    cycle = CycleFactory(slug="award-2030", time_zone="Asia/Shanghai",
                         call_closes_at=dt.datetime(2030, 3, 31, 16, tzinfo=dt.UTC))
    staff = StaffFactory(email="staff@example.org")
    reviewers = [PersonFactory(first_name=name, last_name="Reviewer", country=country,
                               organisation=OrganisationFactory(country=country, city=f"{name} city"),
                               user=UserFactory(email=f"{name.lower()}@example.org"))
                 for name, country in (("Amina", "KE"), ("Bruno", "BR"))]
    subs = [SubmissionFactory(cycle=cycle, applicant=OrganisationFactory(country="ES")) for _ in range(3)]

    login(page, staff.email, PASSWORD)
    page.goto("/staff/")
    page.click("text=Award set-up: panels, rounds and rubrics")
    page.click("text=Panels and rounds")
    # the browser is in Paris (summer time on 31 March 2030); the cycle announces in Shanghai time
    assert "2030-03-31 18:00" in page.inner_text("body") or page.url.endswith("/staff/setup/")
    page.select_option("#new-panel select[name=kind]", "technical_committee")
    page.fill("#new-panel input[name=name]", "Technical committee")
    page.click("#new-panel button[type=submit]")
    for person in reviewers:
        page.select_option("#add-member select[name=person]", str(person.pk))
        page.check("#add-member input[name=sdgs][value='6']")
        page.click("#add-member button[type=submit]")
        assert f"{person} is on the panel." in page.inner_text(".messages")
    assert page.locator("table.members tbody tr").count() == 2
    shot(page, "panel")

    page.goto(f"/awards/{cycle.slug}/staff/setup/")
    page.fill("#new-round input[name=name]", "Screening")
    page.fill("#new-round input[name=k]", "2")
    page.select_option("#new-round select[name=pool]", "eligible")
    page.fill("#new-round input[name=closes_at]", "2030-05-31T18:00")
    page.click("#new-round button[type=submit]")
    round = Round.objects.get()
    assert round.closes_at == dt.datetime(2030, 5, 31, 10, tzinfo=dt.UTC)  # 18:00 in Shanghai
    for name, lo, hi in (("Innovation", "1", "10"), ("Impact", "1", "5")):
        page.fill("#add-criterion input[name=name]", name)
        page.fill("#add-criterion input[name=scale_min]", lo)
        page.fill("#add-criterion input[name=scale_max]", hi)
        page.click("#add-criterion button[type=submit]")
    assert list(Criterion.objects.order_by("position").values_list("name", "scale_min", "scale_max")) == [
        ("Innovation", 1, 10), ("Impact", 1, 5)]
    # the visitor's zone and the cycle's, side by side
    due = page.inner_text(".when")
    assert "2030-05-31 12:00 CEST" in due and "2030-05-31 18:00 CST" in due
    shot(page, "round_edit")

    page.click("text=Assignment and progress")
    page.click("#run-assignment")
    assert "Assignment done" in page.inner_text(".messages")
    loads = page.locator("table.loads tbody tr")
    assert [loads.nth(i).locator("td").nth(1).inner_text() for i in range(2)] == ["3", "3"]
    shot(page, "round")

    a = Assignment.objects.filter(round=round).select_related("member__person").first()
    services.save_review(assignment=a, actor=a.member.person.user, scores={})
    page.goto(f"/awards/staff/rounds/{round.pk}/edit/")
    assert "The rubric is locked" in page.inner_text("#rubric-locked")
    assert page.locator("#add-criterion").count() == 0
    assert len(subs) == 3
