"""The growth benchmark (bench/growth.py) measures every cost at two tiny sizes and
writes its table and a PNG chart (not timing)."""

from django.test import override_settings

import pytest

from bench import growth as bench
from bench.e2e import AFTER, STEPS
from bench.lists import BASELINE, BUILD

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_it_runs_and_writes_the_table_and_the_chart(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the bench extra is not installed")
    out = tmp_path / "growth"
    assert bench.main(["--sizes", "20,40", "--out", str(out)]) == 0
    text = out.with_suffix(".md").read_text()
    for name in (
        f"lists: {BASELINE}",
        f"lists: {BUILD}",
        "e2e: build lists A and B with sub-lists (task)",
        f"e2e: {STEPS[2]}",
        bench.E2E_TOTAL,
    ):
        assert f"| {name} |" in text
    assert f"e2e: {AFTER}" not in text  # bench.e2e times it, not the growth run
    assert "| cost (wall s) | 20 | 40 | growth / linear |" in text
    png = out.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG")
    assert "written:" in capsys.readouterr().out


def test_growth_factor():
    assert bench.growth({1000: 1.0, 10_000: 10.0}) == pytest.approx(1.0)
    assert bench.growth({1000: 1.0, 10_000: 20.0}) == pytest.approx(2.0)
    assert bench.growth({1000: 1.0}) is None
    table = bench.table({"x": {1000: 1.0, 10_000: 20.0}, "y": {1000: 1.0, 10_000: 5.0}})
    assert "| x | 1.00 | 20.00 | 2.00 (worse than linear) |" in table
    assert "| y | 1.00 | 5.00 | 0.50 |" in table
