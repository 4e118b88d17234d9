"""Photos of an inspection (issue 13, 6): uploaded with the inspection form, checked
as applicants' documents are (applications.documents.check_file), listed on the
review page, downloaded by the tender's commission without a conflict only."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest
from PIL import Image

from housing.errors import ServiceError
from review import services
from review.models import (
    ApplicationReview,
    Inspection,
    InspectionPhoto,
    ReviewLog,
    SpecialDataView,
)
from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory

GPS = 0x8825


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (10, 200, 10))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"
    exif.get_ifd(GPS)[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 10, 10)).save(out, format="PNG")
    return out.getvalue()


def pdf() -> bytes:
    from tests.authz.world import pdf_bytes

    return pdf_bytes()


def upload(name: str, data: bytes, content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def fresh(review):
    return ApplicationReview.objects.get(pk=review.pk)


def post_inspection(client, review, staff, photos):
    data = {
        "inspection-expected_version": fresh(review).row_version,
        "inspection-date": timezone.localdate().isoformat(),
        "inspection-present": [staff["chair"].pk, staff["member"].pk],
        "inspection-findings": "Vlaga v kopalnici.",
        "inspection-photos": photos,
    }
    url = reverse("review:action", args=[review.application_id, "inspection"])
    return client.post(url, data)


# --- the service ------------------------------------------------------------------------


def record(review, staff, files):
    return services.inspection_record(
        review=review,
        date=timezone.localdate(),
        present=[staff["chair"]],
        findings="Plesen v spalnici.",
        photo_files=files,
        expected_version=fresh(review).row_version,
        by=staff["chair"],
    )


def test_photos_are_stored_reencoded_without_metadata(review, staff):
    original = jpeg_with_gps()
    assert b"SpyCam" in original
    inspection = record(
        review, staff, [upload("kopalnica.jpg", original), upload("a.png", png())]
    )
    photos = list(inspection.uploaded_photos.order_by("pk"))
    assert [p.original_name for p in photos] == ["kopalnica.jpg", "a.png"]
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    stored = photos[0].file.read()
    assert stored.startswith(b"\xff\xd8")
    assert b"SpyCam" not in stored
    assert photos[0].size == len(stored)
    assert "kopalnica" not in photos[0].file.name  # a random name
    log = ReviewLog.objects.get(review=review, kind="inspection")
    assert log.new["photos"] == [p.sha256 for p in photos]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("slika.jpg", b"Not an image at all, whatever the name says."),
        ("slika.pdf", None),  # a real PDF: a document, not a photo
    ],
)
def test_a_file_that_is_not_a_photo_is_refused_nothing_saved(review, staff, name, data):
    data = pdf() if data is None else data
    version = fresh(review).row_version
    with pytest.raises(ServiceError) as error:
        record(review, staff, [upload("ok.png", png()), upload(name, data)])
    assert set(error.value.errors) == {"photos"}
    assert name in error.value.errors["photos"][0]
    assert not Inspection.objects.exists()
    assert not InspectionPhoto.objects.exists()
    assert fresh(review).row_version == version


def test_a_photo_over_the_size_limit_is_refused(review, staff, settings):
    settings.NAJEM_DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ServiceError) as error:
        record(review, staff, [upload("big.png", png() + b"\0" * 200)])
    assert "larger than" in error.value.errors["photos"][0]
    assert not Inspection.objects.exists()


# --- the page -----------------------------------------------------------------------------


def test_upload_on_the_form_listed_and_downloaded(client, otp_login, review, staff):
    otp_login(client, staff["chair"])
    response = post_inspection(
        client,
        review,
        staff,
        [upload("kuhinja.jpg", jpeg_with_gps()), upload("soba.png", png())],
    )
    assert response.status_code == 302
    photos = list(InspectionPhoto.objects.order_by("pk"))
    assert len(photos) == 2
    page = client.get(reverse("review:detail", args=[review.application_id]))
    assert 'enctype="multipart/form-data"' in page.text
    assert "kuhinja.jpg" in page.text
    url = reverse("review:photo", args=[photos[0].pk])
    assert url in page.text
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/jpeg"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xff\xd8")
    assert b"SpyCam" not in body
    assert SpecialDataView.objects.filter(
        user=staff["chair"], what="inspection photo"
    ).exists()


def test_wrong_type_is_refused_at_the_field(client, otp_login, review, staff):
    otp_login(client, staff["chair"])
    response = post_inspection(
        client, review, staff, [upload("slika.jpg", b"%!PS-Adobe-3.0 a postscript")]
    )
    assert response.status_code == 200
    assert 'id="id_inspection-photos_error"' in response.text
    assert "must be a JPEG or PNG" in response.text or "PDF, JPEG or PNG" in (
        response.text
    )
    assert not Inspection.objects.exists()


def test_photo_download_only_for_the_commission_without_a_conflict(
    client, otp_login, review, staff
):
    inspection = record(review, staff, [upload("a.png", png())])
    url = reverse("review:photo", args=[inspection.uploaded_photos.get().pk])
    # The commission (clerk included) reads it.
    for who in ("member", "clerk"):
        otp_login(client, staff[who])
        assert client.get(url).status_code == 200, who
    # The lessor's admin and a superuser do not sit on it; staff without a seat.
    for who, status in (("admin", 403), ("superuser", 403), ("outsider", 403)):
        otp_login(client, staff[who])
        assert client.get(url).status_code == status, who
    # A member with a declared conflict on the application.
    services.conflict_declare(
        tender=review.application.tender,
        application=review.application,
        reason="Sorodnik.",
        by=staff["member2"],
    )
    otp_login(client, staff["member2"])
    assert client.get(url).status_code == 403
    page = client.get(reverse("review:detail", args=[review.application_id]))
    assert url not in page.text
    # Another lessor's staff: 404; an applicant: 403; anonymous: the login page.
    other = MembershipFactory(
        lessor=LessorFactory(slug="kranj"), role="lessor_admin", user=UserFactory()
    ).user
    otp_login(client, other)
    assert client.get(url).status_code == 404
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"] or "login" in response["Location"]
    client.force_login(review.application.applicant)
    assert client.get(url).status_code == 403
    assert SpecialDataView.objects.filter(what="inspection photo").count() == 2


def test_a_failed_write_leaves_no_file_and_no_row(review, staff, settings, monkeypatch):
    from pathlib import Path

    saved = InspectionPhoto.save
    calls = []

    def failing_save(self, *args, **kwargs):
        calls.append(self.original_name)
        if len(calls) == 2:
            raise OSError("disk full")
        return saved(self, *args, **kwargs)

    monkeypatch.setattr(InspectionPhoto, "save", failing_save)
    with pytest.raises(OSError, match="disk full"):
        record(review, staff, [upload("a.png", png()), upload("b.png", png())])
    assert calls == ["a.png", "b.png"]
    assert not Inspection.objects.exists()
    assert not InspectionPhoto.objects.exists()
    root = Path(settings.MEDIA_ROOT) / "review" / "photos"
    assert not [p for p in root.rglob("*") if p.is_file()]
