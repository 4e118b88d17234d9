"""Benchmark of the long-list PDF (issue 15 item 5), beside ReportLab in the same run.

    python -m bench.pdf                      # 1,000 and 10,000 rows
    python -m bench.pdf --sizes 1000,10000,50000 --check

The public priority list (application code, rank, points, sub-list, within cut-off) of
each size is rendered by ``documents_pdf.render_long_table_pdf`` (WeasyPrint, chunks
in 2 worker processes, merged) and, as the baseline, by ReportLab's ``LongTable``
drawing the same table (DejaVu Sans, repeated header, "Stran X / N"). Each rendering
runs in a fresh process; its wall and CPU seconds are measured there (CPU includes the
worker processes) and its peak memory from here: the sum of the proportional set
size (PSS, shared pages counted once) of the process and all its descendants, sampled
every 0.1 s. A one-page document (25 rows) is timed warm, best of 5.

Targets: 10,000 rows in under 60 s and 1 GiB; growth no worse than linear (seconds
and memory per row at the largest size at most 1.25 times those at the smallest of at
least 1,000 rows); one page under 0.3 s. ``--check`` exits 1 when a target is missed;
a target is judged only when its size was run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
WEASY = "documents_pdf (WeasyPrint, 2 processes)"
REPORTLAB = "ReportLab LongTable (baseline)"
RENDERERS = {"weasy": WEASY, "reportlab": REPORTLAB}
TARGET_ROWS = 10_000
TARGET_SECONDS = 60.0
TARGET_MIB = 1024.0
ONE_PAGE_SECONDS = 0.3
LINEAR_SLACK = 1.25
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
HEADINGS = ("Šifra vloge", "Mesto", "Točke", "Podseznam", "Znotraj meje")
SUB_LISTS = ("A - družine", "A - mladi", "B - starejši", "B - invalidi")


def make_rows(n: int) -> list[tuple[str, ...]]:
    """The public list: code, rank, points, sub-list, within the cut-off."""
    cut_off = n // 10
    return [
        (
            f"NAJ-2026-{i:05d}",
            str(i),
            f"{max(0, 600 - i * 600 // n)},{i % 10}",
            SUB_LISTS[i % len(SUB_LISTS)],
            "da" if i <= cut_off else "ne",
        )
        for i in range(1, n + 1)
    ]


def render_weasy(rows: Sequence[tuple[str, ...]]) -> bytes:
    from documents_pdf import Column, render_long_table_pdf

    widths = ("26%", "12%", "14%", "30%", "18%")
    aligns = ("left", "right", "right", "left", "center")
    columns = [
        Column(label, width, align)
        for label, width, align in zip(HEADINGS, widths, aligns, strict=True)
    ]
    pdf: bytes = render_long_table_pdf(
        title="Prednostna lista",
        header_lines=["Javni razpis 2026", "Objavljeno 1. 12. 2026"],
        columns=columns,
        rows=rows,
        language="sl",
        footer_note="Najem",
    )
    return pdf


def render_reportlab(rows: Sequence[tuple[str, ...]]) -> bytes:
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    pdfmetrics.registerFont(TTFont("DejaVu-Bold", FONT_BOLD))

    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]
        """Two passes over the saved pages: "Stran X / N" needs N."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for state in self._saved:
                self.__dict__.update(state)
                self.setFont("DejaVu", 7.5)
                self.drawRightString(
                    A4[0] - 12 * mm, 8 * mm, f"Stran {self._pageNumber} / {total}"
                )
                self.drawString(12 * mm, 8 * mm, "Najem")
                super().showPage()
            super().save()

    out = io.BytesIO()
    document = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=14 * mm, bottomMargin=16 * mm, title="Prednostna lista",
    )  # fmt: skip
    title = ParagraphStyle("t", fontName="DejaVu-Bold", fontSize=13, leading=16)
    line = ParagraphStyle("l", fontName="DejaVu", fontSize=8.5, leading=11)
    table = LongTable(
        [HEADINGS, *rows],
        colWidths=[w * (A4[0] - 24 * mm) for w in (0.26, 0.12, 0.14, 0.30, 0.18)],
        repeatRows=1,
        rowHeights=[5 * mm] * (len(rows) + 1),
    )
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "DejaVu", 8.5),
                ("FONT", (0, 0), (-1, 0), "DejaVu-Bold", 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("ALIGN", (1, 0), (2, -1), "RIGHT"),
                ("ALIGN", (4, 0), (4, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#eeeeee")]),
            ]
        )
    )  # fmt: skip
    document.build(
        [
            Paragraph("Prednostna lista", title),
            Paragraph("Javni razpis 2026", line),
            Paragraph("Objavljeno 1. 12. 2026", line),
            table,
        ],
        canvasmaker=NumberedCanvas,
    )
    return out.getvalue()


RENDER = {"weasy": render_weasy, "reportlab": render_reportlab}


def _pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def _cpu_with_children() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_one(renderer: str, n: int) -> dict[str, Any]:
    """In the child process: render once, report seconds, CPU and pages."""
    rows = make_rows(n)
    if renderer == "weasy":
        import weasyprint  # noqa: F401 - imported before the clock, as a worker has it

    from documents_pdf import long_table

    cpu0, wall0 = _cpu_with_children(), time.perf_counter()
    pdf = RENDER[renderer](rows)
    wall = time.perf_counter() - wall0
    # The pool's workers are the forkserver's children, not ours: they report their
    # CPU seconds themselves.
    cpu = _cpu_with_children() - cpu0 + long_table.WORKER_CPU_SECONDS[0]
    return {"wall": wall, "cpu": cpu, "pages": _pages(pdf), "bytes": len(pdf)}


def run_one_page(repeat: int) -> dict[str, float]:
    """In the child process: a one-page list (25 rows), warm, best of ``repeat``."""
    rows = make_rows(25)
    best: dict[str, float] = {}
    for renderer, render in RENDER.items():
        render(rows)  # warm: imports, fonts
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            render(rows)
            times.append(time.perf_counter() - start)
        best[renderer] = min(times)
    return best


# --- Memory of a process tree (Linux /proc) ----------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            found += [int(c) for c in text.split()]
    except OSError:
        pass
    return found


def _tree(pid: int) -> list[int]:
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += _children(current)
    return pids


def _memory_kib(pid: int) -> int:
    """PSS of one process (RSS where smaps_rollup cannot be read)."""
    for path, key in (
        (f"/proc/{pid}/smaps_rollup", "Pss:"),
        (f"/proc/{pid}/status", "VmRSS:"),
    ):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(key):
                    return int(line.split()[1])
        except OSError:
            continue
    return 0


class TreeSampler:
    """Peak of the summed PSS of a process and its descendants, every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        self.pid, self.interval, self.peak_kib = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(_memory_kib(p) for p in _tree(self.pid))
            self.peak_kib = max(self.peak_kib, total)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure(renderer: str, n: int) -> Result:
    """Render in a fresh process; sample its tree's memory from here."""
    command = [sys.executable, "-m", "bench.pdf", "--one", renderer, str(n)]
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our module
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with TreeSampler(process.pid) as sampler:
        out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{err}")
    data = json.loads(out.strip().splitlines()[-1])
    return Result(
        RENDERERS[renderer], n, data["wall"], data["cpu"], sampler.peak_kib / 1024,
        data["pages"], data["bytes"],
    )  # fmt: skip


def measure_one_page(repeat: int) -> dict[str, float]:
    command = [sys.executable, "-m", "bench.pdf", "--one-page", str(repeat)]
    done = subprocess.run(  # noqa: S603 - our interpreter, our module
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    best: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return best


# --- Results and verdicts ---------------------------------------------------------


@dataclass
class Result:
    renderer: str
    rows: int
    wall: float
    cpu: float
    peak_mib: float
    pages: int
    size: int

    def cells(self, baseline: Result | None) -> list[str]:
        ratio = f"{self.wall / baseline.wall:.1f}x" if baseline else "-"
        return [
            self.renderer, f"{self.rows:,}", f"{self.pages:,}", f"{self.wall:.2f}",
            f"{self.cpu:.2f}", f"{self.peak_mib:,.0f}", f"{self.size / 2**20:.1f}",
            f"{self.rows / self.wall:,.0f}", ratio,
        ]  # fmt: skip


def verdicts(
    results: list[Result], one_page: dict[str, float] | None
) -> list[tuple[str, bool | None]]:
    """Each target as a line and whether it is met (None: its size was not run)."""
    ours = sorted((r for r in results if r.renderer == WEASY), key=lambda r: r.rows)
    found: list[tuple[str, bool | None]] = []
    at_target = [r for r in ours if r.rows == TARGET_ROWS]
    goal = (
        f"{TARGET_ROWS:,} rows in < {TARGET_SECONDS:.0f} s and < {TARGET_MIB:,.0f} MiB"
    )
    if not at_target:
        found.append((f"{goal}: not checked ({TARGET_ROWS:,} rows not run)", None))
    else:
        r = at_target[0]
        met = r.wall < TARGET_SECONDS and r.peak_mib < TARGET_MIB
        word = "met" if met else "MISSED"
        found.append((f"{goal}: {word} ({r.wall:.1f} s, {r.peak_mib:,.0f} MiB)", met))
    sized = [r for r in ours if r.rows >= 1000]
    goal = f"growth no worse than linear (per row at most {LINEAR_SLACK}x)"
    if len(sized) < 2 or sized[0].rows == sized[-1].rows:
        found.append(
            (f"{goal}: not checked (needs two sizes of 1,000 rows or more)", None)
        )
    else:
        small, big = sized[0], sized[-1]
        time_ratio = (big.wall / big.rows) / (small.wall / small.rows)
        memory_ratio = (big.peak_mib / big.rows) / (small.peak_mib / small.rows)
        met = time_ratio <= LINEAR_SLACK and memory_ratio <= LINEAR_SLACK
        word = "met" if met else "MISSED"
        found.append(
            (
                f"{goal}: {word} ({small.rows:,} -> {big.rows:,} rows: time per row "
                f"{time_ratio:.2f}x, memory per row {memory_ratio:.2f}x)",
                met,
            )
        )
    goal = f"one page in < {ONE_PAGE_SECONDS} s"
    if one_page is None or "weasy" not in one_page:
        found.append((f"{goal}: not checked", None))
    else:
        met = one_page["weasy"] < ONE_PAGE_SECONDS
        word = "met" if met else "MISSED"
        found.append((f"{goal}: {word} ({one_page['weasy']:.3f} s)", met))
    return found


def table(results: list[Result]) -> str:
    head = ["renderer", "rows", "pages", "wall s", "CPU s", "peak MiB", "file MiB",
            "rows/s (wall)", "vs ReportLab"]  # fmt: skip
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    baselines = {r.rows: r for r in results if r.renderer == REPORTLAB}
    for r in results:
        baseline = baselines.get(r.rows) if r.renderer == WEASY else None
        lines.append("| " + " | ".join(r.cells(baseline)) + " |")
    return "\n".join(lines)


def _machine() -> str:
    model = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} CPUs; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pdf", description=__doc__)
    parser.add_argument(
        "--sizes",
        default="1000,10000",
        help="rows, comma-separated (e.g. 1000,10000,50000)",
    )
    parser.add_argument("--renderers", default="weasy,reportlab")
    parser.add_argument("--one-page-repeat", type=int, default=5)
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a target is missed"
    )
    parser.add_argument(
        "--one", nargs=2, metavar=("RENDERER", "ROWS"), help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--one-page", type=int, metavar="REPEAT", help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    if args.one:
        print(json.dumps(run_one(args.one[0], int(args.one[1]))))
        return 0
    if args.one_page:
        print(json.dumps(run_one_page(args.one_page)))
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    renderers = [r for r in args.renderers.split(",") if r]
    load_before = os.getloadavg()[0]
    results = [measure(renderer, n) for n in sizes for renderer in renderers]
    one_page = measure_one_page(args.one_page_repeat) if args.one_page_repeat else None
    load_after = os.getloadavg()[0]

    print(f"Long-list PDF benchmark, {time.strftime('%Y-%m-%d %H:%M')}")
    print()
    print(f"- machine: {_machine()}")
    print(
        f"- load average (1 min) before / after: {load_before:.2f} / {load_after:.2f}"
    )
    print(f"- command: `python -m bench.pdf {' '.join(argv or sys.argv[1:])}`")
    print()
    print(table(results))
    print()
    if one_page:
        cells = ", ".join(f"{RENDERERS[k]} {v:.3f} s" for k, v in one_page.items())
        print(f"- one page (25 rows), warm, best of {args.one_page_repeat}: {cells}")
    found = verdicts(results, one_page)
    for line, _met in found:
        print(f"- target {line}")
    missed = any(met is False for _line, met in found)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
