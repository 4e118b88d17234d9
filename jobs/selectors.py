from typing import Any

from django.http import Http404
from django.template.loader import render_to_string

from housing.models import User

from .models import Job
from .permissions import can_retry_job, can_see_job


def job_get_for_user(*, pk: int, user: User) -> Job:
    """The job ``pk`` if ``user`` may see it.

    :raises Http404: for unknown jobs and other lessors' jobs alike.
    """
    job = Job.objects.filter(pk=pk).first()
    if job is None or not can_see_job(user, job):
        raise Http404
    return job


def job_status_payload(*, job: Job, user: User) -> dict[str, Any]:
    """What the progress poller reads (``static/js/job-progress.js``)."""
    return {
        "id": job.pk,
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "done": job.progress_done,
        "total": job.progress_total,
        "percent": job.percent,
        "message": job.message,
        # The sentence under the bar, in the request's language.
        "text": render_to_string("jobs/_progress_text.html", {"job": job}).strip(),
        "error": job.error,
        "finished": job.finished,
        "can_retry": can_retry_job(user, job),
        "attempts": job.attempts,
    }
