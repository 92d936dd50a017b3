"""The door's camera scanner (html5-qrcode) reads a badge's QR code and checks the holder in.

Chromium runs with a fake camera (--use-fake-device-for-media-stream) whose picture is a Y4M video file
(--use-file-for-fake-video-capture) made from the badge's segno QR code, so the real camera path of the
check-in page runs: getUserMedia → html5-qrcode decodes frames → the form is submitted with HTMX."""

import datetime as dt
import io

import pytest
import segno
from django.utils import timezone
from PIL import Image

from tests.browser.conftest import login
from tests.factories import StaffFactory
from tests.registration.factories import RegistrationFactory
from urbis.program.models import Edition
from urbis.registration.badges import badge_token
from urbis.registration.models import CheckIn

PASSWORD = "correct horse battery"
WIDTH, HEIGHT = 640, 480


def qr_video(text: str, path) -> None:
    """A one-frame Y4M (4:2:0) video of the QR code of `text`, centred on a white picture."""
    png = io.BytesIO()
    segno.make(text, error="m", micro=False).save(png, kind="png", scale=5, border=4)
    code = Image.open(io.BytesIO(png.getvalue())).convert("L")
    assert max(code.size) <= 280  # inside html5-qrcode's 250 px scanning box once the video is scaled
    picture = Image.new("L", (WIDTH, HEIGHT), 255)
    picture.paste(code, ((WIDTH - code.width) // 2, (HEIGHT - code.height) // 2))
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    with open(path, "wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _frame in range(2):
            out.write(b"FRAME\n" + picture.tobytes() + chroma + chroma)


@pytest.fixture
def door(db):
    today = timezone.localdate(timezone.now(), timezone.get_fixed_timezone(0))
    edition = Edition.objects.create(slug="door", name="World Congress", starts_on=today - dt.timedelta(days=1),
                                     ends_on=today + dt.timedelta(days=1), time_zone="UTC", venue_city="Guangzhou",
                                     is_current=True)
    return edition


def camera_browser(browser, video):
    """A second Chromium from the same Playwright, whose camera shows `video`."""
    return browser.browser_type.launch(
        executable_path=_chromium_path(),
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
              "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream",
              "--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"])


def _chromium_path() -> str:
    import os
    import shutil

    from tests.browser.conftest import CHROMIUM

    return CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_camera_scan_checks_the_badge_holder_in(browser, live_server, door, tmp_path):
    staff = StaffFactory(email="door@example.org")
    holder = RegistrationFactory(edition=door, first_name="Núria", last_name="Vidal")
    video = tmp_path / "badge.y4m"
    qr_video(badge_token(holder), video)
    camera = camera_browser(browser, video)
    try:
        context = camera.new_context(base_url=live_server.url, locale="en-GB")
        context.grant_permissions(["camera"], origin=live_server.url)
        context.set_default_timeout(20_000)
        page = context.new_page()
        login(page, staff.email, PASSWORD)
        page.goto(f"/registration/staff/{door.slug}/checkin/")
        page.fill("#id_gate", "North")
        page.click("#start-camera")
        result = page.locator("#scan-result .scan-result")
        result.wait_for()
        assert (result.get_attribute("data-code"), result.locator("strong").inner_text()) == (
            "checked_in", "Welcome, Núria Vidal.")
        assert list(CheckIn.objects.values_list("registration_id", "gate", "session_code")) == [
            (holder.pk, "North", "")]
        # The camera keeps seeing the badge: the page ignores the same code for 3 s, then submits it again,
        # and that second scan is flagged, not counted.
        page.wait_for_selector('#scan-result [data-code="already_checked_in"]')
        assert page.locator("#scan-result strong").inner_text().startswith("Already checked in today at ")
        assert CheckIn.objects.count() == 1
    finally:
        camera.close()
