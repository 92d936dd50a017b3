"""The header's language switcher and the login form, in a real browser."""

import pytest

from tests.browser.conftest import login
from tests.core.test_i18n import _compile_stale_catalogues
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def translations(settings):
    _compile_stale_catalogues()
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_language_switcher_changes_the_page_language(page, translations):
    OrganisationFactory(name="Madrid", region="europe")
    page.goto("/members/")
    assert page.locator("h1").inner_text() == "Members"
    page.select_option("#language-switcher", "es")
    page.wait_for_url("**/members/")
    page.wait_for_selector("html[lang=es]")
    assert (page.locator("h1").inner_text(), page.locator(".main-nav a").first.inner_text()) == ("Miembros", "Programa")
    page.select_option("#language-switcher", "zh-hans")
    page.wait_for_selector("html[lang=zh-hans]")
    assert page.locator(".main-nav a").first.inner_text() == "日程"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_login_form_and_profile_time_zone(page):
    UserFactory(email="mayor@example.org", display_name="Mayor")
    login(page, "mayor@example.org", "correct horse battery")
    page.goto("/accounts/profile/")
    page.select_option("select[name=time_zone]", "Asia/Shanghai")
    page.click("#main form button[type=submit]")
    page.wait_for_selector(".message.success")
    assert page.locator("select[name=time_zone]").input_value() == "Asia/Shanghai"
