"""Building and publishing the lists run in the database worker, with their
progress on the page; a failure shows its error and can be retried (issue 14, 4)."""

from django.core.management import call_command

import pytest

from jobs.constants import JobStatus
from jobs.models import Job
from lists.constants import ListState
from lists.models import ListVersion
from lists.tasks import BUILD_KIND, PUBLISH_KIND

# The worker reopens the database connection: the tests commit.
pytestmark = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_build_and_publish_run_in_the_worker_with_progress_on_the_page(
    client, verified, tender, staff, otp_login
):
    otp_login(client, staff["chair"])
    url = f"/staff/tenders/{tender.pk}/lists/"
    response = client.post(url)
    assert response.url == url
    # Nothing built in the request: a queued job, shown on the page.
    assert ListVersion.objects.count() == 0
    job = Job.objects.get(kind=BUILD_KIND)
    assert job.status == JobStatus.QUEUED
    page = client.get(url).content.decode()
    assert "data-job-progress" in page
    assert f"/jobs/{job.pk}/" in page or f"jobs/{job.pk}" in page

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.percent == 100
    version = ListVersion.objects.get()
    assert version.state == ListState.DRAFT
    assert "Version 1 built." in job.message
    page = client.get(url).content.decode()
    assert "data-job-progress" in page
    assert f"/staff/lists/{version.pk}/" in page

    from lists import services

    services.list_approve(version=version, by=staff["member"])
    response = client.post(f"/staff/lists/{version.pk}/publish/", {"confirm": "on"})
    assert response.url == f"/staff/lists/{version.pk}/"
    version.refresh_from_db()
    assert version.state == ListState.APPROVED
    publish = Job.objects.get(kind=PUBLISH_KIND)
    run_worker()
    publish.refresh_from_db()
    assert publish.status == JobStatus.DONE
    version.refresh_from_db()
    assert version.state == ListState.PUBLISHED
    assert len(version.pdf_sha256) == 64 or not version.pdf


def test_a_failed_build_shows_its_error_and_can_be_retried(
    client, verified, tender, staff, otp_login
):
    from lists.tasks import build_lists

    otp_login(client, staff["chair"])
    from jobs.services import job_start

    # A job started for someone who may not build (a clerk): it fails in the worker.
    job = job_start(
        kind=BUILD_KIND,
        target=tender,
        by=staff["clerk"],
        task=build_lists,
        lessor=tender.lessor,
        tender_id=tender.pk,
        user_id=staff["clerk"].pk,
    )
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "Only the chair" in job.error
    page = client.get(f"/staff/tenders/{tender.pk}/lists/").content.decode()
    assert "Only the chair" in page
    assert "Retry" in page
    assert ListVersion.objects.count() == 0
