"""Background jobs: enqueued, run by the database worker, progress recorded, a
failure shown with its error and retried."""

import contextlib
import json

from django.core.management import call_command
from django.urls import reverse

import pytest
from django_tasks_db.models import DBTaskResult

from housing.constants import StaffRole
from jobs.constants import JobStatus
from jobs.models import Job
from jobs.services import JobNotRetryable, job_retry, job_start
from tests.housing.factories import MembershipFactory, UserFactory
from tests.jobs import tasks

# The worker closes and reopens the database connection between tasks, as it does in
# production: the tests commit (transaction=True) so that it sees what they wrote.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _flaky_fails():
    tasks.FLAKY["fail"] = True
    yield
    tasks.FLAKY["fail"] = True


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")


@pytest.fixture
def staff_x(lessor_x):
    return MembershipFactory(lessor=lessor_x, role=StaffRole.CLERK).user


def login_staff(client, user):
    """Logged in with the second factor verified (staff pages ask for it)."""
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def test_a_job_is_queued_then_run_by_the_worker_with_its_progress(lessor_x, staff_x):
    job = job_start(
        kind="count", target=lessor_x, by=staff_x, task=tasks.count_rows,
        lessor=lessor_x, rows=40,
    )  # fmt: skip
    assert job.status == JobStatus.QUEUED
    assert job.target == lessor_x
    assert job.task_result_id
    assert DBTaskResult.objects.get(id=job.task_result_id).status == "READY"

    run_worker()

    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.progress_done, job.progress_total) == (40, 40)
    assert job.percent == 100
    assert job.message == "counting"
    assert job.started_at <= job.finished_at
    result = DBTaskResult.objects.get(id=job.task_result_id)
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 40


def test_a_queued_job_is_not_read_back_and_the_instance_is_its_row(lessor_x, staff_x):
    """The worker cannot have touched a job its caller has not committed: job_start
    writes the job, the task and the task's id, and reads nothing back."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        job = job_start(
            kind="count", target=lessor_x, by=staff_x, task=tasks.count_rows,
            lessor=lessor_x, rows=3,
        )  # fmt: skip
    job_reads = [
        q["sql"]
        for q in queries
        if q["sql"].startswith("SELECT") and "jobs_job" in q["sql"]
    ]
    assert job_reads == []
    row = Job.objects.get(pk=job.pk)
    for field in Job._meta.concrete_fields:
        assert getattr(job, field.attname) == getattr(row, field.attname), field.name


def test_inside_the_callers_transaction_no_savepoint_and_rolled_back_with_it(
    lessor_x, staff_x
):
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    started = []

    def caller_that_fails():
        with transaction.atomic():
            job = job_start(
                kind="count", target=lessor_x, by=staff_x,
                task=tasks.count_rows, lessor=lessor_x, rows=3,
            )  # fmt: skip
            assert Job.objects.filter(pk=job.pk).exists()
            started.append(job)
            raise RuntimeError("the caller failed")

    with (
        CaptureQueriesContext(connection) as queries,
        pytest.raises(RuntimeError, match="the caller failed"),
    ):
        caller_that_fails()
    [job] = started
    assert not [q for q in queries if "SAVEPOINT" in q["sql"]]
    # Neither the job nor its task outlives the caller's rollback.
    assert not Job.objects.filter(pk=job.pk).exists()
    assert not DBTaskResult.objects.filter(id=job.task_result_id).exists()


def test_a_failure_inside_job_start_rolls_back_the_whole_transaction(
    lessor_x, staff_x, monkeypatch
):
    """Without a savepoint the caller cannot go on after job_start failed: the
    transaction is marked for rollback, and nothing it wrote before stays."""
    from django.db import transaction
    from django.db.transaction import TransactionManagementError

    from jobs import services

    def refuse(job, task):
        raise services.JobNotRetryable("refused")

    monkeypatch.setattr(services, "_enqueue", refuse)
    kept = []

    def caller_that_goes_on():
        with transaction.atomic():
            kept.append(
                Job.objects.create(kind="before", lessor=lessor_x, task_path="x")
            )
            with contextlib.suppress(services.JobNotRetryable):  # a caller going on
                job_start(
                    kind="count", target=lessor_x, by=staff_x,
                    task=tasks.count_rows, lessor=lessor_x, rows=3,
                )  # fmt: skip
            Job.objects.count()  # Django refuses every further statement

    with pytest.raises(TransactionManagementError):
        caller_that_goes_on()
    [kept] = kept
    assert not Job.objects.filter(pk=kept.pk).exists()
    assert not Job.objects.filter(kind="count").exists()


def test_a_job_run_at_once_by_the_immediate_backend_is_returned_as_run(
    lessor_x, staff_x
):
    from django.test import override_settings

    immediate = {
        "default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}
    }
    with override_settings(TASKS=immediate):
        job = job_start(
            kind="count", target=lessor_x, by=staff_x, task=tasks.count_rows,
            lessor=lessor_x, rows=5,
        )  # fmt: skip
    assert job.status == JobStatus.DONE
    assert (job.progress_done, job.progress_total) == (5, 5)
    assert job.finished_at is not None


def test_a_failed_job_keeps_its_error_and_can_be_retried(lessor_x, staff_x):
    job = job_start(
        kind="flaky", target="list:A", by=staff_x, task=tasks.flaky,
        lessor=lessor_x, label="A",
    )  # fmt: skip
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error == "RuntimeError: the printer is on fire (A)"
    assert job.reference == "list:A"
    assert (job.progress_done, job.progress_total) == (1, 4)
    first_result = job.task_result_id
    assert DBTaskResult.objects.get(id=first_result).status == "FAILED"

    tasks.FLAKY["fail"] = False
    job = job_retry(job=job, by=staff_x)
    assert job.status == JobStatus.QUEUED
    assert (job.attempts, job.error, job.progress_done) == (2, "", 0)
    assert job.task_result_id != first_result
    with pytest.raises(JobNotRetryable):
        job_retry(job=job, by=staff_x)

    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.retried_by == staff_x
    assert DBTaskResult.objects.get(id=job.task_result_id).return_value == "A"


def test_a_stale_task_result_does_not_run_the_job_again(lessor_x, staff_x):
    job = job_start(
        kind="count", target=None, by=staff_x, task=tasks.count_rows,
        lessor=lessor_x, rows=10,
    )  # fmt: skip
    Job.objects.filter(pk=job.pk).update(task_result_id="another-attempt")
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_job_start_refuses_a_task_not_made_with_job_task():
    with pytest.raises(TypeError):
        job_start(kind="x", target=None, by=None, task=tasks.plain)
    assert not Job.objects.exists()


# --- The pages -------------------------------------------------------------------


def test_status_json_and_page_show_progress_to_the_lessors_staff(
    client, lessor_x, staff_x
):
    job = job_start(
        kind="count", target=None, by=staff_x, task=tasks.count_rows,
        lessor=lessor_x, rows=20,
    )  # fmt: skip
    login_staff(client, staff_x)
    data = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert data["status"] == "queued"
    assert data["finished"] is False
    assert data["percent"] is None

    run_worker()
    data = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert (data["status"], data["done"], data["total"], data["percent"]) == (
        "done", 20, 20, 100,
    )  # fmt: skip
    assert data["finished"] is True
    assert "20" in data["text"]

    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<progress class="w-100" max="100" value="100"' in html
    assert "js/job-progress.js" in html
    assert "<script>" not in html  # no inline script (CSP)


def test_a_failed_job_shows_its_error_and_a_retry_button(client, lessor_x, staff_x):
    job = job_start(
        kind="flaky", target=None, by=staff_x, task=tasks.flaky,
        lessor=lessor_x, label="B",
    )  # fmt: skip
    run_worker()
    login_staff(client, staff_x)
    html = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "the printer is on fire (B)" in html
    assert reverse("jobs:retry", args=[job.pk]) in html
    data = client.get(reverse("jobs:status", args=[job.pk])).json()
    assert data["can_retry"] is True
    assert data["error"] == "RuntimeError: the printer is on fire (B)"

    tasks.FLAKY["fail"] = False
    response = client.post(
        reverse("jobs:retry", args=[job.pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 2)
    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE


def test_retry_is_post_only_and_a_second_retry_changes_nothing(
    client, lessor_x, staff_x
):
    job = job_start(
        kind="count", target=None, by=staff_x, task=tasks.count_rows,
        lessor=lessor_x, rows=10,
    )  # fmt: skip
    login_staff(client, staff_x)
    url = reverse("jobs:retry", args=[job.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"next": f"/jobs/{job.pk}/"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.QUEUED, 1)


@pytest.mark.parametrize("name", ["jobs:detail", "jobs:status"])
def test_who_may_see_a_job(client, lessor_x, lessor_y, staff_x, name):
    job = job_start(
        kind="count", target=None, by=staff_x, task=tasks.count_rows,
        lessor=lessor_x, rows=10,
    )  # fmt: skip
    url = reverse(name, args=[job.pk])
    # Anonymous: to the login page.
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    # An applicant: 403 (not staff anywhere).
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    # Another lessor's staff: 404.
    other = MembershipFactory(lessor=lessor_y, role=StaffRole.LESSOR_ADMIN).user
    assert login_staff(client, other).get(url).status_code == 404
    # Any staff role of the job's lessor, and a superuser: 200.
    chair = MembershipFactory(lessor=lessor_x, role=StaffRole.COMMISSION_CHAIR).user
    assert login_staff(client, chair).get(url).status_code == 200
    root = UserFactory(superuser=True)
    assert login_staff(client, root).get(url).status_code == 200


def test_another_lessors_staff_cannot_retry(client, lessor_x, lessor_y, staff_x):
    job = job_start(
        kind="flaky", target=None, by=staff_x, task=tasks.flaky,
        lessor=lessor_x, label="C",
    )  # fmt: skip
    run_worker()
    other = MembershipFactory(lessor=lessor_y, role=StaffRole.LESSOR_ADMIN).user
    response = login_staff(client, other).post(reverse("jobs:retry", args=[job.pk]))
    assert response.status_code == 404
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.FAILED, 1)


def test_a_job_without_a_lessor_is_visible_to_its_creator_only(client, lessor_x):
    creator = MembershipFactory(lessor=lessor_x, role=StaffRole.LESSOR_ADMIN).user
    colleague = MembershipFactory(lessor=lessor_x, role=StaffRole.LESSOR_ADMIN).user
    job = job_start(
        kind="count", target=None, by=creator, task=tasks.count_rows, rows=10
    )
    url = reverse("jobs:status", args=[job.pk])
    assert login_staff(client, colleague).get(url).status_code == 404
    response = login_staff(client, creator).get(url)
    assert json.loads(response.content)["id"] == job.pk


def test_the_smoke_task_runs(staff_x):
    from jobs.tasks import ping

    job = job_start(kind="ping", target=None, by=staff_x, task=ping)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.progress_done, job.progress_total) == (
        JobStatus.DONE, 3, 3,
    )  # fmt: skip
