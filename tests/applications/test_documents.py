"""Documents (issue 12, 4): type from content, size, metadata stripped, SHA-256, who may
upload, delete and download them, what is required, duplicates."""

import hashlib
import io
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload
from django.db import transaction
from django.urls import reverse

import pytest
from PIL import Image
from pypdf import PdfWriter

from applications.constants import ApplicationStatus, DocumentKind, EventKind
from applications.documents import (
    document_delete,
    document_upload,
    duplicate_documents,
    required_documents,
)
from applications.models import Document
from housing.constants import StaffRole
from housing.errors import ServiceError
from tests.applications.conftest import BEFORE, ljubljana
from tests.applications.factories import (
    AmendmentRequestFactory,
    ApplicationFactory,
    MemberFactory,
)
from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

GPS = 0x8825


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


def png_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    gps = exif.get_ifd(GPS)
    gps[1] = "N"
    gps[2] = (46.0, 3.0, 15.0)
    out = io.BytesIO()
    image.save(out, format="PNG", exif=exif)
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(GPS)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def pdf_bytes(password: str | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def stored_bytes(document: Document) -> bytes:
    with document.file.open("rb") as f:
        return f.read()


# --- the file ---------------------------------------------------------------------------


def test_png_with_gps_exif_is_stored_without_any_metadata(draft, applicant):
    original = png_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS)  # the fixture has it

    document = document_upload(
        application=draft,
        file=upload("slika.png", original, "image/png"),
        kind=DocumentKind.HOUSING,
        by=applicant,
        now=BEFORE,
    )

    data = stored_bytes(document)
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"SpyCam" not in data
    assert image.size == (40, 30)
    assert document.content_type == "image/png"
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.size == len(data)


def test_jpeg_exif_is_stripped(draft, applicant):
    document = document_upload(
        application=draft,
        file=upload("foto.jpg", jpeg_with_gps(), "image/jpeg"),
        kind=DocumentKind.HOUSING,
        by=applicant,
        now=BEFORE,
    )
    image = Image.open(io.BytesIO(stored_bytes(document)))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert b"SpyCam" not in stored_bytes(document)


def test_pdf_is_kept_byte_for_byte_with_its_sha256(draft, applicant):
    data = pdf_bytes()
    document = document_upload(
        application=draft,
        file=upload("potrdilo.pdf", data),
        kind=DocumentKind.INCOME,
        by=applicant,
        now=BEFORE,
    )
    assert stored_bytes(document) == data
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.original_name == "potrdilo.pdf"
    # Random name in the private storage, never the applicant's name.
    assert "potrdilo" not in document.file.name
    assert document.file.name.startswith(f"applications/{draft.pk}/")
    event = draft.events.get(kind=EventKind.STEP_SAVED, section="documents")
    assert event.changed_fields == [f"documents.{document.pk}"]


def test_a_pdf_name_on_a_png_is_judged_by_content(draft, applicant):
    document = document_upload(
        application=draft,
        file=upload("izjava.pdf", png_with_gps(), "application/pdf"),
        kind=DocumentKind.OTHER,
        by=applicant,
        now=BEFORE,
    )
    assert document.content_type == "image/png"
    assert Image.open(io.BytesIO(stored_bytes(document))).format == "PNG"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("slika.png", b"Just some text pretending to be an image.\n" * 20),
        ("script.pdf", b"<html><script>alert(1)</script></html>"),
        ("archive.pdf", b"PK\x03\x04" + b"\x00" * 200),  # a ZIP
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),  # a PNG header, no image
        ("fake.pdf", b"%PDF-1.7\nnot really a pdf"),
    ],
)
def test_wrong_or_fake_content_is_refused_and_nothing_is_saved(
    draft, applicant, name, data, settings
):
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload(name, data, "image/png"),
            kind=DocumentKind.OTHER,
            by=applicant,
            now=BEFORE,
        )
    assert "file" in caught.value.errors
    assert not Document.objects.exists()
    assert not (settings.MEDIA_ROOT / "applications").exists()


def test_encrypted_pdf_is_refused(draft, applicant):
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("geslo.pdf", pdf_bytes(password="x")),
            kind=DocumentKind.INCOME,
            by=applicant,
            now=BEFORE,
        )
    assert "geslom" in caught.value.errors["file"][0]  # Slovenian by default


def test_ten_megabytes_pass_and_one_byte_more_is_refused(draft, applicant, settings):
    limit = settings.NAJEM_DOCUMENT_MAX_BYTES
    assert limit == 10 * 1024 * 1024
    base = pdf_bytes()
    # A valid PDF padded with a comment to exactly the limit (readers skip it).
    exact = base + b"%" + b"x" * (limit - len(base) - 2) + b"\n"
    assert len(exact) == limit
    document = document_upload(
        application=draft,
        file=upload("velik.pdf", exact),
        kind=DocumentKind.INCOME,
        by=applicant,
        now=BEFORE,
    )
    assert document.size == limit

    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("prevelik.pdf", exact + b"\n"),
            kind=DocumentKind.INCOME,
            by=applicant,
            now=BEFORE,
        )
    assert "10 MB" in caught.value.errors["file"][0]
    assert Document.objects.count() == 1


def test_decompression_bomb_is_refused_before_decoding(draft, applicant, settings):
    settings.NAJEM_DOCUMENT_MAX_PIXELS = 1000
    out = io.BytesIO()
    Image.new("L", (100, 100)).save(out, format="PNG")  # 10,000 pixels
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("bomba.png", out.getvalue(), "image/png"),
            kind=DocumentKind.OTHER,
            by=applicant,
            now=BEFORE,
        )
    assert "slikovnih točk" in caught.value.errors["file"][0]


# --- when and who -----------------------------------------------------------------------


def test_no_upload_after_submission_or_deadline_or_by_another(draft, applicant):
    other = UserFactory()
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("a.pdf", pdf_bytes()),
            kind="income",
            by=other,
            now=BEFORE,
        )
    assert caught.value.code == "forbidden"
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("a.pdf", pdf_bytes()),
            kind="income",
            by=applicant,
            now=ljubljana(2026, 10, 26, 0, 0, 0),
        )
    assert caught.value.code == "closed"
    draft.status = ApplicationStatus.SUBMITTED
    draft.code = "LJ-2026-00001"
    draft.save()
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("a.pdf", pdf_bytes()),
            kind="income",
            by=applicant,
            now=BEFORE,
        )
    assert caught.value.code == "frozen"
    assert not Document.objects.exists()


def test_after_submission_only_through_an_open_amendment_request(draft, applicant):
    draft.status = ApplicationStatus.SUBMITTED
    draft.code = "LJ-2026-00001"
    draft.save()
    amendment = AmendmentRequestFactory(
        application=draft, deadline=ljubljana(2026, 11, 20, 23, 59, 59)
    )
    late = ljubljana(2026, 11, 10, 9, 0)  # after the tender's deadline, in time
    document = document_upload(
        application=draft,
        file=upload("dodatek.pdf", pdf_bytes()),
        amendment=amendment,
        by=applicant,
        now=late,
    )
    assert document.kind == DocumentKind.AMENDMENT
    assert document.amendment_request == amendment  # it answers that request

    other = AmendmentRequestFactory(
        application=ApplicationFactory(tender=draft.tender, submitted=True),
        deadline=ljubljana(2026, 11, 20, 23, 59, 59),
    )
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("dodatek.pdf", pdf_bytes()),
            amendment=other,
            by=applicant,
            now=late,
        )
    assert caught.value.code == "forbidden"
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("dodatek.pdf", pdf_bytes()),
            amendment=amendment,
            by=applicant,
            now=ljubljana(2026, 11, 21, 0, 0),
        )
    assert caught.value.code == "closed"


def test_delete_removes_row_and_file_on_commit(
    draft, applicant, django_capture_on_commit_callbacks
):
    document = document_upload(
        application=draft,
        file=upload("a.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )
    path = document.file.path
    with django_capture_on_commit_callbacks(execute=True):
        document_delete(document=document, by=applicant, now=BEFORE)
    assert not Document.objects.exists()
    import os

    assert not os.path.exists(path)


def stored_files(settings) -> list:
    root = settings.MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


class RolledBack(Exception):
    pass


def test_an_upload_rolled_back_after_the_file_was_saved_leaves_no_file(
    draft, applicant, settings
):
    """The service's own transaction committed (a savepoint here), then the
    transaction around it (the request's) rolled back: the file goes with the row."""
    kept = document_upload(
        application=draft,
        file=upload("ostane.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )
    before = stored_files(settings)
    assert before == [Path(kept.file.path)]

    def upload_then_fail():
        with transaction.atomic():
            document = document_upload(
                application=draft,
                file=upload("izgine.pdf", pdf_bytes()),
                kind="income",
                by=applicant,
                now=BEFORE,
            )
            assert Path(document.file.path).exists()  # saved, then...
            raise RolledBack

    with pytest.raises(RolledBack):
        upload_then_fail()
    assert list(Document.objects.all()) == [kept]
    assert stored_files(settings) == before


def test_a_failed_row_write_leaves_no_file(draft, applicant, settings, monkeypatch):
    from applications import documents

    def fail(*args, **kwargs):
        raise RolledBack

    monkeypatch.setattr(documents, "_documents_event", fail)
    with pytest.raises(RolledBack):
        document_upload(
            application=draft,
            file=upload("a.pdf", pdf_bytes()),
            kind="income",
            by=applicant,
            now=BEFORE,
        )
    assert not Document.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_upload_keeps_its_file_and_a_rolled_back_request_does_not(
    tender, applicant, settings
):
    """With real commits (no test transaction around): committed, the file stays;
    the outermost transaction rolled back, it is gone."""
    application = ApplicationFactory(tender=tender, applicant=applicant)
    kept = document_upload(
        application=application,
        file=upload("ostane.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )
    assert stored_files(settings) == [Path(kept.file.path)]

    def request_then_fail():
        with transaction.atomic():  # as ATOMIC_REQUESTS wraps a view
            document_upload(
                application=application,
                file=upload("izgine.pdf", pdf_bytes()),
                kind="income",
                by=applicant,
                now=BEFORE,
            )
            assert len(stored_files(settings)) == 2
            raise RolledBack

    with pytest.raises(RolledBack):
        request_then_fail()
    assert list(Document.objects.all()) == [kept]
    assert stored_files(settings) == [Path(kept.file.path)]


def test_a_submitted_document_cannot_be_deleted_while_correcting(draft, applicant):
    document = document_upload(
        application=draft,
        file=upload("a.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )
    draft.code = "LJ-2026-00001"  # reopened for correction: a draft with a code
    draft.save()
    draft.submissions.create(
        version=1,
        code=draft.code,
        submitted_at=BEFORE,
        case={},
        digest="0" * 64,
        receipt={"documents": [{"id": document.pk}]},
    )
    with pytest.raises(ServiceError) as caught:
        document_delete(document=document, by=applicant, now=BEFORE)
    assert caught.value.code == "frozen"
    assert Document.objects.filter(pk=document.pk).exists()


# --- required documents ---------------------------------------------------------------


def test_required_documents_follow_the_claims(tender, applicant):
    tender.required_documents = "Izjava o premoženju\nPotrdilo o stalnem bivanju"
    tender.save()
    application = ApplicationFactory(
        tender=tender,
        applicant=applicant,
        housing_status="1.4",
        illness_due_to_housing=True,
        domestic_violence_victim=True,
        war_victim=True,
        additional_conditions=["residence_10y"],
    )
    earner = MemberFactory(application=application, monthly_income=Decimal("900"))
    child = MemberFactory(application=application, child=True, wheelchair_user=True)

    keys = {r.key: r for r in required_documents(application)}
    assert set(keys) == {
        f"income:{earner.pk}",
        "housing",
        f"health:{child.pk}",
        "illness",
        "violence",
        "war_victim",
        "condition:residence_10y",
        "tender:1",
        "tender:2",
    }
    assert keys[f"income:{earner.pk}"].kind == DocumentKind.INCOME
    assert keys[f"health:{child.pk}"].member == child
    assert keys["tender:2"].reason == "Potrdilo o stalnem bivanju"
    assert not any(r.satisfied for r in keys.values())

    document = document_upload(
        application=application,
        file=upload("dohodki.pdf", pdf_bytes()),
        requirement=f"income:{earner.pk}",
        by=applicant,
        now=BEFORE,
    )
    assert document.kind == DocumentKind.INCOME
    assert document.member == earner
    satisfied = {r.key for r in required_documents(application) if r.satisfied}
    assert satisfied == {f"income:{earner.pk}"}


def test_unknown_requirement_is_refused(draft, applicant):
    with pytest.raises(ServiceError) as caught:
        document_upload(
            application=draft,
            file=upload("a.pdf", pdf_bytes()),
            requirement="war_victim",  # not claimed
            by=applicant,
            now=BEFORE,
        )
    assert "requirement" in caught.value.errors


# --- duplicates ---------------------------------------------------------------------------


def test_same_file_in_two_households_is_flagged(tender):
    data = pdf_bytes()
    sha = hashlib.sha256(data).hexdigest()
    first = ApplicationFactory(tender=tender, submitted=True, code="LJ-2026-00001")
    second = ApplicationFactory(tender=tender, submitted=True, code="LJ-2026-00002")
    draft = ApplicationFactory(tender=tender)
    for application in (first, second, draft):
        Document.objects.create(
            application=application,
            kind="income",
            original_name="x.pdf",
            file="applications/x",
            content_type="application/pdf",
            size=len(data),
            sha256=sha,
        )
    # The same file twice in one application is no duplicate of households.
    Document.objects.create(
        application=first,
        kind="income",
        original_name="y.pdf",
        file="applications/y",
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
    )
    Document.objects.create(
        application=first,
        kind="other",
        original_name="y2.pdf",
        file="applications/y2",
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
    )
    found = duplicate_documents(tender)
    assert [(d.sha256, d.codes) for d in found] == [
        (sha, ("LJ-2026-00001", "LJ-2026-00002"))
    ]


# --- download authorization ---------------------------------------------------------------


@pytest.fixture
def stored_document(draft, applicant):
    return document_upload(
        application=draft,
        file=upload("potrdilo.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )


def _download(client, document):
    return client.get(
        reverse("applications:document_download", args=[document.pk]),
    )


def test_download_applicant_gets_the_stored_bytes_as_attachment(
    client, applicant, stored_document
):
    client.force_login(applicant)
    response = _download(client, stored_document)
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == stored_document.sha256
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="potrdilo.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_download_another_applicant_gets_404(client, stored_document):
    client.force_login(UserFactory())
    assert _download(client, stored_document).status_code == 404


def test_download_anonymous_goes_to_login(client, stored_document):
    response = _download(client, stored_document)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_download_lessor_commission_200_other_lessor_404(
    client, lessor, stored_document, otp_login
):
    member = MembershipFactory(lessor=lessor, role=StaffRole.COMMISSION_MEMBER).user
    otp_login(client, member)
    assert _download(client, stored_document).status_code == 200

    stranger = MembershipFactory(
        lessor=LessorFactory(), role=StaffRole.COMMISSION_CHAIR
    ).user
    otp_login(client, stranger)
    assert _download(client, stored_document).status_code == 404


def test_download_staff_without_second_factor_is_sent_to_verify(
    client, lessor, stored_document
):
    member = MembershipFactory(lessor=lessor, role=StaffRole.COMMISSION_MEMBER).user
    client.force_login(member)
    response = _download(client, stored_document)
    assert response.status_code == 302
    assert "otp" in response["Location"]


def test_download_of_a_png_sent_with_a_pdf_name_gets_png_name(client, draft, applicant):
    document = document_upload(
        application=draft,
        file=upload("izjava.pdf", png_with_gps()),
        kind="other",
        by=applicant,
        now=BEFORE,
    )
    client.force_login(applicant)
    response = _download(client, document)
    assert response["Content-Type"] == "image/png"
    assert 'filename="izjava.png"' in response["Content-Disposition"]


# --- the documents page -------------------------------------------------------------------


@pytest.fixture
def open_draft(lessor, applicant):
    """A draft of a tender still open today (the page uses the real clock)."""
    import datetime

    from django.utils import timezone

    from tests.tenders.factories import TenderFactory

    tender = TenderFactory(
        lessor=lessor,
        published=True,
        deadline=timezone.now() + datetime.timedelta(days=10),
        required_documents="Izjava o premoženju",
    )
    application = ApplicationFactory(tender=tender, applicant=applicant)
    MemberFactory(application=application, monthly_income=Decimal("800.00"))
    return application


def test_documents_page_lists_requirements_and_uploads(client, open_draft, applicant):
    client.force_login(applicant)
    url = reverse("applications:documents", args=[open_draft.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Izjava o premoženju" in page.content.decode()
    member = open_draft.members.get()

    response = client.post(
        url,
        {
            "what": f"requirement:income:{member.pk}",
            "file": upload("placa.pdf", pdf_bytes()),
        },
    )
    assert response.status_code == 302
    document = open_draft.documents.get()
    assert document.requirement == f"income:{member.pk}"
    page = client.get(url).content.decode()
    assert "placa.pdf" in page
    assert document.sha256 in page

    response = client.post(reverse("applications:document_delete", args=[document.pk]))
    assert response.status_code == 302
    assert not open_draft.documents.exists()


def test_documents_page_shows_a_wrong_file_in_the_error_summary(
    client, open_draft, applicant
):
    client.force_login(applicant)
    url = reverse("applications:documents", args=[open_draft.pk])
    response = client.post(
        url,
        {"what": "kind:other", "file": upload("slika.png", b"not an image at all")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert 'href="#id_file"' in html
    assert not Document.objects.exists()


@pytest.fixture
def kept_bytes(monkeypatch):
    """How many bytes of uploaded files Django's own handlers kept (memory or a
    temporary file), after the cap's handler let them through."""
    from django.core.files import uploadhandler

    kept = {"bytes": 0}
    for name in ("MemoryFileUploadHandler", "TemporaryFileUploadHandler"):
        cls = getattr(uploadhandler, name)
        original = cls.receive_data_chunk

        def spy(self, raw_data, start, original=original):
            result = original(self, raw_data, start)
            if result is None:  # kept by this handler, not passed on
                kept["bytes"] += len(raw_data)
            return result

        monkeypatch.setattr(cls, "receive_data_chunk", spy)
    return kept


@pytest.mark.parametrize("declared_too_large", [True, False])
def test_an_upload_over_ten_megabytes_is_cut_off_with_a_message_at_the_field(
    open_draft, applicant, settings, kept_bytes, declared_too_large
):
    """11 MB through the test client, with CSRF checks on: the page answers 200 with
    the translated message at the file field (and in the error summary), nothing is
    stored, and no more than the 10 MB limit was ever kept in memory or on disk.

    The body's declared length is over the cap: nothing of the file is kept. With a
    larger allowance for the form (as for a body of unknown length), the file is cut
    off where it passes 10 MB."""
    from django.test import Client

    if not declared_too_large:
        settings.NAJEM_UPLOAD_FORM_OVERHEAD_BYTES = 10 * 1024 * 1024
    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    url = reverse("applications:documents", args=[open_draft.pk])
    client.get(url)
    token = client.cookies["csrftoken"].value
    # The CSRF check still runs, after the handler is installed.
    assert client.post(url, {"what": "kind:other"}).status_code == 403
    limit = settings.NAJEM_DOCUMENT_MAX_BYTES
    big = pdf_bytes() + b"%" + b"x" * (11 * 1024 * 1024) + b"\n"
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "what": "kind:other",
            "file": upload("prevelik.pdf", big),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert form.errors["file"] == [
        "Datoteka je večja od 10 MB: skenirajte jo v nižji ločljivosti."
    ]
    assert form.errors.keys() == {"file"}  # "what" arrived before the file
    assert "error-summary" in html
    assert 'href="#id_file"' in html
    assert not Document.objects.exists()
    if declared_too_large:
        assert kept_bytes["bytes"] == 0
    else:
        assert limit - 256 * 1024 < kept_bytes["bytes"] <= limit


def test_a_body_declared_over_the_cap_keeps_no_file_byte(
    open_draft, applicant, settings, kept_bytes
):
    """A body that says it is 1 GB (made on the fly as it is read, no line breaks):
    its file is refused at its first byte, the fields before it are kept; the rest is
    read in 64 KiB pieces and thrown away up to DRAIN_MAX_BYTES, never held."""
    from django.core.handlers.wsgi import WSGIRequest
    from django.test.client import BOUNDARY, encode_multipart

    from applications.uploads import DRAIN_MAX_BYTES, CappedUploadHandler, drain

    gigabyte = 1024 * 1024 * 1024
    head = (
        encode_multipart(BOUNDARY, {"what": "kind:other"}).rsplit(
            f"--{BOUNDARY}--".encode(), 1
        )[0]
        + (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="file"; filename="velik.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
    )
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()

    class Body:
        """head, then ``gigabyte`` bytes of "x" made as they are read, then tail."""

        def __init__(self):
            self.position = 0
            self.total = len(head) + gigabyte + len(tail)

        def read(self, size=-1):
            if size is None or size < 0:
                size = self.total - self.position
            self.largest_read = max(getattr(self, "largest_read", 0), size)
            size = min(size, self.total - self.position, 1024 * 1024)
            out = bytearray()
            while len(out) < size:
                at = self.position + len(out)
                if at < len(head):
                    out += head[at : at + size - len(out)]
                elif at < len(head) + gigabyte:
                    out += b"x" * min(size - len(out), len(head) + gigabyte - at)
                else:
                    start = at - len(head) - gigabyte
                    out += tail[start : start + size - len(out)]
            self.position += len(out)
            return bytes(out)

        def readline(self, size=-1):  # reads up to the next line break: 1 GB here
            raise AssertionError("the body must never be read by lines")

    body = Body()
    request = WSGIRequest(
        {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/",
            "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
            "CONTENT_LENGTH": str(body.total),
            "wsgi.input": body,
        }
    )
    request.upload_handlers.insert(0, CappedUploadHandler(request))
    assert request.POST["what"] == "kind:other"
    assert "file" not in request.FILES
    assert request.upload_too_large is True
    assert kept_bytes["bytes"] == 0
    parsed = body.position
    assert parsed < 1024 * 1024  # the parser stopped at the file
    assert drain(request) == DRAIN_MAX_BYTES
    assert body.position == parsed + DRAIN_MAX_BYTES < body.total
    assert body.largest_read <= 64 * 1024


def test_the_cap_lets_a_file_of_exactly_the_limit_through(settings):
    from applications.uploads import CappedUploadHandler

    handler = CappedUploadHandler(max_file_bytes=10, max_body_bytes=15)
    handler.handle_raw_input(None, {}, 15, b"b")
    handler.new_file("file", "a.pdf", "application/pdf", None)
    assert handler.receive_data_chunk(b"x" * 6, 0) == b"x" * 6
    assert handler.receive_data_chunk(b"x" * 4, 6) == b"x" * 4
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x", 10)
    # All files together: a second file of 6 bytes passes the body cap of 15.
    handler = CappedUploadHandler(max_file_bytes=10, max_body_bytes=15)
    handler.receive_data_chunk(b"x" * 10, 0)
    with pytest.raises(StopUpload):
        handler.receive_data_chunk(b"x" * 6, 0)
    handler = CappedUploadHandler(max_file_bytes=10, max_body_bytes=15)
    handler.handle_raw_input(None, {}, 16, b"b")
    with pytest.raises(StopUpload):
        handler.new_file("file", "a.pdf", "application/pdf", None)


def test_documents_page_of_another_applicant_is_404(client, open_draft):
    client.force_login(UserFactory())
    url = reverse("applications:documents", args=[open_draft.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        url, {"what": "kind:other", "file": upload("a.pdf", pdf_bytes())}
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_delete_of_another_applicants_document_is_404(client, open_draft, applicant):
    document = document_upload(
        application=open_draft,
        file=upload("a.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
    )
    client.force_login(UserFactory())
    response = client.post(reverse("applications:document_delete", args=[document.pk]))
    assert response.status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_the_clerk_of_a_paper_application_uploads_and_downloads(
    client, tender, clerk, otp_login
):
    paper = ApplicationFactory(tender=tender, paper=True, entered_by=clerk)
    document = document_upload(
        application=paper,
        file=upload("obrazec.pdf", pdf_bytes()),
        kind=DocumentKind.PAPER_FORM,
        by=clerk,
        now=ljubljana(2026, 11, 2, 9, 0),  # after the deadline: paper may be late
    )
    otp_login(client, clerk)
    assert _download(client, document).status_code == 200
    client.force_login(UserFactory())
    assert _download(client, document).status_code == 404
