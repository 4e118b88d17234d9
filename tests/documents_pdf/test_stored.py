"""documents_pdf.stored.store_pdf: the file, its SHA-256 and size, the row, and two
requests storing the same document at once (one row, one file)."""

import hashlib
import threading

from django.db import IntegrityError, connection, connections, transaction

import pytest

from documents_pdf.stored import store_pdf
from tenders.models import TenderDocument

FIRST = b"%PDF-1.7 first\n%%EOF\n"
SECOND = b"%PDF-1.7 second, longer\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _stored_files(settings, tender):
    folder = settings.MEDIA_ROOT / "tenders" / str(tender.pk)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _document(tender, **fields):
    return TenderDocument(tender=tender, language="sl", version=1, **fields)


def _the_row(tender):
    return lambda: TenderDocument.objects.get(tender=tender, language="sl", version=1)


@pytest.mark.django_db
def test_stores_the_file_with_its_hash_and_size(settings):
    from tests.tenders.factories import TenderFactory

    tender = TenderFactory()
    document = store_pdf(_document(tender), FIRST, name="invitation.pdf")

    row = TenderDocument.objects.get(pk=document.pk)
    assert row.sha256 == hashlib.sha256(FIRST).hexdigest()
    assert row.size == len(FIRST)
    assert row.file.name == f"tenders/{tender.pk}/invitation-sl-v1.pdf"
    with row.file.open("rb") as handle:
        assert handle.read() == FIRST
    assert _stored_files(settings, tender) == ["invitation-sl-v1.pdf"]


@pytest.mark.django_db
def test_an_existing_row_gets_only_its_file_hash_and_size(settings):
    from tests.tenders.factories import TenderFactory

    tender = TenderFactory()
    document = store_pdf(_document(tender), FIRST, name="invitation.pdf")
    document.language = "en"  # changed in memory only: must not be written

    again = store_pdf(document, SECOND, name="invitation.pdf")

    assert again is document
    row = TenderDocument.objects.get(pk=document.pk)
    assert row.language == "sl"
    assert row.sha256 == hashlib.sha256(SECOND).hexdigest()
    assert row.size == len(SECOND)
    with row.file.open("rb") as handle:
        assert handle.read() == SECOND
    assert TenderDocument.objects.count() == 1


@pytest.mark.django_db
def test_stored_first_by_another_request_returns_that_row_and_deletes_the_file(
    settings,
):
    from tests.tenders.factories import TenderFactory

    tender = TenderFactory()
    first = store_pdf(_document(tender), FIRST, name="invitation.pdf")

    # The second request found nothing before rendering; the constraint refuses it.
    result = store_pdf(
        _document(tender), SECOND, name="invitation.pdf", stored=_the_row(tender)
    )

    assert result.pk == first.pk
    assert result.sha256 == hashlib.sha256(FIRST).hexdigest()
    assert TenderDocument.objects.count() == 1
    assert _stored_files(settings, tender) == ["invitation-sl-v1.pdf"]
    # The transaction goes on after the refused insert (a savepoint).
    assert TenderDocument.objects.filter(pk=first.pk).exists()


@pytest.mark.django_db
def test_without_stored_a_conflict_is_an_error(settings):
    from tests.tenders.factories import TenderFactory

    tender = TenderFactory()
    store_pdf(_document(tender), FIRST, name="invitation.pdf")

    with pytest.raises(IntegrityError), transaction.atomic():
        store_pdf(_document(tender), SECOND, name="invitation.pdf")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL (set DATABASE_URL); SQLite serialises writers",
)
def test_two_requests_at_once_leave_one_row_and_one_file(settings):
    from tests.tenders.factories import TenderFactory

    tender = TenderFactory()
    barrier = threading.Barrier(2)
    results: list = [None, None]

    def request(index, pdf):
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():
                results[index] = store_pdf(
                    _document(tender),
                    pdf,
                    name="invitation.pdf",
                    stored=_the_row(tender),
                )
        except Exception as error:  # reported below
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=request, args=(i, pdf))
        for i, pdf in enumerate((FIRST, SECOND))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all(isinstance(r, TenderDocument) for r in results), results
    assert results[0].pk == results[1].pk
    row = TenderDocument.objects.get()
    assert row.sha256 in {hashlib.sha256(p).hexdigest() for p in (FIRST, SECOND)}
    assert _stored_files(settings, tender) == [row.file.name.rsplit("/", 1)[1]]
    with row.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == row.sha256
