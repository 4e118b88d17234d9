"""The review's documents: the scoring record (Art. 22(1), (4)), the amendment
letter for paper applicants (Art. 20(2)) and the amendment email.

PDFs are tagged (PDF/UA-1) through WeasyPrint, imported only when one is rendered.
Rendering returns ``(html, pdf_bytes)`` (house style); each is stored once with its
SHA-256. The email carries no facts: it says that the commission asks for something
by a date and links to the application, where the request is read after signing in
(email is not a safe channel for what the request may name).
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
from applications.models import AmendmentRequest
from documents_pdf.stored import store_pdf

from .models import AmendmentLetter, ApplicationReview
from .verified import line_label

PDF_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 4mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm;
  border-bottom: 0.3pt solid #999; }
td.num, th.num { text-align: right; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt;
  word-break: break-all; }
.signature { margin-top: 10mm; }
"""


def _write_pdf(html: str) -> bytes:
    # This thread's URL fetcher and fonts: a third less CPU per page (docs/performance.md).
    from documents_pdf.weasy import write_tagged_pdf

    return write_tagged_pdf(html, base_url=str(settings.BASE_DIR))


# --- the scoring record ---------------------------------------------------------------


def record_lines(review: ApplicationReview, language: str) -> list[dict[str, Any]]:
    """The verified assessment's lines in ``language``: code, label, article, points."""
    tender = review.application.tender
    return [
        {
            "code": item["code"],
            "label": line_label(tender, item["code"], language),
            "article": item["source"],
            "points": item["points"],
        }
        for item in (review.verified_result or {}).get("items", [])
    ]


def render_scoring_record_pdf(
    review: ApplicationReview,
    *,
    language: str,
    signers: list[dict[str, Any]],
    signed_on: datetime.date,
) -> tuple[str, bytes]:
    """The scoring record of ``review`` from its verified assessment: each line with
    its article (labels from ``scoring.engine``), totals, eligibility, the SHA-256 of
    the verified assessment, the members who sign and the date.

    :returns: the HTML and the PDF bytes.
    """
    from .constants import CommissionRole

    result = review.verified_result or {}
    with translation.override(language):
        roles = dict(CommissionRole.choices)
        html = render_to_string(
            "review/pdf/scoring_record.html",
            {
                "language": language,
                "review": review,
                "application": review.application,
                "tender": review.application.tender,
                "lines": record_lines(review, language),
                "reasons": [
                    {
                        "label": line_label(
                            review.application.tender, r["condition"], language
                        ),
                        "article": r["article"],
                    }
                    for r in result.get("ineligible_reasons", [])
                ],
                "result": result,
                "signers": [
                    {**s, "role_label": str(roles.get(s["role"], s["role"]))}
                    for s in signers
                ],
                "signed_on": signed_on,
                "css": PDF_CSS,
            },
        )
    return html, _write_pdf(html)


# --- amendment: letter or email ---------------------------------------------------------


def _letter_context(amendment: AmendmentRequest) -> dict[str, Any]:
    application = amendment.application
    return {
        "amendment": amendment,
        "application": application,
        "tender": application.tender,
        "lessor": application.tender.lessor,
        "deadline": timezone.localtime(amendment.deadline, LJUBLJANA),
        "requested": timezone.localtime(amendment.requested_at, LJUBLJANA),
        "css": PDF_CSS,
    }


def render_amendment_letter_pdf(amendment: AmendmentRequest) -> tuple[str, bytes]:
    """The request to amend as a letter to a paper applicant: Slovenian, then the
    same in English (``lang="en"``), one tagged PDF.

    :returns: the HTML and the PDF bytes.
    """
    context = _letter_context(amendment)
    parts = []
    for language in ("sl", "en"):
        with translation.override(language):
            parts.append(
                render_to_string(
                    "review/pdf/_amendment_letter_body.html",
                    {**context, "language": language},
                )
            )
    with translation.override("sl"):
        html = render_to_string(
            "review/pdf/amendment_letter.html", {**context, "parts": parts}
        )
    return html, _write_pdf(html)


def amendment_letter_for(amendment: AmendmentRequest) -> AmendmentLetter:
    """The stored letter of ``amendment``, rendered and kept the first time."""
    found = AmendmentLetter.objects.filter(amendment=amendment).first()
    if found is not None:
        return found
    _html, pdf = render_amendment_letter_pdf(amendment)
    return store_pdf(
        AmendmentLetter(amendment=amendment),
        pdf,
        name="letter.pdf",
        stored=lambda: AmendmentLetter.objects.get(amendment=amendment),
    )


def send_amendment_email(amendment_id: int) -> None:
    """Mail the applicant that the commission asks them to complete the application,
    in their language (Slovenian when they chose none)."""
    amendment = (
        AmendmentRequest.objects.select_related(
            "application__applicant", "application__tender"
        )
        .filter(pk=amendment_id)
        .first()
    )
    if amendment is None or amendment.application.applicant is None:
        return
    application = amendment.application
    applicant = application.applicant
    language = applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "application": application,
            "tender": application.tender,
            "deadline": timezone.localtime(amendment.deadline, LJUBLJANA),
            "url": settings.NAJEM_SITE_URL
            + reverse("applications:detail", args=[application.pk]),
            "site": settings.NAJEM_CONTACT_NAME,
        }
        subject = _("Application %(code)s: please complete it") % {
            "code": application.code
        }
        body = render_to_string("review/email/amendment_requested.txt", context)
    EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[applicant.email],
    ).send()


def _after_request(amendment_id: int) -> None:
    amendment = AmendmentRequest.objects.filter(pk=amendment_id).first()
    if amendment is None:
        return
    if amendment.application.applicant_id is None:
        amendment_letter_for(amendment)
    else:
        send_amendment_email(amendment_id)


def on_amendment_requested(amendment: AmendmentRequest) -> None:
    """Once the request commits: the email, or the letter for a paper applicant."""
    pk = amendment.pk
    transaction.on_commit(lambda: _after_request(pk))
