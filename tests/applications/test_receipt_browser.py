"""The receipt being prepared, in Chromium at 320 px (issue 12, 6): the confirmation
page says so and passes axe-core; once the worker has stored the PDF, the page puts the
download link in place by itself (JavaScript), and without JavaScript the "check
again" link does the same by reloading."""

import pytest

from applications import services
from tests.applications.conftest import BEFORE
from tests.browser.helpers import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 320, "height": 800},
    }


def run_worker():
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")


@pytest.mark.parametrize("javascript", [True, False])
def test_the_page_shows_the_receipt_once_the_worker_stored_it(
    browser, live_server, draft, applicant, javascript
):
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    context = browser.new_context(
        bypass_csp=True,
        viewport={"width": 320, "height": 800},
        java_script_enabled=javascript,
        extra_http_headers={"Accept-Language": "en"},
    )
    page = context.new_page()
    base = live_server.url
    log_in(page, base, applicant.email, code=None)
    page.goto(f"{base}/applications/{draft.pk}/submitted/")
    block = page.locator("[data-receipt]")
    assert block.get_attribute("data-receipt-state") == "pending"
    assert "being prepared" in block.inner_text()
    if javascript:
        check_page(page)  # axe-core needs JavaScript

    run_worker()
    if javascript:
        # The page checks by itself and swaps the link in, without a reload.
        page.evaluate("window.notReloaded = true")
        page.wait_for_selector(
            "[data-receipt][data-receipt-state='ready'] a[href$='receipt.pdf']",
            timeout=15000,
        )
        assert page.evaluate("window.notReloaded") is True
        check_page(page)
    else:
        page.get_by_role("link", name="Check again for the receipt").click()
        page.wait_for_load_state()
        assert block.get_attribute("data-receipt-state") == "ready"
    link = page.get_by_role("link", name="Download the receipt (PDF)")
    assert link.get_attribute("href") == f"/applications/{draft.pk}/receipt.pdf"
    context.close()
