import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login
from tests.factories import PersonFactory, SessionFactory, StaffFactory
from tests.program.factories import at, edition_with_venue
from urbis.program.models import ProgrammeVersion, Session, SessionSpeaker


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_creates_a_session_sees_the_conflict_and_publishes(page):
    edition, rooms, streams = edition_with_venue(is_current=True, name="World Congress Guangzhou")
    mayor = PersonFactory(first_name="Ada", last_name="Colau")
    existing = SessionFactory(edition=edition, room=rooms[0], stream=streams[0], title="Opening plenary",
                              starts_at=at(edition, 0, 10), ends_at=at(edition, 0, 11))
    SessionSpeaker.objects.create(session=existing, person=mayor, role="keynote")
    staff = StaffFactory()

    login(page, staff.email, "correct horse battery")
    page.wait_for_load_state()
    page.goto("/staff/programme/")
    expect(page.locator("h1")).to_have_text("Programme editor — World Congress Guangzhou")
    expect(page.locator(".zone-note")).to_contain_text("Asia/Shanghai")
    expect(page.locator("#conflicts")).to_contain_text("No conflicts.")
    expect(page.locator(f".block[data-code='{existing.code}']")).to_contain_text("10:00–11:00")

    page.get_by_role("link", name="New session").first.click()
    page.fill("input[name=title]", "Mayors on mobility")
    page.select_option("select[name=room]", label="Hall B")
    page.select_option("select[name=stream]", label="Channel 2")
    page.fill("input[name=starts_at]", "2021-11-08T10:30")
    page.fill("input[name=ends_at]", "2021-11-08T11:30")
    page.select_option("select[name=speakers-0-person]", label="Ada Colau")
    page.select_option("select[name=speakers-0-role]", value="moderator")
    page.get_by_role("button", name="Create session").click()

    created = Session.objects.get(title="Mayors on mobility")
    expect(page.locator(".messages")).to_contain_text(f"Session {created.code} created.")
    expect(page.locator("#conflicts")).to_contain_text(
        "Ada Colau speaks in “Opening plenary” and “Mayors on mobility” at overlapping times.")
    expect(page.locator(f".block[data-code='{created.code}']")).to_have_class(re.compile("has-conflict"))
    expect(page.locator("#change-counts")).to_contain_text("2 added")

    page.get_by_role("link", name="Publish…").click()
    expect(page.locator(".changes")).to_contain_text("Mayors on mobility")
    page.fill("input[name=note]", "First programme")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".errorlist")).to_contain_text("tick “publish anyway”")
    assert ProgrammeVersion.objects.count() == 0

    page.check("input[name=publish_anyway]")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".messages")).to_contain_text("Version 1 published.")
    expect(page.locator("#version-1")).to_contain_text("First programme")
    assert list(ProgrammeVersion.objects.values_list("number", "note")) == [(1, "First programme")]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_moves_a_session_with_the_htmx_form(page):
    edition, rooms, streams = edition_with_venue(is_current=True)
    session = SessionFactory(edition=edition, room=rooms[0], stream=streams[0], title="Board meeting",
                             starts_at=at(edition, 0, 10), ends_at=at(edition, 0, 11))
    blocker = SessionFactory(edition=edition, room=rooms[1], stream=streams[1], title="Side event",
                             starts_at=at(edition, 1, 9), ends_at=at(edition, 1, 12))
    staff = StaffFactory()
    login(page, staff.email, "correct horse battery")
    page.wait_for_load_state()
    page.goto(f"/staff/programme/sessions/{session.pk}/")

    move = page.locator("#move-form")
    move.locator("input[name=starts_at]").fill("2021-11-09T10:00")
    move.locator("input[name=ends_at]").fill("2021-11-09T11:00")
    move.locator("select[name=room]").select_option(label="Hall B")
    move.get_by_role("button", name="Move").click()
    expect(page.locator("#move-form .errorlist")).to_contain_text(f"“Side event” ({blocker.code})")
    expect(page).to_have_url(re.compile(f"/staff/programme/sessions/{session.pk}/$"))  # swapped in place

    page.locator("#move-form input[name=starts_at]").fill("2021-11-09T14:00")
    page.locator("#move-form input[name=ends_at]").fill("2021-11-09T15:00")
    page.locator("#move-form").get_by_role("button", name="Move").click()
    expect(page).to_have_url(re.compile(r"day=2021-11-09"))
    expect(page.locator(".messages")).to_contain_text(f"Session {session.code} moved.")
    expect(page.locator(f".block[data-code='{session.code}']")).to_contain_text("14:00–15:00")
    session.refresh_from_db()
    assert (session.starts_at, session.room) == (at(edition, 1, 14), rooms[1])
