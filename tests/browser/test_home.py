"""End-to-end: the home page in Chromium, with axe-core accessibility checks."""

import pytest

from tests.browser.helpers import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {**browser_context_args, "bypass_csp": True}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("sl", "Trenutno ni odprtih razpisov."),
        ("en", "There are no open tenders at the moment."),
    ],
)
def test_home_page_is_accessible(page, live_server, language, text):
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == language
    assert text in page.content()
    assert axe_violations(page) == []


def test_skip_link_and_language_switch(page, live_server):
    page.set_extra_http_headers({"Accept-Language": "sl"})
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    page.get_by_role("button", name="English").first.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "There are no open tenders at the moment." in page.content()
    page.get_by_role("button", name="Slovenščina").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sl"


def test_login_and_logout(page, live_server, actors):
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(live_server.url + "/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_label("Email address").fill("a@example.test")
    page.get_by_label("Password").fill("Correct-horse-battery-9")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    assert page.get_by_role("link", name="Log in").is_visible()
