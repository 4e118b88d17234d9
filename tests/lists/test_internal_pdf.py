"""The internal priority list with names, for the commission only (issue 14, 3)."""

import hashlib
import io

import pytest

from lists import services
from lists.models import ListVersion


@pytest.fixture
def published(verified, tender, staff):
    draft = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=draft, by=staff["member"])
    return services.list_publish(version=draft, by=staff["chair"])


def text_of(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def household_names(verified) -> set[str]:
    from applications.models import Member

    return {
        f"{m.first_name} {m.last_name}"
        for review in verified
        for m in Member.objects.filter(application=review.application)
    }


def test_publishing_stores_the_internal_pdf_with_names_and_its_hash(
    published, verified
):
    names = household_names(verified)
    assert names
    for field, digest, heading in (
        ("internal_pdf", "internal_pdf_sha256", "Interna prednostna lista"),
        ("internal_pdf_en", "internal_pdf_en_sha256", "Internal priority list"),
    ):
        with getattr(published, field).open("rb") as file:
            data = file.read()
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == getattr(published, digest)
        text = text_of(data)
        assert heading in text
        for name in names:
            assert name in text, name
        for entry in published.entries.all():
            assert entry.code in text
            assert str(entry.total) in text
    # Tagged like the public one (PDF/UA), in its language.
    from pypdf import PdfReader

    with published.internal_pdf.open("rb") as file:
        root = PdfReader(io.BytesIO(file.read())).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    assert root["/Lang"] == "sl"


def test_the_public_pdf_still_has_no_names(published, verified):
    for field in ("pdf", "pdf_en"):
        with getattr(published, field).open("rb") as file:
            text = text_of(file.read())
        for entry in published.entries.all():
            assert entry.code in text
        for name in household_names(verified):
            for part in name.split():
                assert part not in text, part


def test_the_internal_pdf_has_no_special_category_data(published, verified):
    from applications.models import Member

    text = text_of(published.internal_pdf_en.open("rb").read())
    for member in Member.objects.filter(
        application__in=[r.application for r in verified]
    ):
        if member.emso:
            assert member.emso not in text
        assert member.birth_date.strftime("%d. %m. %Y") not in text
    for word in ("disab", "wheelchair", "health", "invalid"):
        assert word not in text.lower()


def test_the_internal_pdf_cannot_be_replaced_once_published(published):
    from lists.immutable import ListVersionImmutable

    version = ListVersion.objects.get(pk=published.pk)
    version.internal_pdf_sha256 = "0" * 64
    with pytest.raises(ListVersionImmutable):
        version.save()


def test_only_the_commission_downloads_it_as_an_attachment(
    client, published, staff, otp_login
):
    url = f"/staff/lists/{published.pk}/internal-sl.pdf"
    otp_login(client, staff["clerk"])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]
    data = b"".join(response.streaming_content)
    assert hashlib.sha256(data).hexdigest() == published.internal_pdf_sha256
    # The link on the staff page of the version.
    page = client.get(f"/staff/lists/{published.pk}/").content.decode()
    assert url in page


@pytest.mark.parametrize("who", ["admin", "outsider", "superuser"])
def test_staff_without_a_seat_get_404_and_no_link(
    client, published, staff, otp_login, who
):
    otp_login(client, staff[who])
    url = f"/staff/lists/{published.pk}/internal-sl.pdf"
    assert client.get(url).status_code == 404
    page = client.get(f"/staff/lists/{published.pk}/")
    assert url not in page.content.decode()


def test_postgresql_refuses_replacing_the_internal_pdf(published):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("The trigger exists on PostgreSQL only (SQLite: the ORM guard).")
    for sql in (
        "UPDATE lists_listversion SET internal_pdf_sha256 = 'x' WHERE id = %s",
        "UPDATE lists_listversion SET internal_pdf_en = 'other.pdf' WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [published.pk])
    version = ListVersion.objects.get(pk=published.pk)
    assert version.internal_pdf_sha256 == published.internal_pdf_sha256
    assert version.internal_pdf_en.name == published.internal_pdf_en.name
