"""The benchmarks (``bench/``, ``./scripts/bench``): production-like, on PostgreSQL.

Only the benchmark processes use this module (``bench/_project.py`` and the gunicorn
server that ``python -m bench.http`` starts); nothing else sets it. Differences from
``production``, each because it would measure something else than the pages:

- ``BENCH = True``, and login throttling (django-axes) off: 200 simulated users log in
  from one address, which the real throttle rightly takes for an attack;
- a fast password hasher: each simulated user logs in once, and 200 PBKDF2 logins at
  start would saturate both cores for a minute (the login is not a benchmark target);
- background tasks run inline (``ImmediateBackend``), so a benchmark times the work of
  the worker in its own process and can roll it back; except in the HTTP benchmark's
  server (``NAJEM_BENCH_SERVER=1``), where they are queued in the database as in
  production;
- no TLS (HTTP on 127.0.0.1), DEBUG off, stored files in a throwaway folder.
"""

import atexit
import shutil
import tempfile
from pathlib import Path

from config.env import env

from .base import *  # noqa: F403

BENCH = True
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/najem_bench"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"]["CONN_MAX_AGE"] = 60
AXES_ENABLED = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not env.bool("NAJEM_BENCH_SERVER", default=False):
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
MEDIA_ROOT = Path(
    env("NAJEM_BENCH_MEDIA_ROOT", default="") or tempfile.mkdtemp(prefix="najem-bench-")
)
if not env("NAJEM_BENCH_MEDIA_ROOT", default=""):
    atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405
# WeasyPrint logs every page it lays out at INFO.
LOGGING["loggers"]["weasyprint"] = {"level": "WARNING"}  # noqa: F405
