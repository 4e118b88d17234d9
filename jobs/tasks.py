"""``@job_task``: a task function that runs as a :class:`~jobs.models.Job`."""

from collections.abc import Callable
from typing import Any

from django.tasks import Task, TaskContext, task

from .models import Job
from .services import job_begin, job_fail, job_finish, job_progress


def job_task(function: Callable[..., Any] | None = None, **task_options: Any) -> Any:
    """Make ``function(job, **arguments)`` a Django task that keeps its job's
    status: running when the worker starts it, done when it returns, failed with the
    error when it raises (the error is raised again, so the task result records it
    too). Start it with :func:`jobs.services.job_start`, never ``.enqueue()``.

    ``task_options`` go to ``django.tasks.task`` (``priority``, ``queue_name``). The
    function must be defined at module level and return something JSON can hold.
    """

    def decorate(func: Callable[..., Any]) -> Task:
        def run(context: TaskContext, job_id: int, **arguments: Any) -> Any:
            job = job_begin(job_id=job_id, task_result_id=str(context.task_result.id))
            if job is None:  # a stale or repeated attempt
                return None
            try:
                result = func(job, **arguments)
            except Exception as error:
                job_fail(job=job, error=error)
                raise
            job_finish(job=job)
            return result

        # Not functools.wraps: Django reads the arguments of the function it is given
        # (``context`` first), and __wrapped__ would show it func's instead.
        run.__module__ = func.__module__
        run.__name__ = func.__name__
        run.__qualname__ = func.__qualname__
        run.__doc__ = func.__doc__
        run._najem_job_task = True  # type: ignore[attr-defined]
        return task(takes_context=True, **task_options)(run)

    if function is not None:
        return decorate(function)
    return decorate


@job_task
def ping(job: Job, *, steps: int = 3) -> str:
    """A job that does nothing but report progress: checks that the worker runs
    (``./scripts/run --smoke``)."""
    for step in range(1, steps + 1):
        job_progress(job, done=step, total=steps)
    return "pong"
