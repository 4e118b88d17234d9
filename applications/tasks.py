"""Background work of applications (issue 12, 6): the confirmation email and the
receipt PDFs of a submission.

Both used to run in the submitting request, after its commit: rendering the two
receipts (Slovenian and English, WeasyPrint: about a second each), and rendering and
sending the email (most of the submit request's CPU, and a slow or failing SMTP server
would have slowed or broken a submission at the deadline). Each is now a job
(:mod:`jobs`), started inside the submitting transaction: a committed submission always
has its jobs, a rolled-back one none, a double submit one of each. The database worker
(``manage.py db_worker``) sends the email (:func:`applications.pdf.send_submission_email`,
once: it marks the submission) and renders and stores the PDFs
(:func:`applications.pdf.store_receipts`); until then the confirmation page says the
receipt is being prepared (:func:`applications.selectors.receipt_state`), and a GET
never renders into storage. The email does not wait for the receipt: it links to it.

The jobs belong to the tender's lessor (its staff may follow and retry them,
``jobs.permissions``). Their priorities are below the default, so that the staff's jobs
and the worker's health check are not queued behind a burst of submissions before a
deadline; the email's is above the receipts', so that every applicant of a burst gets
the email (milliseconds each) before the worker spends seconds on each receipt: a
receipt is a copy of what the applicant already has on the page (the code and the
time), not a step they wait on.
"""

from typing import Any

from django.utils.translation import gettext as _

from housing.models import User
from jobs.models import Job
from jobs.services import job_progress, job_start
from jobs.tasks import job_task

from .models import ApplicationSubmission, SubmissionReceipt

RECEIPTS_KIND = "applications_receipts"
RECEIPTS_PRIORITY = -10
EMAIL_KIND = "applications_confirmation_email"
EMAIL_PRIORITY = -5


class ReceiptNotStored(Exception):
    """Rendering ended without a stored receipt (its error is in the log)."""


@job_task(priority=RECEIPTS_PRIORITY)
def render_receipts(job: Job, *, submission_id: int) -> dict[str, Any]:
    """Render and store the receipt of a submission in both languages
    (:func:`applications.pdf.store_receipts`).

    :raises ReceiptNotStored: when a language is still missing afterwards, so that
        the job fails (and can be retried) instead of passing for done.
    """
    from .pdf import RECEIPT_LANGUAGES, store_receipts

    if not ApplicationSubmission.objects.filter(pk=submission_id).exists():
        return {"submission": submission_id, "languages": []}
    job_progress(
        job, done=0, total=len(RECEIPT_LANGUAGES), message=_("Rendering the receipt")
    )
    store_receipts(submission_id)
    stored = set(
        SubmissionReceipt.objects.filter(submission_id=submission_id).values_list(
            "language", flat=True
        )
    )
    missing = [language for language in RECEIPT_LANGUAGES if language not in stored]
    if missing:
        raise ReceiptNotStored(
            f"submission {submission_id}: no receipt in {', '.join(missing)}"
        )
    job_progress(job, done=len(RECEIPT_LANGUAGES), total=len(RECEIPT_LANGUAGES))
    return {"submission": submission_id, "languages": sorted(stored)}


def receipts_start(*, submission: ApplicationSubmission, by: User | None) -> Job:
    """Start the job that renders ``submission``'s receipts, in the caller's
    transaction (call it inside the one that creates the submission)."""
    return _submission_job(RECEIPTS_KIND, render_receipts, submission, by)


def _submission_job(
    kind: str, task: Any, submission: ApplicationSubmission, by: User | None
) -> Job:
    """A job of ``submission``, owned by its tender's lessor (whose staff may follow
    and retry it)."""
    return job_start(
        kind=kind,
        target=submission,
        by=by,
        task=task,
        lessor=submission.application.tender.lessor,
        submission_id=submission.pk,
    )


@job_task(priority=EMAIL_PRIORITY)
def send_confirmation(job: Job, *, submission_id: int) -> dict[str, Any]:
    """Mail the applicant that the submission was received, once
    (:func:`applications.pdf.send_submission_email`).

    An SMTP error fails the job (and its task result, with the traceback) and leaves
    the email unsent, so that staff may retry it; the submission stands.
    """
    from .pdf import send_submission_email

    return {"submission": submission_id, "email": send_submission_email(submission_id)}


def confirmation_email_start(
    *, submission: ApplicationSubmission, by: User | None
) -> Job:
    """Start the job that mails the confirmation of ``submission``, in the caller's
    transaction (call it inside the one that creates the submission)."""
    return _submission_job(EMAIL_KIND, send_confirmation, submission, by)
