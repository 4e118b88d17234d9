"""Who may see a background job's progress and retry it.

Kept simple on purpose (the authorization matrix lists the URLs): a superuser; staff
(any role) of the job's lessor; for a job without a lessor, only the person who
started it. Anyone else gets 404, as for another party's object.
"""

from housing.models import User
from housing.permissions import is_staff_of

from .constants import JobStatus
from .models import Job


def can_see_job(user: User, job: Job) -> bool:
    """Superuser, staff of ``job.lessor``, or (no lessor) the job's creator."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if job.lessor_id is not None:
        return is_staff_of(user, job.lessor_id)
    return job.created_by_id == user.pk


def can_retry_job(user: User, job: Job) -> bool:
    """Whoever may see a failed job may run it again."""
    return job.status == JobStatus.FAILED and can_see_job(user, job)
