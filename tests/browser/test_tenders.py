"""End-to-end: a lessor admin sets up and publishes a tender in Chromium; the public
reads it; another lessor's staff cannot see it. Every page is checked with axe-core."""

import datetime

from django.utils import timezone

import pytest

from tenders.models import Tender
from tests.browser.helpers import axe_violations, check_page, log_in
from tests.housing.factories import StaticDeviceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {**browser_context_args, "bypass_csp": True}


def test_lessor_admin_creates_configures_and_publishes_a_tender(
    page, live_server, actors, lessor_x
):
    from housing.models import Municipality

    # The tender's area (the engine refuses to publish a tender without one).
    lessor_x.municipalities.add(Municipality.objects.create(name="Ljubljana"))
    admin = actors["admin_x"]
    StaticDeviceFactory(user=admin, tokens=["123456"])
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server.url, admin.email)

    page.goto(live_server.url + "/staff/tenders/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="New tender").click()
    assert axe_violations(page) == []

    today = timezone.localdate()
    page.get_by_label("Title in Slovenian").fill("Javni razpis 2027 – Šiška")  # noqa: RUF001
    page.get_by_label("Title in English").fill("Public tender 2027 – Šiška")  # noqa: RUF001
    page.get_by_label("Code").fill("LJ-2027")
    page.get_by_label("Publication date").fill(today.isoformat())
    page.get_by_label("Application deadline").fill(
        (today + datetime.timedelta(days=30)).isoformat() + "T12:00"
    )
    page.get_by_label("Indicative date of the results").fill(
        (today + datetime.timedelta(days=120)).isoformat()
    )
    page.get_by_label("Average monthly net salary in the State (EUR)").fill("1494.29")
    page.get_by_label("Year of the average salary").fill("2025")
    page.get_by_label("Indicative number of dwellings for list A").fill("100")
    page.get_by_label("Indicative number of dwellings for list B").fill("50")
    page.get_by_label("Security terms in Slovenian").fill("Tri mesečne najemnine.")
    page.get_by_label("Rent of the average dwelling (EUR per month)").fill("318.60")
    page.get_by_label("Documents applicants must attach in Slovenian").fill(
        "Income statement\nTenancy agreement"
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert "The tender was created as a draft." in page.content()
    assert axe_violations(page) == []

    # A category with points out of range is refused at the field.
    page.get_by_role("link", name="Add Priority categories").click()
    page.get_by_label("Category").select_option("large_family")
    page.get_by_label("Points").fill("160")
    page.get_by_role("button", name="Save").click()
    assert "Points must be between 50 and 150." in page.content()
    assert axe_violations(page) == []
    page.get_by_label("Points").fill("90")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Add Priority categories").click()
    page.get_by_label("Category").select_option("young_family")
    page.get_by_label("Points").fill("70")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Set the tie-break chain").click()
    page.locator("#id_position_1").select_option("young_family")
    page.locator("#id_position_2").select_option("large_family")
    page.get_by_role("button", name="Save").click()
    assert "The tie-break chain was saved." in page.content()

    page.get_by_role("link", name="Add Additional conditions").click()
    page.get_by_label("Short code").fill("residence-5y")
    page.get_by_label("Name in Slovenian").fill("Prebivališče v Ljubljani 5 let")
    page.get_by_label("Name in English").fill("Residence in Ljubljana for 5 years")
    page.get_by_label("Points").fill("40")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add Sub-lists").click()
    page.locator("#id_list_kind").select_option("A")
    page.get_by_label("Code").fill("A1")
    page.get_by_label("Name in Slovenian").fill("Družine")
    page.get_by_label("Who is assigned to it").select_option("families")
    page.get_by_label("Number of dwellings").fill("60")
    page.get_by_role("button", name="Save").click()
    assert axe_violations(page) == []

    # Publishing goes through a page that says what will happen, then a specific
    # message (issue 11).
    page.get_by_role("link", name="Publish the tender").click()
    page.wait_for_load_state()
    assert "You are about to publish tender LJ-2027" in page.content()
    assert "visible to everyone" in page.content()
    check_page(page)
    assert Tender.objects.get(code="LJ-2027").status == "draft"
    page.get_by_role("button", name="Publish the tender").click()
    page.wait_for_load_state()
    status = page.get_by_role("status").first.inner_text()
    assert "Tender LJ-2027 “Javni razpis 2027 – Šiška” published" in status  # noqa: RUF001
    assert "applications open until" in status
    tender = Tender.objects.get(code="LJ-2027")
    assert tender.status == "published"
    assert tender.tie_break == ["young_family", "large_family"]
    assert tender.events.get().by == admin
    assert page.get_by_role("link", name="Publish the tender").count() == 0

    # The public reads it, in both languages, without violations.
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Public tender 2027 – Šiška").click()  # noqa: RUF001
    assert "Time left:" in page.content()
    assert "Residence in Ljubljana for 5 years" in page.content()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Slovenščina").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sl"
    assert "Preostali čas:" in page.content()
    assert axe_violations(page) == []
    response = page.request.get(
        live_server.url + f"/tenders/{tender.pk}/invitation.pdf"
    )
    assert response.ok
    assert response.body().startswith(b"%PDF-")


def test_staff_of_another_lessor_cannot_see_the_tender(
    page, live_server, actors, lessor_x
):
    from tests.tenders.factories import TenderFactory

    tender = TenderFactory(lessor=lessor_x, title="Ljubljanski osnutek")
    other = actors["member_y"]
    StaticDeviceFactory(user=other, tokens=["123456"])
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server.url, other.email)
    page.goto(live_server.url + "/staff/tenders/")
    assert "Ljubljanski osnutek" not in page.content()
    response = page.goto(live_server.url + f"/staff/tenders/{tender.pk}/")
    assert response.status == 404
    assert "Page not found" in page.content()


@pytest.mark.parametrize("language", ["sl", "en"])
def test_public_tender_pages_are_accessible(page, live_server, lessor_x, language):
    from tests.tenders.factories import (
        AdditionalConditionFactory,
        SubListFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    tender = TenderFactory(
        lessor=lessor_x, published=True, title="Razpis za dostopnost"
    )
    TenderCategoryFactory(tender=tender, category="disability", points=80)
    AdditionalConditionFactory(tender=tender)
    SubListFactory(tender=tender)
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto(live_server.url + "/")
    assert axe_violations(page) == []
    page.goto(live_server.url + f"/tenders/{tender.pk}/")
    assert page.locator("html").get_attribute("lang") == language
    assert axe_violations(page) == []
    # The countdown script runs under the page's CSP and keeps the text current.
    text = page.locator("[data-countdown]").inner_text()
    assert text
    assert ("days" in text) if language == "en" else ("dni" in text or "dan" in text)


def test_saving_an_unchanged_tender_in_slovenian_keeps_the_amounts(
    page, live_server, actors, lessor_x
):
    """Issue 9: a number input dropped "1494,29"; saving unchanged then failed."""
    from decimal import Decimal

    from tests.tenders.factories import TenderFactory

    tender = TenderFactory(
        lessor=lessor_x,
        average_net_salary=Decimal("1494.29"),
        point_value=Decimal("2.63"),
        average_rent=Decimal("318.60"),
    )
    admin = actors["admin_x"]
    StaticDeviceFactory(user=admin, tokens=["123456"])
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server.url, admin.email)
    page.set_extra_http_headers({"Accept-Language": "sl"})
    page.goto(live_server.url + f"/staff/tenders/{tender.pk}/edit/")
    salary = page.locator("#id_average_net_salary")
    assert salary.input_value() == "1494,29"
    assert salary.get_attribute("inputmode") == "decimal"
    page.get_by_role("button", name="Shrani").click()
    page.wait_for_load_state()
    assert "Razpis je shranjen." in page.content()
    saved = Tender.objects.get(pk=tender.pk)
    assert saved.average_net_salary == Decimal("1494.29")
    assert saved.point_value == Decimal("2.63")
    assert saved.average_rent == Decimal("318.60")


# --- Issue 11: both languages, forms, confirmation ------------------------------------

WIDTHS = [320, 1280]


@pytest.mark.parametrize("width", WIDTHS)
def test_english_tender_page_shows_english_and_marks_slovenian(
    page, live_server, lessor_x, width
):
    from tests.tenders.factories import (
        SubListFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    tender = TenderFactory(
        lessor=lessor_x,
        published=True,
        title="Javni razpis za Bežigrad",
        title_en="Public tender for Bežigrad",
        security_terms="Tri mesečne najemnine.",
        security_terms_en="Three months' rent.",
    )
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    SubListFactory(tender=tender, code="A1", name="Družine")
    page.set_viewport_size({"width": width, "height": 900})
    page.set_extra_http_headers({"Accept-Language": "en"})
    page.goto(live_server.url + f"/tenders/{tender.pk}/")
    assert page.locator("h1").inner_text() == "Public tender for Bežigrad"
    assert "Three months' rent." in page.locator("main").inner_text()
    # No English name for the sub-list: the Slovenian one, marked as Slovenian.
    marked = page.locator('main [lang="sl"]', has_text="Družine")
    assert marked.count() == 1
    check_page(page)
    page.set_extra_http_headers({"Accept-Language": "sl"})
    page.goto(live_server.url + f"/tenders/{tender.pk}/")
    assert page.locator("h1").inner_text() == "Javni razpis za Bežigrad"
    assert page.locator('main [lang="sl"]').count() == 0
    check_page(page)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ["en", "sl"])
def test_tender_form_error_state_is_accessible(
    page, live_server, actors, language, width
):
    admin = actors["admin_x"]
    StaticDeviceFactory(user=admin, tokens=["123456"])
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server.url, admin.email)
    page.set_extra_http_headers({"Accept-Language": language})
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/staff/tenders/new/")
    page.locator("#id_title").fill("")
    page.locator("#id_required_documents").fill("")
    page.locator("main button.btn-primary").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    expected = (
        "Enter the tender's title in Slovenian."
        if language == "en"
        else "Vpišite naslov razpisa v slovenščini."
    )
    assert expected in summary.inner_text()
    assert page.locator("fieldset legend").count() >= 8
    check_page(page)


def test_conditional_reveal_works_with_the_keyboard(page, live_server, actors):
    admin = actors["admin_x"]
    StaticDeviceFactory(user=admin, tokens=["123456"])
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, live_server.url, admin.email)
    page.goto(live_server.url + "/staff/tenders/new/")
    terms = page.locator("#id_own_share_terms")
    own_share = page.locator("#id_own_share_required")
    assert not own_share.is_checked()
    assert terms.is_hidden()
    own_share.focus()
    page.keyboard.press("Space")
    assert own_share.is_checked()
    assert terms.is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_own_share_terms"
    page.keyboard.type("Lastna udeležba 10 %.")
    own_share.focus()
    page.keyboard.press("Space")
    assert terms.is_hidden()
    # Security is asked by default: its terms show.
    assert page.locator("#id_security_terms").is_visible()
    check_page(page)
