"""What the benchmarks that drive the Django project share (issue 15): the settings,
the PostgreSQL database, a generated tender reused between runs, the machine's load and
Markdown tables.

The database is ``DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/
najem_bench``): created and migrated when missing. Generated tenders stay there (code
``bench-<seed>-<N>``) and are reused by later runs, since generating 50,000 applications
takes minutes; what a benchmark writes on them is rolled back.
"""

from __future__ import annotations

import os
import platform
import time
from collections.abc import Iterable, Sequence
from typing import Any

DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/najem_bench"
SEED = 1


def setup(*, migrate: bool = True) -> None:
    """Configure Django with ``config.settings.bench`` (once) and make sure the
    database exists and is migrated. Does nothing more when Django is already set up
    (the smoke tests run inside pytest-django's test database)."""
    from django.apps import apps

    if apps.ready:
        return
    # Always the bench settings: another module would, e.g., queue the e2e tasks for a
    # worker that does not run, or measure with DEBUG's query log.
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.bench"
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    _create_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def _create_database(url: str) -> None:
    """``CREATE DATABASE`` when a PostgreSQL URL names one that does not exist."""
    if not url.startswith(("postgres://", "postgresql://")):
        return
    from urllib.parse import urlsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def database_url() -> str:
    """The URL of the database this process uses (for a server it starts: inside
    pytest, that is the test database)."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor != "postgresql":
        raise RuntimeError("This benchmark needs PostgreSQL (DATABASE_URL).")
    user = s.get("USER") or ""
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    at = f"{user}{password}@" if user else ""
    return f"postgres://{at}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def is_postgresql() -> bool:
    from django.db import connection

    return bool(connection.vendor == "postgresql")


def tender_code(n: int, seed: int = SEED) -> str:
    return f"bench-{seed}-{n}"


def generated_tender(n: int, seed: int = SEED, *, log: Any = print) -> Any:
    """The generated tender of ``n`` applications (``generate_tender``), made on the
    first run and reused later; its generation time is printed, not measured."""
    from applications.generate import generate_tender
    from tenders.models import Tender

    code = tender_code(n, seed)
    tender = Tender.objects.filter(code=code).first()
    if tender is not None:
        return tender
    started = time.perf_counter()
    tender, _timings = generate_tender(applications=n, seed=seed, code=code)
    log(
        f"  (generated {code}: {n:,} applications in {time.perf_counter() - started:.1f} s)"
    )
    return tender


def staff(tender: Any, key: str) -> Any:
    """The generated tender's ``chair``, ``member`` or ``clerk``."""
    from housing.models import User

    return User.objects.get(email=f"{key}-{tender.code.lower()}@generated.najem.test")


class Rollback(Exception):
    """Raised to leave an ``atomic`` block after a measurement."""


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"{one:.2f} (5 min {five:.2f})"


def machine() -> str:
    return (
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load()}"
    )


def markdown(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (numbers right-aligned)."""
    rows = [[str(cell) for cell in row] for row in rows]
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def sizes(text: str) -> list[int]:
    """``--sizes 1000,10000`` (also ``10k``)."""
    found = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if part:
            found.append(
                int(float(part[:-1]) * 1000) if part.endswith("k") else int(part)
            )
    return found
