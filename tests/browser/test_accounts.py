"""End-to-end: a staff member logs in with a second factor; account pages pass axe-core."""

import re

import pytest

from tests.browser.helpers import axe_violations, check_page
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


def test_register_confirm_log_in_and_switch_to_slovenian_at_320_px(page, live_server):
    """An applicant on a phone: register in English (with a mistake first), open the
    emailed link, log in, choose Slovenian; every page reflows and passes axe-core."""
    from django.core import mail

    from housing.models import User

    page.set_viewport_size({"width": 320, "height": 800})
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Create an account").click()
    page.wait_for_url(live_server.url + "/accounts/register/")
    assert page.get_by_role("heading", name="Create an account").is_visible()
    check_page(page)

    # A password that is too short: the error summary, then the field.
    page.get_by_label("Full name").fill("Ana Nova")
    page.get_by_label("Email address").fill("ana.nova@example.test")
    page.get_by_label("Create a password").fill("short")
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="There is a problem").is_visible()
    assert page.title().startswith("Error:")
    check_page(page)  # with the errors
    page.get_by_label("Create a password").fill("Purple-otter-lantern-42")
    page.get_by_role("button", name="Create the account").click()
    page.wait_for_url(live_server.url + "/accounts/register/done/")
    assert page.get_by_role("heading", name="Check your email").is_visible()
    check_page(page)

    # Not before the link.
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email address").fill("ana.nova@example.test")
    page.get_by_label("Password").fill("Purple-otter-lantern-42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    assert "You have not confirmed your email address yet" in page.content()
    check_page(page)

    (message,) = mail.outbox
    assert message.to == ["ana.nova@example.test"]
    link = re.search(r"https?://\S+/accounts/verify/\S+/", message.body).group(0)
    page.goto(link)
    assert page.get_by_role("heading", name="Confirm your email address").is_visible()
    check_page(page)
    page.get_by_label("Password").fill("Purple-otter-lantern-42")
    page.get_by_role("button", name="Confirm and log in").click()
    page.wait_for_url(live_server.url + "/accounts/")
    assert page.get_by_text("Your email address is confirmed.").is_visible()
    check_page(page)

    # Log out and in again through the login page.
    page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/?next=/accounts/")
    page.get_by_label("Email address").fill("ana.nova@example.test")
    page.get_by_label("Password").fill("Purple-otter-lantern-42")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/accounts/")
    assert page.get_by_role("heading", name="Your account").is_visible()

    page.get_by_label("Slovenščina").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(live_server.url + "/accounts/")
    assert page.get_by_role("heading", name="Vaš račun").is_visible()
    assert page.locator("html").get_attribute("lang") == "sl"
    check_page(page)
    assert User.objects.get(email="ana.nova@example.test").preferred_language == "sl"
