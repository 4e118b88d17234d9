"""review/views.py: who reaches each page, and bad input shown at its field."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from applications.services import amendment_answer
from review import services
from review.constants import CommissionRole, FactState, ReviewState
from review.models import (
    ApplicationReview,
    CommissionSeat,
    ConflictDeclaration,
    Inspection,
    ScoringRecord,
    SpecialDataView,
)
from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory
from tests.review.conftest import make_application


def fresh(review):
    return ApplicationReview.objects.get(pk=review.pk)


@pytest.fixture
def client(client, settings):
    """Pages in English (the conftest's messages are English too)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pages(tender, application):
    return [
        reverse("review:dashboard", args=[tender.pk]),
        reverse("review:seats", args=[tender.pk]),
        reverse("review:queue", args=[tender.pk]),
        reverse("review:export", args=[tender.pk, "csv"]),
        reverse("review:export", args=[tender.pk, "xlsx"]),
        reverse("review:detail", args=[application.pk]),
        reverse("review:fact", args=[application.pk])
        + "?path=application.single_parent",
        reverse("review:confirm", args=[application.pk, "record"]),
    ]


@pytest.fixture
def other_staff(db):
    from housing.constants import StaffRole

    other = LessorFactory(name="Občina Kranj", slug="kranj")
    return MembershipFactory(
        lessor=other, role=StaffRole.LESSOR_ADMIN, user=UserFactory()
    ).user


def test_commission_member_reaches_every_page(client, otp_login, review, staff):
    otp_login(client, staff["member"])
    tender = review.application.tender
    for url in pages(tender, review.application):
        assert client.get(url).status_code == 200, url


def test_applicant_gets_403(client, review, applicant):
    client.force_login(applicant)
    for url in pages(review.application.tender, review.application):
        assert client.get(url).status_code == 403, url


def test_other_lessor_gets_404(client, otp_login, review, other_staff):
    otp_login(client, other_staff)
    for url in pages(review.application.tender, review.application):
        assert client.get(url).status_code == 404, url


def test_staff_without_a_seat_gets_403(client, otp_login, review, staff):
    otp_login(client, staff["outsider"])
    url = reverse("review:queue", args=[review.application.tender_id])
    assert client.get(url).status_code == 403


def test_anonymous_goes_to_login(client, review):
    for url in pages(review.application.tender, review.application):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_staff_without_second_factor_is_sent_to_it(client, review, staff):
    client.force_login(staff["member"])
    response = client.get(reverse("review:queue", args=[review.application.tender_id]))
    assert response.status_code == 302
    assert "/accounts/otp/" in response["Location"]


def test_superuser_reads_masked_and_cannot_act(
    client, otp_login, tender, applicant, staff
):
    application = make_application(tender, applicant, pregnancy=True)
    review = services.review_open(application=application, by=staff["chair"])
    otp_login(client, staff["superuser"])
    response = client.get(reverse("review:detail", args=[application.pk]))
    assert response.status_code == 200
    assert "***" in response.text
    assert "/do/" not in response.text  # no step offered
    assert not SpecialDataView.objects.filter(user=staff["superuser"]).exists()
    response = client.post(
        reverse("review:action", args=[application.pk, "complete"]),
        {"complete-expected_version": review.row_version},
    )
    assert response.status_code == 200
    assert "commission" in response.text
    assert fresh(review).state == ReviewState.SUBMITTED


def test_get_writes_nothing_but_the_special_view_log(
    client, otp_login, tender, applicant, staff
):
    application = make_application(tender, applicant, pregnancy=True)
    review = services.review_open(application=application, by=staff["chair"])
    version = fresh(review).row_version
    otp_login(client, staff["member"])
    client.get(reverse("review:detail", args=[application.pk]))
    assert fresh(review).row_version == version
    assert SpecialDataView.objects.filter(user=staff["member"]).exists()


def test_admin_sets_and_removes_a_seat(client, otp_login, tender, staff):
    otp_login(client, staff["admin"])
    url = reverse("review:seats", args=[tender.pk])
    response = client.post(
        url, {"user": staff["outsider"].pk, "role": CommissionRole.MEMBER}
    )
    assert response.status_code == 302
    assert CommissionSeat.objects.filter(tender=tender, user=staff["outsider"]).exists()
    response = client.post(
        url, {"user": staff["member"].pk, "role": CommissionRole.CHAIR}
    )
    assert response.status_code == 200
    assert "already has a chair" in response.text
    client.post(
        reverse("review:seat_remove", args=[tender.pk]), {"user": staff["outsider"].pk}
    )
    assert not CommissionSeat.objects.filter(
        tender=tender, user=staff["outsider"]
    ).exists()


def test_a_member_cannot_set_seats(client, otp_login, tender, staff):
    otp_login(client, staff["member"])
    url = reverse("review:seats", args=[tender.pk])
    assert "Save the seat" not in client.get(url).text
    response = client.post(
        url, {"user": staff["outsider"].pk, "role": CommissionRole.MEMBER}
    )
    assert response.status_code == 403


def test_superuser_may_set_seats(client, otp_login, tender, staff):
    otp_login(client, staff["superuser"])
    response = client.post(
        reverse("review:seats", args=[tender.pk]),
        {"user": staff["outsider"].pk, "role": CommissionRole.CLERK},
    )
    assert response.status_code == 302


def _post(client, application, action, data, review):
    payload = {f"{action}-{k}": v for k, v in data.items()}
    payload.setdefault(f"{action}-expected_version", fresh(review).row_version)
    return client.post(reverse("review:action", args=[application.pk, action]), payload)


def test_correction_without_a_reason_is_shown_at_the_field(
    client, otp_login, review, staff
):
    otp_login(client, staff["member"])
    path = f"members[{review.member_pks[0]}].monthly_income"
    response = _post(
        client,
        review.application,
        "correct",
        {"path": path, "value": "1000.00", "reason": ""},
        review,
    )
    assert response.status_code == 200
    assert (
        'id="correct-reason_error"' in response.text or "field-error" in response.text
    )
    assert "Give the reason" in response.text
    assert review.facts.get(path=path).state == FactState.CLAIMED


def test_amendment_deadline_in_the_past_is_shown_at_the_field(
    client, otp_login, review, staff
):
    otp_login(client, staff["member"])
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = _post(
        client,
        review.application,
        "amendment",
        {"text": "Priložite plačilno listo.", "deadline": yesterday.isoformat()},
        review,
    )
    assert response.status_code == 200
    assert "The deadline must be in the future." in response.text
    assert fresh(review).state == ReviewState.SUBMITTED


def test_inspection_of_a_shelter_resident_is_refused_on_the_page(
    client, otp_login, tender, applicant, staff
):
    application = make_application(
        tender, applicant, temporary_residence_in_shelter=True
    )
    review = services.review_open(application=application, by=staff["chair"])
    otp_login(client, staff["chair"])
    response = _post(
        client,
        application,
        "inspection",
        {
            "date": timezone.localdate().isoformat(),
            "present": [staff["chair"].pk],
            "findings": "Obisk.",
        },
        review,
    )
    assert response.status_code == 200
    assert "Art. 22(5)" in response.text
    assert not Inspection.objects.exists()


def test_stale_edit_shows_what_changed_and_can_be_redone(
    client, otp_login, review, staff
):
    otp_login(client, staff["member"])
    old = review.row_version
    services.fact_confirm(
        review=review,
        path="application.single_parent",
        expected_version=old,
        by=staff["member2"],
    )
    path = f"members[{review.member_pks[0]}].monthly_income"
    response = _post(
        client,
        review.application,
        "correct",
        {
            "path": path,
            "value": "1000.00",
            "reason": "Plačilna lista.",
            "expected_version": old,
        },
        review,
    )
    assert response.status_code == 200
    assert "What changed meanwhile" in response.text
    assert "Someone else changed this application" in response.text
    new = fresh(review).row_version
    assert f'name="correct-expected_version" value="{new}"' in response.text
    response = _post(
        client,
        review.application,
        "correct",
        {"path": path, "value": "1000.00", "reason": "Plačilna lista."},
        review,
    )
    assert response.status_code == 302
    assert review.facts.get(path=path).state == FactState.CORRECTED


def test_acting_with_a_declared_conflict_is_refused(client, otp_login, review, staff):
    otp_login(client, staff["member"])
    response = _post(client, review.application, "conflict", {"reason": ""}, review)
    assert response.status_code == 200
    assert "Say why" in response.text
    response = _post(
        client, review.application, "conflict", {"reason": "Sorodnik."}, review
    )
    assert response.status_code == 302
    assert ConflictDeclaration.objects.filter(user=staff["member"]).exists()
    response = _post(
        client,
        review.application,
        "confirm",
        {"path": "application.single_parent"},
        review,
    )
    assert response.status_code == 200
    assert "conflict of interest" in response.text


def test_unknown_action_and_export_format_answer_404(client, otp_login, review, staff):
    otp_login(client, staff["member"])
    url = reverse("review:action", args=[review.application_id, "explode"])
    assert client.post(url).status_code == 404
    url = reverse("review:export", args=[review.application.tender_id, "pdf"])
    assert client.get(url).status_code == 404


def test_from_amendment_to_scoring_record(client, otp_login, review, staff, applicant):
    application = review.application
    otp_login(client, staff["chair"])
    response = _post(
        client, application, "amendment", {"text": "Priložite plačilno listo."}, review
    )
    assert response.status_code == 302
    assert fresh(review).state == ReviewState.INCOMPLETE
    amendment = application.amendment_requests.get()
    amendment_answer(amendment=amendment, answer_text="Priloženo.", by=applicant)
    assert _post(client, application, "complete", {}, review).status_code == 302
    for fact in review.facts.all():
        response = _post(client, application, "confirm", {"path": fact.path}, review)
        assert response.status_code == 302
    assert _post(client, application, "verify", {}, review).status_code == 302
    assert fresh(review).state == ReviewState.VERIFIED
    url = reverse("review:confirm", args=[application.pk, "record"])
    assert "cannot be withdrawn" in client.get(url).text
    assert _post(client, application, "record", {}, review).status_code == 302
    assert ScoringRecord.objects.filter(review=review).exists()
    response = client.get(reverse("review:record", args=[application.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert SpecialDataView.objects.filter(
        user=staff["chair"], what="scoring record"
    ).exists()
    # The record may show special-category lines: not for the admin or a superuser.
    for who in ("admin", "superuser"):
        otp_login(client, staff[who])
        response = client.get(reverse("review:record", args=[application.pk]))
        assert response.status_code == 403


def test_rejection_draft_and_issue(client, otp_login, review, staff):
    application = review.application
    otp_login(client, staff["clerk"])
    response = _post(
        client, application, "draft_rejection", {"article": "", "reason": ""}, review
    )
    assert "Name the article" in response.text
    response = _post(
        client,
        application,
        "draft_rejection",
        {"article": "3", "reason": "Preseženi dohodki."},
        review,
    )
    assert response.status_code == 302
    # The clerk prepares, only the chair and the members issue.
    response = _post(client, application, "issue_rejection", {}, review)
    assert "Only the chair and the members" in response.text
    otp_login(client, staff["member"])
    response = _post(client, application, "issue_rejection", {}, review)
    assert response.status_code == 302
    assert fresh(review).state == ReviewState.REJECTED


def test_bulk_confirm_on_the_queue(client, otp_login, review, staff):
    otp_login(client, staff["clerk"])
    response = client.post(
        reverse("review:bulk_confirm", args=[review.application.tender_id]),
        {"facts": ["citizenship", "residence"]},
    )
    assert response.status_code == 302
    assert review.facts.filter(
        path__endswith=".citizenship", state=FactState.CONFIRMED
    ).exists()


def test_open_reviews_and_open_one(client, otp_login, tender, applicant, staff):
    application = make_application(tender, applicant)
    otp_login(client, staff["member"])
    response = client.get(reverse("review:detail", args=[application.pk]))
    assert "not yet in the queue" in response.text
    assert not ApplicationReview.objects.exists()
    client.post(reverse("review:open_all", args=[tender.pk]))
    assert ApplicationReview.objects.filter(application=application).exists()


def test_tender_manage_links_to_the_workspace(client, otp_login, tender, staff):
    otp_login(client, staff["admin"])
    response = client.get(reverse("tenders:manage", args=[tender.pk]))
    assert reverse("review:dashboard", args=[tender.pk]) in response.text
