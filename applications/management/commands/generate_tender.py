"""``manage.py generate_tender --applications N --seed S``: a large realistic tender.

Bulk inserts that bypass the services on purpose (see :mod:`applications.generate`
for what the rows are and what is not made); the same seed gives the same facts.
"""

import os
import time

from django.core.management.base import BaseCommand, CommandError

from applications.generate import generate_tender
from tenders.models import Tender


class Command(BaseCommand):
    help = (
        "Generate a closed tender with N submitted, reviewed and decided applications "
        "(bulk inserts; the same seed gives the same facts) and print the timings."
    )

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--code", default="", help="tender code (default gen-<seed>-<N>)"
        )

    def handle(self, *args, **options):
        n, seed = options["applications"], options["seed"]
        if n < 1:
            raise CommandError("--applications must be at least 1.")
        code = options["code"] or f"gen-{seed}-{n}"
        if Tender.objects.filter(code=code).exists():
            raise CommandError(f"Tender {code} exists: choose another --code.")
        started = time.perf_counter()
        tender, timings = generate_tender(
            applications=n, seed=seed, code=code, log=self.stdout.write
        )
        elapsed = time.perf_counter() - started
        steps = [*timings.steps, ("set-up and commit", elapsed - timings.total)]
        for name, seconds in steps:
            self.stdout.write(f"  {name:<28} {seconds:7.2f} s")
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        self.stdout.write(
            f"Tender {tender.code} (id {tender.pk}): {n} applications in "
            f"{elapsed:.1f} s (load average {load})."
        )
