"""The headers of a stored file sent by any view (``housing.downloads``), checked by
the matrix on every download it makes (``engine.header_problem``)."""

from django.http import FileResponse


def download_problem(response: FileResponse) -> str | None:
    """A private file: an attachment, ``nosniff``, ``private, no-store``, sandboxed.
    A published document (inline): ``nosniff``."""
    disposition = response.get("Content-Disposition", "")
    problems = []
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append("nosniff")
    if disposition.startswith("attachment;"):
        cache = response.get("Cache-Control", "")
        if "private" not in cache or "no-store" not in cache:
            problems.append("private, no-store")
        if "sandbox" not in response.get("Content-Security-Policy", ""):
            problems.append("CSP sandbox")
    elif not disposition.startswith("inline;"):
        problems.append(f"Content-Disposition {disposition!r}")
    return ", ".join(problems) or None
