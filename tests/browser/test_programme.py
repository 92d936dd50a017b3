"""A newcomer reads the programme, changes time zone, filters by an SDG, builds an agenda and takes
it to their calendar — in Chromium, against the live server."""

import datetime as dt
import importlib
import os
from pathlib import Path

import icalendar
import pytest
from django.apps import apps

from tests.browser.conftest import login
from tests.factories import PersonFactory, RoomFactory, StreamFactory, UserFactory
from tests.program.programme_builders import add_session, at, current_edition, publish

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _small_edition():
    # Transactional tests flush the tables: put the taxonomies back (idempotent).
    importlib.import_module("urbis.core.migrations.0002_load_taxonomies").load(apps, None)
    edition = current_edition(name="World Congress Guangzhou", starts_on=dt.date(2021, 11, 8),
                              ends_on=dt.date(2021, 11, 10), time_zone="Asia/Shanghai")
    hall = RoomFactory(edition=edition, name="Main hall", position=0)
    room_b = RoomFactory(edition=edition, name="Room B", position=1)
    stream = StreamFactory(edition=edition, name="Channel 1")
    mayor = PersonFactory(first_name="Ada", last_name="Colau", title="Mayor")
    d1 = edition.starts_on
    add_session(edition, code="OPEN", title="Opening plenary", room=hall, stream=stream, sdgs=[11, 17],
                starts_at=at(edition, d1, 10), ends_at=at(edition, d1, 11, 30), speakers=[mayor],
                themes=["public-space"], abstract="The mayors open the congress.")
    add_session(edition, code="MOB", title="Mobility forum", room=room_b, sdgs=[11],
                starts_at=at(edition, d1, 11), ends_at=at(edition, d1, 12), themes=["climate-friendly-mobility"])
    add_session(edition, code="HEAL", title="Healthy cities", room=room_b, sdgs=[3],
                starts_at=at(edition, d1, 14), ends_at=at(edition, d1, 15), themes=["healthcare"])
    publish(edition)
    return edition


def _codes(page) -> list[str]:
    return page.locator("[data-code]").evaluate_all("els => els.map(e => e.dataset.code)")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_newcomer_reads_the_programme_and_builds_an_agenda(page, tmp_path):
    _small_edition()
    user = UserFactory(email="newcomer@example.org")

    # The programme, in the venue's zone at first (the browser reports its own zone on this first visit).
    page.goto("/programme/")
    assert page.locator("h1").inner_text().startswith("Programme")
    assert _codes(page) == ["OPEN", "MOB", "HEAL"]
    if os.environ.get("URBIS_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.reload()
        page.screenshot(path=str(SCREENSHOTS / "programme.png"), full_page=True)

    # Another time zone through the picker: New York is 13 hours behind, so the day is 7 November there.
    page.select_option("#zone-picker", "America/New_York")
    page.click("text=Change time zone")
    page.wait_for_url("**/programme/")
    assert "America/New_York" in page.locator(".zone-note").inner_text()
    assert page.locator("h2.day-title").inner_text() == "Sunday 7 November 2021"
    assert "21:00" in page.locator("[data-code=OPEN] .when-mine").inner_text()
    assert "10:00" in page.locator("[data-code=OPEN] .when-venue").inner_text()

    # Filter by SDG 11.
    page.select_option("select[name=sdg]", "11")
    page.click("button:has-text('Filter')")
    page.wait_for_url("**sdg=11**")
    assert _codes(page) == ["OPEN", "MOB"]

    # Log in and bookmark the two overlapping sessions (htmx swaps the button in place).
    login(page, user.email, "correct horse battery")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto("/programme/?view=list&sdg=11")
    for code in ("OPEN", "MOB"):
        page.click(f"[data-code={code}] button.bookmark")
        page.locator(f"[data-code={code}] button.bookmark.on").wait_for()
    if os.environ.get("URBIS_SCREENSHOTS") == "1":
        page.goto("/sessions/OPEN/")
        page.screenshot(path=str(SCREENSHOTS / "session.png"), full_page=True)

    # The agenda flags the overlap.
    page.goto("/agenda/")
    assert _codes(page) == ["OPEN", "MOB"]
    assert page.locator(".overlap-summary").inner_text() == "2 sessions in your agenda overlap others."
    assert page.locator("[data-code=OPEN] .overlap-flag").inner_text() == "⚠ Overlaps with Mobility forum"

    # Download the agenda as iCalendar.
    with page.expect_download() as download_info:
        page.click("text=Download my agenda (.ics)")
    path = tmp_path / "agenda.ics"
    download_info.value.save_as(path)
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    events = sorted((str(e["summary"]), e["dtstart"].dt) for e in calendar.walk("VEVENT"))
    assert [summary for summary, _start in events] == ["Mobility forum", "Opening plenary"]
    assert [start.astimezone(dt.UTC) for _summary, start in events] == [
        dt.datetime(2021, 11, 8, 3, 0, tzinfo=dt.UTC), dt.datetime(2021, 11, 8, 2, 0, tzinfo=dt.UTC)]
