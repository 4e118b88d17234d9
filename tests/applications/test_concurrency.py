"""Submissions at the same moment, on PostgreSQL with real threads.

SQLite has no row locks (``select_for_update`` is a no-op there) and serialises
writers with a database lock, so these tests run on PostgreSQL only (CI sets
``DATABASE_URL``).
"""

import threading

from django.db import connection, connections

import pytest

from applications.constants import EventKind
from applications.models import ApplicationCodeCounter, ApplicationSubmission
from applications.services import application_submit
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
