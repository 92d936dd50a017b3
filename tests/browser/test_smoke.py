import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_page_renders_in_chromium(page):
    page.goto("/")
    assert page.locator("header .brand").inner_text() == "Urbis"
