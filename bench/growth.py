"""How each cost grows with the number of applications (issue 15 item 7): a Markdown
table and a PNG chart (matplotlib) in ``docs/``.

    python -m bench.growth                             # 1,000, 10,000 and 50,000
    python -m bench.growth --sizes 1000,3500 --out /tmp/growth   # elsewhere
    python -m bench.growth --check                     # also judge lists' and e2e's targets

For each size, on a generated tender (``bench._project``: made once, reused), the
costs of ``bench.lists`` (the baseline and ``list_build``) and of ``bench.e2e`` (build
by the task, approval, publication with the public PDFs, the internal PDF, and the
whole chain); with ``--generate``, also ``generate_tender`` itself, timed in a
transaction that is rolled back (minutes at 50,000). Each cost's row gives its
seconds at each size, and the growth from the smallest to the largest size divided by
the growth of the number of applications: 1.0 is linear, above 1.25 is marked as worse
than linear.

Writes ``<out>.md`` (the table, the machine, the date) and ``<out>.png`` (seconds
against applications, both axes logarithmic, with a linear guide); ``--out`` defaults
to ``docs/performance-growth``. Also prints the lists' and e2e benchmarks' own
reports for the sizes run.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time
from pathlib import Path

from bench import _project
from bench import e2e as bench_e2e
from bench import lists as bench_lists

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "performance-growth"
WORSE_THAN_LINEAR = 1.25
GENERATE = "generate_tender (bulk inserts)"
E2E_TOTAL = "e2e: whole chain, facts to published lists and their PDFs"

Costs = dict[str, dict[int, float]]


def time_generate(n: int) -> float:
    """``generate_tender`` of ``n`` applications, rolled back."""
    from django.db import transaction

    from applications.generate import generate_tender

    with transaction.atomic():
        started = time.perf_counter()
        generate_tender(applications=n, seed=_project.SEED, code=f"growth-{n}")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    return seconds


def measure(
    sizes: list[int], *, generate: bool, e2e: bool = True
) -> tuple[Costs, list[bench_lists.Result], list[bench_e2e.Result]]:
    _project.setup()
    costs: Costs = {}
    lists_results = []
    e2e_results = []
    for n in sizes:
        if generate:
            costs.setdefault(GENERATE, {})[n] = time_generate(n)
        tender = _project.generated_tender(n)
        result = bench_lists.measure(tender, 1)
        lists_results.append(result)
        costs.setdefault("lists: " + bench_lists.BASELINE, {})[n] = result.baseline.wall
        costs.setdefault("lists: " + bench_lists.BUILD, {})[n] = result.build.wall
        if e2e:
            # Without the job after the chain (bench.e2e times it): at 50,000 it
            # would add 3 minutes to ./scripts/bench's 20 (docs/performance.md).
            chain = bench_e2e.measure(tender, after=False)
            e2e_results.append(chain)
            for step, seconds in chain.steps.items():
                costs.setdefault("e2e: " + step, {})[n] = seconds
            costs.setdefault(E2E_TOTAL, {})[n] = chain.total
    return costs, lists_results, e2e_results


def growth(per_size: dict[int, float]) -> float | None:
    """(seconds at the largest / at the smallest) / (largest / smallest size)."""
    sizes = sorted(per_size)
    if len(sizes) < 2 or per_size[sizes[0]] <= 0:
        return None
    return (per_size[sizes[-1]] / per_size[sizes[0]]) / (sizes[-1] / sizes[0])


def table(costs: Costs) -> str:
    sizes = sorted({n for per_size in costs.values() for n in per_size})
    rows = []
    for name, per_size in costs.items():
        factor = growth(per_size)
        shape = (
            ""
            if factor is None
            else f"{factor:.2f} (worse than linear)"
            if factor > WORSE_THAN_LINEAR
            else f"{factor:.2f}"
        )
        rows.append(
            (
                name,
                *(f"{per_size[n]:.2f}" if n in per_size else "-" for n in sizes),
                shape,
            )
        )
    return _project.markdown(
        ("cost (wall s)", *(f"{n:,}" for n in sizes), "growth / linear"), rows
    )


def chart(costs: Costs, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(9, 5.5), dpi=110)
    for name, per_size in costs.items():
        sizes = sorted(per_size)
        axes.plot(sizes, [per_size[n] for n in sizes], marker="o", label=name)
    everything = sorted({n for per_size in costs.values() for n in per_size})
    total = costs.get(E2E_TOTAL) or next(iter(costs.values()), {})
    if len(everything) > 1 and total:
        first = min(total)
        axes.plot(
            everything,
            [total[first] * n / first for n in everything],
            linestyle="--",
            color="grey",
            label="linear growth (from the chain's first size)",
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    axes.set_xlabel("applications in the tender")
    axes.set_ylabel("seconds (wall)")
    axes.set_title(title, fontsize=10)
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def write(costs: Costs, out: Path) -> tuple[Path, Path]:
    out.parent.mkdir(parents=True, exist_ok=True)
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    title = f"Growth with the number of applications ({when}; {_project.machine()})"
    markdown = out.with_suffix(".md")
    png = out.with_suffix(".png")
    markdown.write_text(
        "# Growth of each cost with the number of applications\n\n"
        "Written by `python -m bench.growth` (see `docs/performance.md`, "
        f'"Growth"), {when}, {_project.machine()}.\n\n'
        f"{table(costs)}\n\n"
        f"![Seconds against applications]({png.name})\n"
    )
    chart(costs, png, title)
    return markdown, png


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_project.sizes, default=[1_000, 10_000, 50_000])
    parser.add_argument("--generate", action="store_true")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    costs, lists_results, e2e_results = measure(args.sizes, generate=args.generate)
    print(bench_lists.report(lists_results, 1))
    print()
    print(bench_e2e.report(e2e_results))
    print()
    print(f"Growth: {_project.machine()}")
    print(table(costs))
    markdown, png = write(costs, args.out)
    print(f"written: {markdown} and {png}")
    missed = any(
        met is False
        for _name, met in [
            *bench_lists.verdicts(lists_results),
            *bench_e2e.verdicts(e2e_results),
        ]
    )
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
