"""Authorization matrix (issue 9, item 9): every URL pattern of the project, every
method it takes, as every actor.

Actors (``tests/authz/world.py``): anonymous; applicants A and B; lessor X's admin,
commission chair, commission member and clerk (every role of ``StaffRole``); lessor
Y's admin and commission member; a superuser. Staff have verified a second factor.

Each case (``tests/authz/cases.py``) makes one request, with valid data for POSTs
(a real publish of a publishable draft, a category with valid points, an amendment
with a later deadline, a section with valid answers, a real PDF upload...), as each
actor in turn on the same objects (each request is rolled back afterwards,
``tests/authz/engine.py``), and checks the answer (200, 302 to where, the login page,
403, 404, 405) and the database: every row of the project's tables, history
included, must be unchanged for an actor who may not act, and changed for one who
may (so a view that silently does nothing fails too). Another party's object
answers 404.

A URL pattern with no case fails ``test_every_url_pattern_has_cases``. The
meta-tests at the end remove a check (they patch a permission function to allow
everything) and show that the matrix then fails.
"""

import sys
from contextlib import contextmanager
from unittest import mock

import pytest

from tests.authz.cases import MATRIX, all_patterns, cases_for
from tests.authz.engine import Case, project_apps, run_case
from tests.authz.world import ACTORS, make_world, pdf_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fast_pdfs(monkeypatch):
    """WeasyPrint's layout is the slow part of a PDF page and tells nothing about
    who may see it (tests/applications and tests/tenders check the PDFs): the pages
    still build their HTML from the same objects; the PDF is a blank page."""
    import weasyprint

    blank = pdf_bytes()
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *a, **k: blank)


@pytest.fixture
def world(db):
    return make_world()


def area(name: str) -> str:
    """The test a URL name's cases run in: one world is built per test."""
    if name.startswith("admin:"):
        return "admin"
    if name.startswith(("review:", "lists:")):
        return "review"
    if name.startswith(("tenders:", "object_history", "jobs:")):
        return "tenders"
    if name.startswith("applications:"):
        if (
            "document" in name
            or "receipt" in name
            or name.startswith("applications:data")
        ):
            return "applications documents"
        return "applications"
    return "accounts and public pages"


def all_cases() -> list[Case]:
    return [case for name, route in all_patterns() for case in cases_for(name, route)]


AREAS = sorted({area(case.name) for case in all_cases()})
KNOWN_BUGS = [case for case in all_cases() if case.bug]


def test_every_url_pattern_has_cases():
    missing = [
        f"{name} ({route})"
        for name, route in all_patterns()
        if not cases_for(name, route)
    ]
    assert not missing, (
        "URL patterns without an authorization matrix case (add them to MATRIX in "
        f"tests/authz/cases.py): {missing}"
    )
    stale = set(MATRIX) - {name for name, _route in all_patterns()}
    assert not stale, f"Cases for URL names that no longer exist: {stale}"


def test_every_case_names_every_actor():
    for case in all_cases():
        assert set(case.expect) == set(ACTORS), case.id
        assert set(case.acts) <= set(ACTORS), case.id
        if case.method == "get":
            assert not case.acts, f"{case.id}: a GET never writes"


def test_every_state_changing_url_is_posted_with_data_someone_applies():
    """A view that takes POST has a POST case in which some actor acts, unless it
    changes none of the project's tables (accounts' pages about sessions and
    devices) or refuses POST (405)."""
    no_project_writes = {
        "login_code",
        "otp_setup",
        "otp_verify",
        "otp_remove",
        "password_reset",
        "verification_resend",
        "logout",
        "set_language",
        "applications:check",
        "applications:confirmation",
        "review:bulk_confirm",  # limited: posted without facts (see the report)
        "lists:tender",  # limited: the build is refused (nothing verified)
    }
    by_name: dict[str, list[Case]] = {}
    for case in all_cases():
        by_name.setdefault(case.name, []).append(case)
    for name, cases in by_name.items():
        posts = [
            c
            for c in cases
            if c.method == "post" and any(o.kind != "405" for o in c.expect.values())
        ]
        if not posts or name in no_project_writes or name.startswith("admin:"):
            continue
        assert any(c.acts for c in posts), f"{name}: no POST case in which anyone acts"


@pytest.mark.parametrize("group", AREAS)
def test_authorization_matrix(world, group):
    cases = [c for c in all_cases() if area(c.name) == group and not c.bug]
    problems = []
    requests = 0
    for case in cases:
        found, count = run_case(case, world)
        problems.extend(found)
        requests += count
    assert not problems, "\n".join(map(str, problems))
    assert requests >= len(cases) * len(ACTORS) - 10  # nothing skipped silently


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=case.bug))
        for case in KNOWN_BUGS
    ]
    or [pytest.param(None, marks=pytest.mark.skip(reason="no known bug"))],
    ids=[case.id for case in KNOWN_BUGS] or ["none"],
)
def test_known_authorization_bugs(world, case):
    """Cases a view fails today (each reported with its reproduction): they fail
    here until the view is fixed, then xpass (strict) tells to drop the mark."""
    problems, _count = run_case(case, world)
    assert not problems, "\n".join(map(str, problems))


# --- The matrix catches a removed check ------------------------------------------------


def _bound_places(dotted: str):
    """Every module attribute bound to the function ``dotted``: the views and
    services import the permission functions by name, so patching the defining
    module alone would leave their copies in place."""
    module_name, _dot, attribute = dotted.rpartition(".")
    original = getattr(sys.modules[module_name], attribute)
    packages = {*project_apps(), "config"}
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").split(".")[0] not in packages:
            continue
        for key, value in list(vars(module).items()):
            if value is original:
                yield module, key


def _all_applications(user):
    from applications.models import Application

    return Application.objects.select_related("tender__lessor")


def _any_application(user, pk):
    return _all_applications(user).filter(pk=pk).first()


def _any_tender(*, user, pk):
    from django.shortcuts import get_object_or_404

    from tenders.models import Tender

    return get_object_or_404(Tender.objects.select_related("lessor"), pk=pk)


# What "allows everything" means for functions that do not answer yes or no.
ALLOW_ALL = {
    "housing.permissions.staff_lessor_ids": lambda user: None,  # every lessor
    "applications.selectors.application_of": _any_application,
    "tenders.selectors.tender_get_for_staff": _any_tender,
}


# Guards that are methods (patched on their class).
METHODS = {"housing.admin_site.NajemAdminSite.has_permission"}


@contextmanager
def allowing_everything(dotted: str, only_in: str | None = None):
    """The check ``dotted`` as good as removed: the function, wherever it is bound
    (or only in module ``only_in``), lets everyone do everything."""
    replacement = ALLOW_ALL.get(dotted, lambda *args, **kwargs: True)
    if dotted in METHODS:
        with mock.patch(dotted, replacement):
            yield
        return
    places = [
        (module, key)
        for module, key in _bound_places(dotted)
        if only_in is None or module.__name__ == only_in
    ]
    assert places, dotted
    patchers = [mock.patch.object(module, key, replacement) for module, key in places]
    for patcher in patchers:
        patcher.start()
    try:
        yield
    finally:
        for patcher in reversed(patchers):
            patcher.stop()


def let_through(cases: list[Case], world) -> list[str]:
    """The problems of denied actors (a check let them through), POSTs first; stops
    at the first case that shows some."""
    for case in sorted(cases, key=lambda c: c.method != "post"):
        problems, _count = run_case(case, world)
        through = [str(p) for p in problems if p.denied]
        if through:
            return through
    return []


STAFF_NOT_ADMIN = {"chair_x", "member_x", "clerk_x", "member_y"}
STAFF = ["admin_x", "chair_x", "member_x", "clerk_x", "admin_y", "member_y"]
GUARDS = sorted({guard for case in all_cases() for guard in case.guards})


@pytest.mark.parametrize("dotted", GUARDS)
def test_matrix_catches_a_removed_check(world, dotted):
    """With one permission function allowing everything, the cases that rely on it
    fail for some actor who must be refused (they pass in the matrix above)."""
    cases = [case for case in all_cases() if dotted in case.guards and not case.bug]
    assert cases
    with allowing_everything(dotted):
        through = let_through(cases, world)
    assert through, f"Allowing everything in {dotted} went unnoticed by the matrix"


def test_matrix_catches_the_admin_check_removed_from_the_configuration_views(world):
    """Issue 9's finding: without the lessor-admin check in the configuration views
    (the services still refuse), the suite passed. Now the commission and the clerk
    get the form back with the service's message instead of 403, and the matrix
    says so for every configuration POST."""
    cases = [
        case
        for case in all_cases()
        if case.method == "post"
        and "housing.permissions.can_configure_tenders" in case.guards
        and case.name != "tenders:create"
    ]
    with allowing_everything(
        "housing.permissions.can_configure_tenders", only_in="tenders.views"
    ):
        failing = []
        for case in cases:
            problems, _count = run_case(case, world, STAFF)
            if any(p.denied and p.actor in STAFF_NOT_ADMIN for p in problems):
                failing.append(case.id)
    assert len(cases) >= 10
    assert sorted(failing) == sorted(case.id for case in cases)


def test_matrix_catches_a_commission_member_publishing(world):
    """Issue 9's finding: the transition case posted an empty step that everyone is
    refused. Now it publishes a publishable draft: without the role check in the
    service, the commission member, chair and clerk publish, and the matrix says so."""
    (case,) = [
        c
        for c in MATRIX["tenders:transition"]
        if c.method == "post" and c.label == "publish X"
    ]
    with allowing_everything(
        "housing.permissions.has_role", only_in="tenders.services"
    ):
        problems, _count = run_case(case, world, STAFF)
    through = {p.actor for p in problems if p.denied and "must not act" in p.text}
    assert {"chair_x", "member_x", "clerk_x"} <= through


def test_matrix_catches_a_view_that_silently_does_nothing(world, monkeypatch):
    """A permitted POST that answers as if it saved, but saved nothing, fails too:
    the lessor admin and the superuser must change the database."""
    from tenders import services

    monkeypatch.setattr(
        services, "tender_tie_break_set", lambda *, tender, chain, by: tender
    )
    (case,) = [
        c for c in MATRIX["tenders:tie_break"] if c.method == "post" and c.label == "X"
    ]
    problems, _count = run_case(case, world, ["admin_x", "member_x", "superuser"])
    assert {p.actor for p in problems if "did not change" in p.text} == {
        "admin_x",
        "superuser",
    }
