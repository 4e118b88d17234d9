"""Start background jobs, record their progress, run failed ones again.

A job's work is a task function decorated with :func:`jobs.tasks.job_task`; it gets
the :class:`~jobs.models.Job` as its first argument and reports progress with
:func:`job_progress`::

    @job_task
    def publish_priority_list(job: Job, *, list_id: int) -> None:
        ...
        job_progress(job, done=rows_done, total=rows, message=_("Rendering the PDF"))

    job = job_start(kind="priority_list_pdf", target=priority_list, by=request.user,
                    task=publish_priority_list, lessor=tender.lessor,
                    list_id=priority_list.pk)

The worker (``manage.py db_worker``) runs it; the page shows
``templates/jobs/_progress.html`` for the job.
"""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.tasks import Task, TaskResultStatus
from django.utils import timezone
from django.utils.module_loading import import_string

from housing.models import Lessor, User

from .constants import JobStatus
from .models import Job


class JobNotRetryable(Exception):
    """Only a failed job can be run again."""


# No savepoint inside the caller's transaction: the job, its task and the task's id are
# written together or not at all, and no caller goes on after a failure here (the
# whole transaction rolls back). A savepoint cost a submission four round trips to
# PostgreSQL for its two jobs (docs/performance.md, "HTTP", sixth pass).
@transaction.atomic(savepoint=False)
def job_start(
    *,
    kind: str,
    target: models.Model | str | None,
    by: User | None,
    task: Task,
    lessor: Lessor | None = None,
    **arguments: Any,
) -> Job:
    """Record a queued job and enqueue ``task`` for the worker with
    ``job_id=<the job's id>`` and ``arguments`` (JSON-serialisable keyword
    arguments, kept for a retry).

    ``target`` is a model instance or a plain reference (text). The job and its task
    are saved in the caller's transaction: the worker sees neither before it commits,
    and both disappear if it rolls back (an error here rolls the caller's transaction
    back: there is no savepoint to return to). Called outside a transaction, it is its
    own.

    :param lessor: whose staff may follow and retry the job (``jobs.permissions``).
    :raises TypeError: when ``task`` is not a task made with ``@job_task``.
    """
    if not getattr(task.func, "_najem_job_task", False):
        raise TypeError(f"{task.module_path} is not decorated with @job_task")
    job = Job(
        kind=kind,
        lessor=lessor,
        created_by=by,
        task_path=task.module_path,
        arguments=arguments,
    )
    if isinstance(target, models.Model):
        job.target_type = ContentType.objects.get_for_model(target)
        job.target_id = str(target.pk)
    elif target is not None:
        job.reference = target
    job.save()
    _enqueue(job, task)
    return job


def _enqueue(job: Job, task: Task) -> None:
    result = task.enqueue(job_id=job.pk, **job.arguments)
    job.task_result_id = str(result.id)
    Job.objects.filter(pk=job.pk).update(task_result_id=job.task_result_id)
    if result.status != TaskResultStatus.READY:
        # An immediate backend has run the job already: keep what it recorded. A
        # queued task has not started (the worker sees neither row before the caller
        # commits), so the instance is the row; reading it again cost a submission
        # two queries and a tenth of its CPU (docs/performance.md, "HTTP").
        job.refresh_from_db()


def job_progress(job: Job, *, done: int, total: int, message: str = "") -> None:
    """Record how far ``job`` is (``done`` of ``total`` units: rows, pages,
    applications) with an optional short message for the page.

    Written at once (one UPDATE): call it outside long transactions, or the page
    sees nothing until they commit.
    """
    job.progress_done = max(0, done)
    job.progress_total = max(0, total)
    job.message = message[:300]
    Job.objects.filter(pk=job.pk).update(
        progress_done=job.progress_done,
        progress_total=job.progress_total,
        message=job.message,
    )


@transaction.atomic
def job_retry(*, job: Job, by: User) -> Job:
    """Run a failed job again: the same task with the same arguments, as a new
    attempt of the same job (its progress and error cleared).

    :raises JobNotRetryable: when the job has not failed (a second click, or a job
        someone else already retried).
    """
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise JobNotRetryable(job.pk)
    job.status = JobStatus.QUEUED
    job.progress_done = job.progress_total = 0
    job.message = job.error = ""
    job.started_at = job.finished_at = None
    job.attempts += 1
    job.retried_by = by
    job.save()
    _enqueue(job, import_string(job.task_path))
    return job


def job_begin(*, job_id: int, task_result_id: str) -> Job | None:
    """Mark the job running (the worker calls this through ``@job_task``).

    :returns: the job, or ``None`` when this task result is not the job's current
        attempt or the job is not queued (nothing is run then).
    """
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if (
            job is None
            or job.status != JobStatus.QUEUED
            or (job.task_result_id and job.task_result_id != task_result_id)
        ):
            return None
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def job_finish(*, job: Job) -> None:
    """Mark the job done (its progress complete)."""
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    if job.progress_total:
        job.progress_done = job.progress_total
    Job.objects.filter(pk=job.pk).update(
        status=job.status, finished_at=job.finished_at, progress_done=job.progress_done
    )


def job_fail(*, job: Job, error: BaseException) -> None:
    """Mark the job failed with the error's type and message (the full traceback
    stays in the task result, ``django_tasks_db.DBTaskResult``)."""
    job.status = JobStatus.FAILED
    job.finished_at = timezone.now()
    job.error = f"{type(error).__name__}: {error}"[:4000]
    Job.objects.filter(pk=job.pk).update(
        status=job.status, finished_at=job.finished_at, error=job.error
    )
