"""Benchmark of building the priority lists (issue 14 "Speed", issue 15 item 4),
beside a baseline in the same run.

    python -m bench.lists                         # 10,000 and 50,000 applications
    python -m bench.lists --sizes 1000 --repeat 1 # a quick look
    python -m bench.lists --check                 # exit 1 when a target is missed

On the PostgreSQL database of ``DATABASE_URL`` (default ``najem_bench``, created and
migrated when missing), for each size a generated tender (``generate_tender``, seed 1,
made on the first run and reused) whose applications are all decided; then, each the
best of ``--repeat`` and each rolled back afterwards so the tender can be reused:

- baseline: only read the verified facts (every verified review's ``verified_case``,
  code and total, one query) and write one entry per verified application into a new
  version (``bulk_create``): the least any way of building the lists pays;
- ``lists.services.list_build``, the real service: the preconditions (Art. 20(4)), the
  engine input, the engine's ``rank`` (read back exactly as ``python -m scoring rank``
  reads it), the version with its entries and its hashes.

Wall and CPU seconds of this process (the difference is mostly PostgreSQL's time). The
commit is not timed (both are rolled back). Targets at 10,000 applications: build under
10 s, and within 3 times the baseline.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench import _project

TARGET_APPLICATIONS = 10_000
TARGET_SECONDS = 10.0
TARGET_RATIO = 3.0
BASELINE = "baseline: read verified facts, write entries"
BUILD = "list_build (lists/services.py)"


@dataclass
class Timing:
    wall: float
    cpu: float


@dataclass
class Result:
    applications: int
    verified: int
    baseline: Timing
    build: Timing
    entries: int

    @property
    def ratio(self) -> float:
        return self.build.wall / self.baseline.wall if self.baseline.wall else 0.0


def rolled_back(work: Callable[[], Any]) -> tuple[Timing, Any]:
    """Time ``work()`` in a transaction that is rolled back afterwards."""
    from django.db import transaction

    outcome: Any = None
    with transaction.atomic():
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = work()
        timing = Timing(time.perf_counter() - wall, time.process_time() - cpu)
        transaction.set_rollback(True)
    return timing, outcome


def baseline(tender: Any, by: Any) -> int:
    """Read the verified facts and write one entry per verified application."""
    from django.db.models import Max

    from applications.selectors import lodged_applications
    from lists.constants import ListState
    from lists.models import ListEntry, ListVersion
    from review.constants import ReviewState
    from review.models import ApplicationReview

    facts = list(
        ApplicationReview.objects.filter(
            application__tender=tender,
            application__in=lodged_applications(tender),
            state=ReviewState.VERIFIED,
        )
        .order_by("application__code")
        .values_list(
            "application_id", "application__code", "verified_case", "verified_total"
        )
    )
    last = ListVersion.objects.filter(tender=tender).aggregate(n=Max("number"))["n"]
    version = ListVersion.objects.create(
        tender=tender,
        number=(last or 0) + 1,
        state=ListState.DRAFT,
        built_by=by,
        engine_input={},
        engine_output={},
        input_sha256="",
        data_sha256="",
    )
    entries = [
        ListEntry(
            version=version,
            application_id=application_id,
            code=code,
            list="A",
            sub_list="",
            rank=position,
            list_rank=position,
            total=total,
            within=None,
            position=position,
        )
        for position, (application_id, code, _case, total) in enumerate(facts, 1)
    ]
    ListEntry.objects.bulk_create(entries, batch_size=5000)
    return len(entries)


def build(tender: Any, by: Any) -> int:
    """The real service."""
    from lists.services import list_build

    version = list_build(tender=tender, by=by)
    return int(version.entries.count())


def measure(tender: Any, repeat: int = 1) -> Result:
    """Baseline and build of ``tender``, alternating, each the best of ``repeat``."""
    from review.constants import ReviewState
    from review.models import ApplicationReview

    chair = _project.staff(tender, "chair")
    best_base: Timing | None = None
    best_build: Timing | None = None
    entries = 0
    for _ in range(repeat):
        timing, _n = rolled_back(lambda: baseline(tender, chair))
        if best_base is None or timing.wall < best_base.wall:
            best_base = timing
        timing, entries = rolled_back(lambda: build(tender, chair))
        if best_build is None or timing.wall < best_build.wall:
            best_build = timing
    assert best_base is not None
    assert best_build is not None
    reviews = ApplicationReview.objects.filter(application__tender=tender)
    return Result(
        applications=reviews.count(),
        verified=reviews.filter(state=ReviewState.VERIFIED).count(),
        baseline=best_base,
        build=best_build,
        entries=entries,
    )


def run(
    sizes: list[int], repeat: int, log: Callable[[str], None] = print
) -> list[Result]:
    _project.setup()
    results = []
    for n in sizes:
        tender = _project.generated_tender(n, log=log)
        results.append(measure(tender, repeat))
    return results


def verdicts(results: list[Result]) -> list[tuple[str, bool | None]]:
    """Each target with met (True), missed (False) or not judged (None)."""
    at = [r for r in results if r.applications == TARGET_APPLICATIONS]
    if not at:
        return [
            (f"build under {TARGET_SECONDS:.0f} s at {TARGET_APPLICATIONS:,}", None),
            (
                f"build within {TARGET_RATIO:.0f}x the baseline at {TARGET_APPLICATIONS:,}",
                None,
            ),
        ]
    result = at[0]
    return [
        (
            f"build under {TARGET_SECONDS:.0f} s at {TARGET_APPLICATIONS:,}",
            result.build.wall < TARGET_SECONDS,
        ),
        (
            f"build within {TARGET_RATIO:.0f}x the baseline at {TARGET_APPLICATIONS:,}",
            result.ratio <= TARGET_RATIO,
        ),
    ]


def report(results: list[Result], repeat: int) -> str:
    rows = []
    for r in results:
        for name, timing in ((BASELINE, r.baseline), (BUILD, r.build)):
            rows.append(
                (
                    f"{r.applications:,}",
                    f"{r.verified:,}",
                    name,
                    f"{timing.wall:.2f}",
                    f"{timing.cpu:.2f}",
                    f"{r.ratio:.2f}x" if name == BUILD else "1.00x",
                )
            )
    lines = [
        f"Lists benchmark: best of {repeat}, {_project.machine()}",
        "",
        _project.markdown(
            ("applications", "verified", "step", "wall s", "CPU s", "vs baseline"), rows
        ),
        "",
    ]
    for name, met in verdicts(results):
        verdict = (
            "not judged (size not run)" if met is None else "met" if met else "MISSED"
        )
        lines.append(f"target: {name}: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_project.sizes, default=[10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.sizes, args.repeat)
    print(report(results, args.repeat))
    missed = any(met is False for _name, met in verdicts(results))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
