"""In Chromium at 320 px: the chair records an inspection with photos (a file that
is not a photo refused at the field first), downloads a photo, withdraws a drafted
rejection and reads the tender's declared conflicts. Every page and error state
reflows and passes axe-core, in Slovenian and English."""

import io

import pytest
from PIL import Image

from review import services
from review.constants import RejectionState
from review.models import ApplicationReview, Inspection
from tests.browser.helpers import check_page, log_in
from tests.housing.factories import StaticDeviceFactory
from tests.review import conftest as review_fixtures
from tests.review.conftest import make_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

lessor = review_fixtures.lessor
tender = review_fixtures.tender
staff = review_fixtures.staff
applicant = review_fixtures.applicant


@pytest.fixture
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "bypass_csp": True,
        "viewport": {"width": 320, "height": 800},
    }


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (30, 20), (90, 140, 200)).save(out, format="PNG")
    return out.getvalue()


def submit(page, selector):
    with page.expect_navigation():
        page.locator(selector).first.click()
    check_page(page)


@pytest.mark.parametrize("language", ["sl", "en"])
def test_inspection_photos_withdrawn_draft_and_conflicts(
    page, live_server, tender, staff, applicant, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "private"
    application = make_application(tender, applicant)
    chair = staff["chair"]
    review = services.review_open(application=application, by=chair)
    services.conflict_declare(
        tender=tender, application=application, reason="Sorodnik.", by=staff["member2"]
    )
    StaticDeviceFactory(user=chair, tokens=["123456"])
    base = live_server.url
    page.set_extra_http_headers({"Accept-Language": "en"})
    log_in(page, base, chair.email)
    page.set_extra_http_headers({"Accept-Language": language})
    detail = f"{base}/staff/review/applications/{application.pk}/"

    # A text file named .jpg is refused at the photos field; nothing is recorded.
    page.goto(detail)
    form = "form[action$='/do/inspection/']"
    page.locator(f"{form} input[type=checkbox]").first.check()
    page.locator("#id_inspection-findings").fill("Vlaga v kopalnici.")
    page.locator("#id_inspection-photos").set_input_files(
        [{"name": "slika.jpg", "mimeType": "image/jpeg", "buffer": b"not an image"}]
    )
    submit(page, f"{form} button")
    assert page.locator("#id_inspection-photos").get_attribute("aria-invalid") == "true"
    assert not Inspection.objects.exists()

    # Two photos at once.
    page.locator(f"{form} input[type=checkbox]").first.check()
    page.locator("#id_inspection-findings").fill("Vlaga v kopalnici.")
    page.locator("#id_inspection-photos").set_input_files(
        [
            {"name": "kopalnica.png", "mimeType": "image/png", "buffer": png()},
            {"name": "soba.png", "mimeType": "image/png", "buffer": png()},
        ]
    )
    submit(page, f"{form} button")
    inspection = Inspection.objects.get()
    assert inspection.uploaded_photos.count() == 2
    link = page.locator("a[href*='/staff/review/photos/']")
    assert link.count() == 2
    with page.expect_download() as download:
        link.first.click()
    assert download.value.suggested_filename.endswith(".png")

    # A drafted rejection withdrawn: the reason is required.
    review = ApplicationReview.objects.get(pk=review.pk)
    services.rejection_draft(
        review=review,
        reason="Dopolnitev ni prispela.",
        article="20(3)",
        expected_version=review.row_version,
        by=chair,
    )
    page.goto(detail)
    check_page(page)
    withdraw = "form[action$='/do/withdraw_rejection/']"
    submit(page, f"{withdraw} button")
    reason = page.locator("#id_withdraw_rejection-reason")
    assert reason.get_attribute("aria-invalid") == "true"
    reason.fill("Dopolnitev je prispela po pošti pravočasno.")
    submit(page, f"{withdraw} button")
    review.refresh_from_db()
    assert review.rejection_state == RejectionState.NONE

    # The tender's conflicts, from the workspace's navigation.
    page.goto(f"{base}/staff/tenders/{tender.pk}/review/")
    with page.expect_navigation():
        page.locator(f"a[href='/staff/tenders/{tender.pk}/review/conflicts/']").click()
    check_page(page)
    assert page.get_by_role("cell", name="Sorodnik.").count() == 1
