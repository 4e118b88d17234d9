"""Issue 12's "Done when": Chromium completes the whole journey at 320 px, in Slovenian
and in English, with the keyboard only (Tab, Shift+Tab, Enter, Space, arrows and
typing; the file chooser is answered with ``set_input_files``):

every section of the task list, a household member with a valid EMŠO after a wrong
one, an upload after a file of the wrong type (both error states: the error summary
has the focus, links to the field and is axe-clean), check your answers with the
provisional assessment, a double submit (a double click in Slovenian, Enter twice in
English, then a second tab) giving one submission and the same receipt, a correction
before the deadline (a new version, the same code), and an amendment request of the
commission (made through the review service) answered with a document and a short
answer, which the status timeline then shows. Every page visited passes
``check_page`` (axe-core and 320 px reflow).

The English run uses no mouse at all; the Slovenian one only for its double click."""

import datetime
import io
import struct
import zlib

from django.utils import timezone

import pytest
from pypdf import PdfReader

from applications.constants import AmendmentStatus
from applications.models import (
    AmendmentRequest,
    Application,
    ApplicationSubmission,
    Document,
)
from review.services import amendment_request, review_open
from tests.applications.factories import make_emso
from tests.browser.helpers import PASSWORD, axe_violations, overflow_px, too_wide
from tests.review import conftest as review_fixtures

# The receipt PDFs are rendered by a job (applications.tasks): at once here.
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The review tests' world: a tender with a young-family category, an own category
# and a residence condition, its commission, and an applicant (ana@example.test).
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


def check_page(page) -> None:
    """helpers.check_page, naming what is too wide when the page does not reflow."""
    assert overflow_px(page) == 0, (page.url, too_wide(page))
    assert axe_violations(page) == [], page.url


# --- the keyboard --------------------------------------------------------------------


def focused(page, selector: str) -> bool:
    return page.evaluate(
        "s => !!document.activeElement && document.activeElement.matches(s)", selector
    )


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until an element matching ``selector`` has the focus: the next one
    in the page's order after the focused element."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page, selector):
            return
    raise AssertionError(f"{page.url}: Tab never reached {selector}")


def type_into(page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+a")
    page.keyboard.type(text)


def type_date(page, selector: str, date: datetime.date) -> None:
    """A date field: its parts are typed in the order of Chromium's own locale (not
    the page's), month first in the en-US of a plain install, else day first."""
    tab_to(page, selector)
    page.keyboard.type(date.strftime("%m%d%Y"))
    if page.locator(selector).input_value() != date.isoformat():
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Shift+Tab")
        page.keyboard.type(date.strftime("%d%m%Y"))
    assert page.locator(selector).input_value() == date.isoformat()


def tick(page, selector: str) -> None:
    """A checkbox: Space."""
    tab_to(page, selector)
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked"), selector


def choose(page, name: str, index: int) -> None:
    """The ``index``-th radio of a group: Tab enters the group, the arrows choose."""
    tab_to(page, f"input[type='radio'][name='{name}']")
    page.keyboard.press("Space")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    assert page.locator(f"input[name='{name}']").nth(index).is_checked()


def press(page, selector: str) -> None:
    """Follow a link or press a button that loads a page (Enter), then check it."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)


def save(page) -> None:
    press(page, "main form[method='post'] button[type='submit']")


def open_task(page, path: str) -> None:
    """From the task list, the section at ``path`` (e.g. ``section/income/``)."""
    press(page, f"main a[href$='/{path}']")


def start_over(page) -> None:
    """Tab order starts again from the top of the page (as after loading it): the
    focus leaves the element that has it."""
    page.evaluate("document.activeElement && document.activeElement.blur()")


def assert_error_summary(page, field_id: str) -> None:
    """The error summary has the focus, is axe-clean, links to the field; following
    the link (Tab, Enter) puts the focus on the field, marked invalid."""
    summary = page.locator("[data-error-summary]")
    assert summary.is_visible()
    assert focused(page, "[data-error-summary]"), "the error summary has no focus"
    check_page(page)
    link = f"[data-error-summary] a[href='#{field_id}']"
    assert page.locator(link).count() == 1, summary.inner_text()
    tab_to(page, link, limit=20)
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == field_id
    assert page.locator(f"#{field_id}").get_attribute("aria-invalid") == "true"


# --- files -----------------------------------------------------------------------------


def png_bytes() -> bytes:
    """A real 2 x 2 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    """A real one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def upload(page, name: str, mime: str, content: bytes) -> None:
    """Choose the first thing the upload proves (arrow down from "Choose…"), the file
    (the chooser is the one step the keyboard cannot drive), then Upload."""
    tab_to(page, "#id_what")
    page.keyboard.press("ArrowDown")
    assert page.locator("#id_what").input_value() != ""
    tab_to(page, "#id_file")
    page.locator("#id_file").set_input_files(
        {"name": name, "mimeType": mime, "buffer": content}
    )
    press(page, "main form[enctype] button[type='submit']")


# --- the journey ---------------------------------------------------------------------


def person(page, language, *, first, last, birth, sex, emso, role=None) -> None:
    """The fields of a person (the applicant's details or a household member)."""
    if role is not None:
        choose(page, "role", role)
    type_into(page, "#id_first_name", first)
    type_into(page, "#id_last_name", last)
    type_date(page, "#id_birth_date", birth)
    choose(page, "sex", 0 if sex == "F" else 1)
    type_into(page, "#id_emso", emso)
    # The country's name in the page's language (the field suggests them).
    type_into(page, "#id_citizenship", {"sl": "Slovenija", "en": "Slovenia"}[language])
    tab_to(page, "#id_municipality")
    page.keyboard.type("Ljubljana")
    assert page.locator("#id_municipality option:checked").inner_text() == "Ljubljana"


def receipt_text(page, pk: int) -> str:
    """Download the receipt from the confirmation page (Tab to its link, Enter): its
    text."""
    start_over(page)
    tab_to(page, f"a[href$='/applications/{pk}/receipt.pdf']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    with open(download.value.path(), "rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def log_in(page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    check_page(page)
    type_into(page, "#id_username", email)
    type_into(page, "#id_password", PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.parametrize("language", ["sl", "en"])
def test_whole_journey_by_keyboard(
    page, live_server, settings, tender, staff, applicant, language
):
    settings.TASKS = IMMEDIATE
    base = live_server.url
    applicant.preferred_language = language  # the language logging in switches to
    applicant.save(update_fields=["preferred_language"])
    page.set_extra_http_headers({"Accept-Language": language})
    log_in(page, base, applicant.email)
    assert "/accounts/login/" not in page.url

    # The tender's page, its Apply button, the start page.
    page.goto(f"{base}/tenders/{tender.pk}/")
    check_page(page)
    press(page, "a.btn-start")
    save(page)
    application = Application.objects.get(applicant=applicant)
    assert page.url.endswith(f"/applications/{application.pk}/")
    assert page.locator("html").get_attribute("lang") == language

    # The applicant's details.
    open_task(page, "applicant/")
    person(
        page,
        language,
        first="Ana",
        last="Novak",
        birth=datetime.date(1990, 5, 1),
        sex="F",
        emso=make_emso(datetime.date(1990, 5, 1), "F", 1),
    )
    save(page)
    assert page.locator("[data-error-summary]").count() == 0, page.content()

    # A household member: first a wrong EMŠO (a wrong check digit), then the right one.
    assert page.url.endswith(f"/applications/{application.pk}/")  # the task list
    open_task(page, "members/")
    press(page, "main a[href$='/members/add/']")
    child = datetime.date(2020, 3, 4)
    good = make_emso(child, "M", 2)
    wrong = good[:-1] + str((int(good[-1]) + 1) % 10)
    person(
        page,
        language,
        first="Luka",
        last="Novak",
        birth=child,
        sex="M",
        emso=wrong,
        role=2,
    )
    save(page)
    assert_error_summary(page, "id_emso")
    page.keyboard.press("Control+a")
    page.keyboard.type(good)
    save(page)
    assert page.url.split("#")[0].endswith("/members/")
    assert sorted(application.members.values_list("citizenship", "emso")) == sorted(
        [("SI", good), ("SI", make_emso(datetime.date(1990, 5, 1), "F", 1))]
    )
    save(page)

    # Each section, from the task list.
    open_task(page, "section/residence/")
    save(page)

    open_task(page, "section/housing/")
    choose(page, "housing_status", 1)  # 1.2, a subtenant: the area is revealed
    type_into(page, "#id_dwelling_area_m2", "38,5" if language == "sl" else "38.5")
    tick(page, "#id_inappropriate_dwelling")
    save(page)

    open_task(page, "section/income/")
    ana, luka = (m.pk for m in application.members.order_by("pk"))
    tick(page, f"#id_m{ana}-employed")
    type_into(
        page, f"#id_m{ana}-years_of_service", "12,5" if language == "sl" else "12.5"
    )
    type_into(page, f"#id_m{ana}-monthly_income", "900")
    type_into(page, f"#id_m{luka}-monthly_income", "0")
    save(page)
    ana_member = application.members.get(pk=ana)
    assert (ana_member.employed, str(ana_member.years_of_service)) == (True, "12.50")
    assert str(ana_member.monthly_income) == "900.00"

    open_task(page, "section/health/")
    tick(page, "#id_single_parent")
    save(page)

    open_task(page, "section/property/")
    save(page)

    open_task(page, "section/categories/")
    tick(page, "input[name='other_categories']")
    tick(page, "input[name='additional_conditions']")
    save(page)

    # Documents: a text file named .pdf is refused at its field, then a real PDF.
    open_task(page, "section/documents/")
    press(page, f"main a[href$='/applications/{application.pk}/documents/']")
    upload(page, "payslip.pdf", "application/pdf", b"not a PDF at all\n")
    assert_error_summary(page, "id_file")
    start_over(page)
    upload(page, "payslip.pdf", "application/pdf", pdf_bytes())
    document = application.documents.get()
    assert document.original_name == "payslip.pdf"
    assert page.get_by_role("link", name="payslip.pdf").count() == 1
    start_over(page)
    press(page, f"main a[href$='/applications/{application.pk}/']")
    open_task(page, "section/documents/")
    save(page)

    open_task(page, "section/declaration/")
    tick(page, "#id_declaration")
    tick(page, "#id_consent")
    save(page)
    # The task list: every section completed.
    tags = page.locator("main ol [id^='tag-']")
    assert tags.count() >= 9
    assert tags.locator(".text-bg-success").count() == tags.count()

    # Check your answers: the provisional assessment, then a double submit.
    press(page, f"main a[href$='/applications/{application.pk}/check/']")
    assert int(page.locator("[data-total]").inner_text()) > 0
    other_tab = page.context.new_page()
    other_tab.goto(page.url)
    button = "form[data-submit-once] button[type='submit']"
    if language == "sl":
        page.locator(button).dblclick()
    else:
        tab_to(page, button)
        page.keyboard.press("Enter")
        page.keyboard.press("Enter")
    page.wait_for_url("**/submitted/")
    check_page(page)
    code = page.locator("[data-application-code]").inner_text()
    assert code == "LJ-2026-00001"
    # The second tab, still on check your answers, gets the same receipt.
    with other_tab.expect_navigation():
        tab_to(other_tab, button)
        other_tab.keyboard.press("Enter")
    assert other_tab.locator("[data-application-code]").count() == 1, (
        other_tab.url,
        other_tab.locator("main").inner_text(),
    )
    assert other_tab.locator("[data-application-code]").inner_text() == code
    other_tab.close()
    assert ApplicationSubmission.objects.filter(application=application).count() == 1
    assert receipt_text(page, application.pk).count(code) >= 1

    # A correction before the deadline: a new version with the same code.
    press(page, f"main a[href$='/applications/{application.pk}/']")
    press(page, f"form[action$='/applications/{application.pk}/correct/'] button")
    assert page.locator("[role='status']").count() >= 1
    open_task(page, "section/health/")
    tick(page, "#id_pregnancy")
    save(page)
    # The declaration is given again for the new version.
    open_task(page, "section/declaration/")
    for box in ("#id_declaration", "#id_consent"):
        if not page.locator(box).is_checked():
            tick(page, box)
    save(page)
    press(page, f"main a[href$='/applications/{application.pk}/check/']")
    tab_to(page, button)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    assert page.locator("[data-application-code]").count() == 1, (
        page.url,
        page.locator("main").inner_text()[:1500],
    )
    assert page.locator("[data-application-code]").inner_text() == code
    submissions = ApplicationSubmission.objects.filter(application=application)
    assert [(s.code, s.version) for s in submissions.order_by("version")] == [
        (code, 1),
        (code, 2),
    ]
    application.refresh_from_db()
    assert application.pregnancy is True
    assert code in receipt_text(page, application.pk)  # the new version's receipt

    # The deadline passes; the commission asks for a document (Art. 20(2)).
    type(tender).objects.filter(pk=tender.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )
    chair = staff["chair"]
    review = review_open(application=application, by=chair)
    text = (
        "Priložite potrdilo o nosečnosti."
        if language == "sl"
        else ("Attach a certificate of the pregnancy.")
    )
    amendment = amendment_request(
        review=review, text=text, expected_version=review.row_version, by=chair
    )

    # The applicant answers in the browser: a document, then a short answer.
    press(page, f"main a[href$='/applications/{application.pk}/']")
    assert page.get_by_text(text).count() == 1
    answer_link = f"a[href$='/amendments/{amendment.pk}/']"
    press(page, answer_link)
    upload_link = f"main a[href$='/applications/{application.pk}/documents/']"
    assert (
        page.locator(upload_link).inner_text()
        == {
            "sl": "Naložite dokumente",
            "en": "Upload documents",
        }[language]
    )
    press(page, upload_link)
    upload(page, "certificate.png", "image/png", png_bytes())
    assert page.locator("[data-error-summary]").count() == 0, page.locator(
        "main"
    ).inner_text()[:800]
    assert Document.objects.filter(amendment_request=amendment).count() == 1
    start_over(page)
    press(page, f"main a[href$='/applications/{application.pk}/']")
    press(page, answer_link)
    type_into(
        page,
        "#id_answer_text",
        "Potrdilo je priloženo."
        if language == "sl"
        else "The certificate is attached.",
    )
    save(page)
    amendment = AmendmentRequest.objects.get(pk=amendment.pk)
    assert amendment.status == AmendmentStatus.ANSWERED
    assert page.url.endswith(f"/applications/{application.pk}/")
    timeline = page.locator("#h-timeline + ol").inner_text()
    for label in {
        "sl": ("Zahtevana dopolnitev", "Dopolnitev oddana"),
        "en": ("Amendment requested", "Amendment answered"),
    }[language]:
        assert label in timeline, timeline
