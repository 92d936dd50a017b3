"""A newcomer registers online, is approved, switches to on site, gets the badge, is checked in at the door,
attends an online session, downloads the certificate and verifies it at its public URL."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import login
from tests.factories import OrganisationFactory, RoomFactory, SessionFactory, StaffFactory, StreamFactory
from urbis.program.enums import SessionMode
from urbis.program.models import Edition
from urbis.program.services import publish_programme
from urbis.registration import services
from urbis.registration.models import Attendance, CheckIn, Registration

PASSWORD = "correct horse battery"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_newcomer_registration_to_verified_certificate(page, browser, live_server):
    today = timezone.localdate(timezone.now(), timezone.get_fixed_timezone(0))
    edition = Edition.objects.create(slug="wc", name="World Congress", starts_on=today - dt.timedelta(days=1),
                                     ends_on=today + dt.timedelta(days=1), time_zone="UTC", venue_city="Guangzhou",
                                     is_current=True)
    services.update_settings(edition=edition, actor=None, min_online_minutes=0)
    OrganisationFactory(name="Barcelona City Council", city="Barcelona")
    stream = StreamFactory(edition=edition, url=f"{live_server.url}/programme/")
    now = timezone.now()
    SessionFactory(edition=edition, title="Climate-friendly mobility", mode=SessionMode.HYBRID, stream=stream,
                   room=RoomFactory(edition=edition), starts_at=now - dt.timedelta(minutes=10),
                   ends_at=now + dt.timedelta(minutes=50))
    publish_programme(edition=edition, actor=None)
    staff = StaffFactory(email="secretariat@example.org")

    # 1. A newcomer signs up and registers to attend online.
    page.goto("/accounts/signup/")
    page.fill("input[name=email]", "newcomer@example.org")
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto("/registration/")
    page.fill("#id_first_name", "Núria")
    page.fill("#id_last_name", "Vidal")
    page.select_option("#id_category", "delegate")
    page.check("input[name=mode][value=online]")
    page.select_option("#id_organisation", label="Barcelona City Council")
    page.fill("#id_function", "Director of international relations")
    page.check("input[name=languages][value=es]")
    page.fill("#id_dietary_needs", "Vegetarian")
    page.check("#id_privacy_consent")
    page.click("#registration-form button[type=submit]")
    assert page.locator("[data-status]").inner_text() == "Submitted"
    registration = Registration.objects.get(email="newcomer@example.org")

    # 2. Staff approve the delegate.
    staff_context = browser.new_context(base_url=live_server.url)
    staff_page = staff_context.new_page()
    login(staff_page, staff.email, PASSWORD)
    staff_page.goto(f"/registration/staff/{edition.slug}/?status=submitted")
    staff_page.click(f"tr[data-id='{registration.pk}'] button:has-text('Approve')")
    staff_page.wait_for_selector(".message.success")

    # 3. The participant sees the approval, switches to on site and downloads the badge.
    page.goto(f"/registration/{edition.slug}/me/")
    assert page.locator("[data-status]").inner_text() == "Approved"
    page.select_option("#mode-form select[name=mode]", "on_site")
    page.click("#mode-form button[type=submit]")
    assert page.locator("[data-mode]").inner_text() == "On site"
    with page.expect_download() as download:
        page.click("#badge-link")
    assert download.value.suggested_filename == f"badge-{registration.badge_code}.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # 4. At the door, staff type the badge code on the check-in page; a second scan is flagged.
    staff_page.goto(f"/registration/staff/{edition.slug}/checkin/")
    staff_page.fill("input[name=gate]", "North")
    staff_page.fill("#id_code", registration.badge_code.lower())
    staff_page.click("#scan-form button[type=submit]")
    staff_page.wait_for_selector(".scan-result.checked_in")
    assert "Welcome, Núria Vidal." in staff_page.locator("#scan-result").inner_text()
    staff_page.fill("#id_code", registration.badge_code)
    staff_page.click("#scan-form button[type=submit]")
    staff_page.wait_for_selector(".scan-result.already")
    assert CheckIn.objects.filter(registration=registration).count() == 1
    staff_context.close()

    # 5. The participant joins the running session online through the platform.
    page.goto(f"/registration/{edition.slug}/me/")
    with page.context.expect_page() as new_tab:
        page.click("#join-links a.join")
    new_tab.value.wait_for_load_state()
    assert new_tab.value.url == f"{live_server.url}/programme/"
    assert list(Attendance.objects.values_list("registration_id", "attended")) == [(registration.pk, True)]

    # 6. Certificate: issued, downloaded, verified at its public URL (logged out).
    page.click("#issue-certificate")
    with page.expect_download() as download:
        page.click("#certificate-link")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    verify_url = page.locator("#verify-link").get_attribute("href")
    page.context.clear_cookies()
    page.goto(verify_url)
    assert page.locator("#verified .message").inner_text() == "This certificate is genuine."
    assert "Núria Vidal attended World Congress." in page.locator("#verified").inner_text()
