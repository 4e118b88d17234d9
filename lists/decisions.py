"""The decisions' documents (issue 14, 3; Art. 24(1)): the decision as a tagged PDF
(in the applicant's language; a paper applicant gets one letter in Slovenian and
English) and the email to an online applicant.

The email carries no personal facts: it says that a decision was issued and links
to the application's page, where it is read after signing in.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from applications.constants import LJUBLJANA
from documents_pdf.stored import store_pdf
from review.verified import line_label

from .constants import APPEAL_BODIES, APPEAL_DAYS
from .models import Decision

PDF_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 4mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm;
  border-bottom: 0.3pt solid #999; }
section + section { page-break-before: always; }
"""


def _write_pdf(html: str) -> bytes:
    # This thread's URL fetcher and fonts: a third less CPU per page (docs/performance.md).
    from documents_pdf.weasy import write_tagged_pdf

    return write_tagged_pdf(html, base_url=str(settings.BASE_DIR))


def appeal_body(decision: Decision) -> tuple[str, str]:
    """The appeal body's name in the active language and the Rules' article."""
    body, article = APPEAL_BODIES[decision.appeal_body]
    return str(body), article


def appeal_deadline(decision: Decision) -> datetime.date | None:
    """The last day to appeal (Ljubljana): 15 days from the delivery; ``None``
    while a paper decision's delivery is not recorded."""
    if decision.delivered_at is None:
        return None
    delivered = timezone.localtime(decision.delivered_at, LJUBLJANA).date()
    return delivered + datetime.timedelta(days=APPEAL_DAYS)


def reason_lines(decision: Decision, language: str) -> list[dict[str, str]]:
    """The reasons for non-classification in ``language``: text and article."""
    tender = decision.version.tender
    lines = []
    for reason in decision.reasons:
        text = reason.get("text") or line_label(tender, reason["condition"], language)
        lines.append({"text": text, "article": reason.get("article", "")})
    return lines


def _context(decision: Decision, language: str) -> dict[str, Any]:
    with translation.override(language):
        body, article = appeal_body(decision)
    return {
        "language": language,
        "decision": decision,
        "application": decision.application,
        "tender": decision.version.tender,
        "lessor": decision.version.tender.lessor,
        "version": decision.version,
        "reasons": reason_lines(decision, language),
        "appeal_body": body,
        "appeal_article": article,
        "appeal_days": APPEAL_DAYS,
        "issued": timezone.localtime(decision.issued_at, LJUBLJANA),
    }


def render_decision_pdf(decision: Decision) -> tuple[str, bytes]:
    """The decision: in ``decision.language``, or Slovenian then English for a paper
    applicant (``language`` ``"sl+en"``).

    :returns: the HTML and the PDF bytes.
    """
    languages = ["sl", "en"] if decision.language == "sl+en" else [decision.language]
    parts = []
    for language in languages:
        with translation.override(language):
            parts.append(
                render_to_string(
                    "lists/pdf/_decision_body.html", _context(decision, language)
                )
            )
    with translation.override(languages[0]):
        html = render_to_string(
            "lists/pdf/decision.html",
            {
                **_context(decision, languages[0]),
                "parts": parts,
                "css": PDF_CSS,
                "paper": decision.application.is_paper,
            },
        )
    return html, _write_pdf(html)


def store_decision_pdf(decision: Decision) -> Decision:
    """Render the decision once and keep it with its SHA-256."""
    if decision.sha256:
        return decision
    _html, pdf = render_decision_pdf(decision)
    return store_pdf(decision, pdf, name="decision.pdf", file_field="pdf")


def send_decision_email(decision_id: int) -> bool:
    """Mail an online applicant, once, in their language, that a decision was issued
    (no facts: a link to the application's page).

    The decision is marked (``emailed_at``) in the transaction that sends the message,
    by an UPDATE of the row only while it is unmarked: a second run at the same time
    waits for the row and then finds it marked, a later one sees the mark. When sending
    fails the mark is rolled back with the error, so the email stays unsent, and a
    later call sends it (before, the mark was written first and kept: a failed send
    was recorded as sent). Only a crash between the mail server's acceptance and the
    commit (milliseconds) leaves it unmarked, to be sent twice rather than never.

    :returns: whether this call sent it.
    :raises Exception: whatever the mailer raised; the decision is untouched.
    """
    decision = (
        Decision.objects.select_related("application__applicant", "application__tender")
        .filter(pk=decision_id, emailed_at__isnull=True)
        .first()
    )
    if decision is None or decision.application.applicant is None:
        return False
    application = decision.application
    applicant = application.applicant
    language = applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "application": application,
            "tender": application.tender,
            "days": APPEAL_DAYS,
            "url": settings.NAJEM_SITE_URL
            + reverse("applications:detail", args=[application.pk]),
            "site": settings.NAJEM_CONTACT_NAME,
        }
        subject = _("Application %(code)s: a decision was issued") % {
            "code": application.code
        }
        body = render_to_string("lists/email/decision_issued.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[applicant.email],
    )
    with transaction.atomic():
        if not Decision.objects.filter(pk=decision.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            return False  # another run sent it meanwhile
        message.send()
    return True
