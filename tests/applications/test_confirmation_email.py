"""The confirmation email of a submission (issue 12, 6): a job run by the worker, never
the submitting request; once per submission however often it runs; in the
applicant's language; nothing for a refused or rolled-back submission or a paper
application; an SMTP failure fails the job (retryable), never the submission."""

import datetime
import smtplib

from django.core import mail
from django.core.mail.backends import locmem
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone

import pytest
from django_tasks_db.models import DBTaskResult

from applications import pdf, services
from applications.constants import ApplicationStatus
from applications.models import ApplicationSubmission, SubmissionReceipt
from applications.tasks import (
    EMAIL_KIND,
    EMAIL_PRIORITY,
    RECEIPTS_KIND,
    RECEIPTS_PRIORITY,
    confirmation_email_start,
)
from housing.errors import ServiceError
from jobs.constants import JobStatus
from jobs.models import Job
from jobs.services import job_retry
from tests.applications.conftest import BEFORE
from tests.applications.factories import ApplicationFactory, MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def email_jobs():
    return Job.objects.filter(kind=EMAIL_KIND)


def run_worker(*options: str) -> None:
    """The worker, until the queue is empty or after ``--max-tasks``. The email job's
    priority is above the receipts', so ``--max-tasks 1`` sends the email only (no
    PDF rendered: quicker)."""
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0", *options
    )


def task_result(job: Job) -> DBTaskResult:
    return DBTaskResult.objects.get(id=job.task_result_id)


# --- in the submitting transaction --------------------------------------------------


def test_the_submission_starts_one_email_job_and_sends_nothing(draft, applicant):
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    # A double click: the same submission, no second job.
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    (job,) = email_jobs()
    assert job.status == JobStatus.QUEUED
    assert job.target == submission
    assert job.lessor == draft.tender.lessor
    assert job.created_by == applicant
    assert job.arguments == {"submission_id": submission.pk}
    assert task_result(job).priority == EMAIL_PRIORITY
    assert RECEIPTS_PRIORITY < EMAIL_PRIORITY < 0  # after staff jobs, before receipts
    assert mail.outbox == []
    assert submission.emailed_at is None


def test_no_email_when_submission_is_refused(draft, applicant):
    draft.members.all().delete()
    with pytest.raises(ServiceError):
        services.application_submit(application=draft, by=applicant, now=BEFORE)
    assert not email_jobs().exists()
    assert not Job.objects.filter(kind=RECEIPTS_KIND).exists()
    assert mail.outbox == []


def test_a_paper_application_mails_nothing(tender, clerk):
    application = ApplicationFactory(tender=tender, paper=True, entered_by=clerk)
    MemberFactory(application=application)
    services.application_submit(
        application=application,
        by=clerk,
        now=BEFORE,
        received_at=BEFORE - datetime.timedelta(days=1),
    )
    submission = application.submissions.get()
    assert not email_jobs().exists()
    assert Job.objects.filter(kind=RECEIPTS_KIND).count() == 1  # the receipt still
    # Even when asked directly (an email job started by other means).
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_NO_ACCOUNT
    assert mail.outbox == []
    submission.refresh_from_db()
    assert submission.emailed_at is None


# --- what the email says ---------------------------------------------------------------


def test_the_email_in_slovenian_by_default(draft, applicant):
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_SENT
    (message,) = mail.outbox
    assert message.subject == f"Vloga {submission.code} je prejeta"
    assert "Oddano (po ljubljanskem času): 04. 05. 2026 10:00:00" in message.body
    assert message.to == [applicant.email]


def test_sent_twice_in_a_row_it_mails_once(draft, applicant):
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_SENT
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_ALREADY_SENT
    assert len(mail.outbox) == 1
    submission.refresh_from_db()
    assert submission.emailed_at is not None


def test_a_second_sending_carries_the_same_message_id(draft, applicant, settings):
    """Should the email go out twice (a crash between the SMTP server's acceptance
    and the mark's commit, then a retry), both carry one Message-ID, by which mail
    servers and clients know the second for the same message; another submission's
    has another."""
    settings.DEFAULT_FROM_EMAIL = "Najem <najem@jss-mol.example>"
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_SENT
    ApplicationSubmission.objects.filter(pk=submission.pk).update(emailed_at=None)
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_SENT
    first, second = mail.outbox
    message_id = first.message()["Message-ID"]
    assert second.message()["Message-ID"] == message_id
    assert message_id.startswith(f"<submission.{submission.pk}.")
    assert message_id.endswith("@jss-mol.example>")
    other_submission = (
        ApplicationSubmission(  # another application's, or the next version
            pk=submission.pk + 1,
            application=draft,
            version=submission.version + 1,
            submitted_at=submission.submitted_at,
        )
    )
    assert pdf.submission_message_id(other_submission) != message_id
    later = ApplicationSubmission(
        pk=submission.pk,
        application=draft,
        version=submission.version,
        submitted_at=submission.submitted_at + datetime.timedelta(microseconds=1),
    )
    assert pdf.submission_message_id(later) != message_id  # a database started afresh


def test_a_run_that_loses_the_race_mails_nothing(draft, applicant, monkeypatch):
    """Two runs at once both find the submission unsent and render the message; the
    mark decides (here the second run sends while the first is rendering)."""
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    real_render = pdf.render_to_string
    other_run: list[str] = []

    def render_while_another_run_sends(template, context):
        if not other_run:
            other_run.append("running")
            other_run.append(pdf.send_submission_email(submission.pk))
        return real_render(template, context)

    monkeypatch.setattr(pdf, "render_to_string", render_while_another_run_sends)
    assert pdf.send_submission_email(submission.pk) == pdf.EMAIL_ALREADY_SENT
    assert other_run == ["running", pdf.EMAIL_SENT]
    assert len(mail.outbox) == 1


def test_no_email_for_an_unknown_submission():
    assert pdf.send_submission_email(123456) == pdf.EMAIL_NO_SUBMISSION
    assert mail.outbox == []


# --- with the real worker (it commits and reconnects: transaction=True) -----------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_it_in_the_applicants_language_before_the_receipt(
    draft, applicant
):
    applicant.preferred_language = "en"
    applicant.save()
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    assert mail.outbox == []  # committed, and still nothing sent by the request

    run_worker("--max-tasks", "1")
    (job,) = email_jobs()
    assert job.status == JobStatus.DONE
    submission = draft.submissions.get()
    assert task_result(job).return_value == {
        "submission": submission.pk,
        "email": pdf.EMAIL_SENT,
    }
    assert not SubmissionReceipt.objects.exists()  # the receipt's job comes after
    (message,) = mail.outbox
    draft.refresh_from_db()
    assert message.to == [applicant.email]
    assert message.subject == f"Application {draft.code} received"
    assert "Submitted (Ljubljana time): 04. 05. 2026 10:00:00" in message.body
    assert reverse("applications:receipt_pdf", args=[draft.pk]) in message.body
    member = draft.members.get()
    assert member.emso not in message.body
    assert member.last_name not in message.body
    assert draft.code in message.alternatives[0].content
    assert submission.emailed_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_email_jobs_for_one_submission_mail_once(draft, applicant):
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    confirmation_email_start(submission=submission, by=applicant)  # a second job
    run_worker("--max-tasks", "2")
    jobs = list(email_jobs())
    assert [job.status for job in jobs] == [JobStatus.DONE, JobStatus.DONE]
    assert sorted(task_result(job).return_value["email"] for job in jobs) == [
        pdf.EMAIL_ALREADY_SENT,
        pdf.EMAIL_SENT,
    ]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_submission_mails_nothing(draft, applicant):
    started = []

    @transaction.atomic
    def submit_then_fail():
        services.application_submit(application=draft, by=applicant, now=BEFORE)
        started.append(email_jobs().count())  # in the submitting transaction
        raise RuntimeError("the request failed after the submission")

    with pytest.raises(RuntimeError):
        submit_then_fail()
    assert started == [1]
    assert not ApplicationSubmission.objects.exists()
    assert not Job.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_an_smtp_failure_fails_the_job_not_the_submission(
    client, draft, applicant, clerk, monkeypatch
):
    def refuse(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", refuse)
    tender = draft.tender
    tender.deadline = timezone.now() + datetime.timedelta(days=30)
    tender.save()
    client.force_login(applicant)
    response = client.post(reverse("applications:submit", args=[draft.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:confirmation", args=[draft.pk])

    run_worker("--max-tasks", "1")
    (job,) = email_jobs()
    assert job.status == JobStatus.FAILED
    assert job.error == "SMTPServerDisconnected: Connection unexpectedly closed"
    result = task_result(job)
    assert result.status == TaskResultStatus.FAILED
    assert result.exception_class_path == "smtplib.SMTPServerDisconnected"
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    submission = draft.submissions.get()
    assert submission.emailed_at is None  # the mark went back with the error
    assert mail.outbox == []
    page = client.get(response["Location"])
    assert page.status_code == 200

    # The server is back; staff retry the job: it mails once.
    monkeypatch.undo()
    job_retry(job=job, by=clerk)
    run_worker("--max-tasks", "1")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert job.attempts == 2
    assert len(mail.outbox) == 1
    submission.refresh_from_db()
    assert submission.emailed_at is not None
