"""End-to-end in Chromium at 320 px: a commission member takes a submitted
application from incomplete (an amendment request, answered by the applicant)
through complete and every fact decided to verified, and issues the scoring record.
Every page, and the error states, reflow and pass axe-core, in Slovenian and English."""

import pytest

from applications.services import amendment_answer
from review.constants import ReviewState
from review.models import ApplicationReview, ScoringRecord
from tests.browser.helpers import check_page, log_in
from tests.housing.factories import StaticDeviceFactory
from tests.review import conftest as review_fixtures
from tests.review.conftest import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The review tests' fixtures: a tender with its commission and an applicant.
lessor = review_fixtures.lessor
tender = review_fixtures.tender
staff = review_fixtures.staff
applicant = review_fixtures.applicant


@pytest.fixture
def browser_context_args(browser_context_args):
    # Django's CSP would block the injected axe-core script.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 320, "height": 800},
    }


def submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()
    check_page(page)


@pytest.mark.parametrize("language", ["sl", "en"])
def test_member_reviews_an_application_to_the_scoring_record(
    page, live_server, tender, staff, applicant, language
):
    application = make_application(tender, applicant)
    chair = staff["chair"]
    StaticDeviceFactory(user=chair, tokens=["123456"])
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, base, chair.email)
    page.set_extra_http_headers({"Accept-Language": language})

    # From the tender's page to the dashboard, then the queue.
    page.goto(f"{base}/staff/tenders/{tender.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/staff/tenders/{tender.pk}/review/']").click()
    assert page.locator("html").get_attribute("lang") == language
    heading = {"sl": "Pregled dela komisije", "en": "Commission dashboard"}[language]
    assert page.get_by_role("heading", name=heading).count() == 1
    check_page(page)
    page.goto(f"{base}/staff/tenders/{tender.pk}/review/seats/")
    check_page(page)
    page.go_back()
    submit(page, "form[action$='/review/open/'] button")
    assert page.url.endswith(f"/staff/tenders/{tender.pk}/review/queue/")
    page.locator("details summary").click()
    check_page(page)
    with page.expect_navigation():
        page.get_by_role("link", name=application.code).click()
    check_page(page)

    # Incomplete: an empty request is refused at its field, then the request.
    submit(page, "form[action$='/do/amendment/'] button")
    assert page.locator("#id_amendment-text").get_attribute("aria-invalid") == "true"
    page.locator("#id_amendment-text").fill("Priložite plačilno listo.")
    submit(page, "form[action$='/do/amendment/'] button")
    review = ApplicationReview.objects.get(application=application)
    assert review.state == ReviewState.INCOMPLETE
    # Marking complete waits for the answer (an error state).
    submit(page, "form[action$='/do/complete/'] button")
    assert page.locator(".error-summary").count() == 1

    # The applicant answers; the application is complete.
    amendment = application.amendment_requests.get()
    amendment_answer(amendment=amendment, answer_text="Priloženo.", by=applicant)
    page.goto(f"{base}/staff/review/applications/{application.pk}/")
    submit(page, "form[action$='/do/complete/'] button")

    # The register facts for the whole tender, on the queue.
    page.goto(f"{base}/staff/tenders/{tender.pk}/review/queue/")
    submit(page, "form[action$='/bulk-confirm/'] button")

    # A correction without a reason is refused at the field.
    page.goto(f"{base}/staff/review/applications/{application.pk}/")
    with page.expect_navigation():
        page.locator("a[href*='/fact/?path=']").first.click()
    check_page(page)
    page.locator("#id_correct-value").fill("1")
    submit(page, "form[action$='/do/correct/'] button")
    assert page.locator("#id_correct-reason").get_attribute("aria-invalid") == "true"

    # Every other fact confirmed, one by one.
    page.goto(f"{base}/staff/review/applications/{application.pk}/")
    for _ in range(60):
        buttons = page.locator("form[action$='/do/confirm/'] button")
        if buttons.count() == 0:
            break
        with page.expect_navigation():
            buttons.first.click()
    check_page(page)

    submit(page, "form[action$='/do/verify/'] button")
    review.refresh_from_db()
    assert review.state == ReviewState.VERIFIED

    # Issuing the record is confirmed first.
    with page.expect_navigation():
        page.locator("a[href$='/confirm/record/']").click()
    check_page(page)
    submit(page, "form[action$='/do/record/'] button")
    assert ScoringRecord.objects.filter(review=review).exists()
    assert page.locator("a[href$='/scoring-record.pdf']").count() == 1
