"""Job tasks for the tests (module level, as Django's tasks framework requires)."""

from django.tasks import task

from jobs.services import job_progress
from jobs.tasks import job_task

# A switch the tests flip to make the flaky task succeed on its second attempt.
FLAKY = {"fail": True}


@job_task
def count_rows(job, *, rows: int) -> int:
    for done in range(0, rows + 1, 10):
        job_progress(job, done=done, total=rows, message="counting")
    return rows


@job_task
def flaky(job, *, label: str) -> str:
    job_progress(job, done=1, total=4, message="started")
    if FLAKY["fail"]:
        raise RuntimeError(f"the printer is on fire ({label})")
    return label


@task
def plain() -> None:
    """A task without a job."""
