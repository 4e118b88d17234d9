"""Authorization matrix (issue 9, item 9): every URL pattern of the project, every
method it takes, as every actor.

Actors (``tests/authz/world.py``): anonymous; applicants A and B; lessor X's admin,
commission chair, commission member and clerk (every role of ``StaffRole``); lessor
Y's admin and commission member; a superuser. Staff have verified a second factor.

Each case (``tests/authz/cases.py``) makes one request, with valid data for POSTs
(a real publish, a category with valid points, a later deadline, a section with valid
answers...), as each actor in turn on the same fresh objects (each request is rolled
back afterwards), and checks the answer (200, 302 to where, the login page, 403, 404,
405) and the database: every row of the project's tables, history included, must be
unchanged for an actor who may not act, and changed for one who may (so a view that
silently does nothing fails too). Another party's object answers 404.

A URL pattern with no case fails ``test_every_url_pattern_has_cases``. The meta-tests
at the end patch each permission function to allow everything and show that the
matrix then fails: it catches a removed check.
"""

from contextlib import contextmanager
import sys
from unittest import mock

import pytest

from tests.authz.cases import MATRIX, all_patterns, cases_for
from tests.authz.engine import run_case
from tests.authz.world import ACTORS, make_world, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fast_pdfs(monkeypatch):
    """WeasyPrint's layout is the slow part of a PDF page and tells nothing about
    who may see it (tests/applications and tests/tenders check the PDFs): the
    pages still build their HTML from the same objects, the PDF is a blank page."""
    import weasyprint

    blank = pdf_bytes()
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *a, **k: blank)


@pytest.fixture
def world(db):
    return make_world()


def url_groups() -> list[str]:
    """One test per URL name; the Django admin's pages together in one."""
    names = [name for name, _route in all_patterns() if not name.startswith("admin:")]
    return [*dict.fromkeys(names), "admin"]


GROUPS = url_groups()


def group_cases(group: str) -> list:
    return [
        case
        for name, route in all_patterns()
        if name == group or (group == "admin" and name.startswith("admin:"))
        for case in cases_for(name, route)
    ]


def test_every_url_pattern_has_cases():
    missing = [
        f"{name} ({route})" for name, route in all_patterns() if not cases_for(name, route)
    ]
    assert not missing, (
        "URL patterns without an authorization matrix case (add them to MATRIX in "
        f"tests/authz/cases.py): {missing}"
    )
    stale = set(MATRIX) - {name for name, _route in all_patterns()}
    assert not stale, f"Cases for URL names that no longer exist: {stale}"


def test_every_case_names_every_actor():
    for cases in MATRIX.values():
        for case in cases:
            assert set(case.expect) == set(ACTORS), case.id
            assert set(case.acts) <= set(ACTORS), case.id
            if case.method == "get":
                assert not case.acts, f"{case.id}: a GET never writes"


@pytest.mark.parametrize("group", GROUPS)
def test_authorization_matrix(world, group):
    cases = group_cases(group)
    assert cases, f"No case for {group}"
    problems: list[str] = []
    for case in cases:
        found, _count = run_case(case, world)
        problems.extend(found)
    assert not problems, "\n".join(problems)


# --- The matrix catches a removed check ------------------------------------------------


def _everywhere(dotted: str):
    """Every module attribute bound to the function ``dotted`` (the views import
    the permission functions by name, so patching the module alone is not enough)."""
    module_name, _dot, attribute = dotted.rpartition(".")
    original = getattr(sys.modules[module_name], attribute)
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").split(".")[0] not in {
            "housing",
            "tenders",
            "applications",
            "scoring",
            "config",
        }:
            continue
        for key, value in list(vars(module).items()):
            if value is original:
                yield module, key


@contextmanager
def allowing_everything(dotted: str):
    """``dotted`` (a permission function) patched wherever it is bound, so that it
    lets everyone do everything: the check is as good as removed."""
    if dotted.endswith("staff_lessor_ids"):
        replacement = lambda *args, **kwargs: None  # noqa: E731 (all lessors)
    else:
        replacement = lambda *args, **kwargs: True  # noqa: E731
    places = list(_everywhere(dotted))
    assert places, dotted
    with _patch_all(places, replacement):
        yield


@contextmanager
def _patch_all(places, replacement):
    patchers = [mock.patch.object(module, key, replacement) for module, key in places]
    for patcher in patchers:
        patcher.start()
    try:
        yield
    finally:
        for patcher in reversed(patchers):
            patcher.stop()


PATCHED = sorted(
    {guard for cases in MATRIX.values() for case in cases for guard in case.guards}
)


@pytest.mark.parametrize("dotted", PATCHED)
def test_matrix_catches_a_removed_check(world, dotted):
    """With the permission function allowing everything, the matrix's cases that
    rely on it fail (for each function at least one problem), while they pass as
    they are. Only the cases guarded by the function run, POSTs first."""
    cases = [
        case
        for cases in MATRIX.values()
        for case in cases
        if dotted in case.guards
    ]
    cases.sort(key=lambda case: case.method != "post")
    problems: list[str] = []
    with allowing_everything(dotted):
        for case in cases:
            found, _count = run_case(case, world)
            problems.extend(found)
            if problems:
                break
    assert problems, f"Allowing everything in {dotted} went unnoticed by the matrix"
