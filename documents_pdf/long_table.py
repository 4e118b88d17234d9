"""A table of many rows as one PDF, fast and bounded in memory (issues 14 and 15).

One WeasyPrint rendering of a long table costs more than linear time and memory
(docs/performance.md: 5,000 rows took 88 s and 1.2 GiB, 20,000 rows 389 s and 4.6 GiB).
:func:`render_long_table_pdf` therefore

1. paginates the table itself, before any rendering (issue 15, e2e plan item 1): a
   layout of the title and the first two rows gives the page geometry (where the
   rows start on the first and on further pages, where the page ends, each column's
   content width and the cells' text style); every cell's text is then broken into
   lines by Pango with that style and width (what WeasyPrint itself does), a little
   narrower than the column so that a row is never predicted shorter than it is laid
   out; the rows are packed into pages, and each planned page starts with a forced
   break (``break-before: page`` on its first row). Every page's rows, hence every
   chunk's first page number and the document's page count, are known before any
   chunk is rendered, also when rows wrap onto two or three lines (lean CSS: no
   ``border-collapse``, fixed table layout, a minimal user-agent stylesheet, no
   complex selectors);
2. cuts the pages into chunks (at most ``chunk_pages``, about 1,200 rows, and as
   many chunks as make full rounds of the workers);
3. renders the chunks in parallel worker processes (``workers``, default 2, started
   while the first rows are laid out, with WeasyPrint's fonts, URL fetcher and
   user-agent stylesheet made once per process: ``documents_pdf.weasy``), each a
   tagged PDF (PDF/UA-1) whose footer already says "Stran 27 / 204";
4. checks every chunk's page count against the plan, as a safety net: should a row
   still be laid out taller than predicted, the chunks are rendered again with the
   counts now known (slower, never wrong; counted in ``STATS["second_passes"]`` and
   logged as a warning);
5. merges the chunks with pikepdf, joining their structure trees under one
   ``Document`` element, with the first chunk's metadata (title, language, XMP).

Up to ``ROWS_IN_ONE_PROCESS`` rows it renders one document in this process.

Memory is bounded by the chunk size times the number of workers, plus the merged
file. Imports nothing of Django: the worker processes need no settings.
"""

from __future__ import annotations

import concurrent.futures
import html
import io
import logging
import math
import multiprocessing
import os
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from documents_pdf.weasy import shared_font_config, shared_url_fetcher

# Rows that one process renders faster than starting workers and merging.
ROWS_IN_ONE_PROCESS = 1200
# Pages per chunk: about 1,200 rows, a few hundred MiB in one worker.
CHUNK_PAGES = 24
# Rows laid out with the title to learn the page geometry (the second after a break).
PROBE_ROWS = 2
# Safety margins of the pagination, in CSS px (1 px = 0.26 mm): a cell's text is
# broken into lines as if its column were this much narrower, and a page is filled
# up to this much above its bottom, so that rounding in the layout never makes a
# row taller or lower than planned. (On the 2,619 rows of the generated 3,500
# tender's internal list, every row predicted as laid out with 0 and with 0.25 px;
# 1 px predicted 3 rows a line too tall.)
MEASURE_SLACK_PX = 0.25
PAGE_SLACK_PX = 1.0
# A body row: at least ROW_MM high, LINE_MM a line of text (the CSS below).
ROW_MM = 5
LINE_MM = 4
_PX_PER_MM = 96 / 25.4
DEFAULT_WORKERS = 2
PAGE_WORDS = {"sl": "Stran", "en": "Page"}
# CPU seconds the worker processes spent on chunks in this process's lifetime (the
# benchmark adds them to its own: the workers are not its children).
WORKER_CPU_SECONDS = [0.0]
# Long documents paginated here, and how many of them needed a second pass (a
# chunk laid out with another page count than planned: should stay 0).
STATS = {"paginated": 0, "second_passes": 0}

logger = logging.getLogger(__name__)

# WeasyPrint's own user-agent stylesheet has hundreds of rules that every element is
# matched against; a table needs these few (15 % less CPU on 1,000 rows).
_LEAN_UA = """
head, style, title, script { display: none; }
html, body, div, p, h1, h2, section, header, footer { display: block; }
table { display: table; }
caption { display: table-caption; }
colgroup { display: table-column-group; }
col { display: table-column; }
thead { display: table-header-group; }
tbody { display: table-row-group; }
tr { display: table-row; }
th, td { display: table-cell; }
strong, b, th { font-weight: bold; }
"""

_CSS = """
@page {
  size: A4;
  margin: 14mm 12mm 16mm;
  font-family: "DejaVu Sans", sans-serif;
  @bottom-left { content: %(note)s; font-family: "DejaVu Sans", sans-serif;
                 font-size: 7pt; color: #444; }
  @bottom-right { content: %(page)s; font-family: "DejaVu Sans", sans-serif;
                  font-size: 7.5pt; color: #222; }
}
%(first)s
html { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; color: #111; }
body { margin: 0; }
h1 { font-size: 13pt; margin: 0 0 2mm; }
p { margin: 0 0 1mm; }
.lines { margin-bottom: 3mm; }
table { width: 100%%; table-layout: fixed; border-spacing: 0; }
th, td { padding: 0 1.5mm; height: %(row)smm; line-height: %(line)smm; vertical-align: middle;
         text-align: left; overflow-wrap: anywhere; }
th { border-bottom: 0.8pt solid #333; }
tr { break-inside: avoid; }
tr.p { break-before: page; }
tr.z { background: #eee; }
.r { text-align: right; }
.c { text-align: center; }
"""


_ALIGN_CLASS = {"left": "", "right": " class=r", "center": " class=c"}


@dataclass(frozen=True)
class Column:
    """One column of the table: its heading, width (a CSS length or percentage;
    ``None`` shares what is left) and alignment."""

    label: str
    width: str | None = None
    align: Literal["left", "right", "center"] = "left"


@dataclass(frozen=True)
class _Spec:
    """Everything but the rows, sent to each worker."""

    title: str
    header_lines: tuple[str, ...]
    columns: tuple[Column, ...]
    language: str
    footer_note: str
    page_word: str


@dataclass(frozen=True)
class _Chunk:
    index: int
    first_row: int  # position in all rows
    rows: tuple[tuple[str, ...], ...]
    start_page: int
    pages: int  # planned
    # Positions (in all rows) of the rows that start a page, but the chunk's first.
    breaks: frozenset[int] = frozenset()


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return f'"{escaped}"'


def _html(
    spec: _Spec,
    rows: Sequence[Sequence[str]],
    *,
    first_row: int,
    with_header: bool,
    start_page: int | None,
    total_pages: int | None,
    breaks: frozenset[int] = frozenset(),
) -> str:
    """The HTML of one chunk (or of the whole document when ``total_pages`` is None:
    WeasyPrint counts the pages itself). A row whose position is in ``breaks``
    starts a new page."""
    word = _css_string(spec.page_word + " ")
    if total_pages is None:
        page = f'{word} counter(page) " / " counter(pages)'
    else:
        page = f'{word} counter(page) " / {total_pages}"'
    first = (
        f"@page :first {{ counter-reset: page {start_page}; }}" if start_page else ""
    )
    css = _CSS % {
        "note": _css_string(spec.footer_note),
        "page": page,
        "first": first,
        "row": ROW_MM,
        "line": LINE_MM,
    }
    esc = html.escape
    align = [_ALIGN_CLASS[c.align] for c in spec.columns]
    parts = [
        f'<!DOCTYPE html><html lang="{esc(spec.language)}"><head><meta charset="utf-8">'
        f"<title>{esc(spec.title)}</title><style>{css}</style></head><body>"
    ]
    if with_header:
        parts.append(f"<h1>{esc(spec.title)}</h1>")
        if spec.header_lines:
            parts.append('<div class="lines">')
            parts.extend(f"<p>{esc(line)}</p>" for line in spec.header_lines)
            parts.append("</div>")
    parts.append("<table><colgroup>")
    parts.extend(
        f'<col style="width: {esc(c.width)}">' if c.width else "<col>"
        for c in spec.columns
    )
    parts.append("</colgroup><thead><tr>")
    parts.extend(
        f'<th scope="col"{a}>{esc(c.label)}</th>'
        for c, a in zip(spec.columns, align, strict=True)
    )
    parts.append("</tr></thead><tbody>")
    for position, row in enumerate(rows, start=first_row):
        cells = "".join(
            f"<td{a}>{esc(value)}</td>" for value, a in zip(row, align, strict=True)
        )
        classes = ("z " if position % 2 else "") + ("p" if position in breaks else "")
        classes = classes.strip()
        parts.append(
            f'<tr class="{classes}">{cells}</tr>' if classes else f"<tr>{cells}</tr>"
        )
    parts.append("</tbody></table></body></html>")
    return "".join(parts)


_LEAN_HTML: list[Any] = []


def _weasy_html(source: str) -> Any:
    """A WeasyPrint document of ``source`` with the lean user-agent stylesheet (parsed
    once per process) and this thread's URL fetcher (``documents_pdf.weasy``)."""
    if not _LEAN_HTML:
        import weasyprint  # slow to import (about 1 s): only when a PDF is rendered

        lean_ua = [weasyprint.CSS(string=_LEAN_UA)]

        class LeanHTML(weasyprint.HTML):
            def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
                return lean_ua

        _LEAN_HTML.append(LeanHTML)
    return _LEAN_HTML[0](string=source, url_fetcher=shared_url_fetcher())


def _render(source: str) -> Any:
    """The laid-out document of ``source`` (this thread's font configuration)."""
    return _weasy_html(source).render(font_config=shared_font_config())


def _warm_up() -> None:
    """In a new worker: pay the start-up (fonts, fetcher, stylesheet) while the main
    process lays out the probe."""
    _render("<p>0</p>").write_pdf(pdf_variant="pdf/ua-1")


def _render_chunk(
    spec: _Spec, chunk: _Chunk, total_pages: int
) -> tuple[int, bytes, int, float]:
    """Render one chunk (in a worker process): (index, PDF, pages, CPU seconds)."""
    cpu = time.process_time()
    source = _html(
        spec,
        chunk.rows,
        first_row=chunk.first_row,
        with_header=chunk.index == 0,
        start_page=chunk.start_page,
        total_pages=total_pages,
        breaks=chunk.breaks,
    )
    document = _render(source)
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    return chunk.index, pdf, len(document.pages), time.process_time() - cpu


def _balanced_pages(pages: int, chunk_pages: int, workers: int) -> int:
    """Pages per chunk, at most ``chunk_pages``, so that the chunks come in rounds of
    ``workers`` of about equal length: 193 pages in 2 processes make 10 chunks of
    20 pages rather than 8 of 24 and a short ninth that one process renders alone
    while the other waits."""
    chunks = math.ceil(pages / chunk_pages)
    chunks = workers * math.ceil(chunks / workers)
    return max(1, min(chunk_pages, math.ceil(pages / chunks)))


def _plan(
    rows: Sequence[tuple[str, ...]], page_rows: Sequence[int], chunk_pages: int
) -> list[_Chunk]:
    """Chunks of ``chunk_pages`` whole pages, page ``n`` holding ``page_rows[n]``
    rows; every page but a chunk's first starts with a forced break."""
    chunks: list[_Chunk] = []
    position, start = 0, 1
    for first in range(0, len(page_rows), chunk_pages):
        counts = page_rows[first : first + chunk_pages]
        breaks, end = [], position
        for count in counts:
            if end != position:
                breaks.append(end)
            end += count
        part = tuple(rows[position:end])
        chunks.append(
            _Chunk(len(chunks), position, part, start, len(counts), frozenset(breaks))
        )
        position, start = end, start + len(counts)
    return chunks


def _renumber(chunks: list[_Chunk], pages: dict[int, int]) -> list[_Chunk]:
    """The same chunks with start pages from the counts actually rendered."""
    renumbered, start = [], 1
    for chunk in chunks:
        renumbered.append(
            _Chunk(
                chunk.index,
                chunk.first_row,
                chunk.rows,
                start,
                pages[chunk.index],
                chunk.breaks,
            )
        )
        start += pages[chunk.index]
    return renumbered


def _second_pass(spec: _Spec, chunks: list[_Chunk], rendered: dict[int, int]) -> bool:
    """Whether a chunk was laid out with another page count than planned (counted
    and logged: the pagination should prevent it)."""
    wrong = [c.index for c in chunks if rendered[c.index] != c.pages]
    if wrong:
        STATS["second_passes"] += 1
        logger.warning(
            "%s: chunks %s laid out on %s pages, planned %s: rendering again",
            spec.title,
            wrong,
            [rendered[i] for i in wrong],
            [chunks[i].pages for i in wrong],
        )
    return bool(wrong)


def _pool(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    # forkserver: the workers start from a clean process that has imported WeasyPrint
    # once (not a fork of a web or task process with its threads and connections).
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__, "weasyprint"])
    return concurrent.futures.ProcessPoolExecutor(
        max_workers=workers, mp_context=context
    )


def _render_chunks(
    pool: concurrent.futures.ProcessPoolExecutor,
    spec: _Spec,
    chunks: list[_Chunk],
    progress: Callable[[int, int], None] | None,
    total_rows: int,
) -> dict[int, tuple[bytes, int]]:
    total_pages = sum(chunk.pages for chunk in chunks)
    done_rows = 0
    results: dict[int, tuple[bytes, int]] = {}
    futures = [pool.submit(_render_chunk, spec, chunk, total_pages) for chunk in chunks]
    for future in concurrent.futures.as_completed(futures):
        index, pdf, pages, cpu = future.result()
        WORKER_CPU_SECONDS[0] += cpu
        results[index] = (pdf, pages)
        done_rows += len(chunks[index].rows)
        if progress is not None:
            progress(done_rows, total_rows)
    return results


def _merge(pdfs: list[bytes], spec: _Spec) -> bytes:
    """One PDF of ``pdfs`` in order: the first chunk's catalog and metadata (title,
    language, XMP with the PDF/UA identification), every chunk's pages, and one
    structure tree: the other chunks' tagged content joins the first chunk's
    ``Document`` element, their parent-tree keys shifted past the first's.

    pikepdf (qpdf) rather than pypdf: a tagged chunk of 1,200 rows holds some 14,000
    objects (a structure element per cell), which pypdf took about 5 s to read.
    """
    import pikepdf

    merged = pikepdf.open(io.BytesIO(pdfs[0]))
    root = merged.Root.get("/StructTreeRoot")
    tagged = root is not None
    if tagged:
        document = _document_element(root)
        nums = _parent_tree_items(root)
        next_key = max((key for key, _value in nums), default=-1) + 1
    for data in pdfs[1:]:
        chunk = pikepdf.open(io.BytesIO(data))
        first_new_page = len(merged.pages)
        merged.pages.extend(chunk.pages)
        chunk_root = chunk.Root.get("/StructTreeRoot")
        if not tagged or chunk_root is None:
            tagged = False
            continue
        # Copied with the same copier as the pages: /Pg now points to the copies.
        copied = merged.copy_foreign(chunk_root)
        for kid in _as_list(_document_element(copied).get("/K")):
            if isinstance(kid, pikepdf.Dictionary):
                kid.P = document
            document.K.append(kid)
        chunk_items = _parent_tree_items(copied)
        for key, value in chunk_items:
            nums.append((key + next_key, value))
        for page in merged.pages[first_new_page:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
        next_key += max((key for key, _value in chunk_items), default=-1) + 1
    if tagged:
        flat = pikepdf.Array()
        for key, value in nums:
            flat.append(key)
            flat.append(value)
        root.ParentTree = merged.make_indirect(pikepdf.Dictionary(Nums=flat))
        root.ParentTreeNextKey = next_key
    else:
        # Untagged content in a file that says it is tagged would mislead readers.
        for name in ("/StructTreeRoot", "/MarkInfo"):
            if name in merged.Root:
                del merged.Root[name]
    merged.Root.Lang = pikepdf.String(spec.language)
    out = io.BytesIO()
    merged.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return out.getvalue()


def _as_list(value: Any) -> list[Any]:
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def _document_element(tree_root: Any) -> Any:
    """The ``Document`` structure element under a structure tree root (WeasyPrint
    writes one), its ``/K`` made an array."""
    import pikepdf

    for kid in _as_list(tree_root.get("/K")):
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/S") == "/Document":
            if not isinstance(kid.get("/K"), pikepdf.Array):
                kid.K = pikepdf.Array(_as_list(kid.get("/K")))
            return kid
    raise ValueError("a chunk's structure tree has no Document element")


def _parent_tree_items(tree_root: Any) -> list[tuple[int, Any]]:
    """The (key, value) pairs of a parent tree (a number tree, flat or with kids)."""
    items: list[tuple[int, Any]] = []

    def walk(node: Any) -> None:
        numbers = _as_list(node.get("/Nums"))
        for position in range(0, len(numbers), 2):
            items.append((int(numbers[position]), numbers[position + 1]))
        for kid in _as_list(node.get("/Kids")):
            walk(kid)

    walk(tree_root.ParentTree)
    return items


def render_long_table_pdf(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    language: str,
    header_lines: Sequence[str] = (),
    footer_note: str = "",
    page_word: str | None = None,
    workers: int | None = None,
    chunk_pages: int = CHUNK_PAGES,
    progress: Callable[[int, int], None] | None = None,
) -> bytes:
    """Render a table of any number of rows as one tagged A4 PDF.

    The first page carries ``title`` (also the document's title) and
    ``header_lines``; every page repeats the column headings and shows
    ``footer_note`` on the left and "Stran 3 / 42" ("Page 3 / 42" in English) on the
    right. Cells are shown with ``str()``, already formatted by the caller (numbers,
    dates, yes/no in ``language``); a row that wraps onto two lines is allowed.

    :param language: the document's language (``lang``), e.g. ``"sl"`` or ``"en"``.
    :param page_word: the word before the page number; by default "Stran" in
        Slovenian and "Page" otherwise.
    :param workers: processes rendering chunks in parallel (default 2, at most the
        number of CPUs).
    :param chunk_pages: pages per chunk (about 51 rows each).
    :param progress: called as ``progress(rows_done, rows_total)`` after each chunk
        (e.g. ``jobs.services.job_progress``).
    :returns: the PDF bytes.
    :raises ValueError: when a row has more or fewer cells than there are columns.
    """
    spec, table = _prepare(
        title=title,
        columns=columns,
        rows=rows,
        language=language,
        header_lines=header_lines,
        footer_note=footer_note,
        page_word=page_word,
    )
    if workers is None:
        workers = min(DEFAULT_WORKERS, os.cpu_count() or 1)
    if len(table) <= ROWS_IN_ONE_PROCESS or workers < 1:
        source = _html(
            spec,
            table,
            first_row=0,
            with_header=True,
            start_page=None,
            total_pages=None,
        )
        pdf: bytes = _render(source).write_pdf(pdf_variant="pdf/ua-1")
        if progress is not None:
            progress(len(table), len(table))
        return pdf

    with _pool(workers) as pool:
        # The workers start (fork, fonts) while this process lays out the probe.
        warm = [pool.submit(_warm_up) for _worker in range(workers)]
        chunks = _probe_and_plan(spec, table, chunk_pages, workers)
        concurrent.futures.wait(warm)
        results = _render_chunks(pool, spec, chunks, progress, len(table))
        rendered = {index: pages for index, (_pdf, pages) in results.items()}
        if _second_pass(spec, chunks, rendered):
            # A row was laid out taller than planned: render again with every
            # chunk's real length (the layout of a chunk does not depend on its page
            # numbers, so once is enough).
            chunks = _renumber(chunks, rendered)
            results = _render_chunks(pool, spec, chunks, progress, len(table))
    return _merge([results[chunk.index][0] for chunk in chunks], spec)


def _prepare(
    *,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    language: str,
    header_lines: Sequence[str] = (),
    footer_note: str = "",
    page_word: str | None = None,
) -> tuple[_Spec, list[tuple[str, ...]]]:
    """The worker's spec and the rows as strings (checked against the columns)."""
    columns = tuple(columns)
    table = [tuple("" if cell is None else str(cell) for cell in row) for row in rows]
    for number, row in enumerate(table, start=1):
        if len(row) != len(columns):
            raise ValueError(
                f"row {number} has {len(row)} cells for {len(columns)} columns"
            )
    spec = _Spec(
        title=title,
        header_lines=tuple(header_lines),
        columns=columns,
        language=language,
        footer_note=footer_note,
        page_word=page_word or PAGE_WORDS.get(language, PAGE_WORDS["en"]),
    )
    return spec, table


def _render_document(spec: _Spec, table: list[tuple[str, ...]]) -> tuple[bytes, float]:
    """A whole (short) document in one worker process: (PDF, CPU seconds)."""
    cpu = time.process_time()
    source = _html(
        spec, table, first_row=0, with_header=True, start_page=None, total_pages=None
    )
    pdf: bytes = _render(source).write_pdf(pdf_variant="pdf/ua-1")
    return pdf, time.process_time() - cpu


def render_long_tables_pdf(
    documents: Sequence[dict[str, Any]],
    *,
    workers: int | None = None,
    chunk_pages: int = CHUNK_PAGES,
) -> list[bytes]:
    """Several long tables (e.g. a list in two languages, public and internal), each
    as :func:`render_long_table_pdf` would render it, sharing one pool of worker
    processes: a short document is one task of the pool, a long one is probed here
    and cut into chunks; every task is queued before the first is awaited, so the
    workers stay busy while this process probes the next document or merges the
    previous one (issue 15, 2: four PDFs of 752 rows took 22 s one after another in
    one process).

    :param documents: the keyword arguments of :func:`render_long_table_pdf` for
        each document (``title``, ``columns``, ``rows``, ``language`` and optionally
        ``header_lines``, ``footer_note``, ``page_word``).
    :returns: the PDFs in the order of ``documents``.
    """
    prepared = [_prepare(**document) for document in documents]
    if workers is None:
        workers = min(DEFAULT_WORKERS, os.cpu_count() or 1)
    if workers < 1:
        return [
            render_long_table_pdf(**document, workers=0, chunk_pages=chunk_pages)
            for document in documents
        ]
    with _pool(workers) as pool:
        whole: dict[int, concurrent.futures.Future[tuple[bytes, float]]] = {}
        # The short documents first: the workers start on them while the long ones
        # are probed here.
        for number, (spec, table) in enumerate(prepared):
            if len(table) <= ROWS_IN_ONE_PROCESS:
                whole[number] = pool.submit(_render_document, spec, table)
        planned: dict[int, tuple[list[_Chunk], list[Any]]] = {}
        for number, (spec, table) in enumerate(prepared):
            if number not in whole:
                chunks = _probe_and_plan(spec, table, max(1, chunk_pages), workers)
                total_pages = sum(chunk.pages for chunk in chunks)
                planned[number] = (
                    chunks,
                    [pool.submit(_render_chunk, spec, c, total_pages) for c in chunks],
                )
        pdfs: list[bytes] = []
        for number, (spec, table) in enumerate(prepared):
            if number in whole:
                pdf, cpu = whole[number].result()
                WORKER_CPU_SECONDS[0] += cpu
                pdfs.append(pdf)
                continue
            chunks, futures = planned[number]
            results: dict[int, tuple[bytes, int]] = {}
            for future in futures:
                index, chunk_pdf, pages, cpu = future.result()
                WORKER_CPU_SECONDS[0] += cpu
                results[index] = (chunk_pdf, pages)
            rendered = {index: pages for index, (_pdf, pages) in results.items()}
            if _second_pass(spec, chunks, rendered):
                # As in render_long_table_pdf, once more with the real page counts.
                chunks = _renumber(chunks, rendered)
                results = _render_chunks(pool, spec, chunks, None, len(table))
            pdfs.append(_merge([results[chunk.index][0] for chunk in chunks], spec))
    return pdfs


def _probe_and_plan(
    spec: _Spec, table: list[tuple[str, ...]], chunk_pages: int, workers: int
) -> list[_Chunk]:
    """Paginate ``table`` (:func:`_paginate`) and cut its pages into chunks."""
    page_rows = _paginate(spec, table)
    STATS["paginated"] += 1
    pages = _balanced_pages(len(page_rows), max(1, chunk_pages), workers)
    return _plan(table, page_rows, pages)


@dataclass(frozen=True)
class _Geometry:
    """Where the rows go, in CSS px, from a layout of the title and two rows."""

    first_top: float  # the first body row's top on the first page
    top: float  # the first body row's top on the other pages
    bottom: float  # the bottom of the pages' content
    widths: tuple[float, ...]  # each column's content width
    style: Any  # the computed style of a body cell's text


def _geometry(spec: _Spec, table: list[tuple[str, ...]]) -> _Geometry:
    """Lay out the title, the header lines and the first two rows, the second
    after a forced page break."""
    probe = _render(
        _html(
            spec,
            table[:PROBE_ROWS],
            first_row=0,
            with_header=True,
            start_page=None,
            total_pages=None,
            breaks=frozenset(range(1, PROBE_ROWS)),
        )
    )
    from weasyprint.formatting_structure import boxes

    tops: list[float] = []
    cells: list[Any] = []
    style: Any = None
    for page in probe.pages[:2]:
        rows = [
            box
            for box in page._page_box.descendants()
            if getattr(box, "element_tag", None) == "tr"
        ]
        body = rows[1]  # after the repeated header row
        tops.append(body.position_y)
        if not cells:
            cells = list(body.children)
    for cell in cells:
        for box in cell.descendants():
            if isinstance(box, boxes.TextBox):
                style = box.style
                break
        if style is not None:
            break
    page_box = probe.pages[0]._page_box
    return _Geometry(
        first_top=tops[0],
        top=tops[-1],
        bottom=page_box.content_box_y() + page_box.height,
        widths=tuple(cell.width for cell in cells),
        style=style if style is not None else cells[0].style,
    )


_SPACES = re.compile(r"[ \t\n\r\f]+")


class _Lines:
    """Lines of a cell's text in a column, broken as WeasyPrint breaks them: Pango
    with the cell's computed style (font, language, ``overflow-wrap: anywhere``),
    words kept whole unless one is wider than the line."""

    def __init__(self, geometry: _Geometry) -> None:
        from weasyprint.text.constants import PANGO_WRAP_MODE
        from weasyprint.text.ffi import TO_UNITS, ffi, pango
        from weasyprint.text.line_break import Layout

        self._pango = pango
        self._line = pango.pango_layout_get_line_readonly
        self._null = ffi.NULL
        self._layout = Layout(geometry.style)
        pango.pango_layout_set_wrap(
            self._layout.layout, PANGO_WRAP_MODE["WRAP_WORD_CHAR"]
        )
        self._units = [
            max(1, int((width - MEASURE_SLACK_PX) * TO_UNITS))
            for width in geometry.widths
        ]
        self._cache: dict[tuple[int, str], int] = {}

    def __call__(self, column: int, text: str) -> int:
        key = (column, text)
        found = self._cache.get(key)
        if found is None:
            collapsed = _SPACES.sub(" ", text).strip(" ")
            if not collapsed:
                found = 0
            else:
                layout = self._layout.layout
                self._pango.pango_layout_set_width(layout, self._units[column])
                self._layout.set_text(collapsed)
                found = 1
                null = self._null
                while self._line(layout, found) != null:
                    found += 1
            self._cache[key] = found
        return found


def _one_line(column: int, text: str) -> int:
    return 1


def _paginate(spec: _Spec, table: list[tuple[str, ...]]) -> list[int]:
    """The rows on each page: every row's height from its cells' lines (at least
    ``ROW_MM``, ``LINE_MM`` a line), packed onto pages of the probed geometry."""
    geometry = _geometry(spec, table)
    lines: Callable[[int, str], int]
    try:
        lines = _Lines(geometry)
    except (ImportError, AttributeError, KeyError):
        # WeasyPrint's text internals moved (another version): plan one line a row
        # and let the safety net count the pages.
        logger.warning("cannot measure the cells' text: one line a row planned")
        lines = _one_line
    row_px, line_px = ROW_MM * _PX_PER_MM, LINE_MM * _PX_PER_MM
    bottom = geometry.bottom - PAGE_SLACK_PX
    page_rows: list[int] = []
    y, count = geometry.first_top, 0
    for row in table:
        most = max(lines(column, text) for column, text in enumerate(row))
        height = max(row_px, most * line_px)
        if count and y + height > bottom:
            page_rows.append(count)
            y, count = geometry.top, 0
        y += height
        count += 1
    page_rows.append(count)
    return page_rows
