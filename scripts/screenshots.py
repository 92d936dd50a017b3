"""Take the README's screenshots from a running demo (`./urbis.sh demo`) in Debian's Chromium.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 ADMIN_PASSWORD
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
        "--disable-component-update", "--disable-sync"]


def main(base: str, admin_password: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        visitor = browser.new_context(base_url=base, viewport={"width": 1360, "height": 1000},
                                      timezone_id="Europe/Paris", locale="en-GB")
        page = visitor.new_page()
        page.goto("/programme/?day=2021-11-09")
        page.reload()  # the first visit tells the server the browser's zone
        page.screenshot(path=OUT / "programme.png", full_page=False)
        page.goto("/programme/?day=2021-11-09")
        page.goto(page.locator("a[href^='/sessions/']").filter(has_text="Opening plenary").first.get_attribute("href"))
        page.screenshot(path=OUT / "session.png", full_page=False)
        staff = browser.new_context(base_url=base, viewport={"width": 1360, "height": 1100}, locale="en-GB")
        page = staff.new_page()
        page.goto("/accounts/login/")
        page.fill("input[name=login]", "admin@urbis.example")
        page.fill("input[name=password]", admin_password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        for name, path in (("editor", "/staff/programme/?day=2021-11-09"),
                           ("registration-dashboard", "/registration/staff/guangzhou-2021/dashboard/")):
            page.goto(path)
            page.wait_for_timeout(1500)  # charts and the map draw after load
            page.screenshot(path=OUT / f"{name}.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
