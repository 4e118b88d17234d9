"""End-to-end: every page reflows at 320 px and passes axe-core at 320 and 1280 px, in
both languages; the error summary is focused and links to the fields (issue 11)."""

import pytest

from tests.browser.helpers import axe_violations, check_page, log_in, overflow_px
from tests.housing.factories import StaticDeviceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 1280]
OTHER_LANGUAGE = {"sl": "English", "en": "Slovenščina"}


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def tenders(lessor_x):
    """An open tender with every table the public page has, and a closed one."""
    from tests.tenders.factories import (
        AdditionalConditionFactory,
        SubListFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    open_tender = TenderFactory(
        lessor=lessor_x,
        published=True,
        title="Javni razpis za oddajo neprofitnih stanovanj v najem 2026",
    )
    TenderCategoryFactory(tender=open_tender, category="disability", points=80)
    TenderCategoryFactory(tender=open_tender, category="large_family", points=90)
    AdditionalConditionFactory(tender=open_tender)
    SubListFactory(tender=open_tender, name="Družine z več otroki in invalidi")
    SubListFactory(tender=open_tender, code="B1", rule="wheelchair")
    closed = TenderFactory(lessor=lessor_x, closed=True, title="Razpis 2025")
    return open_tender, closed


def set_up(page, language: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    page.set_extra_http_headers({"Accept-Language": language})


def money_on_one_line(page) -> bool:
    """Every amount (``.money``) is laid out as one box: it never wraps."""
    return page.evaluate(
        "Array.from(document.querySelectorAll('.money'))"
        ".every(el => el.getClientRects().length === 1)"
    )


def assert_error_summary_focused_and_linked(page, field_id: str) -> None:
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert page.evaluate(
        "document.activeElement && document.activeElement.hasAttribute("
        "'data-error-summary')"
    )
    link = summary.locator(f"a[href='#{field_id}']").first
    assert link.count() == 1
    link.click()
    assert page.evaluate("document.activeElement.id") == field_id
    # The input says what is wrong: its error is in its accessible description.
    described = page.locator(f"#{field_id}").get_attribute("aria-describedby")
    assert f"{field_id}_error" in described.split()
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["sl", "en"])
def test_public_pages_reflow_and_are_accessible(
    page, live_server, tenders, language, width
):
    open_tender, closed = tenders
    set_up(page, language, width)
    for path in [
        "/",
        f"/tenders/{open_tender.pk}/",
        f"/tenders/{closed.pk}/",
        "/tenders/archive/",
        "/accessibility/",
        "/privacy/",
        "/accounts/login/",
    ]:
        page.goto(live_server.url + path)
        assert page.locator("html").get_attribute("lang") == language
        check_page(page)
        assert money_on_one_line(page), path
        # The other language is one tap away, outside the collapsed menu.
        switch = page.get_by_role("button", name=OTHER_LANGUAGE[language])
        assert switch.is_visible(), path

    # The tender page: the start button, the tables in named, focusable regions.
    page.goto(live_server.url + f"/tenders/{open_tender.pk}/")
    start = page.locator("a.btn-start")
    assert start.is_visible()
    assert start.get_attribute("href") == f"/tenders/{open_tender.pk}/apply/"
    regions = page.locator(".table-region")
    assert regions.count() == 2  # income limits, sub-lists
    for i in range(regions.count()):
        region = regions.nth(i)
        assert region.get_attribute("role") == "region"
        assert region.get_attribute("tabindex") == "0"
        name_id = region.get_attribute("aria-labelledby")
        assert page.locator(f"#{name_id}").inner_text().strip()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["sl", "en"])
def test_login_error_summary_is_focused_and_links_to_the_field(
    page, live_server, language, width
):
    set_up(page, language, width)
    page.goto(live_server.url + "/accounts/login/")
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    title = page.title()
    assert title.startswith("Napaka:" if language == "sl" else "Error:")
    heading = "Prišlo je do težave" if language == "sl" else "There is a problem"
    assert page.get_by_role("heading", name=heading).is_visible()
    assert_error_summary_focused_and_linked(page, "id_username")
    check_page(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_staff_pages_reflow_and_the_tender_form_shows_its_errors(
    page, live_server, actors, tenders, width
):
    from tests.tenders.factories import TenderCategoryFactory, TenderFactory

    open_tender, _closed = tenders
    admin = actors["admin_x"]
    StaticDeviceFactory(user=admin, tokens=["123456"])
    set_up(page, "en", width)
    log_in(page, live_server.url, admin.email)
    draft = TenderFactory(lessor=open_tender.lessor, title="Osnutek 2027")
    TenderCategoryFactory(tender=draft, category="youth", points=60)
    for path in [
        "/staff/tenders/",
        f"/staff/tenders/{open_tender.pk}/",
        f"/history/tender/{open_tender.pk}/",
        f"/staff/tenders/{draft.pk}/",
        f"/staff/tenders/{draft.pk}/edit/",
        f"/staff/tenders/{draft.pk}/categories/new/",
        f"/staff/tenders/{draft.pk}/sublists/new/",
        f"/staff/tenders/{draft.pk}/tie-break/",
        "/staff/tenders/new/",
    ]:
        page.goto(live_server.url + path)
        check_page(page)

    # The new tender form without a title: the summary, then the field.
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert_error_summary_focused_and_linked(page, "id_title")
    assert overflow_px(page) == 0
    assert axe_violations(page) == []
    # GOV.UK field order: label, hint, error, input.
    order = page.evaluate(
        """() => {
          const box = document.getElementById('div_id_title');
          return Array.from(box.querySelectorAll('label, .form-hint, '
            + '.field-error-message, input')).map(el => el.tagName === 'INPUT'
            ? 'input' : el.tagName === 'LABEL' ? 'label'
            : el.classList.contains('form-hint') ? 'hint' : 'error');
        }"""
    )
    assert order[0] == "label"
    assert order[-1] == "input"
    assert order.index("error") < order.index("input")
