"""The lists benchmark (bench/lists.py) runs on a tiny generated tender, reports both
rows, and judges its targets only at their size (not timing)."""

import pytest

from bench import lists as bench

pytestmark = pytest.mark.django_db


def test_it_runs_at_a_tiny_size_and_rolls_back():
    from lists.models import ListEntry, ListVersion

    results = bench.run([40], repeat=1, log=lambda _line: None)
    (result,) = results
    assert result.applications == 40
    assert 0 < result.verified <= 40
    assert result.entries > 0
    assert result.baseline.wall > 0
    assert result.build.wall > 0
    assert not ListVersion.objects.exists()  # both measurements rolled back
    assert not ListEntry.objects.exists()
    text = bench.report(results, 1)
    assert f"| 40 | {result.verified} | {bench.BASELINE} |" in text
    assert f"| 40 | {result.verified} | {bench.BUILD} |" in text
    assert "target: build under 10 s at 10,000: not judged (size not run)" in text


def timing(seconds):
    return bench.Timing(seconds, seconds)


@pytest.mark.parametrize(
    ("build", "base", "met"),
    [
        (9.0, 3.0, [True, True]),
        (9.0, 2.9, [True, False]),
        (10.0, 5.0, [False, True]),
    ],
)
def test_targets_at_ten_thousand(build, base, met):
    result = bench.Result(10_000, 9_400, timing(base), timing(build), 9_000)
    assert [m for _name, m in bench.verdicts([result])] == met


def test_other_sizes_are_not_judged():
    result = bench.Result(50_000, 47_000, timing(1.0), timing(100.0), 40_000)
    assert [m for _name, m in bench.verdicts([result])] == [None, None]
