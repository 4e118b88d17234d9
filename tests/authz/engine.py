"""Run one case of the matrix as every actor: check the answer, and check that the
database changed exactly when the actor may act.

Each actor's request runs in a savepoint that is rolled back afterwards, so every actor
meets the same fresh objects (a permitted publish does not spoil the next actor), and
one snapshot taken before the first actor serves for all of them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import connection, transaction
from django.http import FileResponse
from django.urls import reverse

from .downloads import download_problem
from .world import ACTORS, GROUPS, World

# --- Outcomes --------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    kind: str
    # For redirects: where to (a URL name and the world's object whose pk it takes).
    to: tuple[str, str | None] | None = None

    def __call__(self, name: str, key: str | None = None) -> "Outcome":
        return Outcome(self.kind, (name, key))

    def __str__(self) -> str:
        return self.kind if self.to is None else f"{self.kind} to {self.to[0]}"


OK = Outcome("200")
REDIRECT = Outcome("302")  # to a page that is not the login page; REDIRECT("name", key)
LOGIN = Outcome("login")  # 302 to the login page
FORBIDDEN = Outcome("403")
NOT_FOUND = Outcome("404")
NOT_ALLOWED = Outcome("405")
DENIED = Outcome("denied")  # the login page, 403 or 404: anything but the page
ANY = Outcome("any")  # no server error (the admin's own pages)


def who(default: Outcome, **overrides: Outcome) -> dict[str, Outcome]:
    """The outcome per actor: ``default``, then groups of ``world.GROUPS``
    (``x_staff=...``), then single actors (``admin_x=...``)."""
    result = dict.fromkeys(ACTORS, default)
    for group, members in GROUPS.items():
        if group in overrides:
            for actor in members:
                result[actor] = overrides[group]
    for actor in ACTORS:
        if actor in overrides:
            result[actor] = overrides[actor]
    unknown = set(overrides) - set(GROUPS) - set(ACTORS)
    assert not unknown, unknown
    return result


# --- Cases -----------------------------------------------------------------------------


@dataclass
class Case:
    """One request (URL, method, data) made by every actor, and what each must get.

    ``acts``: the actors whose request must change the database (everyone else's must
    not). ``data(world)`` is called once per actor (an upload is read once).
    ``guards``: the permission functions this case proves (the meta-test patches them).
    """

    name: str
    kwargs: Callable[[World], dict] = lambda w: {}
    expect: dict[str, Outcome] = field(default_factory=dict)
    method: str = "get"
    data: Callable[[World], dict] | None = None
    acts: frozenset[str] | set[str] = frozenset()
    # Actors whose writes are not checked either way (the superuser in the admin).
    may: frozenset[str] | set[str] = frozenset()
    label: str = ""
    url: str | None = None  # unnamed patterns, which cannot be reversed
    query: str | Callable[[World], str] = ""
    setup: Callable[[World], Any] | None = None
    # Run once per world before the case's savepoint (``World.ensure``): objects that
    # only some cases need and that outlive the case (the priority lists).
    needs: Callable[[World], Any] | None = None
    # Run with each actor's client before the request, in the same savepoint (the
    # first step of a two-step page).
    prepare: Callable[[Any, World], Any] | None = None
    guards: tuple[str, ...] = ()
    # A known authorization bug of the view (the matrix's expectation is right):
    # the case runs as ``xfail(strict=True)`` with this reason until it is fixed.
    bug: str = ""

    @property
    def id(self) -> str:
        label = f"[{self.label}]" if self.label else ""
        return f"{self.method.upper()} {self.name}{label}"


# --- The database's fingerprint ------------------------------------------------------


def project_apps() -> set[str]:
    """The labels of the project's own apps (those under BASE_DIR, not libraries)."""
    from pathlib import Path

    from django.conf import settings

    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if base in Path(config.path).resolve().parents
        and ".venv" not in Path(config.path).parts
        and "site-packages" not in Path(config.path).parts
    }


def project_models() -> list:
    """Every model of the project's apps, history and many-to-many tables included
    (sessions, django-axes, devices and the admin log are not: logins change them)."""
    labels = project_apps()
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_label in labels
    ]


def snapshot() -> dict[str, list[tuple]]:
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values_list())
        for model in project_models()
    }


class writes_seen:
    """Notes whether any INSERT, UPDATE or DELETE reached a project table: without
    one, nothing changed and no snapshot is needed (GETs and most refusals)."""

    tables: frozenset[str] = frozenset()

    def __init__(self):
        if not writes_seen.tables:
            writes_seen.tables = frozenset(
                f'"{m._meta.db_table.lower()}"' for m in project_models()
            )
        self.seen = False

    def __call__(self, execute, sql, params, many, context):
        if not self.seen:
            head = sql.lstrip()[:7].upper()
            if head.startswith(("INSERT", "UPDATE", "DELETE")):
                lowered = sql.lower()
                self.seen = any(table in lowered for table in self.tables)
        return execute(sql, params, many, context)


def changed_tables(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


class _Rollback(Exception):
    pass


class rolled_back:
    """``with rolled_back():`` everything written inside is undone at the end."""

    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            exc_type, exc = _Rollback, _Rollback()
        self.atomic.__exit__(exc_type, exc, tb)
        return exc_type is _Rollback


# --- Checks ----------------------------------------------------------------------------


def outcome_problem(response, expected: Outcome, world: World) -> str | None:
    status, location = response.status_code, response.get("Location", "")
    is_login = status == 302 and "/login/" in location.split("?")[0]
    kind = expected.kind
    if kind == "200":
        ok = status == 200
    elif kind == "302":
        ok = status == 302 and not is_login
        if ok and expected.to is not None:
            name, key = expected.to
            target = reverse(name, kwargs={"pk": world[key].pk} if key else {})
            ok = location.split("?")[0] == target
    elif kind == "login":
        ok = is_login
    elif kind in ("403", "404", "405"):
        ok = status == int(kind)
    elif kind == "denied":
        ok = is_login or status in (403, 404)
    else:  # any
        ok = status < 500
    return None if ok else f"expected {expected}"


def header_problem(response, signed_in: bool) -> str | None:
    """Headers every HTML page carries (docs/security.md), and every stored file."""
    if isinstance(response, FileResponse):
        return download_problem(response)
    if not response.get("Content-Type", "").startswith("text/html"):
        return None
    csp = response.get("Content-Security-Policy", "")
    script_src = next(
        (part for part in csp.split(";") if part.strip().startswith("script-src")), ""
    )
    problems = []
    if "'unsafe-inline'" in script_src:
        problems.append("unsafe-inline script")
    if "frame-ancestors 'none'" not in csp or "object-src 'none'" not in csp:
        problems.append("CSP")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if not response.get("Referrer-Policy"):
        problems.append("Referrer-Policy")
    if signed_in and "no-store" not in response.get("Cache-Control", ""):
        problems.append("no-store")
    return ", ".join(problems) or None


def _cookies(client) -> SimpleCookie:
    jar = SimpleCookie()
    for key, morsel in client.cookies.items():
        jar[key] = morsel.value
    return jar


@dataclass(frozen=True)
class Problem:
    actor: str
    text: str
    # Whether the actor may not act here: a problem of theirs is a check let through.
    denied: bool

    def __str__(self) -> str:
        return self.text


def run_case(
    case: Case, world: World, actors: Iterable[str] = ACTORS
) -> tuple[list[Problem], int]:
    """Make the case's request as each actor; the problems found, and how many
    requests were made. Nothing the requests write outlives the call."""
    problems: list[Problem] = []
    count = 0
    if case.needs is not None:
        case.needs(world)
    with rolled_back():
        if case.setup is not None:
            case.setup(world)
        url = case.url or reverse(case.name, kwargs=case.kwargs(world))
        url += case.query(world) if callable(case.query) else case.query
        before = None  # the snapshot of the untouched objects, when one is needed
        for actor in actors:
            expected = case.expect[actor]
            client = world.clients[actor]
            cookies = _cookies(client)
            cache.clear()  # request limits (password reset) count in the cache
            data = case.data(world) if case.data is not None else {}
            where = f"{actor:<11} {case.method.upper()} {url} ({case.id})"
            if case.method == "post":
                denied = actor not in case.acts
            else:
                denied = expected.kind in ("login", "403", "404", "denied")

            def report(text: str, actor=actor, denied=denied) -> None:
                problems.append(Problem(actor, text, denied))

            writes = writes_seen()
            after = None
            try:
                with rolled_back():
                    if case.prepare is not None:
                        case.prepare(client, world)
                    with connection.execute_wrapper(writes):
                        response = getattr(client, case.method)(url, data)
                    if writes.seen:
                        after = snapshot()
            except Exception as error:  # a 500: the view raised
                report(f"{where}: raised {error!r}")
                continue
            finally:
                client.cookies = cookies  # a logout or new session is undone too
            # Rolled back: the database is as every actor found it.
            if after is not None and before is None:
                before = snapshot()
            changed = changed_tables(before, after) if after is not None else []
            count += 1
            got = f"{response.status_code} {response.get('Location', '')}".strip()
            problem = outcome_problem(response, expected, world)
            if problem:
                report(f"{where}: {problem}, got {got}")
            problem = header_problem(response, actor != "anonymous")
            if problem:
                report(f"{where}: headers: {problem}")
            if actor in case.acts and not changed:
                report(f"{where}: must act, the database did not change")
            elif actor not in case.acts and actor not in case.may and changed:
                report(f"{where}: must not act, but changed {changed}")
    return problems, count
