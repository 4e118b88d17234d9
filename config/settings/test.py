"""Tests: fast hasher, in-memory email, naive datetimes are errors."""

import atexit
import shutil
import tempfile
import warnings
from pathlib import Path

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TEMPLATES[0]["OPTIONS"]["debug"] = True  # noqa: F405
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # noqa: F405
# Stored files (the tenders' PDFs) go to a folder of this test run, removed at its end.
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="najem-test-media-"))
atexit.register(shutil.rmtree, MEDIA_ROOT, ignore_errors=True)
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

warnings.filterwarnings(
    "error", r"DateTimeField .* received a naive datetime", RuntimeWarning
)

# django-axes logs every login at INFO; tests log in hundreds of times.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # noqa: F405
