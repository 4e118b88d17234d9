"""The end-to-end benchmark (bench/e2e.py) publishes a tiny generated tender's lists
with their PDFs, reports every step and the baseline, and rolls it all back."""

from django.test import override_settings

import pytest

from bench import e2e as bench
from bench.lists import BASELINE

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_it_runs_at_a_tiny_size_and_rolls_back():
    from lists.models import ListVersion

    results = bench.run([30], log=lambda _line: None)
    (result,) = results
    assert result.applications == 30
    assert list(result.steps) == list(bench.STEPS)
    assert list(result.cpu) == list(bench.STEPS)
    assert result.cpu[bench.STEPS[2]] > 0  # the PDFs cost CPU, here or in the workers
    assert result.pdf_bytes["public sl"] > 1000
    assert result.pdf_bytes["public en"] > 1000
    assert result.pdf_bytes["internal sl"] > 1000
    assert result.pdf_bytes["internal en"] > 1000
    assert not ListVersion.objects.exists()
    text = bench.report(results)
    assert f"| 30 | {BASELINE} |" in text
    for step in bench.STEPS:
        assert f"| 30 | {step} |" in text
    assert "**total, facts to published lists and 3 PDFs**" in text
    assert f"| 30 | {bench.AFTER} |" in text
    assert result.after[0] > 0
    assert "| wall s | CPU s (with PDF workers) | vs baseline |" in text
    assert "target: whole chain under 30 s at 30:" in text


def test_the_target_is_judged_at_every_size():
    fast = bench.Result(3_500, 3_000, 1.0, {"build": 5.0, "publish": 20.0})
    assert fast.total == 25.0
    slow = bench.Result(50_000, 40_000, 9.0, {"build": 25.0, "publish": 200.0})
    assert [m for _n, m in bench.verdicts([fast, slow])] == [True, False]
