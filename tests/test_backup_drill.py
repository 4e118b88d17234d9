"""Backup drill: scripts/backup, then scripts/restore into a fresh database.

Runs on PostgreSQL only (CI runs it there); on SQLite it is skipped with the reason.
It commits rows and writes private documents, backs them up with the real script,
restores them into a database created for the drill, and compares every table (row
count and a checksum of its rows), every sequence, and every file's SHA-256.
"""

import hashlib
import os
import secrets
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from django.db import connection

import pytest

from housing.constants import StaffRole
from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
BACKUP = ROOT / "scripts" / "backup"
RESTORE = ROOT / "scripts" / "restore"


def script_env(**overrides: str) -> dict[str, str]:
    """The environment for the scripts: ours, minus settings that could leak in."""
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "NAJEM_", "PG")) and k != "DATABASE_URL"
    }
    return {**base, **overrides}


def run(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [str(a) for a in args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "the backup drill needs PostgreSQL (pg_dump, pg_restore); CI runs it. "
            "Locally: DATABASE_URL=postgres://postgres@127.0.0.1:5432/najem pytest "
            "tests/test_backup_drill.py"
        )
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            message = f"{tool} is not installed (Debian: postgresql-client)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)


def database_url(name: str) -> str:
    """A postgres:// URL for database ``name`` on the test database's server."""
    s = connection.settings_dict
    userinfo = quote(s.get("USER") or "", safe="")
    if s.get("PASSWORD"):
        userinfo += ":" + quote(s["PASSWORD"], safe="")
    host = quote(s.get("HOST") or "", safe="")
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{userinfo}{'@' if userinfo else ''}{host}{port}/{name}"


def pg_connect(name: str):
    """A psycopg2 connection (autocommit) to database ``name`` on the same server."""
    import psycopg2

    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        user=s.get("USER") or None,
        password=s.get("PASSWORD") or None,
        host=s.get("HOST") or None,
        port=s.get("PORT") or None,
    )
    conn.autocommit = True
    return conn


def fingerprint(name: str) -> dict[str, tuple]:
    """Every table's row count and rows' checksum, and every sequence's value."""
    from psycopg2 import sql

    result: dict[str, tuple] = {}
    with pg_connect(name) as conn, conn.cursor() as cur:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cur.fetchall():
            cur.execute(
                sql.SQL(
                    "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' "
                    "ORDER BY t::text), '')) FROM {} AS t"
                ).format(sql.Identifier(table))
            )
            result[f"table {table}"] = cur.fetchone()
        cur.execute(
            "SELECT sequencename, last_value FROM pg_sequences "
            "WHERE schemaname = 'public'"
        )
        for sequence, last_value in cur.fetchall():
            result[f"sequence {sequence}"] = (last_value,)
    conn.close()
    return result


def file_checksums(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def fresh_database() -> Iterator[str]:
    """An empty database for the restore, dropped afterwards."""
    from psycopg2 import sql

    require_postgresql()
    name = f"najem_drill_{secrets.token_hex(4)}"
    admin = pg_connect(connection.settings_dict["NAME"])
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with admin.cursor() as cur:
            cur.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                    sql.Identifier(name)
                )
            )
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_and_document(tmp_path, fresh_database):
    # Committed rows (pg_dump reads them from its own connection).
    lessor = LessorFactory(name="JSS Drill", slug="jss-drill")
    LessorFactory.create_batch(2)
    for role in StaffRole:
        MembershipFactory(lessor=lessor, role=role)
    UserFactory.create_batch(3)
    lessor.name = "JSS Drill (renamed)"
    lessor.save()  # a "changed" history row too

    media = tmp_path / "private-media"
    (media / "applications" / "17").mkdir(parents=True)
    (media / "applications" / "17" / "izjava o dohodkih.pdf").write_bytes(
        b"%PDF-1.7\n" + os.urandom(4096)
    )
    (media / "applications" / "17" / "zdravniško potrdilo.pdf").write_bytes(
        os.urandom(10_000)
    )
    (media / "readme.txt").write_text("private documents\n", encoding="utf-8")

    source_name = connection.settings_dict["NAME"]
    before = fingerprint(source_name)
    assert before["table housing_lessor"][0] == 3
    assert before["table housing_historicallessor"][0] == 4

    backups = tmp_path / "backups"
    made = run(
        BACKUP,
        env=script_env(
            DATABASE_URL=database_url(source_name),
            DJANGO_PRIVATE_MEDIA_ROOT=str(media),
            NAJEM_BACKUP_DIR=str(backups),
        ),
    )
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    assert folder.parent == backups
    assert sorted(p.name for p in folder.iterdir()) == [
        "INFO",
        "SHA256SUMS",
        "database.dump",
        "private-media.tar.gz",
    ]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700  # owner only

    restored_media = tmp_path / "restored-media"
    restored = run(
        RESTORE,
        "--yes",
        folder,
        env=script_env(
            DATABASE_URL=database_url(fresh_database),
            DJANGO_PRIVATE_MEDIA_ROOT=str(restored_media),
        ),
    )
    assert restored.returncode == 0, restored.stderr

    after = fingerprint(fresh_database)
    assert after.keys() == before.keys()
    differences = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
    assert not differences
    assert file_checksums(restored_media) == file_checksums(media)
    assert len(file_checksums(media)) == 3


def test_backup_refuses_sqlite(tmp_path):
    result = run(
        BACKUP,
        env=script_env(
            DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
            NAJEM_BACKUP_DIR=str(tmp_path / "backups"),
        ),
    )
    assert result.returncode != 0
    assert "PostgreSQL only" in result.stderr
    assert not (tmp_path / "backups").exists()


def test_restore_refuses_a_damaged_backup(tmp_path):
    folder = tmp_path / "20260101T000000Z"
    folder.mkdir()
    (folder / "database.dump").write_bytes(b"dump")
    (folder / "private-media.tar.gz").write_bytes(b"tar")
    sums = "".join(
        f"{hashlib.sha256(b'something else').hexdigest()}  {name}\n"
        for name in ("database.dump", "private-media.tar.gz")
    )
    (folder / "SHA256SUMS").write_text(sums, encoding="utf-8")
    media = tmp_path / "media"
    result = run(
        RESTORE,
        "--yes",
        folder,
        env=script_env(
            # Never reached: the check fails before any connection.
            DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
            DJANGO_PRIVATE_MEDIA_ROOT=str(media),
        ),
    )
    assert result.returncode != 0
    assert "damaged" in result.stderr
    assert not media.exists()


# --- A published list version survives the restore with its hashes (issue 14) --------

from tests.lists import conftest as lists_fixtures  # noqa: E402

lessor = lists_fixtures.lessor
tender = lists_fixtures.tender
staff = lists_fixtures.staff
applicant = lists_fixtures.applicant
sub_lists = lists_fixtures.sub_lists
verified = lists_fixtures.verified


@pytest.fixture
def restored_alias(fresh_database) -> Iterator[str]:
    """A connection alias to the restored database, so the real code reads it.

    Made as a connection of its own, outside ``DATABASES``: Django's test case
    allows such dynamically created connections."""
    from django.db import connections

    alias = "restored"
    settings_dict = {**connections.settings["default"], "NAME": fresh_database}
    restored = connections["default"].__class__(settings_dict, alias=alias)
    connections[alias] = restored
    try:
        yield alias
    finally:
        restored.close()
        del connections[alias]


@pytest.mark.django_db(transaction=True)
def test_restored_published_version_reproduces_its_hashes(
    tmp_path, fresh_database, restored_alias, settings, tender, staff, verified
):
    from lists import services
    from lists.constants import ListState
    from lists.models import ListVersion
    from tests.lists.test_decisions import publish

    media = Path(settings.MEDIA_ROOT)  # where the published PDFs were stored
    published = publish(tender, staff)
    assert published.pdf_sha256
    assert published.pdf_en_sha256

    backups = tmp_path / "backups"
    made = run(
        BACKUP,
        env=script_env(
            DATABASE_URL=database_url(connection.settings_dict["NAME"]),
            DJANGO_PRIVATE_MEDIA_ROOT=str(media),
            NAJEM_BACKUP_DIR=str(backups),
        ),
    )
    assert made.returncode == 0, made.stderr
    restored_media = tmp_path / "restored-media"
    restored = run(
        RESTORE,
        "--yes",
        Path(made.stdout.strip().splitlines()[-1]),
        env=script_env(
            DATABASE_URL=database_url(fresh_database),
            DJANGO_PRIVATE_MEDIA_ROOT=str(restored_media),
        ),
    )
    assert restored.returncode == 0, restored.stderr

    # The restored database, read through the models: the published version.
    version = ListVersion.objects.using(restored_alias).get(
        tender_id=tender.pk, state=ListState.PUBLISHED
    )
    assert version.pk == published.pk
    # Its stored input and data give the stored hashes again ...
    assert services.sha256(version.engine_input) == version.input_sha256
    assert version.input_sha256 == published.input_sha256
    assert services.sha256(services.version_data(version)) == version.data_sha256
    assert version.entries.count() == 3  # read from the restored database
    assert version.data_sha256 == published.data_sha256
    # ... the engine, run again on the restored input, gives the same output ...
    assert services.sha256(services.run_rank(version.engine_input)) == (
        services.sha256(version.engine_output)
    )
    assert services.sha256(version.engine_output) == services.sha256(
        published.engine_output
    )
    # ... and the restored PDF files have the SHA-256 the public page shows.
    for field, digest in (("pdf", "pdf_sha256"), ("pdf_en", "pdf_en_sha256")):
        path = restored_media / getattr(version, field).name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == getattr(version, digest)
        assert getattr(version, digest) == getattr(published, digest)
