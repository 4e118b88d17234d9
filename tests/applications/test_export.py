"""The applicant's data download (GDPR Art. 15, 20; issue 12, 10)."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest
from pypdf import PdfReader

from applications import services
from applications.documents import document_upload
from applications.export import applicant_data_export, render_export_pdf
from tests.applications.conftest import BEFORE
from tests.applications.factories import ApplicationFactory, MemberFactory
from tests.applications.test_documents import pdf_bytes
from tests.housing.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private"


@pytest.fixture
def two_applicants(draft, applicant, tender):
    document = document_upload(
        application=draft,
        file=SimpleUploadedFile("dohodki-ana.pdf", pdf_bytes()),
        kind="income",
        by=applicant,
        now=BEFORE,
    )
    services.application_submit(application=draft, by=applicant, now=BEFORE)
    other_user = UserFactory(email="bojan@example.test")
    other = ApplicationFactory(tender=tender, applicant=other_user)
    MemberFactory(application=other, first_name="Bojan", last_name="Drugačen")
    return document, other


def test_export_holds_the_applicants_data_and_nothing_of_another(
    two_applicants, draft, applicant
):
    document, other = two_applicants
    data = applicant_data_export(applicant)
    text = json.dumps(data, ensure_ascii=False)

    assert data["account"]["email"] == "ana@example.test"
    [application] = data["applications"]
    draft.refresh_from_db()
    assert application["code"] == draft.code
    member = draft.members.get()
    assert application["members"][0]["emso"] == member.emso  # their own, in full
    assert application["members"][0]["last_name"] == member.last_name
    assert application["answers"]["housing_status"] == "1.2"
    assert application["documents"][0]["sha256"] == document.sha256
    assert application["documents"][0]["name"] == "dohodki-ana.pdf"
    [submission] = application["submissions"]
    assert submission["facts_sha256"] == draft.submissions.get().digest
    assert {e["kind"] for e in application["events"]} == {"step_saved", "submitted"}
    assert all(e["by"] in ("you", None) for e in application["events"])

    assert "bojan@example.test" not in text
    assert "Drugačen" not in text
    assert str(other.members.get().emso) not in text


def test_json_and_pdf_downloads(client, two_applicants, draft, applicant):
    client.force_login(applicant)
    response = client.get(reverse("applications:data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["account"]["email"] == applicant.email

    page = client.get(reverse("applications:data"))
    assert page.status_code == 200

    response = client.get(reverse("applications:data_pdf"))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    text = "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    )
    draft.refresh_from_db()
    assert draft.code in text
    assert "Drugačen" not in text


def test_export_pdf_in_english(two_applicants, applicant):
    html, pdf = render_export_pdf(applicant, "en")
    assert "Your data" in html
    assert pdf.startswith(b"%PDF-")


def test_data_download_needs_login(client):
    for name in (
        "applications:data",
        "applications:data_json",
        "applications:data_pdf",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_export_shows_who_on_the_staff_viewed_special_data(
    two_applicants, draft, applicant
):
    from review.models import SpecialDataView

    _document, other = two_applicants
    clerk = UserFactory(email="referentka@example.test", full_name="Vesna Referentka")
    SpecialDataView.objects.create(user=clerk, application=draft, what="fact lines")
    SpecialDataView.objects.create(user=clerk, application=other, what="assessment")
    [application] = applicant_data_export(applicant)["applications"]
    [view] = application["staff_views_of_special_data"]
    assert view["by"] == "Vesna Referentka"
    assert view["what"] == "fact lines"
    _html, pdf = render_export_pdf(applicant, "en")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Vesna Referentka" in text
