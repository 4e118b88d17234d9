from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from housing.mixins import staff_otp_required

from .permissions import can_retry_job
from .selectors import job_get_for_user, job_status_payload
from .services import JobNotRetryable, job_retry


@require_safe
@staff_otp_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress on a page of its own (also the poller's fallback)."""
    job = job_get_for_user(pk=pk, user=request.user)
    return render(request, "jobs/job_detail.html", {"job": job})


@require_safe
@staff_otp_required
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's progress as JSON, polled every 2 s by ``job-progress.js``."""
    job = job_get_for_user(pk=pk, user=request.user)
    return JsonResponse(job_status_payload(job=job, user=request.user))


@require_POST
@staff_otp_required
def job_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Run a failed job again, then go back to ``next`` (a local URL) or the job."""
    job = job_get_for_user(pk=pk, user=request.user)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = job.get_absolute_url()
    if not can_retry_job(request.user, job):
        messages.info(request, _("This job has not failed; there is nothing to retry."))
    else:
        try:
            job_retry(job=job, by=request.user)
        except JobNotRetryable:
            messages.info(
                request, _("This job has not failed; there is nothing to retry.")
            )
        else:
            messages.success(request, _("The job was queued again."))
    return redirect(next_url)
