"""The long-table PDF: chunks rendered in parallel and merged read as one document."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from documents_pdf import Column, long_table, render_long_table_pdf

COLUMNS = {
    "sl": [
        Column("Šifra vloge", "26%"),
        Column("Mesto", "12%", "right"),
        Column("Točke", "14%", "right"),
        Column("Podseznam", "32%"),
        Column("Znotraj meje", "16%", "center"),
    ],
    "en": [
        Column("Application code", "26%"),
        Column("Rank", "12%", "right"),
        Column("Points", "14%", "right"),
        Column("Sub-list", "32%"),
        Column("Within cut-off", "16%", "center"),
    ],
}
YES = {"sl": ("da", "ne"), "en": ("yes", "no")}


def rows(n, language):
    yes, no = YES[language]
    return [
        (f"NAJ-{i:05d}", i, f"{900 - i % 600},5", "A - družine z otroki", yes if i <= 300 else no)
        for i in range(1, n + 1)
    ]  # fmt: skip


def page_numbers(texts):
    found = []
    for text in texts:
        match = re.search(r"(?:Stran|Page) (\d+) / (\d+)", text)
        assert match, text[-200:]
        found.append((int(match[1]), int(match[2])))
    return found


@pytest.fixture(scope="module", params=["sl", "en"])
def long_pdf(request):
    language = request.param
    seen = []
    pdf = render_long_table_pdf(
        title="Prednostna lista A" if language == "sl" else "Priority list A",
        header_lines=["JSS MOL · 2026", "Objavljeno 1. 12. 2026"],
        columns=COLUMNS[language],
        rows=rows(2500, language),
        language=language,
        footer_note="JSS MOL",
        chunk_pages=12,  # more, smaller chunks than by default: more joins to check
        progress=lambda done, total: seen.append((done, total)),
    )
    return language, pdf, seen


def test_every_row_is_there_and_pages_count_one_to_n(long_pdf):
    language, pdf, seen = long_pdf
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    texts = [page.extract_text() for page in reader.pages]
    every = "\n".join(texts)
    for code in ("NAJ-00001", "NAJ-01250", "NAJ-01251", "NAJ-02500"):
        assert every.count(code) == 1, code
    assert texts[0].count("NAJ-00001") == 1
    assert "NAJ-02500" in texts[-1]
    n = len(reader.pages)
    assert n > 30
    assert page_numbers(texts) == [(page, n) for page in range(1, n + 1)]
    word = "Stran" if language == "sl" else "Page"
    assert f"{word} 1 / {n}" in texts[0]
    # The header row repeats on every page; the title is on the first only.
    heading = COLUMNS[language][0].label
    assert all(heading in text for text in texts)
    assert "JSS MOL · 2026" in texts[0]
    assert "JSS MOL · 2026" not in texts[1]
    # Progress reported per chunk, ending at every row.
    assert seen[-1] == (2500, 2500)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_rows_stay_in_order_across_chunks(long_pdf):
    _language, pdf, _seen = long_pdf
    every = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    numbers = [int(n) for n in re.findall(r"NAJ-(\d{5})", every)]
    assert numbers == list(range(1, 2501))


def test_metadata_and_one_structure_tree(long_pdf):
    import pikepdf

    language, pdf, _seen = long_pdf
    document = pikepdf.open(io.BytesIO(pdf))
    assert str(document.Root.Lang) == language
    assert str(document.docinfo["/Title"]).startswith(("Prednostna", "Priority"))
    assert bool(document.Root.MarkInfo.Marked)
    root = document.Root.StructTreeRoot
    nums = root.ParentTree.Nums
    tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    assert int(root.ParentTreeNextKey) == len(tree) == len(document.pages)
    # Every page's marked content points back to structure elements of that page.
    for page in document.pages:
        elements = tree[int(page.obj.StructParents)]
        assert len(elements) > 0
        assert all(e.Pg.objgen == page.obj.objgen for e in elements)
    top = root.K[0] if isinstance(root.K, pikepdf.Array) else root.K
    assert top.S == "/Document"
    assert all(kid.P.objgen == top.objgen for kid in top.K)


@pytest.mark.skipif(not shutil.which("pdfinfo"), reason="poppler-utils not installed")
def test_pdfinfo_reads_it_as_tagged(long_pdf, tmp_path):
    _language, pdf, _seen = long_pdf
    path = tmp_path / "list.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(  # noqa: S603 - a fixed program on our own file
        [shutil.which("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert re.search(r"Tagged:\s+yes", info)


def test_a_short_table_is_one_document_counted_by_weasyprint():
    pdf = render_long_table_pdf(
        title="Kratka lista",
        columns=COLUMNS["sl"],
        rows=rows(30, "sl"),
        language="sl",
    )
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) == 1
    assert "Stran 1 / 1" in texts[0]
    assert "NAJ-00030" in texts[0]


def test_rows_that_wrap_are_numbered_right_after_a_second_pass(monkeypatch):
    # The safety net: when the pagination predicts rows shorter than they are laid
    # out (here every cell measured as one line), a chunk comes out longer than
    # planned and the chunks are rendered again with the real page counts.
    monkeypatch.setattr(long_table, "ROWS_IN_ONE_PROCESS", 100)
    monkeypatch.setattr(long_table._Lines, "__call__", lambda self, column, text: 1)
    renumbered = []
    original = long_table._renumber

    def spy(chunks, pages):
        renumbered.append(pages)
        return original(chunks, pages)

    monkeypatch.setattr(long_table, "_renumber", spy)
    before = long_table.STATS["second_passes"]
    table = rows(400, "en")
    for i in range(200, 400):
        table[i] = (*table[i][:3], "a sub-list with a long name " * 3, table[i][4])
    pdf = render_long_table_pdf(
        title="Wrapped",
        columns=COLUMNS["en"],
        rows=table,
        language="en",
        chunk_pages=2,
    )
    texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    n = len(texts)
    assert renumbered, "the second pass did not run"
    assert long_table.STATS["second_passes"] == before + 1
    assert page_numbers(texts) == [(page, n) for page in range(1, n + 1)]
    assert "NAJ-00400" in texts[-1]
    every = "\n".join(texts)
    assert [int(m) for m in re.findall(r"NAJ-(\d{5})", every)] == list(range(1, 401))


def test_a_row_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="row 2 has 1 cells for 5 columns"):
        render_long_table_pdf(
            title="x", columns=COLUMNS["en"], rows=[("a",) * 5, ("b",)], language="en"
        )


def test_text_is_escaped():
    html = long_table._html(
        long_table._Spec("<T>", ('a "b"',), tuple(COLUMNS["en"]), "en", 'x "y" \\', "Page"),
        [("<b>", "1", "2", "&", "no")],
        first_row=0,
        with_header=True,
        start_page=3,
        total_pages=9,
    )  # fmt: skip
    assert "<td>&lt;b&gt;</td>" in html
    assert "&amp;" in html
    assert 'content: "x \\"y\\" \\\\"' in html
    assert "counter-reset: page 3" in html
    assert '" / 9"' in html


def test_chunks_come_in_even_rounds_for_the_workers():
    # 10,000 rows, 40 on the first page and 52 on the others: 193 pages. At most 24
    # pages a chunk would make 9 chunks (one rendered alone at the end); balanced for
    # 2 workers, 10 chunks of at most 20 pages.
    page_rows = [40] + [52] * 191 + [10_000 - 40 - 52 * 191]
    assert len(page_rows) == 193
    pages = long_table._balanced_pages(193, 24, 2)
    assert pages == 20
    chunks = long_table._plan([("x",)] * 10_000, page_rows, pages)
    assert len(chunks) == 10
    assert sum(chunk.pages for chunk in chunks) == 193
    assert sum(len(chunk.rows) for chunk in chunks) == 10_000
    # Every page but a chunk's first starts with a forced break.
    assert chunks[0].breaks == frozenset(40 + 52 * k for k in range(19))
    assert chunks[1].start_page == 21
    assert chunks[1].first_row == 40 + 52 * 19
    assert all(len(chunk.breaks) == chunk.pages - 1 for chunk in chunks)
    # Never more than chunk_pages, never fewer than one page.
    assert long_table._balanced_pages(193, 5, 2) == 5
    assert long_table._balanced_pages(1, 24, 2) == 1


def test_several_tables_share_one_pool_and_come_back_in_order(monkeypatch):
    # Short documents are one task of the shared pool, long ones are chunked; the
    # PDFs come back in the order asked, each numbered and tagged on its own.
    monkeypatch.setattr(long_table, "ROWS_IN_ONE_PROCESS", 100)
    documents = [
        {"title": "Kratka", "columns": COLUMNS["sl"], "rows": rows(40, "sl"), "language": "sl"},
        {"title": "Long", "columns": COLUMNS["en"], "rows": rows(400, "en"), "language": "en", "footer_note": "JSS"},
        {"title": "Dolga", "columns": COLUMNS["sl"], "rows": rows(300, "sl"), "language": "sl"},
    ]  # fmt: skip
    before = long_table.WORKER_CPU_SECONDS[0]
    pdfs = long_table.render_long_tables_pdf(documents, chunk_pages=2)
    assert long_table.WORKER_CPU_SECONDS[0] > before  # rendered by the workers
    import pikepdf

    for document, pdf in zip(documents, pdfs, strict=True):
        texts = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
        n = len(texts)
        assert page_numbers(texts) == [(page, n) for page in range(1, n + 1)]
        assert document["title"] in texts[0]
        last = len(document["rows"])
        assert f"NAJ-{last:05d}" in texts[-1]
        assert f"NAJ-{last + 1:05d}" not in "".join(texts)
        tagged = pikepdf.open(io.BytesIO(pdf))
        assert str(tagged.Root.Lang) == document["language"]
        assert bool(tagged.Root.MarkInfo.Marked)
    assert len(PdfReader(io.BytesIO(pdfs[1])).pages) > 2  # chunked and merged
