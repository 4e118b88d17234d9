"""The long-list PDF benchmark runs at a tiny size and judges its targets (not timing)."""

import pytest

from bench import pdf as bench


def result(renderer, rows, wall, mib):
    return bench.Result(renderer, rows, wall, wall, mib, rows // 50, 1000)


def test_it_runs_at_a_tiny_size(capsys):
    assert bench.main(["--sizes", "40", "--one-page-repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "| documents_pdf (WeasyPrint, 2 processes) | 40 |" in out
    assert "| ReportLab LongTable (baseline) | 40 |" in out
    assert "not checked (10,000 rows not run)" in out
    assert "target one page in < 0.3 s" in out


def test_the_rows_are_the_public_list():
    rows = bench.make_rows(20)
    assert rows[0] == ("NAJ-2026-00001", "1", "570,1", "A - mladi", "da")
    assert rows[-1][1] == "20"
    assert {row[4] for row in rows} == {"da", "ne"}


@pytest.mark.parametrize(
    ("wall", "mib", "met"),
    [(59.0, 900.0, True), (61.0, 900.0, False), (30.0, 1100.0, False)],
)
def test_ten_thousand_rows_target(wall, mib, met):
    found = bench.verdicts([result(bench.WEASY, 10_000, wall, mib)], None)
    assert found[0][1] is met
    assert found[1][1] is None  # one size: growth not judged
    assert found[2][1] is None  # no one-page figure


def test_growth_worse_than_linear_is_a_miss():
    linear = [
        result(bench.WEASY, 1000, 5.0, 200.0),
        result(bench.WEASY, 10_000, 50.0, 400.0),
    ]
    assert bench.verdicts(linear, None)[1][1] is True
    faster_than_linear = [linear[0], result(bench.WEASY, 10_000, 40.0, 300.0)]
    assert bench.verdicts(faster_than_linear, None)[1][1] is True
    quadratic_time = [linear[0], result(bench.WEASY, 10_000, 70.0, 400.0)]
    assert bench.verdicts(quadratic_time, None)[1][1] is False
    growing_memory = [linear[0], result(bench.WEASY, 10_000, 50.0, 2600.0)]
    assert bench.verdicts(growing_memory, None)[1][1] is False


def test_reportlab_rows_are_not_judged_and_one_page_is():
    results = [result(bench.REPORTLAB, 10_000, 500.0, 5000.0)]
    found = bench.verdicts(results, {"weasy": 0.2, "reportlab": 0.05})
    assert found[0][1] is None
    assert found[2][1] is True
    assert bench.verdicts(results, {"weasy": 0.4})[2][1] is False


def test_check_exits_one_when_a_target_is_missed(monkeypatch):
    monkeypatch.setattr(
        bench,
        "measure",
        lambda renderer, n: result(bench.RENDERERS[renderer], n, 99.0, 10.0),
    )
    monkeypatch.setattr(bench, "measure_one_page", lambda repeat: {"weasy": 0.1})
    assert bench.main(["--sizes", "10000", "--check"]) == 1
    assert bench.main(["--sizes", "10000"]) == 0
