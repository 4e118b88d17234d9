"""End to end: from verified facts in the database to published lists with their PDFs
(issue 15 item 2), for 3,500 (Ljubljana's size), 10,000 and 50,000 applications.

    python -m bench.e2e                          # 3,500, 10,000 and 50,000
    python -m bench.e2e --sizes 3500 --check     # exit 1 when a target is missed

On the PostgreSQL database of ``DATABASE_URL`` (default ``najem_bench``), for each
size a generated tender (``generate_tender``, seed 1, made on the first run and
reused), then, timed step by step, in one transaction rolled back at the end (so the
tender can be reused):

1. build: the commission's chair starts ``lists.tasks.build_lists`` through
   ``jobs.services.job_start``; the bench settings run tasks inline (the database
   worker would run the same function);
2. approve: a second member, ``lists.services.list_approve``;
3. publish: ``lists.tasks.publish_lists`` (``list_publish``: the public PDFs in
   Slovenian and English and the internal PDF with the households' names for the
   commission in Slovenian, all rendered by ``documents_pdf`` and stored with their
   SHA-256; issue 14 item 3). The chain ends here: the lists are public.

After it, timed apart and not in the chain's total: the job that publishing starts
once it has committed, the internal list in English
(``lists.tasks.render_internal_list_en``, docs/decisions.md).

Beside it, as the baseline of the same run, ``lists`` benchmark's baseline: only reading
the verified facts and writing the entries. Target: under 30 s wall for the whole chain
at every size (issue 15 names 3,500 first; judged at each size run).
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bench import _project
from bench import lists as bench_lists

TARGET_SECONDS = 30.0
STEPS = (
    "build lists A and B with sub-lists (task)",
    "approve (second member)",
    "publish: public PDFs sl + en, internal PDF with names sl (task)",
)
#: Timed after the chain, not part of it.
AFTER = "after publication, its own job: internal PDF with names en (task)"


@dataclass
class Result:
    applications: int
    entries: int
    baseline: float
    steps: dict[str, float] = field(default_factory=dict)
    #: CPU seconds of each step: this process and the PDF worker processes it waited for.
    cpu: dict[str, float] = field(default_factory=dict)
    pdf_bytes: dict[str, int] = field(default_factory=dict)
    #: Wall and CPU seconds of the job after the publication (:data:`AFTER`).
    after: tuple[float, float] = (0.0, 0.0)

    @property
    def total(self) -> float:
        return sum(self.steps.values())


def _cpu() -> float:
    """User + system CPU of this process, plus what the PDF renderer's worker
    processes reported for their chunks (forkserver workers are not children, so
    ``RUSAGE_CHILDREN`` would miss them)."""
    from documents_pdf.long_table import WORKER_CPU_SECONDS

    me = resource.getrusage(resource.RUSAGE_SELF)
    return me.ru_utime + me.ru_stime + WORKER_CPU_SECONDS[0]


def measure(tender: Any, *, after: bool = True) -> Result:
    """The chain on ``tender`` (rolled back afterwards); with ``after``, also the
    English internal list's job that follows it (:data:`AFTER`)."""
    from django.db import transaction

    from jobs.services import job_start
    from lists import tasks
    from lists.models import ListVersion
    from lists.services import list_approve

    chair = _project.staff(tender, "chair")
    member = _project.staff(tender, "member")
    base, _entries = bench_lists.rolled_back(
        lambda: bench_lists.baseline(tender, chair)
    )
    result = Result(applications=0, entries=0, baseline=base.wall)
    with transaction.atomic():

        def timed(name: str, work: Callable[[], Any]) -> Any:
            started, cpu = time.perf_counter(), _cpu()
            outcome = work()
            result.steps[name] = time.perf_counter() - started
            result.cpu[name] = _cpu() - cpu
            return outcome

        def build() -> Any:
            job_start(
                kind=tasks.BUILD_KIND,
                target=tender,
                by=chair,
                task=tasks.build_lists,
                lessor=tender.lessor,
                tender_id=tender.pk,
                user_id=chair.pk,
            )
            return ListVersion.objects.filter(tender=tender).latest("number")

        version = timed(STEPS[0], build)
        version = timed(STEPS[1], lambda: list_approve(version=version, by=member))

        def publish() -> Any:
            job_start(
                kind=tasks.PUBLISH_KIND,
                target=version,
                by=chair,
                task=tasks.publish_lists,
                lessor=tender.lessor,
                version_id=version.pk,
                user_id=chair.pk,
            )
            return ListVersion.objects.get(pk=version.pk)

        version = timed(STEPS[2], publish)
        if version.state != "published" or not version.internal_pdf:
            raise RuntimeError(f"version {version.pk} was not published with its PDFs")
        # The publish task starts this job when its work commits; here nothing
        # commits (rolled back below), so it is started as that callback would.
        if after:
            started, cpu = time.perf_counter(), _cpu()
            tasks.internal_list_en_start(version=version, by=chair)
            result.after = (time.perf_counter() - started, _cpu() - cpu)
            version.refresh_from_db()
        result.pdf_bytes = {
            "public sl": version.pdf.size,
            "public en": version.pdf_en.size,
            "internal sl": version.internal_pdf.size,
            **({"internal en": version.internal_pdf_en.size} if after else {}),
        }
        result.entries = version.entries.count()
        transaction.set_rollback(True)
    result.applications = tender.applications.count()
    return result


def run(sizes: list[int], log: Callable[[str], None] = print) -> list[Result]:
    _project.setup()
    results = []
    for n in sizes:
        tender = _project.generated_tender(n, log=log)
        results.append(measure(tender))
    return results


def verdicts(results: list[Result]) -> list[tuple[str, bool | None]]:
    if not results:
        return [(f"whole chain under {TARGET_SECONDS:.0f} s", None)]
    return [
        (
            f"whole chain under {TARGET_SECONDS:.0f} s at {r.applications:,}",
            r.total < TARGET_SECONDS,
        )
        for r in results
    ]


def report(results: list[Result]) -> str:
    rows = []
    for r in results:
        n = f"{r.applications:,}"
        rows.append((n, bench_lists.BASELINE, f"{r.baseline:.2f}", "", ""))
        for name, seconds in r.steps.items():
            rows.append((n, name, f"{seconds:.2f}", f"{r.cpu.get(name, 0):.2f}", ""))
        rows.append(
            (
                n,
                f"**total, facts to published lists and 3 PDFs** ({r.entries:,} entries)",
                f"**{r.total:.2f}**",
                f"{sum(r.cpu.values()):.2f}",
                f"{r.total / r.baseline:.1f}x" if r.baseline else "",
            )
        )
        if r.after[0]:
            rows.append((n, AFTER, f"{r.after[0]:.2f}", f"{r.after[1]:.2f}", ""))
    lines = [
        f"End-to-end benchmark: {_project.machine()}",
        "",
        _project.markdown(
            (
                "applications",
                "step",
                "wall s",
                "CPU s (with PDF workers)",
                "vs baseline",
            ),
            rows,
        ),
        "",
    ]
    for r in results:
        sizes = ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in r.pdf_bytes.items())
        lines.append(f"PDFs at {r.applications:,}: {sizes}")
    for name, met in verdicts(results):
        verdict = "not judged" if met is None else "met" if met else "MISSED"
        lines.append(f"target: {name}: {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_project.sizes, default=[3_500, 10_000, 50_000])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    results = run(args.sizes)
    print(report(results))
    missed = any(met is False for _name, met in verdicts(results))
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
