"""housing.downloads: every stored file the site sends goes through file_response
(the matrix checks each view's headers: tests/authz/downloads.py)."""

import ast
from pathlib import Path

from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse

import pytest

from housing.downloads import NO_STORE, file_response, protect_download
from tenders.models import TenderDocument

PDF = b"%PDF-1.7 a stored file\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def stored(db):
    """A row with a stored file (any FileField does)."""
    from tests.tenders.factories import TenderFactory

    document = TenderDocument(
        tender=TenderFactory(), language="sl", version=1, sha256="0" * 64, size=1
    )
    document.file.save("invitation.pdf", ContentFile(PDF), save=True)
    return document


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_private_file_is_a_sandboxed_attachment_never_cached(stored):
    response = file_response(stored.file, filename="LJ-2026-00001-record.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="LJ-2026-00001-record.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == NO_STORE == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert int(response["Content-Length"]) == len(PDF)
    assert _body(response) == PDF


def test_the_content_type_is_the_one_given(stored):
    response = file_response(
        stored.file, filename="izjava.png", content_type="image/png"
    )

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="izjava.png"'


def test_a_published_document_opens_in_the_browser_and_leaves_caching_to_the_view(
    stored,
):
    response = file_response(stored.file, filename="razpis.pdf", public=True)

    assert response["Content-Disposition"] == 'inline; filename="razpis.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "Cache-Control" not in response
    # A sandbox would stop the browser's PDF viewer.
    assert "Content-Security-Policy" not in response
    assert _body(response) == PDF


@pytest.mark.parametrize("public", [False, True])
def test_a_file_lost_by_the_storage_is_404(stored, public):
    (Path(django_settings.MEDIA_ROOT) / stored.file.name).unlink()

    with pytest.raises(Http404):
        file_response(stored.file, filename="x.pdf", public=public)


@pytest.mark.parametrize("public", [False, True])
def test_an_empty_file_field_is_404(db, public):
    empty = TenderDocument().file

    with pytest.raises(Http404):
        file_response(empty, filename="x.pdf", public=public)


def test_protect_download_sets_the_private_headers_on_any_response():
    response = protect_download(HttpResponse(b"{}", content_type="application/json"))

    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def _file_responses_outside_the_helper() -> list[str]:
    root = Path(django_settings.BASE_DIR)
    found = []
    apps = [
        folder
        for folder in root.iterdir()
        if (folder / "__init__.py").exists() and folder.name != "tests"
    ]
    for path in sorted(p for folder in apps for p in folder.rglob("*.py")):
        relative = path.relative_to(root)
        if relative == Path("housing/downloads.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name | ast.Attribute)
                and (getattr(node.func, "id", None) or node.func.attr) == "FileResponse"
            ):
                found.append(f"{relative}:{node.lineno}")
    return found


def test_every_stored_file_is_sent_through_file_response():
    assert _file_responses_outside_the_helper() == []
