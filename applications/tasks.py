"""Background work of applications (issue 12, 6): the receipt PDFs of a submission.

Rendering the two receipts (Slovenian and English, WeasyPrint: about a second each)
used to run in the submitting request, after its commit. It is now a job
(:mod:`jobs`), started inside the submitting transaction: a committed submission
always has its job, a rolled-back one none, a double submit one. The database worker
(``manage.py db_worker``) renders and stores the PDFs
(:func:`applications.pdf.store_receipts`); until then the confirmation page says the
receipt is being prepared (:func:`applications.selectors.receipt_state`), and a GET
never renders into storage. The confirmation email does not wait for it: it goes when
the submission commits and links to the receipt.

The job belongs to the tender's lessor (its staff may follow and retry it,
``jobs.permissions``). Its priority is below the default, so that the staff's jobs and
the worker's health check are not queued behind a burst of submissions before a
deadline: a receipt is a copy of what the applicant already has on the page (the code
and the time), not a step they wait on.
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
    return job_start(
        kind=RECEIPTS_KIND,
        target=submission,
        by=by,
        task=render_receipts,
        lessor=submission.application.tender.lessor,
        submission_id=submission.pk,
    )
