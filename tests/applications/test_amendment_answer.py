"""The applicant's answer to an amendment request (issue 12, 7; Art. 20(2)): the
documents uploaded for the request answer it, a short text too, either is enough;
the log names the documents by id and SHA-256 and nothing special-category. And the
receipt PDF (issue 12, 6): a receipt rolled back leaves no file."""

from pathlib import Path

from django.db import transaction
from django.urls import reverse
from django.utils import translation

import pytest

from applications import pdf, services
from applications.constants import (
    AmendmentStatus,
    ApplicationStatus,
    DocumentKind,
    EventKind,
)
from applications.documents import document_upload
from applications.models import AmendmentRequest, SubmissionReceipt
from housing.errors import ServiceError
from tests.applications.conftest import BEFORE, ljubljana
from tests.applications.factories import AmendmentRequestFactory, DocumentFactory
from tests.applications.test_documents import pdf_bytes, upload
from tests.housing.factories import UserFactory

pytestmark = pytest.mark.django_db

ON_TIME = ljubljana(2026, 11, 10, 9, 0)  # after the tender's deadline, in time
REQUEST_DEADLINE = ljubljana(2026, 11, 20, 23, 59, 59)
EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def submitted(draft, applicant):
    return services.application_submit(application=draft, by=applicant, now=BEFORE)


@pytest.fixture
def request_(submitted):
    return AmendmentRequestFactory(application=submitted, deadline=REQUEST_DEADLINE)


def answer(amendment, text="", *, by, documents=(), now=ON_TIME):
    return services.amendment_answer(
        amendment=amendment, answer_text=text, documents=documents, by=by, now=now
    )


def refused(amendment, text="", *, by, documents=(), now=ON_TIME) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        answer(amendment, text, by=by, documents=documents, now=now)
    return caught.value


def answered_event(application):
    return application.events.get(kind=EventKind.AMENDMENT_ANSWERED)


# --- the service ------------------------------------------------------------------------


def test_a_document_uploaded_for_the_request_answers_it_without_a_text(
    submitted, request_, applicant
):
    document = document_upload(
        application=submitted,
        file=upload("potrdilo.pdf", pdf_bytes()),
        amendment=request_,
        by=applicant,
        now=ON_TIME,
    )
    answered = answer(request_, "", by=applicant)
    assert answered.status == AmendmentStatus.ANSWERED
    assert answered.answer_text == ""
    assert answered.answered_by == applicant
    assert list(answered.documents.all()) == [document]
    event = answered_event(submitted)
    assert event.changed_fields == [f"documents.{document.pk}.sha256:{document.sha256}"]
    assert len(document.sha256) == 64
    assert event.note == f"amendment {request_.pk}"


def test_a_text_and_documents_are_both_recorded_in_id_order(
    submitted, request_, applicant
):
    second = DocumentFactory(
        application=submitted, amendment_request=request_, sha256="b" * 64
    )
    first = DocumentFactory(application=submitted, sha256="a" * 64)  # chosen here
    answer(request_, "Potrdilo je priloženo.", by=applicant, documents=[first])
    request_.refresh_from_db()
    assert request_.answer_text == "Potrdilo je priloženo."
    assert set(request_.documents.all()) == {first, second}
    assert answered_event(submitted).changed_fields == [
        "answer_text",
        *sorted(
            [
                f"documents.{first.pk}.sha256:{'a' * 64}",
                f"documents.{second.pk}.sha256:{'b' * 64}",
            ],
            key=lambda name: int(name.split(".")[1]),
        ),
    ]


def test_a_text_alone_answers_it(submitted, request_, applicant):
    answer(request_, "Poslano po pošti.", by=applicant)
    assert answered_event(submitted).changed_fields == ["answer_text"]


def test_neither_a_text_nor_a_document_is_refused_at_the_field_translated(
    submitted, request_, applicant
):
    # A document uploaded for another request of the same application does not count.
    other = AmendmentRequestFactory(application=submitted, deadline=REQUEST_DEADLINE)
    DocumentFactory(application=submitted, amendment_request=other)
    # Nor does one of the application uploaded for no request (not chosen).
    DocumentFactory(application=submitted)
    with translation.override("sl"):
        error = refused(request_, "   ", by=applicant)
    assert error.errors == {
        "answer_text": ["Napišite kratek odgovor ali za to zahtevo naložite dokument."]
    }
    with translation.override("en"):
        error = refused(request_, "", by=applicant)
    assert error.errors["answer_text"] == [
        "Write a short answer, or upload a document for this request."
    ]
    request_.refresh_from_db()
    assert request_.status == AmendmentStatus.OPEN
    assert not submitted.events.filter(kind=EventKind.AMENDMENT_ANSWERED).exists()


def test_documents_of_another_application_or_request_are_refused(
    submitted, request_, applicant
):
    foreign = DocumentFactory()
    error = refused(request_, "x", by=applicant, documents=[foreign])
    assert "documents" in error.errors
    other = AmendmentRequestFactory(application=submitted, deadline=REQUEST_DEADLINE)
    elsewhere = DocumentFactory(application=submitted, amendment_request=other)
    error = refused(request_, "x", by=applicant, documents=[elsewhere])
    assert "documents" in error.errors
    elsewhere.refresh_from_db()
    assert elsewhere.amendment_request == other
    request_.refresh_from_db()
    assert request_.status == AmendmentStatus.OPEN


def test_the_log_holds_no_name_kind_or_text_of_a_special_category_answer(
    submitted, request_, applicant
):
    document = DocumentFactory(
        application=submitted,
        amendment_request=request_,
        kind=DocumentKind.HEALTH,
        original_name="odlocba-o-invalidnosti.pdf",
    )
    answer(request_, "Sladkorna bolezen, invalidnost 80 %.", by=applicant)
    event = answered_event(submitted)
    logged = " ".join([event.note, *event.changed_fields]).lower()
    for secret in ("invalid", "odlocba", "sladkor", DocumentKind.HEALTH):
        assert secret not in logged
    assert event.changed_fields == [
        "answer_text",
        f"documents.{document.pk}.sha256:{document.sha256}",
    ]
    assert all(isinstance(name, str) for name in event.changed_fields)


def test_an_answer_after_its_deadline_twice_or_of_a_withdrawn_application_is_refused(
    submitted, request_, applicant
):
    DocumentFactory(application=submitted, amendment_request=request_)
    late = refused(request_, by=applicant, now=ljubljana(2026, 11, 21, 0, 0, 0))
    assert late.code == "closed"
    assert refused(request_, by=UserFactory()).code == "forbidden"
    withdrawn = AmendmentRequestFactory(
        application=submitted, deadline=REQUEST_DEADLINE
    )
    answer(request_, by=applicant)
    assert refused(request_, "Še enkrat.", by=applicant).code == "frozen"
    type(submitted).objects.filter(pk=submitted.pk).update(
        status=ApplicationStatus.WITHDRAWN
    )
    assert refused(withdrawn, "Prepozno.", by=applicant).code == "frozen"


# --- the view ---------------------------------------------------------------------------


@pytest.fixture
def open_request(submitted):
    """Answered through the view, i.e. now: its deadline a week ahead."""
    return AmendmentRequestFactory(application=submitted)


def answer_url(amendment):
    return reverse(
        "applications:amendment_answer", args=[amendment.application_id, amendment.pk]
    )


def test_the_page_lists_the_documents_uploaded_for_the_request(
    client, submitted, open_request, applicant
):
    DocumentFactory(
        application=submitted, amendment_request=open_request, original_name="moj.pdf"
    )
    DocumentFactory(application=submitted, original_name="drug.pdf")
    client.force_login(applicant)
    body = client.get(answer_url(open_request), headers=EN).content.decode()
    assert "Documents uploaded for this request" in body
    assert "moj.pdf" in body
    assert "drug.pdf" not in body
    assert "A short answer below is optional." in body


def test_posting_without_a_text_answers_with_the_uploaded_document(
    client, submitted, open_request, applicant
):
    document = DocumentFactory(application=submitted, amendment_request=open_request)
    client.force_login(applicant)
    response = client.post(answer_url(open_request), {"answer_text": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:detail", args=[submitted.pk])
    open_request = AmendmentRequest.objects.get(pk=open_request.pk)
    assert open_request.status == AmendmentStatus.ANSWERED
    assert answered_event(submitted).changed_fields == [
        f"documents.{document.pk}.sha256:{document.sha256}"
    ]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (EN, "Write a short answer, or upload a document for this request."),
        (
            {"Accept-Language": "sl"},
            "Napišite kratek odgovor ali za to zahtevo naložite dokument.",
        ),
    ],
)
def test_posting_neither_shows_the_error_at_the_field(
    client, submitted, open_request, applicant, headers, message
):
    client.force_login(applicant)
    response = client.post(
        answer_url(open_request), {"answer_text": ""}, headers=headers
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"answer_text": [message]}
    body = response.content.decode()
    assert body.count(message) >= 2  # in the error summary and at the field
    open_request.refresh_from_db()
    assert open_request.status == AmendmentStatus.OPEN


def test_only_the_applicant_answers(client, submitted, open_request, applicant):
    url = answer_url(open_request)
    response = client.post(url, {"answer_text": "x"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    assert client.post(url, {"answer_text": "x"}).status_code == 404
    open_request.refresh_from_db()
    assert open_request.status == AmendmentStatus.OPEN


# --- the receipt PDF: a rolled-back receipt leaves no file ------------------------------


class RolledBack(Exception):
    pass


def stored_receipts(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "receipts"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def fake_render(monkeypatch):
    """WeasyPrint is not what is tested here (about a second a receipt)."""

    def render(submission, language):
        return "", b"%PDF-1.7\n% receipt " + language.encode()

    monkeypatch.setattr(pdf, "render_receipt_pdf", render)


def test_a_receipt_rolled_back_leaves_no_file(submitted, settings, fake_render):
    submission = submitted.submissions.get()

    def store_then_fail():
        with transaction.atomic():
            receipt = pdf.receipt_for(submission, "sl")
            assert Path(receipt.file.path).exists()  # saved, then...
            raise RolledBack

    with pytest.raises(RolledBack):
        store_then_fail()
    assert not SubmissionReceipt.objects.exists()
    assert stored_receipts(settings) == []


def test_a_failed_receipt_row_leaves_no_file(
    submitted, settings, fake_render, monkeypatch
):
    def fail(*args, **kwargs):
        raise RolledBack

    monkeypatch.setattr(SubmissionReceipt, "save", fail)
    with pytest.raises(RolledBack):
        pdf.receipt_for(submitted.submissions.get(), "sl")
    assert stored_receipts(settings) == []


@pytest.mark.django_db(transaction=True)
def test_a_committed_receipt_keeps_its_file_and_a_rolled_back_one_does_not(
    draft, applicant, settings, fake_render
):
    submitted = services.application_submit(application=draft, by=applicant, now=BEFORE)
    submission = submitted.submissions.get()
    kept = pdf.receipt_for(submission, "sl")
    assert stored_receipts(settings) == [Path(kept.file.path)]
    assert pdf.receipt_for(submission, "sl") == kept  # stored once

    def job_then_fail():
        with transaction.atomic():  # as a worker's transaction that fails later
            pdf.receipt_for(submission, "en")
            assert len(stored_receipts(settings)) == 2
            raise RolledBack

    with pytest.raises(RolledBack):
        job_then_fail()
    assert list(SubmissionReceipt.objects.all()) == [kept]
    assert stored_receipts(settings) == [Path(kept.file.path)]
    assert Path(kept.file.path).read_bytes().startswith(b"%PDF-")
