"""A newcomer's path through the award: an applicant submits and gets SDG suggestions, staff run the
assignment, a reviewer scores, staff shortlist, a citizen votes, the showcase and the SDG report show it."""

import importlib

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps

from tests.awards.conftest import CRITERIA
from tests.awards.factories import CycleFactory, PanelFactory, PanelMemberFactory
from tests.browser.conftest import login
from tests.factories import StaffFactory, UserFactory
from urbis.awards import services
from urbis.awards.models import Submission

PASSWORD = "correct horse battery"


def logout(page):
    page.context.clear_cookies()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_award_cycle_end_to_end(page):
    # Transactional tests flush the tables: put the taxonomies back (idempotent).
    importlib.import_module("urbis.core.migrations.0002_load_taxonomies").load(apps, None)
    cycle = CycleFactory(slug="guangzhou-award-2021")
    staff = StaffFactory(email="staff@example.org")
    applicant = UserFactory(email="applicant@example.org")
    panel = PanelFactory(cycle=cycle)
    reviewers = [PanelMemberFactory(panel=panel) for _ in range(2)]
    round = services.create_round(cycle=cycle, panel=panel, name="Screening", actor=None, k=2, criteria=CRITERIA)
    citizen = UserFactory(email="citizen@example.org")
    EmailAddress.objects.create(user=citizen, email=citizen.email, verified=True, primary=True)

    # the applicant writes the initiative; the form suggests SDGs from the description
    login(page, applicant.email, PASSWORD)
    page.goto(f"/awards/{cycle.slug}/apply/")
    page.fill("input[name=new_applicant_name]", "Ayuntamiento de Sevilla")
    page.fill("input[name=title]", "Clean water for every neighbourhood")
    page.fill("input[name=city]", "Seville")
    page.select_option("select[name=country]", "ES")
    page.fill("input[name=contact_name]", "Ana Ruiz")
    page.fill("textarea[name=summary]", "Water and sanitation for informal settlements.")
    page.fill("input[name=start_year]", "2016")
    page.locator("textarea[name=description]").press_sequentially(
        "Safe drinking water, sanitation and new toilets for every household; wastewater is treated.", delay=5)
    suggestion = page.locator("[data-confirm-sdg='6']")
    suggestion.wait_for(timeout=30_000)
    assert page.locator("#sdg-suggestions button").count() == 3
    suggestion.click()
    assert page.locator("input[name=sdgs][value='6']").is_checked()
    page.click("#submission-form button[type=submit]")
    page.wait_for_url("**/awards/submissions/*/")
    page.click("form[action$='/submit/'] button")
    assert page.locator(".status").first.inner_text() == "Submitted"
    submission = Submission.objects.get()
    assert ([g.number for g in submission.sdgs.all()], submission.status) == ([6], "submitted")
    logout(page)

    # staff run the automatic assignment
    login(page, staff.email, PASSWORD)
    page.goto(f"/awards/staff/rounds/{round.pk}/")
    page.click("#run-assignment")
    assert page.locator(".run").inner_text().startswith("Last run: objective")
    logout(page)

    # a reviewer scores
    reviewer = reviewers[0].person.user
    login(page, reviewer.email, PASSWORD)
    page.goto("/awards/review/")
    page.click(f"text={submission.title}")
    for criterion, value in zip(round.criteria.all(), ["8", "7", "4"], strict=True):
        page.fill(f"#c{criterion.pk}", value)
    page.fill("#comment_to_applicant", "Convincing results.")
    page.click("button[name=submit]")
    assert page.locator(".status").inner_text().startswith("Your review: Submitted")
    logout(page)

    # staff shortlist it from the ranking
    login(page, staff.email, PASSWORD)
    page.goto(f"/awards/staff/rounds/{round.pk}/ranking/")
    row = page.locator("table.ranking tbody tr").first
    row.locator("select[name=status]").select_option("shortlisted")
    row.locator("input[name=reason]").fill("Strong evidence of impact")
    row.locator("button").click()
    page.wait_for_url("**/awards/submissions/*/")
    assert page.locator(".status").first.inner_text() == "Shortlisted (finalist)"
    logout(page)

    # a citizen with a verified e-mail votes
    login(page, citizen.email, PASSWORD)
    page.goto(f"/awards/{cycle.slug}/vote/")
    page.click("ul.finalists button")
    assert page.locator(".messages").inner_text() == f"Thank you: your vote for {submission.title} is counted."

    # the showcase and the SDG report show the result
    page.goto(f"/awards/{cycle.slug}/showcase/?sdg=6")
    assert page.locator(".showcase .entry h2").all_inner_texts() == [submission.title]
    assert page.locator(".showcase .entry a[href^='/members/']").get_attribute("href") == (
        f"/members/{submission.applicant.slug}/")
    page.goto(f"/awards/{cycle.slug}/report/")
    assert page.locator(".report-finalists li").all_inner_texts() == [f"{submission.title} — Seville"]
    assert page.locator("table.by-sdg tr").nth(5).inner_text().split("\t")[-1].strip() == "1"
    page.click("text=Build the PDF")
    assert page.locator("#report-progress .status").inner_text() == "Ready"
