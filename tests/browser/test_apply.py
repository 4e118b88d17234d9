"""End-to-end in Chromium at 320 px: an applicant starts from the tender page's "Apply"
button, enters the household, fills every section (one page by keyboard only), checks
the answers with the provisional points, double-clicks submit and gets one code. Every
page, and an error state, reflows and passes axe-core, in Slovenian and in English."""

import datetime

import pytest

from applications.models import Application, ApplicationSubmission
from tests.applications.factories import make_emso
from tests.browser.helpers import check_page, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECTIONS = ("residence", "income", "health", "property", "categories", "documents")


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 320, "height": 800},
    }


def save(page):
    with page.expect_navigation():
        page.locator("main form[method='post'] button[type='submit']").last.click()


def open_task(page, base, application, path):
    page.goto(f"{base}/applications/{application.pk}/{path}")
    check_page(page)


def keyboard_to(page, selector, limit=60):
    """Press Tab until ``selector`` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement === document.querySelector(s)", selector
        ):
            return
    raise AssertionError(f"{selector} never got the focus")


@pytest.mark.parametrize("language", ["sl", "en"])
def test_an_applicant_applies_online(page, live_server, actors, lessor_x, language):
    from housing.models import Municipality
    from tests.tenders.factories import TenderFactory

    lessor_x.municipalities.add(Municipality.objects.create(name="Ljubljana"))
    tender = TenderFactory(lessor=lessor_x, published=True, code="LJ-2026")
    applicant = actors["applicant_a"]
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, base, applicant.email, code=None)
    page.set_extra_http_headers({"Accept-Language": language})

    # The tender page's start button, then the start page.
    page.goto(f"{base}/tenders/{tender.pk}/")
    page.locator("a.btn-start").click()
    page.wait_for_load_state()
    check_page(page)
    save(page)
    application = Application.objects.get(applicant=applicant)
    assert page.url.endswith(f"/applications/{application.pk}/")
    assert page.locator("html").get_attribute("lang") == language
    check_page(page)

    # The applicant's details: first the error state, then the answers.
    open_task(page, base, application, "applicant/")
    save(page)
    assert page.locator("[data-error-summary]").is_visible()
    check_page(page)
    page.locator("#id_first_name").fill("Ana")
    page.locator("#id_last_name").fill("Novak")
    page.locator("#id_birth_date").fill("1990-05-01")
    page.locator("#id_sex_0").check()
    page.locator("#id_emso").fill(make_emso(datetime.date(1990, 5, 1), "F", 1))
    page.locator("#id_citizenship").fill("SI")
    page.locator("#id_municipality").select_option(index=1)
    assert page.locator("#id_other_municipality").is_hidden()
    save(page)
    assert page.locator("[data-error-summary]").count() == 0, page.content()

    # A household member: a child.
    open_task(page, base, application, "members/add/")
    page.locator("#id_role_2").check()
    page.locator("#id_first_name").fill("Luka")
    page.locator("#id_last_name").fill("Novak")
    page.locator("#id_birth_date").fill("2020-03-04")
    page.locator("#id_sex_1").check()
    page.locator("#id_emso").fill(make_emso(datetime.date(2020, 3, 4), "M", 2))
    page.locator("#id_citizenship").fill("SI")
    page.locator("#id_municipality").select_option(index=1)
    save(page)
    assert page.url.endswith("/members/")
    check_page(page)
    save(page)
    assert application.members.count() == 2

    # Where you live now, by keyboard only: the area shows for 1.2 (conditional reveal).
    open_task(page, base, application, "section/housing/")
    area = page.locator("#id_dwelling_area_m2")
    assert area.is_hidden()
    keyboard_to(page, "#id_housing_status_0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # 1.2, a subtenant
    assert area.is_visible()
    keyboard_to(page, "#id_dwelling_area_m2")
    page.keyboard.type("38,5" if language == "sl" else "38.5")
    keyboard_to(page, "#id_inappropriate_dwelling")
    page.keyboard.press("Space")
    keyboard_to(page, "button[type='submit'].btn-primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("[data-error-summary]").count() == 0
    application.refresh_from_db()
    assert application.housing_status == "1.2"
    assert str(application.dwelling_area_m2) == "38.50"
    assert application.inappropriate_dwelling is True

    for section in SECTIONS:
        open_task(page, base, application, f"section/{section}/")
        save(page)
    open_task(page, base, application, "section/declaration/")
    page.locator("#id_declaration").check()
    page.locator("#id_consent").check()
    save(page)
    check_page(page)  # the task list, all completed

    # Check your answers: the provisional points; a double click submits once.
    open_task(page, base, application, "check/")
    assert page.locator("[data-total]").count() == 1
    assert int(page.locator("[data-total]").inner_text()) > 0
    page.locator("form[data-submit-once] button").dblclick()
    page.wait_for_url("**/submitted/")
    check_page(page)
    code = page.locator("[data-application-code]").inner_text()
    assert code == "LJ-2026-00001"
    assert ApplicationSubmission.objects.filter(application=application).count() == 1

    # The status page afterwards.
    page.goto(f"{base}/applications/{application.pk}/")
    check_page(page)
