"""Engine tests: plain pytest, no Django, no database.

Run them alone with ``pytest tests/scoring/engine -p no:django``. ``pyproject.toml``
passes pytest-django's options (``--ds``, ``--reuse-db``) in ``addopts``; with the
plugin off nobody knows them, so this conftest accepts and ignores them then.
"""

import argparse

import pytest


def pytest_addoption(
    parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager
) -> None:
    if pluginmanager.has_plugin("django"):
        return
    group = parser.getgroup("engine", "scoring engine tests without pytest-django")
    group.addoption("--ds", dest="engine_ignored_ds", help=argparse.SUPPRESS)
    group.addoption(
        "--reuse-db",
        action="store_true",
        dest="engine_ignored_reuse_db",
        help=argparse.SUPPRESS,
    )
