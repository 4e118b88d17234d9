"""What the applicant sees of the commission's work on their status page (issue 13, 7):
the issued scoring record, downloadable by the applicant only."""

import hashlib

from django.urls import reverse

import pytest

from review import services
from tests.housing.factories import UserFactory
from tests.review.test_services import complete, confirm_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(review, staff):
    review = confirm_all(complete(review, staff["clerk"]), staff["member"])
    review = services.review_verify(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    return services.record_issue(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )


def test_status_page_offers_the_issued_scoring_record(client, issued, applicant):
    application = issued.review.application
    client.force_login(applicant)
    page = client.get(reverse("applications:detail", args=[application.pk]))
    assert page.status_code == 200
    url = reverse("applications:scoring_record_pdf", args=[application.pk])
    body = page.content.decode()
    assert url in body
    assert issued.sha256 in body
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF-")
    assert (
        hashlib.sha256(data).hexdigest()
        == issued.sha256
        == response["X-Document-SHA256"]
    )


def test_scoring_record_is_the_applicants_only(client, issued, staff):
    url = reverse(
        "applications:scoring_record_pdf", args=[issued.review.application.pk]
    )
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    # Staff read it in the workspace, where reading special data is logged.
    client.force_login(staff["member"])
    assert client.get(url).status_code in (302, 404)


def test_no_record_link_before_one_is_issued(client, review, applicant):
    application = review.application
    client.force_login(applicant)
    body = client.get(reverse("applications:detail", args=[application.pk])).content
    assert b"scoring-record.pdf" not in body
    url = reverse("applications:scoring_record_pdf", args=[application.pk])
    assert client.get(url).status_code == 404
