"""End-to-end: a staff member logs in with a second factor; account pages pass axe-core."""

import re

import pytest

from tests.browser.helpers import axe_violations
from tests.housing.factories import PASSWORD, StaticDeviceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {**browser_context_args, "bypass_csp": True}


def test_staff_login_with_backup_code_and_accessible_account_pages(
    page, live_server, actors, settings
):
    settings.OTP_STATIC_THROTTLE_FACTOR = 0  # a wrong code first, then the right one
    StaticDeviceFactory(user=actors["member_x"], tokens=["123456"])
    page.set_extra_http_headers({"Accept-Language": "en"})

    page.goto(live_server.url + "/accounts/login/")
    assert axe_violations(page) == []
    page.get_by_label("Email address").fill("member-x@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.wait_for_url(re.compile(r".*/accounts/otp/verify/\?next=.*"))
    assert page.get_by_role("heading", name="Confirm it is you").is_visible()
    assert axe_violations(page) == []
    page.get_by_label("Code").fill("654321")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()
    assert "This code is not right" in page.content()
    assert axe_violations(page) == []  # with the error at the field
    page.get_by_label("Code").fill("123456")
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(live_server.url + "/")

    page.goto(live_server.url + "/accounts/otp/setup/")
    assert page.get_by_role(
        "heading", name="Set up your authenticator app"
    ).is_visible()
    assert page.get_by_role(
        "img", name="QR code for your authenticator app"
    ).is_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_url(live_server.url + "/accounts/password-reset/")
    assert axe_violations(page) == []
