"""Pages of the decisions, appeals and the final list (issue 14, 3 and 5)."""

import datetime

from django.test import override_settings
from django.utils import timezone

import pytest

from lists.models import Appeal, Decision, ListVersion
from tests.lists.guards import guards_off
from tests.lists.test_decisions import publish
from tests.lists.test_views import IMMEDIATE


@pytest.fixture
def client(client):
    """Pages in English (staff and applicants chose no language)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def published(verified, tender, staff):
    return publish(tender, staff)


def test_issue_decisions_from_the_confirmation_page(
    client, published, tender, staff, otp_login, verified
):
    otp_login(client, staff["chair"])
    url = f"/staff/lists/{published.pk}/decisions/"
    page = client.get(url)
    assert page.status_code == 200
    assert "15 days" in page.content.decode()
    # Without the confirmation nothing is issued.
    assert client.post(url, {}).status_code == 200
    assert Decision.objects.count() == 0
    # Issued in a job (here run at once: the worker is tested in test_jobs.py).
    with override_settings(TASKS=IMMEDIATE):
        response = client.post(url, {"confirm": "on"})
    assert response.url == url
    assert Decision.objects.count() == 3
    page = client.get(url).content.decode()
    assert "data-job-progress" in page
    assert "3 decision(s) issued." in page
    page = client.get(f"/staff/tenders/{tender.pk}/appeals/")
    assert page.status_code == 200
    assert verified[0].application.code in page.content.decode()


def test_the_applicant_sees_the_decision_and_the_instruction(
    client, published, staff, verified
):
    from lists import services

    services.decisions_issue(version=published, by=staff["chair"])
    application = verified[0].application
    decision = Decision.objects.get(application=application)
    client.force_login(application.applicant)
    page = client.get(f"/applications/{application.pk}/")
    text = page.content.decode()
    assert "Decision on classification on the priority list (PDF)" in text
    assert "within 15 days" in text
    assert "the mayor" in text
    assert decision.sha256 in text
    url = f"/applications/{application.pk}/decisions/{decision.pk}/decision.pdf"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    # Nobody else: another applicant, or staff on this (applicant's) link.
    other = verified[1].application.applicant
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(staff["chair"])
    assert client.get(url).status_code == 404


def test_late_appeal_refused_with_a_message_nothing_recorded(
    client, published, staff, otp_login
):
    from lists import services

    decision = services.decisions_issue(version=published, by=staff["chair"])[0]
    delivered = timezone.localdate() - datetime.timedelta(days=16)
    at = datetime.datetime.combine(delivered, datetime.time(9), tzinfo=datetime.UTC)
    with guards_off(Decision):
        Decision.objects.filter(pk=decision.pk).update(issued_at=at, delivered_at=at)
    otp_login(client, staff["clerk"])
    url = f"/staff/decisions/{decision.pk}/appeal/"
    page = client.post(
        url, {"received_on": timezone.localdate().isoformat(), "grounds": "Pozno."}
    )
    assert page.status_code == 200
    assert "too late" in page.content.decode()
    assert Appeal.objects.count() == 0
    ok = client.post(
        url,
        {
            "received_on": (delivered + datetime.timedelta(days=15)).isoformat(),
            "grounds": "Pravočasno.",
        },
    )
    assert ok.status_code == 302
    appeal = Appeal.objects.get()
    # The clerk may not record the outcome; the chair may.
    decide = f"/staff/appeals/{appeal.pk}/decide/"
    page = client.post(decide, {"outcome": "rejected", "reason": "Ne."})
    assert "Only the chair" in page.content.decode()
    otp_login(client, staff["chair"])
    page = client.get(decide)
    assert "corrects the facts in its review" in page.content.decode()
    assert (
        client.post(decide, {"outcome": "rejected", "reason": "Ne."}).status_code == 302
    )
    appeal.refresh_from_db()
    assert appeal.outcome == "rejected"


def test_final_list_page_refuses_then_publishes(client, published, staff, otp_login):
    from lists import services

    services.decisions_issue(version=published, by=staff["chair"])
    otp_login(client, staff["chair"])
    url = f"/staff/lists/{published.pk}/final/"
    page = client.get(url)
    assert "have not passed" in page.content.decode()
    client.post(url, {"confirm": "on"})
    assert not ListVersion.objects.get(pk=published.pk).final
    long_ago = timezone.now() - datetime.timedelta(days=20)
    with guards_off(Decision):
        Decision.objects.update(issued_at=long_ago, delivered_at=long_ago)
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert ListVersion.objects.get(pk=published.pk).final


def test_staff_decision_pages_need_a_seat(client, published, staff, otp_login, tender):
    from lists import services

    decision = services.decisions_issue(version=published, by=staff["chair"])[0]
    otp_login(client, staff["outsider"])
    for url in (
        f"/staff/lists/{published.pk}/decisions/",
        f"/staff/lists/{published.pk}/final/",
        f"/staff/tenders/{tender.pk}/appeals/",
        f"/staff/decisions/{decision.pk}/decision.pdf",
        f"/staff/decisions/{decision.pk}/appeal/",
    ):
        assert client.get(url).status_code == 404, url
