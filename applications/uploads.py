"""A size cap on uploads while they arrive (issue 12, 4).

Django keeps an upload in memory up to 2.5 MB and then in a temporary file, however
large it is; only afterwards could the service refuse it. :class:`CappedUploadHandler`,
first in the request's handler chain, stops reading a file as soon as it passes
``NAJEM_DOCUMENT_MAX_BYTES`` (10 MB), and refuses a request body declared larger than
that plus ``NAJEM_UPLOAD_FORM_OVERHEAD_BYTES`` before any of its file is kept. The
fields sent before the file (the CSRF token, "what the document proves") are kept, so
the form can answer with the translated message at the file field.

What was sent beyond the cap is not left to Django's parser, which would read it line by
line (a body without line breaks is one "line": 1 GB in memory). Once the page is
rendered, :func:`capped_uploads` reads it in 64 KiB pieces and throws them away, up to
``DRAIN_MAX_BYTES``, so that a browser still sending receives the page rather than a
reset connection; a larger rest is left unread (the server closes the connection or
skips it). The proxy in front refuses such bodies first (docs/operations.md,
``client_max_body_size``).

Installed per view (:func:`capped_uploads`), not in ``FILE_UPLOAD_HANDLERS``: other
uploads of the project (inspection photos) have limits of their own.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect


class CappedUploadHandler(FileUploadHandler):
    """Stop an upload once a file passes ``max_file_bytes`` or all files together
    pass ``max_body_bytes``, or at the first file when the body is declared larger
    than ``max_body_bytes``; mark the request ``upload_too_large``."""

    def __init__(
        self,
        request: HttpRequest | None = None,
        *,
        max_file_bytes: int | None = None,
        max_body_bytes: int | None = None,
    ) -> None:
        super().__init__(request)
        self.max_file_bytes = (
            settings.NAJEM_DOCUMENT_MAX_BYTES
            if max_file_bytes is None
            else max_file_bytes
        )
        self.max_body_bytes = (
            self.max_file_bytes + settings.NAJEM_UPLOAD_FORM_OVERHEAD_BYTES
            if max_body_bytes is None
            else max_body_bytes
        )
        self.declared_too_large = False
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict,
        content_length: int,
        boundary: bytes,
        encoding: str | None = None,
    ) -> None:
        # Not refused here: the fields before the file (the CSRF token) are read first.
        self.declared_too_large = content_length > self.max_body_bytes

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.declared_too_large:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if (
            start + len(raw_data) > self.max_file_bytes
            or self.received > self.max_body_bytes
        ):
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file

    def _refuse(self) -> None:
        if self.request is not None:
            self.request.upload_too_large = True  # type: ignore[attr-defined]
        # connection_reset=True: the parser must not read the rest (see the module).
        raise StopUpload(connection_reset=True)


def capped_uploads(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Install :class:`CappedUploadHandler` for ``view``.

    Upload handlers must be in place before anything reads ``request.POST``, and the
    CSRF middleware reads it before the view: so the middleware is told to skip the
    view and the same CSRF check runs here, after the handler is installed (Django's
    documented way, "Modifying upload handlers on the fly").
    """
    protected = csrf_protect(view)

    @csrf_exempt
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.upload_too_large = False  # type: ignore[attr-defined]
        request.upload_handlers.insert(0, CappedUploadHandler(request))
        response = protected(request, *args, **kwargs)
        if request.upload_too_large:  # type: ignore[attr-defined]
            drain(request)
        return response

    return wrapper


#: How much of a refused body is read and thrown away so that the page reaches the
#: browser (see the module docstring).
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_CHUNK_BYTES = 64 * 1024


def drain(request: HttpRequest, limit: int = DRAIN_MAX_BYTES) -> int:
    """Read and discard what is left of the request body, in small pieces, up to
    ``limit`` bytes; returns how much was read."""
    read = 0
    while read < limit:
        try:
            chunk = request.read(min(DRAIN_CHUNK_BYTES, limit - read))
        except OSError:  # the client went away
            break
        if not chunk:
            break
        read += len(chunk)
    return read
