from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    """Where a background job is: waiting for a worker, running, or ended."""

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


# A job in one of these has ended; the progress poller stops.
FINISHED_STATUSES = frozenset({JobStatus.DONE, JobStatus.FAILED})
