import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

import pytest

ROOT = Path(__file__).resolve().parent.parent

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-the-deploy-check-0123456789",
    "DJANGO_ALLOWED_HOSTS": "najem.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/najem",
    "DJANGO_DEFAULT_FROM_EMAIL": "najem@najem.example",
}


def run_manage(*args, env):
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k != "DATABASE_URL"
    }
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        "--settings=config.settings.production",
        env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOWED_HOSTS"]
)
def test_production_refuses_to_start_without_required_variable(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = run_manage("check", "--settings=config.settings.production", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite():
    env = {**PRODUCTION_ENV, "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}
    result = run_manage("check", "--settings=config.settings.production", env=env)
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_time_zone_languages_and_formats():
    assert settings.TIME_ZONE == "Europe/Ljubljana"
    assert settings.USE_TZ is True
    assert settings.LANGUAGE_CODE == "sl"
    assert [code for code, _ in settings.LANGUAGES] == ["sl", "en"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def test_slovenian_formats_are_used(settings):
    import datetime
    from decimal import Decimal

    from django.utils import formats, translation

    with translation.override("sl"):
        assert formats.date_format(datetime.date(2026, 3, 2)) == "2. 3. 2026"
        assert formats.number_format(Decimal("1234.5"), 2, force_grouping=True) == (
            "1.234,50"
        )


def test_naive_datetimes_raise_in_tests(db):
    import datetime

    from tenders.models import Tender
    from tests.housing.factories import LessorFactory

    tender = Tender(
        lessor=LessorFactory(),
        title="x",
        deadline=datetime.datetime(2026, 1, 1, 12, 0),  # noqa: DTZ001
    )
    with pytest.raises(RuntimeWarning, match="naive datetime"):
        tender.save()


def test_production_hardening_values():
    """HSTS for a year with subdomains, secure cookies, SSL redirect (ASVS 3.4, 12.1)."""
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_SAMESITE, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        code,
        "--settings=config.settings.production",
        env=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "31536000",
        "True",
        "True",
        "True",
        "True",
        "Lax",
        "True",
        "False",
    ]


def test_the_default_cache_keeps_a_deadline_rush(tmp_path):
    """The per-process cache keeps 3,000 entries (Django's default, 300, would cull the
    summaries of a rush of applicants); a cache named in DJANGO_CACHE_URL keeps its own."""
    code = (
        "from django.conf import settings; c = settings.CACHES['default']; "
        "print(c['BACKEND'].rsplit('.', 1)[1], c.get('OPTIONS', {}).get('MAX_ENTRIES'))"
    )
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_CACHE_URL"}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    for url, expected in (
        (None, "LocMemCache 3000"),
        (f"filecache://{tmp_path}", "FileBasedCache None"),
    ):
        env = dict(base, **({"DJANGO_CACHE_URL": url} if url else {}))
        out = subprocess.run(  # noqa: S603 - this interpreter, our own code
            [sys.executable, "-c", f"import django; django.setup(); {code}"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            timeout=120,
        ).stdout
        assert out.strip() == expected
