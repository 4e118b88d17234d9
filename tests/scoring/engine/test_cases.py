"""The shared example cases through the command line, compared as case-format.md says.

Every key of the expected file must match; reasons are compared on article and condition
(their message is free text). The output must have exactly the expected keys.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
CASES = Path(__file__).resolve().parent / "cases"
SHARED_CASES = Path(__file__).resolve().parents[3].parent / "shared/spec/cases"


def _inputs() -> list[Path]:
    return sorted(
        p for p in CASES.glob("*.json") if not p.name.endswith(".expected.json")
    )


def _is_rank(path: Path) -> bool:
    return "applications" in json.loads(path.read_text(encoding="utf-8"))


ASSESS_CASES = [p for p in _inputs() if not _is_rank(p)]
RANK_CASES = [p for p in _inputs() if _is_rank(p)]


def _expected(path: Path) -> Any:
    return json.loads(path.with_name(path.stem + ".expected.json").read_text("utf-8"))


def _cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "scoring", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
        check=False,
    )


def _comparable(output: dict[str, Any]) -> dict[str, Any]:
    result = dict(output)
    result["ineligible_reasons"] = [
        {"article": r["article"], "condition": r["condition"]}
        for r in output["ineligible_reasons"]
    ]
    return result


def test_cases_are_found() -> None:
    assert len(ASSESS_CASES) >= 4
    assert len(RANK_CASES) >= 1


@pytest.mark.parametrize("case", ASSESS_CASES, ids=lambda p: p.stem)
def test_assess_case_matches_expected(case: Path) -> None:
    result = _cli("assess", str(case))
    assert result.returncode == 0, result.stdout.decode()
    assert result.stderr == b""
    output = json.loads(result.stdout)
    expected = _expected(case)
    assert set(output) == set(expected)
    got = _comparable(output)
    for key, value in expected.items():
        assert got[key] == value, key
    for reason in output["ineligible_reasons"]:
        assert set(reason) == {"article", "condition", "message"}
        assert reason["message"].strip()
    for item in output["items"]:
        assert set(item) == {"code", "points"}


@pytest.mark.parametrize("case", ASSESS_CASES, ids=lambda p: p.stem)
def test_assess_case_from_stdin_is_the_same(case: Path) -> None:
    from_file = _cli("assess", str(case))
    from_stdin = _cli("assess", "-", stdin=case.read_bytes())
    assert from_stdin.returncode == 0
    assert json.loads(from_stdin.stdout) == json.loads(from_file.stdout)


@pytest.mark.parametrize("case", RANK_CASES, ids=lambda p: p.stem)
def test_rank_case_matches_expected(case: Path) -> None:
    result = _cli("rank", str(case))
    assert result.returncode == 0, result.stdout.decode()
    assert result.stderr == b""
    assert json.loads(result.stdout) == _expected(case)


def test_jsonl_gives_one_line_per_case_in_order() -> None:
    lines = [json.dumps(json.loads(p.read_text("utf-8"))) for p in ASSESS_CASES]
    data = ("\n\n".join(lines) + "\n").encode()  # blank lines are skipped
    result = _cli("assess", "--jsonl", "-", stdin=data)
    assert result.returncode == 0
    assert result.stderr == b""
    outputs = result.stdout.decode().splitlines()
    assert len(outputs) == len(ASSESS_CASES)
    for case, line in zip(ASSESS_CASES, outputs, strict=True):
        assert _comparable(json.loads(line)) == _expected(case)


def test_copies_equal_the_shared_cases() -> None:
    if not SHARED_CASES.is_dir():
        pytest.skip(f"{SHARED_CASES} is not here (a checkout without the shared spec)")
    shared = {p.name: p.read_bytes() for p in SHARED_CASES.glob("*.json")}
    ours = {p.name: p.read_bytes() for p in CASES.glob("*.json")}
    assert ours == shared
