"""Sending a stored file: one way for every download of the site.

Private files (an applicant's documents, receipts, scoring records, decisions,
inspection photos) go as attachments that no cache keeps and no browser sniffs or
runs (:func:`file_response`); published documents (the invitation to tender, a
published priority list) open in the browser and leave caching to the view
(``public=True``). A file missing from the storage is a 404, never a 500.
"""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse

NO_STORE = "private, no-store"


def protect_download(response: HttpResponse) -> HttpResponse:
    """The headers of a private download: ``nosniff``, never cached, and a sandbox
    (opened by mistake in the browser, it still runs nothing)."""
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = NO_STORE
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def file_response(
    file: FieldFile,
    *,
    filename: str,
    content_type: str = "application/pdf",
    public: bool = False,
) -> FileResponse:
    """``file`` as a response named ``filename``.

    Private (the default): ``Content-Disposition: attachment`` with the headers of
    :func:`protect_download`. ``public=True``: ``inline`` (read in the browser's PDF
    viewer, which a sandbox would stop) with ``nosniff``; the view sets its caching.

    :raises Http404: when the field holds no file or the storage has lost it.
    """
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=not public,
        filename=filename,
        content_type=content_type,
    )
    if public:
        response["X-Content-Type-Options"] = "nosniff"
        return response
    protect_download(response)
    return response
