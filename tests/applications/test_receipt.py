"""The receipt (issue 12, 6): what a submission keeps, the PDF in both languages,
rendered by the worker (the confirmation email: test_confirmation_email.py)."""

import datetime
import hashlib
import io

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

import pytest
from pypdf import PdfReader

from applications import services
from applications.documents import document_upload
from applications.models import SubmissionReceipt
from applications.pdf import mask_emso, render_receipt_pdf
from applications.tasks import RECEIPTS_KIND, RECEIPTS_PRIORITY
from housing.constants import StaffRole
from jobs.constants import JobStatus
from jobs.models import Job
from tests.applications.conftest import BEFORE
from tests.applications.test_documents import pdf_bytes
from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def upload_payslip(draft, applicant):
    document_upload(
        application=draft,
        file=SimpleUploadedFile("plačilna lista.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )


@pytest.fixture
def submitted(draft, applicant, django_capture_on_commit_callbacks):
    """Submitted, its receipt job run at once (the immediate task backend)."""
    upload_payslip(draft, applicant)
    with (
        override_settings(TASKS=IMMEDIATE),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.application_submit(application=draft, by=applicant, now=BEFORE)
    return draft.submissions.get()


def receipt_jobs():
    return Job.objects.filter(kind=RECEIPTS_KIND)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_submission_keeps_the_receipt_details(submitted, draft):
    member = draft.members.get()
    document = draft.documents.get()
    receipt = submitted.receipt
    assert receipt["members"] == [
        {
            "first_name": member.first_name,
            "last_name": member.last_name,
            "emso": member.emso[:7] + "******",
        }
    ]
    assert receipt["documents"][0]["sha256"] == document.sha256
    assert receipt["documents"][0]["id"] == document.pk
    assert mask_emso("0105991500006") == "0105991******"
    assert mask_emso("") == ""


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("sl", ["Potrdilo o prejemu vloge", "Člani gospodinjstva"]),
        ("en", ["Receipt of application", "Household members"]),
    ],
)
def test_receipt_pdf_holds_code_documents_and_hashes(
    submitted, draft, language, words, settings
):
    _html, pdf = render_receipt_pdf(submitted, language)
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf)
    flat = text.replace("\n", "")
    document = draft.documents.get()
    assert submitted.code in text
    assert "plačilna lista.pdf" in text
    assert document.sha256 in flat
    assert submitted.digest in flat
    member = draft.members.get()
    assert member.emso not in flat  # masked
    assert member.emso[:7] + "******" in flat
    assert member.last_name in text
    assert "04. 05. 2026 10:00:00" in text  # Ljubljana time
    assert all(w in text for w in words)


def test_receipts_are_stored_by_their_job_and_a_get_never_writes(
    client, submitted, draft, applicant
):
    # Both languages are rendered by the submission's job (run at once by the
    # fixture); reading them afterwards stores nothing more.
    stored = {r.language: r for r in SubmissionReceipt.objects.all()}
    assert set(stored) == {"sl", "en"}
    (job,) = receipt_jobs()
    assert job.status == JobStatus.DONE
    assert job.target == submitted
    client.force_login(applicant)
    url = reverse("applications:receipt_pdf", args=[draft.pk])
    first = client.get(url, {"lang": "en"})
    assert first.status_code == 200
    body = b"".join(first.streaming_content)
    assert body.startswith(b"%PDF-")
    assert first["Content-Disposition"].startswith("attachment;")
    assert "no-store" in first["Cache-Control"]
    assert stored["en"].sha256 == hashlib.sha256(body).hexdigest()
    assert first["X-Receipt-SHA256"] == stored["en"].sha256
    second = client.get(url, {"lang": "en"})
    assert b"".join(second.streaming_content) == body
    assert SubmissionReceipt.objects.count() == 2


def test_a_missing_receipt_is_rendered_for_the_answer_only(
    client, submitted, draft, applicant
):
    SubmissionReceipt.objects.all().delete()
    client.force_login(applicant)
    url = reverse("applications:receipt_pdf", args=[draft.pk])
    response = client.get(url, {"lang": "sl"})
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert response["X-Receipt-SHA256"] == hashlib.sha256(response.content).hexdigest()
    assert not SubmissionReceipt.objects.exists()


def test_receipt_authorization(client, submitted, draft, lessor, otp_login):
    url = reverse("applications:receipt_pdf", args=[draft.pk])
    assert client.get(url)["Location"].startswith(reverse("login"))
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    other = MembershipFactory(lessor=LessorFactory(), role=StaffRole.CLERK).user
    otp_login(client, other)
    assert client.get(url).status_code == 404
    chair = MembershipFactory(lessor=lessor, role=StaffRole.COMMISSION_CHAIR).user
    otp_login(client, chair)
    assert client.get(url).status_code == 200


def test_no_receipt_before_submission(client, draft, applicant):
    client.force_login(applicant)
    url = reverse("applications:receipt_pdf", args=[draft.pk])
    assert client.get(url).status_code == 404


def test_a_double_submit_starts_one_receipt_job(draft, applicant):
    first = services.application_submit(application=draft, by=applicant, now=BEFORE)
    again = services.application_submit(application=draft, by=applicant, now=BEFORE)
    assert again.code == first.code
    (job,) = receipt_jobs()
    submission = draft.submissions.get()
    assert job.status == JobStatus.QUEUED  # the worker runs it
    assert job.target == submission
    assert job.lessor == draft.tender.lessor
    assert job.created_by == applicant
    assert job.arguments == {"submission_id": submission.pk}
    assert not SubmissionReceipt.objects.exists()  # nothing rendered in the request


def test_a_receipt_job_waiting_too_long_leaves_the_download_to_the_request(
    draft, applicant
):
    from applications.selectors import receipt_state

    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    assert receipt_state(submission, "sl") == "pending"
    (job,) = receipt_jobs()
    job.created_at -= datetime.timedelta(minutes=6)  # the worker is down or behind
    job.save(update_fields=["created_at"])
    assert receipt_state(submission, "sl") == "missing"


# --- with the real worker (it commits and reconnects: transaction=True) -----------------


def run_worker():
    from django.core.management import call_command

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v", "0")


@pytest.mark.django_db(transaction=True)
def test_the_receipt_is_prepared_by_the_worker_while_the_page_says_so(
    client, draft, applicant
):
    from django_tasks_db.models import DBTaskResult

    upload_payslip(draft, applicant)
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = draft.submissions.get()
    # Committed: the email and the receipt both wait for the worker.
    assert mail.outbox == []
    assert not SubmissionReceipt.objects.exists()
    (job,) = receipt_jobs()
    assert job.status == JobStatus.QUEUED
    assert DBTaskResult.objects.get(id=job.task_result_id).priority == (
        RECEIPTS_PRIORITY
    )

    client.force_login(applicant)
    page_url = reverse("applications:confirmation", args=[draft.pk])
    pdf_url = reverse("applications:receipt_pdf", args=[draft.pk])
    page = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.context["receipt_state"] == "pending"
    assert 'data-receipt-state="pending"' in html
    assert "Your receipt (PDF) is being prepared." in html
    assert f'href="{page_url}" data-receipt-refresh' in html  # works without JS
    assert "js/receipt-status.js" in html
    assert pdf_url not in html
    pending = client.get(pdf_url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    assert pending.status_code == 200
    assert pending["Content-Type"].startswith("text/html")
    assert "The receipt is being prepared" in pending.content.decode()
    assert f'href="{pdf_url}?lang=en"' in pending.content.decode()
    assert not SubmissionReceipt.objects.exists()  # GETs wrote nothing

    run_worker()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    stored = {r.language: r for r in SubmissionReceipt.objects.all()}
    assert set(stored) == {"sl", "en"}
    assert all(r.submission_id == submission.pk for r in stored.values())

    page = client.get(page_url, HTTP_ACCEPT_LANGUAGE="en")
    assert page.context["receipt_state"] == "ready"
    assert f'href="{pdf_url}"' in page.content.decode()
    assert "js/receipt-status.js" not in page.content.decode()
    ready = client.get(pdf_url, {"lang": "en"})
    body = b"".join(ready.streaming_content)
    assert body.startswith(b"%PDF-")
    assert hashlib.sha256(body).hexdigest() == stored["en"].sha256
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_receipt_job_fails_and_the_download_still_answers(
    client, draft, applicant, monkeypatch
):
    from applications import pdf

    services.application_submit(application=draft, by=applicant, now=BEFORE)

    def broken(submission, language):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(pdf, "render_receipt_pdf", broken)
    run_worker()
    (job,) = receipt_jobs()
    assert job.status == JobStatus.FAILED
    assert job.error.startswith("ReceiptNotStored: ")
    assert not SubmissionReceipt.objects.exists()
    monkeypatch.undo()

    client.force_login(applicant)
    page = client.get(reverse("applications:confirmation", args=[draft.pk]))
    assert page.context["receipt_state"] == "missing"
    response = client.get(reverse("applications:receipt_pdf", args=[draft.pk]))
    assert response.content.startswith(b"%PDF-")  # rendered for this answer only
    assert not SubmissionReceipt.objects.exists()
