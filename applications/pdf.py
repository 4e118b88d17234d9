"""The receipt of a submission (issue 12, 6): its details, the PDF, the email.

At submission :func:`receipt_snapshot` keeps what the receipt shows besides the
engine input (``ApplicationSubmission.case``): members' names with a masked EMŠO, the
postal address and every document with its SHA-256. The PDF is rendered from the
submission only, never from the application as it is now (a correction must not
change an earlier receipt), in both languages by a background job started inside
the submitting transaction (:mod:`applications.tasks`, run by the worker), and kept
with its SHA-256 (:class:`~applications.models.SubmissionReceipt`). Until it is
stored, a download renders the PDF for that answer only and stores nothing (a GET
never writes; ``views_documents.receipt_pdf``).

EMŠO on the receipt: the first seven digits (the birth date, shown anyway) and six
stars, ``0105991******``: enough to tell members apart, useless for identity theft if
the receipt is lost. The confirmation email carries no personal facts at all: the
code, the time and a link to sign in and download the receipt.
"""

import datetime
import logging
from decimal import Decimal
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from documents_pdf.stored import store_pdf

from .constants import LJUBLJANA, HousingStatus, MemberRole, Sex
from .documents import delete_on_rollback
from .models import Application, ApplicationSubmission, Member, SubmissionReceipt

RECEIPT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm;
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; line-height: 1.35; }
h1 { font-size: 15pt; margin: 0 0 4mm; }
h2 { font-size: 11.5pt; margin: 6mm 0 2mm; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 2mm;
  border-bottom: 0.3pt solid #999; }
th { width: 45%; font-weight: normal; color: #333; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt;
  word-break: break-all; }
"""


logger = logging.getLogger(__name__)


def mask_emso(emso: str) -> str:
    """``0105991500006`` -> ``0105991******`` (see the module docstring)."""
    if not emso:
        return ""
    return emso[:7] + "*" * max(len(emso) - 7, 0)


def _ordered_members(application: Application) -> list[Member]:
    # The same order as engine_input.application_case, so the two lists line up.
    return sorted(
        application.members.all(),
        key=lambda m: (m.role != "applicant", m.position, m.pk),
    )


def receipt_snapshot(application: Application) -> dict[str, Any]:
    """What the receipt shows besides the facts, as submitted (JSON)."""
    return {
        "tender": {"code": application.tender.code, "title": application.tender.title},
        "postal_address": application.postal_address,
        "paper": application.is_paper,
        "members": [
            {
                "first_name": m.first_name,
                "last_name": m.last_name,
                "emso": mask_emso(m.emso),
            }
            for m in _ordered_members(application)
        ],
        "documents": [
            {
                "id": d.pk,
                "name": d.original_name,
                "kind": d.kind,
                "content_type": d.content_type,
                "size": d.size,
                "sha256": d.sha256,
            }
            for d in application.documents.order_by("uploaded_at", "pk")
        ],
    }


# --- the answers in words -------------------------------------------------------------

_MEMBER_LABELS = {"permanent_residence": "municipality"}


def _label(model, key: str) -> str:
    name = _MEMBER_LABELS.get(key, key) if model is Member else key
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a key of the case format that is no field
        return key


def _value(key: str, value: Any, names: dict[str, str]) -> str:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if key == "housing_status":
        return f"{value} {HousingStatus(value).label}" if value else "—"
    if key == "role":
        return str(MemberRole(value).label)
    if key == "sex":
        return str(Sex(value).label)
    if isinstance(value, list):
        return ", ".join(names.get(v, v) for v in value) or "—"
    if key == "birth_date":
        return datetime.date.fromisoformat(value).strftime("%d. %m. %Y")
    if isinstance(value, str) and value.replace(".", "", 1).isdigit() and "." in value:
        return f"{Decimal(value):.2f}"
    return str(value)


def _answers(
    submission: ApplicationSubmission,
) -> tuple[list[tuple[str, str]], list[dict]]:
    """The application's answers and each member's, labelled, in the active language."""
    case = submission.case
    tender = submission.application.tender
    names = {c.code: c.display_name for c in tender.categories.all()}
    names.update({c.code: c.name for c in tender.additional_conditions.all()})
    answers = [
        (_label(Application, key), _value(key, value, names))
        for key, value in case.items()
        if key not in ("code", "members")
    ]
    people = submission.receipt.get("members", [])
    members = []
    for index, member_case in enumerate(case.get("members", [])):
        person = people[index] if index < len(people) else {}
        members.append(
            {
                "name": f"{person.get('first_name', '')} {person.get('last_name', '')}",
                "emso": person.get("emso", ""),
                "answers": [
                    (_label(Member, key), _value(key, value, names))
                    for key, value in member_case.items()
                ],
            }
        )
    return answers, members


def render_receipt_pdf(
    submission: ApplicationSubmission, language: str
) -> tuple[str, bytes]:
    """Render the receipt of ``submission`` in ``language`` as a tagged PDF (PDF/UA-1):
    the code, the time in Ljubljana, the SHA-256 of the facts, every answer, the
    members (EMŠO masked) and every document's name with its SHA-256.

    :returns: the HTML and the PDF bytes.
    """
    import weasyprint  # slow to import (about 1 s): only when a PDF is rendered

    with translation.override(language):
        answers, members = _answers(submission)
        html = render_to_string(
            "applications/pdf/receipt.html",
            {
                "language": language,
                "submission": submission,
                "receipt": submission.receipt,
                "submitted": timezone.localtime(submission.submitted_at, LJUBLJANA),
                "received": submission.received_at
                and timezone.localtime(submission.received_at, LJUBLJANA),
                "answers": answers,
                "members": members,
                "css": RECEIPT_CSS,
            },
        )
    pdf = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
        pdf_variant="pdf/ua-1"
    )
    return html, pdf


def receipt_for(submission: ApplicationSubmission, language: str) -> SubmissionReceipt:
    """The stored receipt PDF of ``submission`` in ``language``, rendered and kept
    the first time (two workers at once: the first stored one wins).

    The file is written before its row: should the row's transaction, or one around
    it, roll back, the file is deleted with it
    (:func:`applications.documents.delete_on_rollback`), and a failed row write
    deletes it at once: a receipt that is not on record leaves no file.
    """
    found = SubmissionReceipt.objects.filter(
        submission=submission, language=language
    ).first()
    if found is not None:
        return found
    _html, pdf = render_receipt_pdf(submission, language)
    receipt = SubmissionReceipt(submission=submission, language=language)
    try:
        kept = store_pdf(
            receipt,
            pdf,
            name="receipt.pdf",
            stored=lambda: SubmissionReceipt.objects.get(
                submission=submission, language=language
            ),
        )
    except BaseException:
        # The file was saved but its row was not (store_pdf deletes it only when
        # another receipt was stored first).
        if receipt.file.name and receipt.file.storage.exists(receipt.file.name):
            receipt.file.storage.delete(receipt.file.name)
        raise
    if kept is receipt:
        delete_on_rollback(receipt.file.storage, receipt.file.name)
    return kept


RECEIPT_LANGUAGES = ("sl", "en")


# --- the confirmation email -------------------------------------------------------------

# What :func:`send_submission_email` did (the email job's result).
EMAIL_SENT = "sent"
EMAIL_ALREADY_SENT = "already sent"
EMAIL_NO_ACCOUNT = "no account"
EMAIL_NO_SUBMISSION = "no submission"


def submission_message_id(submission: ApplicationSubmission) -> str:
    """The confirmation email's ``Message-ID``: the same every time one submission's
    confirmation is sent (RFC 5322: one message, one id), another for every other
    submission, a correction's new version included. The time of submission is in
    it, so that a database started afresh (the demo's), which numbers its submissions
    from 1 again, never repeats an earlier id. The domain is the sender's."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2]
    stamp = int(submission.submitted_at.timestamp() * 1_000_000)
    return (
        f"<submission.{submission.pk}.{submission.version}.{stamp}"
        f"@{domain or 'najem.localhost'}>"
    )


def send_submission_email(submission_id: int) -> str:
    """Mail the applicant, once, that the application was received, in their language
    (``preferred_language``, else Slovenian).

    Run by the email job (:func:`applications.tasks.send_confirmation`, started inside
    the submitting transaction and run by the worker once it commits), so a rolled-back
    submission mails nothing and SMTP is never part of the submitting request. A paper
    application has no account: the lessor answers it by post.

    Once: the submission is marked (``emailed_at``) in the transaction that sends the
    message, by an UPDATE of the rows not yet marked. A second run at the same time
    waits for that row and then finds it marked; one after it sees the mark and sends
    nothing. When sending fails the mark is rolled back with the error, so the job
    fails and a retry sends it. Only a crash between the SMTP server's acceptance and
    the commit (milliseconds) leaves it unmarked: a retry would then send it twice
    rather than never, and both carry the same ``Message-ID``
    (:func:`submission_message_id`), by which mail servers and clients recognise the
    second as the same message.

    :returns: ``EMAIL_SENT``, or why nothing was sent.
    :raises Exception: whatever the mailer raised (``smtplib.SMTPException``,
        ``OSError``): the submission is untouched, the email still unsent.
    """
    submission = (
        ApplicationSubmission.objects.select_related(
            "application__applicant", "application__tender__lessor"
        )
        .filter(pk=submission_id)
        .first()
    )
    if submission is None:
        return EMAIL_NO_SUBMISSION
    if submission.application.applicant is None:
        return EMAIL_NO_ACCOUNT
    if submission.emailed_at is not None:
        return EMAIL_ALREADY_SENT
    applicant = submission.application.applicant
    language = applicant.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "submission": submission,
            "tender": submission.application.tender,
            "submitted": timezone.localtime(submission.submitted_at, LJUBLJANA),
            "receipt_url": settings.NAJEM_SITE_URL
            + reverse("applications:receipt_pdf", args=[submission.application_id]),
            "site": settings.NAJEM_CONTACT_NAME,
        }
        subject = _("Application %(code)s received") % {"code": submission.code}
        text = render_to_string("applications/email/submitted.txt", context)
        html = render_to_string("applications/email/submitted.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[applicant.email],
        headers={"Message-ID": submission_message_id(submission)},
    )
    message.attach_alternative(html, "text/html")
    with transaction.atomic():
        marked = ApplicationSubmission.objects.filter(
            pk=submission_id, emailed_at__isnull=True
        ).update(emailed_at=timezone.now())
        if not marked:  # another run sent it meanwhile
            return EMAIL_ALREADY_SENT
        message.send()
    return EMAIL_SENT


def store_receipts(submission_id: int) -> None:
    """Render and store the receipt of a submission in both languages, once.

    Run by the receipts job (:func:`applications.tasks.render_receipts`, started
    inside the submitting transaction and run by the worker once it commits), so
    that neither the submitting request nor reading a receipt (a GET) renders into
    storage; the demo data calls it directly. A failed rendering is logged and
    leaves that language missing: the job then fails and may be retried, and until
    then a download renders the receipt without storing it.
    """
    submission = ApplicationSubmission.objects.filter(pk=submission_id).first()
    if submission is None:
        return
    for language in RECEIPT_LANGUAGES:
        try:
            receipt_for(submission, language)
        except Exception:  # a receipt must never undo or hide a submission
            logger.exception("receipt of submission %s in %s", submission_id, language)


def on_submitted(submission: ApplicationSubmission) -> None:
    """What follows a new submission, started inside its transaction and run by the
    worker once it commits (:mod:`applications.tasks`): the confirmation email
    (online applications only) and the job that stores the receipts in both
    languages."""
    from .tasks import confirmation_email_start, receipts_start

    if submission.application.applicant_id is not None:
        confirmation_email_start(submission=submission, by=submission.by)
    receipts_start(submission=submission, by=submission.by)
