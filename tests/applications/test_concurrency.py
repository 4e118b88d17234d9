"""Submissions at the same moment, on PostgreSQL with real threads.

SQLite has no row locks (``select_for_update`` is a no-op there) and serialises
writers with a database lock, so these tests run on PostgreSQL only (CI sets
``DATABASE_URL``).
"""

import os
import threading

from django.db import connection, connections

import pytest

from applications.constants import EventKind
from applications.models import ApplicationCodeCounter, ApplicationSubmission
from applications.services import application_submit
from applications.tasks import EMAIL_KIND, RECEIPTS_KIND
from tests.applications.conftest import BEFORE

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL row locks (set DATABASE_URL); SQLite has none",
    ),
]

THREADS = 10


def run_together(calls):
    """Run each call in its own thread, released at once by a barrier."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # reported by the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _households(tender, n):
    from tests.applications.factories import ApplicationFactory, MemberFactory

    applications = []
    for _ in range(n):
        application = ApplicationFactory(tender=tender)
        MemberFactory(application=application)
        applications.append(application)
    return applications


def test_simultaneous_submissions_get_codes_without_gaps(tender):
    applications = _households(tender, THREADS)
    results = run_together(
        [
            lambda a=a: application_submit(application=a, by=a.applicant, now=BEFORE)
            for a in applications
        ]
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    numbers = sorted(int(r.code.rsplit("-", 1)[1]) for r in results)
    assert numbers == list(range(1, THREADS + 1))
    assert ApplicationCodeCounter.objects.get().last_number == THREADS


def test_one_application_submitted_ten_times_at_once_is_submitted_once(tender):
    (application,) = _households(tender, 1)
    results = run_together(
        [
            lambda: application_submit(
                application=application, by=application.applicant, now=BEFORE
            )
        ]
        * THREADS
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors
    assert {r.code for r in results} == {"LJ-2026-00001"}
    assert ApplicationSubmission.objects.count() == 1
    assert application.events.filter(kind=EventKind.SUBMITTED).count() == 1
    assert ApplicationCodeCounter.objects.get().last_number == 1


def test_two_runs_of_one_confirmation_email_at_once_mail_once(tender, monkeypatch):
    """Both runs find the email unsent and render it; then both try to mark it while
    the first holds its mark through a slow SMTP server: one email."""
    import time

    from django.core import mail
    from django.core.mail.backends import locmem

    from applications import pdf

    (application,) = _households(tender, 1)
    application_submit(application=application, by=application.applicant, now=BEFORE)
    submission = application.submissions.get()
    rendered = threading.Barrier(2)
    real_render = pdf.render_to_string
    real_send = locmem.EmailBackend.send_messages

    def render_then_wait(template, context):
        text = real_render(template, context)
        if template.endswith(".html"):  # the last step before marking
            rendered.wait(timeout=30)
        return text

    def slow_send(self, messages):
        time.sleep(0.3)
        return real_send(self, messages)

    monkeypatch.setattr(pdf, "render_to_string", render_then_wait)
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", slow_send)
    results = run_together([lambda: pdf.send_submission_email(submission.pk)] * 2)
    assert sorted(results) == [pdf.EMAIL_ALREADY_SENT, pdf.EMAIL_SENT]
    assert len(mail.outbox) == 1


# Each thread holds its own connection. PostgreSQL's max_connections is 100 here (and
# by default), shared with the test's own connection, superuser reserve and whoever
# else uses the server: 200 at once cannot be had. So the 200 calls run in waves of
# WAVE threads (default 40, NAJEM_TEST_WAVE_THREADS to change): each wave releases
# WAVE / 2 applications' two submits at once by one barrier, so every pair is
# simultaneous and each wave's applications race each other for the lessor's code
# counter.
APPLICATIONS = 100
WAVE = int(os.environ.get("NAJEM_TEST_WAVE_THREADS", "40")) // 2 * 2


def test_a_hundred_double_submits_give_a_hundred_submissions(tender):
    from django.contrib.contenttypes.models import ContentType
    from django.core import mail
    from django.core.management import call_command

    from django_tasks_db.models import DBTaskResult

    from jobs.models import Job

    applications = _households(tender, APPLICATIONS)
    results: list = []
    per_wave = WAVE // 2
    for start in range(0, APPLICATIONS, per_wave):
        wave = applications[start : start + per_wave]
        calls = [
            lambda a=a: application_submit(application=a, by=a.applicant, now=BEFORE)
            for a in wave
            for _twice in range(2)
        ]
        results += run_together(calls)

    errors = [r for r in results if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert len(results) == 2 * APPLICATIONS
    # Both calls of a pair answer the same application and code.
    for first, second in zip(results[::2], results[1::2], strict=True):
        assert first.pk == second.pk
        assert first.code == second.code
    submissions = list(ApplicationSubmission.objects.all())
    assert len(submissions) == APPLICATIONS
    assert len({s.application_id for s in submissions}) == APPLICATIONS
    numbers = sorted(int(s.code.rsplit("-", 1)[1]) for s in submissions)
    assert numbers == list(range(1, APPLICATIONS + 1))  # distinct, no gaps
    assert ApplicationCodeCounter.objects.get().last_number == APPLICATIONS
    for application in applications:
        assert application.events.filter(kind=EventKind.SUBMITTED).count() == 1
    # One receipt job and one email job (each with its queued task) per submission.
    for kind in (RECEIPTS_KIND, EMAIL_KIND):
        jobs = Job.objects.filter(kind=kind)
        assert jobs.count() == APPLICATIONS
        assert set(jobs.values_list("target_id", flat=True)) == {
            str(s.pk) for s in submissions
        }
        assert set(jobs.values_list("target_type", flat=True)) == {
            ContentType.objects.get_for_model(ApplicationSubmission).pk
        }
    assert DBTaskResult.objects.count() == 2 * APPLICATIONS
    assert mail.outbox == []  # the requests sent nothing
    # The worker sends the emails first (their priority is above the receipts'): one
    # confirmation email each.
    call_command(
        "db_worker",
        "--batch",
        "--no-startup-delay",
        "--no-reload",
        "-v",
        "0",
        "--max-tasks",
        str(APPLICATIONS),
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        a.applicant.email for a in applications
    )
    assert not ApplicationSubmission.objects.filter(emailed_at=None).exists()
