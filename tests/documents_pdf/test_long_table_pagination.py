"""The long table paginated before rendering: rows that wrap onto several lines give
the planned pages in one pass (issue 15, end-to-end plan item 1)."""

import io
import re

import pytest
from pypdf import PdfReader

from documents_pdf import Column, long_table, render_long_table_pdf

COLUMNS = [
    Column("Rank", "7%", "right"),
    Column("Application code", "17%"),
    Column("Applicant and household", "34%"),
    Column("Points", "8%", "right"),
    Column("Within the cut-off", None, "center"),
]
NAMES = (
    "Ana Novak",
    "Janez Novak, Marija Novak-Kovač, Ana Novak, Peter Novak",
    "Maximiliana Kovačič Zupančič, Bartolomej Vodopivec, Ivana Štefančič, "
    "Jernej Horvat, Tina Horvat",
)


def mixed_rows(n):
    """Rows of one, two and three lines: long names, codes longer than their
    column (broken anywhere), both, or neither."""
    table = []
    for i in range(1, n + 1):
        code = f"R{i:05d}" + ("-LJUBLJANA-2026-SKLAD" * (i % 5 == 0))
        table.append((i, code, NAMES[i % 3], 900 - i, "yes" if i < 100 else "no"))
    return table


def page_numbers(texts):
    found = []
    for text in texts:
        match = re.search(r"Page (\d+) / (\d+)", text)
        assert match, text[-200:]
        found.append((int(match[1]), int(match[2])))
    return found


@pytest.fixture(scope="module")
def wrapped():
    table = mixed_rows(360)
    arguments = {
        "title": "Wrapped",
        "columns": COLUMNS,
        "rows": table,
        "language": "en",
        "header_lines": ["A header line"],
    }
    planned = long_table._paginate(*long_table._prepare(**arguments))
    before = dict(long_table.STATS)
    saved = long_table.ROWS_IN_ONE_PROCESS
    long_table.ROWS_IN_ONE_PROCESS = 100
    try:
        # Several chunks, several joins.
        pdf = render_long_table_pdf(**arguments, chunk_pages=3)
    finally:
        long_table.ROWS_IN_ONE_PROCESS = saved
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return table, planned, before, texts


def test_rows_that_wrap_give_the_planned_pages_in_one_pass(wrapped):
    _table, planned, before, texts = wrapped
    assert long_table.STATS["paginated"] == before["paginated"] + 1
    assert long_table.STATS["second_passes"] == before["second_passes"]
    n = len(texts)
    assert n == len(planned) > 6
    assert page_numbers(texts) == [(page, n) for page in range(1, n + 1)]
    per_page = [len(re.findall(r"R\d{5}", text)) for text in texts]
    assert per_page == planned
    # Rows of one, two and three lines: fewer rows a page than 52 one-line rows.
    assert max(per_page) < 52


def test_every_row_once_in_order_with_the_header_on_every_page(wrapped):
    table, _planned, _before, texts = wrapped
    every = "\n".join(texts)
    assert re.findall(r"R\d{5}", every) == [row[1][:6] for row in table]
    assert all("Applicant and household" in text for text in texts)
    assert "A header line" in texts[0]
    assert "A header line" not in texts[1]


def test_predicted_rows_are_never_shorter_than_laid_out():
    # One WeasyPrint layout of the whole table, without forced breaks: every row is
    # at most as tall as predicted, and most exactly so (the margin is small).
    table = mixed_rows(120)
    spec, prepared = long_table._prepare(
        title="Heights", columns=COLUMNS, rows=table, language="en"
    )
    lines = long_table._Lines(long_table._geometry(spec, prepared))
    row_px = long_table.ROW_MM * long_table._PX_PER_MM
    line_px = long_table.LINE_MM * long_table._PX_PER_MM
    predicted = [
        max(row_px, line_px * max(lines(c, text) for c, text in enumerate(row)))
        for row in prepared
    ]
    document = long_table._render(
        long_table._html(
            spec,
            prepared,
            first_row=0,
            with_header=True,
            start_page=None,
            total_pages=None,
        )
    )
    laid_out = []
    for page in document.pages:
        trs = [
            box
            for box in page._page_box.descendants()
            if getattr(box, "element_tag", None) == "tr"
        ]
        laid_out.extend(box.height for box in trs[1:])
    assert len(laid_out) == len(predicted)
    assert all(h <= p + 1e-6 for h, p in zip(laid_out, predicted, strict=True))
    exact = sum(abs(h - p) < 1e-6 for h, p in zip(laid_out, predicted, strict=True))
    assert exact >= 0.95 * len(predicted)
    assert {round(p / line_px) for p in predicted} >= {2, 3}  # wrapped rows


def test_a_row_that_starts_a_page_keeps_its_zebra_stripe():
    spec, prepared = long_table._prepare(
        title="Z", columns=COLUMNS, rows=mixed_rows(4), language="en"
    )
    html = long_table._html(
        spec,
        prepared,
        first_row=10,
        with_header=False,
        start_page=3,
        total_pages=9,
        breaks=frozenset({11, 12}),
    )
    rows = re.findall(r"<tr[^>]*>", html.split("<tbody>")[1])
    assert rows == ["<tr>", '<tr class="z p">', '<tr class="p">', '<tr class="z">']


def test_without_the_measurement_every_row_is_planned_on_one_line(monkeypatch):
    # Another WeasyPrint version without the text internals used: one line a row is
    # planned (the safety net then counts the pages), rather than no PDF at all.
    def missing(self, geometry):
        raise AttributeError("pango_layout_get_line_readonly")

    monkeypatch.setattr(long_table._Lines, "__init__", missing)
    spec, prepared = long_table._prepare(
        title="T", columns=COLUMNS, rows=mixed_rows(200), language="en"
    )
    planned = long_table._paginate(spec, prepared)
    assert sum(planned) == 200
    assert max(planned) > 45  # 52 one-line rows a page, whatever the names
