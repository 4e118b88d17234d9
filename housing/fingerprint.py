"""What a cache of rendered HTML must change with across releases.

The tender page's fixed parts (``tenders.selectors``) and an applicant's summary of
answers (``applications.views``) are kept in Django's cache under keys of their
content; a cache shared between processes may outlive a deploy, so each key also
holds this fingerprint of the code that renders it.
"""

import hashlib
from collections.abc import Iterable
from pathlib import Path

import django
from django.conf import settings


def release_fingerprint(sources: Iterable[Path]) -> str:
    """16 hex digits of SHA-256 over Django's version, each of ``sources`` (a missing
    file by its name) and every compiled translation under ``LOCALE_PATHS``."""
    digest = hashlib.sha256(django.get_version().encode())
    for path in sources:
        digest.update(path.read_bytes() if path.exists() else str(path).encode())
    for folder in settings.LOCALE_PATHS:
        for compiled in sorted(Path(folder).glob("*/LC_MESSAGES/*.mo")):
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:16]
