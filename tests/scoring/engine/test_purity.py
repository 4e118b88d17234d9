"""The engine is pure Python: no Django, no other app, nothing of scoring outside the engine.

House style, section 3: ``scoring/engine`` never imports Django or other apps, so that it
runs from the command line and in tests without settings or a database.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ENGINE = ROOT / "scoring" / "engine"
FORBIDDEN_TOP = {"django", "housing", "tenders", "config"}


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                package = path.relative_to(ROOT).with_suffix("").parts[: -node.level]
                base = ".".join(package)
                names.append(f"{base}.{node.module}" if node.module else base)
            elif node.module:
                names.append(node.module)
    return names


def _problem(module: str) -> str | None:
    top = module.split(".")[0]
    if top in FORBIDDEN_TOP:
        return f"imports {module}"
    if (
        top == "scoring"
        and module != "scoring"
        and not module.startswith("scoring.engine")
    ):
        return f"imports {module} (only scoring.engine may be imported)"
    return None


ENGINE_FILES = sorted(ENGINE.rglob("*.py"))


def test_engine_files_are_found() -> None:
    names = {p.name for p in ENGINE_FILES}
    assert {"__init__.py", "facts.py", "points.py", "si_2004.py", "cli.py"} <= names


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_module_imports_nothing_impure(path: Path) -> None:
    problems = [p for m in _imported_modules(path) if (p := _problem(m))]
    assert problems == []


@pytest.mark.parametrize(
    "relative", ["scoring/__init__.py", "scoring/__main__.py", "bench/engine.py"]
)
def test_entry_points_import_nothing_impure(relative: str) -> None:
    path = ROOT / relative
    if not path.exists():
        pytest.skip(f"{relative} is not here")
    problems = [p for m in _imported_modules(path) if (p := _problem(m))]
    assert problems == []


def test_the_checker_catches_forbidden_imports(tmp_path: Path) -> None:
    assert _problem("django.db") is not None
    assert _problem("housing.models") is not None
    assert _problem("tenders") is not None
    assert _problem("scoring.models") is not None
    assert _problem("scoring.services") is not None
    assert _problem("scoring.engine.facts") is None
    assert _problem("decimal") is None


@pytest.mark.parametrize(
    "code",
    [
        "import scoring.engine, sys; assert 'django' not in sys.modules, 'django'",
        "import scoring.engine.cli, sys; assert 'django' not in sys.modules, 'django'",
        "import scoring.engine, sys; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('housing', 'tenders', 'config')]; assert not bad, bad",
    ],
)
def test_importing_the_engine_loads_no_django(code: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()


def test_cli_runs_without_django_settings() -> None:
    env = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "does.not.exist"}
    code = (
        "import runpy, sys; sys.argv = ['scoring', '--help'];\n"
        "try:\n    runpy.run_module('scoring', run_name='__main__')\n"
        "except SystemExit as e:\n    assert e.code == 0\n"
        "assert 'django' not in sys.modules"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr.decode()
