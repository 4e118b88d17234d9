"""The engine benchmark keeps working and judges its targets correctly (bench/engine.py).

The timings themselves are not asserted here (a benchmark, not a timed test); these
tests run it on a few cases and check the verdict logic on made-up rows.
"""

import pytest

from bench.engine import CLI_STEP, RANK_STEP, Row, main, verdicts


def test_verdicts_meet_miss_and_skip_by_size():
    rows = [
        Row(RANK_STEP, 100_000, wall=4.999, cpu=4.9),
        Row(CLI_STEP, 10_000, wall=3.0, cpu=3.0),
    ]
    (rank_line, rank_met), (cli_line, cli_met) = verdicts(rows)
    assert rank_met is True
    assert "met (4.999 s)" in rank_line
    assert cli_met is False  # the target is "under 3 s": exactly 3 s misses it
    assert "MISSED (3.000 s)" in cli_line


def test_a_target_is_not_checked_at_another_size():
    rows = [Row(RANK_STEP, 2_000, wall=0.1, cpu=0.1)]
    results = verdicts(rows)
    assert [met for _, met in results] == [None, None]
    assert "not checked (2,000 run)" in results[0][0]
    assert "not checked (none run)" in results[1][0]


@pytest.mark.parametrize("check", [False, True])
def test_a_small_run_prints_the_table_and_exits_0(capsys, check):
    argv = ["--n", "300", "--cli-n", "30", "--repeat", "1"]
    status = main([*argv, "--check"] if check else argv)
    out = capsys.readouterr().out
    assert status == 0  # at these sizes no target is checked, so none is missed
    assert "| rank() all with sub-lists (checked, assessed, ranked) | 300 |" in out
    assert "| CLI: `python -m scoring assess --jsonl` | 30 |" in out
    assert "- eligible: " in out
    assert out.count("not checked") == 2
