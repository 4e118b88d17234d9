"""Background work of the priority lists (issue 14, 4): building a version, and
publishing one (which renders its PDFs in both languages), run by the database
worker (``manage.py db_worker``) as :mod:`jobs` with their progress on the page. The
synchronous services stay for the tests and the commands; these call them.

A refusal (:class:`~housing.errors.ServiceError`) fails the job with its message,
shown on the page with a retry button.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from housing.models import User
from jobs.models import Job
from jobs.services import job_progress, job_start
from jobs.tasks import job_task
from tenders.models import Tender

from . import services
from .models import ListVersion

BUILD_KIND = "lists_build"
PUBLISH_KIND = "lists_publish"


@job_task
def build_lists(job: Job, *, tender_id: int, user_id: int) -> dict[str, int]:
    """Build a new draft version of the tender's lists (:func:`services.list_build`)."""
    tender = Tender.objects.get(pk=tender_id)
    by = User.objects.get(pk=user_id)
    job_progress(job, done=0, total=2, message=_("Ranking the verified applications"))
    version = services.list_build(tender=tender, by=by)
    job_progress(
        job,
        done=2,
        total=2,
        message=_("Version %(number)d built.") % {"number": version.number},
    )
    return {"version": version.pk, "number": version.number}


@job_task
def publish_lists(
    job: Job, *, version_id: int, user_id: int, final: bool = False
) -> dict[str, int]:
    """Publish an approved version and render its PDFs (Slovenian and English)
    (:func:`services.list_publish`)."""
    version = ListVersion.objects.get(pk=version_id)
    by = User.objects.get(pk=user_id)
    job_progress(job, done=0, total=2, message=_("Rendering the PDFs"))
    version = services.list_publish(version=version, by=by, final=final)
    # The publication has committed (this task runs outside a transaction); the
    # English internal list follows in its own job. Started on commit, so that a
    # caller holding a transaction (a test, the benchmark) decides when.
    transaction.on_commit(lambda: internal_list_en_start(version=version, by=by))
    job_progress(job, done=2, total=2, message=_("The priority lists were published."))
    return {"version": version.pk, "number": version.number}


INTERNAL_EN_KIND = "lists_internal_en"


@job_task
def render_internal_list_en(job: Job, *, version_id: int, user_id: int) -> dict:
    """The internal list with names in English, after the publication
    (:func:`services.internal_list_en_render`)."""
    version = ListVersion.objects.get(pk=version_id)
    by = User.objects.get(pk=user_id)
    job_progress(job, done=0, total=1, message=_("Rendering the PDF"))
    rendered = services.internal_list_en_render(version=version, by=by)
    job_progress(job, done=1, total=1)
    return {"version": version.pk, "rendered": rendered}


@transaction.atomic
def internal_list_en_start(*, version: ListVersion, by: User) -> Job:
    """Start :func:`render_internal_list_en` for a published ``version``."""
    return job_start(
        kind=INTERNAL_EN_KIND,
        target=version,
        by=by,
        task=render_internal_list_en,
        lessor=version.tender.lessor,
        version_id=version.pk,
        user_id=by.pk,
    )


DECISIONS_KIND = "lists_decisions"


@job_task
def issue_decisions(job: Job, *, version_id: int, user_id: int) -> dict[str, int]:
    """Issue the decisions on a published version, one PDF per application
    (:func:`services.decisions_issue`); the emails go once it commits."""
    version = ListVersion.objects.get(pk=version_id)
    by = User.objects.get(pk=user_id)
    job_progress(job, done=0, total=1, message=_("Rendering the decisions"))
    issued = services.decisions_issue(version=version, by=by)
    job_progress(
        job,
        done=1,
        total=1,
        message=_("%(count)d decision(s) issued.") % {"count": len(issued)},
    )
    return {"version": version.pk, "issued": len(issued)}
