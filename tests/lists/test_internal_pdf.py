"""The internal priority list with names, for the commission only (issue 14, 3)."""

import hashlib
import io

from django.test import override_settings

import pytest

from lists import services
from lists.models import ListVersion


@pytest.fixture
def published(verified, tender, staff):
    draft = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=draft, by=staff["member"])
    version = services.list_publish(version=draft, by=staff["chair"])
    # The English internal list follows in its own job (tested below).
    assert services.internal_list_en_render(version=version, by=staff["chair"])
    version.refresh_from_db()
    return version


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


# --- the English internal list follows the publication in its own job ------------------


@pytest.fixture
def just_published(verified, tender, staff):
    draft = services.list_build(tender=tender, by=staff["chair"])
    services.list_approve(version=draft, by=staff["member"])
    return draft


@override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)
def test_the_publish_job_starts_the_english_internal_list_after_it_commits(
    just_published, staff, django_capture_on_commit_callbacks
):
    """The tasks run at once here (as the worker would run them); the test's
    transaction never commits, so the publication's on-commit callbacks are kept and
    run below, as its commit would."""
    from jobs.constants import JobStatus
    from jobs.models import Job
    from jobs.services import job_start
    from lists import tasks

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job_start(
            kind=tasks.PUBLISH_KIND,
            target=just_published,
            by=staff["chair"],
            task=tasks.publish_lists,
            lessor=just_published.tender.lessor,
            version_id=just_published.pk,
            user_id=staff["chair"].pk,
        )
    version = ListVersion.objects.get(pk=just_published.pk)
    assert version.state == "published"
    assert version.pdf
    assert version.pdf_en
    assert version.internal_pdf
    assert not version.internal_pdf_en  # not part of the publication
    assert not Job.objects.filter(kind=tasks.INTERNAL_EN_KIND).exists()
    assert callbacks
    for callback in callbacks:  # the publication's commit
        callback()
    job = Job.objects.get(kind=tasks.INTERNAL_EN_KIND)
    assert job.created_by == staff["chair"]
    assert job.status == JobStatus.DONE, job.status
    version.refresh_from_db()
    data = version.internal_pdf_en.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == version.internal_pdf_en_sha256
    assert "Internal priority list" in text_of(data)


def test_the_english_internal_list_is_set_once_and_only_on_a_published_version(
    just_published, staff
):
    from lists.immutable import ListVersionImmutable

    assert not services.internal_list_en_render(version=just_published, by=None)
    version = services.list_publish(version=just_published, by=staff["chair"])
    assert not version.internal_pdf_en
    assert services.internal_list_en_render(version=version, by=staff["chair"])
    version.refresh_from_db()
    first = version.internal_pdf_en_sha256
    assert first
    # A second run does nothing; a replacement is refused by the ORM guard.
    assert not services.internal_list_en_render(version=version, by=staff["chair"])
    version.internal_pdf_en_sha256 = "0" * 64
    with pytest.raises(ListVersionImmutable):
        version.save()
    assert ListVersion.objects.get(pk=version.pk).internal_pdf_en_sha256 == first


def test_the_staff_page_says_the_english_list_is_being_prepared(
    client, just_published, staff, otp_login
):
    version = services.list_publish(version=just_published, by=staff["chair"])
    otp_login(client, staff["clerk"])
    url = f"/staff/lists/{version.pk}/internal-en.pdf"
    page = client.get(f"/staff/lists/{version.pk}/", headers={"accept-language": "en"})
    assert "PDF (English): being prepared" in page.content.decode()
    assert url not in page.content.decode()
    assert client.get(url).status_code == 404
    services.internal_list_en_render(version=version, by=staff["chair"])
    page = client.get(f"/staff/lists/{version.pk}/", headers={"accept-language": "en"})
    assert url in page.content.decode()
    assert client.get(url).status_code == 200


def test_postgresql_lets_the_english_internal_list_in_once(just_published, staff):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("The trigger exists on PostgreSQL only (SQLite: the ORM guard).")
    version = services.list_publish(version=just_published, by=staff["chair"])
    set_once = (
        "UPDATE lists_listversion SET internal_pdf_en = 'a.pdf', "
        "internal_pdf_en_sha256 = 'x' WHERE id = %s"
    )
    refused = (
        # with another column
        "UPDATE lists_listversion SET internal_pdf_en = 'a.pdf', "
        "internal_pdf_en_sha256 = 'x', pdf_sha256 = 'y' WHERE id = %s",
        # the file without its hash
        "UPDATE lists_listversion SET internal_pdf_en = 'a.pdf' WHERE id = %s",
    )
    for sql in refused:
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [version.pk])
    with connection.cursor() as cursor:
        cursor.execute(set_once, [version.pk])
    with (
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE lists_listversion SET internal_pdf_en = 'b.pdf', "
            "internal_pdf_en_sha256 = 'z' WHERE id = %s",
            [version.pk],
        )
