"""Withdrawing a drafted rejection on the page (issue 13, 4; Art. 20(3)) and the
tender's page of declared conflicts of interest (issue 13, 1)."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from applications.constants import AmendmentStatus
from housing.errors import ServiceError
from review import services
from review.constants import LogKind, RejectionState, ReviewState
from review.models import ApplicationReview, ReviewLog
from tests.housing.factories import LessorFactory, MembershipFactory, UserFactory
from tests.review.conftest import make_application


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def fresh(review):
    return ApplicationReview.objects.get(pk=review.pk)


def expired_draft(review, staff):
    """An amendment request whose deadline passed: the daily job drafts an Art.
    20(3) rejection."""
    now = timezone.now()
    services.amendment_request(
        review=review,
        text="Priložite plačilno listo.",
        deadline=now + datetime.timedelta(days=1),
        expected_version=review.row_version,
        by=staff["member"],
    )
    expired = services.amendments_expire(now=now + datetime.timedelta(days=2))
    assert [a.status for a in expired] == [AmendmentStatus.EXPIRED]
    review = fresh(review)
    assert review.rejection_state == RejectionState.DRAFTED
    assert review.rejection_article == "20(3)"
    return review


def withdraw(client, review, reason, version=None):
    url = reverse("review:action", args=[review.application_id, "withdraw_rejection"])
    return client.post(
        url,
        {
            "withdraw_rejection-expected_version": (
                fresh(review).row_version if version is None else version
            ),
            "withdraw_rejection-reason": reason,
        },
    )


# --- the service ---------------------------------------------------------------------------


def test_withdraw_logs_its_own_kind_with_the_reason(review, staff):
    review = expired_draft(review, staff)
    review = services.rejection_withdraw(
        review=review,
        reason="Dopolnitev je prispela po pošti pravočasno.",
        expected_version=review.row_version,
        by=staff["chair"],
    )
    review = fresh(review)
    assert review.rejection_state == RejectionState.NONE
    assert review.rejection_article == ""
    log = ReviewLog.objects.get(review=review, kind=LogKind.REJECTION_WITHDRAWN)
    assert log.by == staff["chair"]
    assert log.reason == "Dopolnitev je prispela po pošti pravočasno."
    assert log.old == {"state": "drafted", "article": "20(3)"}
    assert log.version == review.row_version


def test_withdraw_refused_for_the_clerk_without_reason_or_stale(review, staff):
    review = expired_draft(review, staff)
    version = review.row_version
    with pytest.raises(ServiceError) as error:
        services.rejection_withdraw(
            review=review, reason="Napaka.", expected_version=version, by=staff["clerk"]
        )
    assert error.value.code == "forbidden"
    with pytest.raises(ServiceError) as error:
        services.rejection_withdraw(
            review=review, reason="  ", expected_version=version, by=staff["chair"]
        )
    assert set(error.value.errors) == {"reason"}
    with pytest.raises(ServiceError) as error:
        services.rejection_withdraw(
            review=review,
            reason="Napaka.",
            expected_version=version - 1,
            by=staff["chair"],
        )
    assert error.value.code == "conflict"
    assert fresh(review).rejection_state == RejectionState.DRAFTED
    assert fresh(review).row_version == version
    assert not ReviewLog.objects.filter(kind=LogKind.REJECTION_WITHDRAWN).exists()


# --- the page ------------------------------------------------------------------------------


def test_withdraw_on_the_page(client, otp_login, review, staff):
    review = expired_draft(review, staff)
    otp_login(client, staff["member"])
    page = client.get(reverse("review:detail", args=[review.application_id]))
    assert "Withdraw the drafted rejection" in page.text
    response = withdraw(client, review, "")
    assert response.status_code == 200
    assert 'id="id_withdraw_rejection-reason_error"' in response.text
    assert fresh(review).rejection_state == RejectionState.DRAFTED
    response = withdraw(client, review, "Dopolnitev je prispela pravočasno.")
    assert response.status_code == 302
    review = fresh(review)
    assert review.rejection_state == RejectionState.NONE
    assert review.state == ReviewState.INCOMPLETE
    page = client.get(reverse("review:detail", args=[review.application_id]))
    assert "Drafted rejection withdrawn" in page.text  # in the history


def test_withdraw_stale_shows_the_change(client, otp_login, review, staff):
    review = expired_draft(review, staff)
    old = review.row_version
    services.conflict_declare(
        tender=review.application.tender,
        application=review.application,
        reason="Sorodnik.",
        by=staff["member2"],
    )
    otp_login(client, staff["member"])
    response = withdraw(client, review, "Napaka.", version=old)
    assert response.status_code == 200
    assert "Someone else changed this application" in response.text
    assert fresh(review).rejection_state == RejectionState.DRAFTED


def test_clerk_and_conflicted_member_see_no_withdraw_form(
    client, otp_login, review, staff
):
    review = expired_draft(review, staff)
    services.conflict_declare(
        tender=review.application.tender,
        application=review.application,
        reason="Sorodnik.",
        by=staff["member2"],
    )
    for who in ("clerk", "member2"):
        otp_login(client, staff[who])
        page = client.get(reverse("review:detail", args=[review.application_id]))
        assert "Withdraw the drafted rejection" not in page.text, who
        response = withdraw(client, review, "Napaka.")
        assert response.status_code == 200, who
        assert fresh(review).rejection_state == RejectionState.DRAFTED


# --- conflicts of the tender ---------------------------------------------------------------


def test_conflicts_page_lists_every_declaration(
    client, otp_login, tender, applicant, staff
):
    first = make_application(tender, applicant)
    second = make_application(tender, UserFactory())
    services.conflict_declare(
        tender=tender,
        application=first,
        reason="Sestrična prosilke.",
        by=staff["member"],
    )
    services.conflict_declare(
        tender=tender, application=second, reason="Poslovni partner.", by=staff["clerk"]
    )
    services.conflict_declare(tender=tender, reason="Sosed.", by=staff["member2"])
    url = reverse("review:conflicts", args=[tender.pk])
    otp_login(client, staff["chair"])
    response = client.get(url)
    assert response.status_code == 200
    text = response.text
    for expected in (
        "Mojca Member",
        first.code,
        "Sestrična prosilke.",
        "Klara Clerk",
        second.code,
        "Poslovni partner.",
        "Miha Member",
        "the whole tender",
        "3 declared conflicts",
    ):
        assert expected in text, expected
    assert reverse("review:detail", args=[first.pk]) in text
    # Linked from the workspace's navigation for seat holders.
    dashboard = client.get(reverse("review:dashboard", args=[tender.pk]))
    assert url in dashboard.text


def test_conflicts_page_for_seat_holders_only(client, otp_login, tender, staff):
    url = reverse("review:conflicts", args=[tender.pk])
    for who in ("chair", "member", "clerk"):
        otp_login(client, staff[who])
        assert client.get(url).status_code == 200, who
    # The lessor's admin and a superuser see the workspace but hold no seat.
    for who in ("admin", "superuser", "outsider"):
        otp_login(client, staff[who])
        assert client.get(url).status_code == 403, who
    otp_login(client, staff["admin"])
    admin_dashboard = client.get(reverse("review:dashboard", args=[tender.pk]))
    assert admin_dashboard.status_code == 200
    assert url not in admin_dashboard.text
    other = MembershipFactory(
        lessor=LessorFactory(slug="kranj"), role="lessor_admin", user=UserFactory()
    ).user
    otp_login(client, other)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405


def test_conflicts_page_empty(client, otp_login, tender, staff):
    otp_login(client, staff["member"])
    response = client.get(reverse("review:conflicts", args=[tender.pk]))
    assert "Nobody has declared a conflict" in response.text
