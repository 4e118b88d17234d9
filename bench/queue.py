"""Benchmark of the commission's queue (issue 13 item 3), beside a plain view in the
same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/najem_bench python -m bench.queue
    python -m bench.queue --applications 10000 --repeat 20 --check

Creates a throwaway test database (``test_<name>`` of the configured one), puts
``--applications`` lodged applications with open reviews into one tender (in bulk, as
``tests/review/test_queue.py`` does), logs a commission member in with a verified
second factor, and times through Django's test client:

- the queue's page 100 (a late page: the database must skip 4,950 rows) and a filtered
  and sorted page;
- the baseline: ``/healthz`` (one query, no template) on the same client.

Target: the queue's median under 0.3 s with 10,000 applications. ``--check`` exits 1
when it is missed. The query count of the page is pinned by a test
(``tests/review/test_queue.py``), not here; this measures seconds.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

TARGET_SECONDS = 0.3
TARGET_APPLICATIONS = 10_000


def _timed(get: Callable[[], object], repeat: int) -> list[float]:
    get()  # warm: templates, translations, connection
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        timings.append(time.perf_counter() - started)
    return timings


def run(applications: int, repeat: int) -> dict[str, list[float]]:
    """Build the data in a fresh test database and time the pages."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from django_otp import DEVICE_ID_SESSION_KEY

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from housing.constants import StaffRole
        from review.constants import CommissionRole
        from tests.housing.factories import (
            LessorFactory,
            MembershipFactory,
            MunicipalityFactory,
            StaticDeviceFactory,
        )
        from tests.review.factories import CommissionSeatFactory
        from tests.review.test_queue import bulk_reviews
        from tests.tenders.factories import TenderFactory

        lessor = LessorFactory(name="JSS MOL", slug="jss-mol")
        lessor.municipalities.set([MunicipalityFactory(name="Ljubljana")])
        tender = TenderFactory(lessor=lessor, code="LJ-2026", published=True)
        member = MembershipFactory(lessor=lessor, role=StaffRole.COMMISSION_MEMBER).user
        CommissionSeatFactory(tender=tender, user=member, role=CommissionRole.MEMBER)
        started = time.perf_counter()
        bulk_reviews(tender, applications, clerk=member)
        print(
            f"{applications:,} applications created in "
            f"{time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )

        client = Client(headers={"accept-language": "en"})
        device = StaticDeviceFactory(user=member, tokens=[])
        client.force_login(member)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        queue = reverse("review:queue", args=[tender.pk])
        pages = {
            "queue, page 100": queue + "?page=100",
            "queue, filtered and sorted": queue + "?state=submitted&sort=-points&q=B-0",
            "baseline: /healthz": "/healthz",
        }
        for url in pages.values():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
        return {
            name: _timed(lambda url=url: client.get(url), repeat)
            for name, url in pages.items()
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=TARGET_APPLICATIONS)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.applications, args.repeat)
    print(
        f"Queue benchmark: {args.applications:,} applications, "
        f"{args.repeat} requests each, {platform.python_implementation()} "
        f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'page':32} {'median':>9} {'p95':>9} {'min':>9}")
    for name, timings in results.items():
        ordered = sorted(timings)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(
            f"{name:32} {statistics.median(timings):8.3f}s {p95:8.3f}s "
            f"{ordered[0]:8.3f}s"
        )
    queue_median = statistics.median(results["queue, page 100"])
    ok = queue_median < TARGET_SECONDS
    judged = args.applications >= TARGET_APPLICATIONS
    verdict = "met" if ok else "MISSED"
    print(
        f"target: queue median under {TARGET_SECONDS} s at "
        f"{TARGET_APPLICATIONS:,}: " + (verdict if judged else "not judged (smaller)")
    )
    return 1 if args.check and judged and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
