from django.test import override_settings

import pytest

from lists import services
from lists.constants import ListState
from lists.models import ListVersion


@pytest.fixture
def draft(verified, tender, staff):
    return services.list_build(tender=tender, by=staff["chair"])


@pytest.fixture
def published(draft, staff):
    services.list_approve(version=draft, by=staff["member"])
    return services.list_publish(version=draft, by=staff["chair"])


def names(verified):
    from applications.models import Member

    found = set()
    for review in verified:
        for member in Member.objects.filter(application=review.application):
            found |= {member.first_name, member.last_name}
        found.add(review.application.applicant.full_name)
    return found - {""}


def test_tender_page_shows_published_versions_with_hashes_and_cutoffs(
    client, published, tender, verified
):
    page = client.get(
        f"/tenders/{tender.pk}/", headers={"accept-language": "en"}
    ).content.decode()
    assert "Priority lists" in page
    assert published.input_sha256 in page
    assert published.data_sha256 in page
    assert "A1" in page
    assert "410" in page
    for name in names(verified):
        assert name not in page


def test_tender_page_hides_drafts(client, draft, tender):
    page = client.get(f"/tenders/{tender.pk}/").content.decode()
    assert draft.input_sha256 not in page


def test_public_version_page_shows_codes_and_hashes_never_names(
    client, published, verified
):
    response = client.get(f"/lists/{published.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    for review in verified:
        assert review.application.code in page
    assert published.input_sha256 in page
    if published.pdf_sha256:
        assert published.pdf_sha256 in page
        assert published.pdf_en_sha256 in page
    for name in names(verified):
        assert name not in page


def test_draft_is_not_public(client, draft, staff, otp_login):
    assert client.get(f"/lists/{draft.pk}/").status_code == 404
    assert client.get(f"/lists/{draft.pk}/export.csv").status_code == 404
    # Nor a draft superseded by a cut-off change before publication.
    services.list_cutoff_set(
        version=draft, sub_list_code="A1", cutoff=300, reason="R.", by=staff["admin"]
    )
    draft.refresh_from_db()
    assert draft.state == ListState.SUPERSEDED
    assert client.get(f"/lists/{draft.pk}/").status_code == 404
    otp_login(client, staff["clerk"])
    assert client.get(f"/lists/{draft.pk}/").status_code == 200


def test_exports(client, published, verified):
    response = client.get(
        f"/lists/{published.pk}/export.csv", headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Application code,")
    assert lines[1].split(",")[:6] == [
        verified[0].application.code,
        "A",
        "A1",
        "1",
        "1",
        "410",
    ]
    response = client.get(f"/lists/{published.pk}/export.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert client.get(f"/lists/{published.pk}/export.pdf").status_code == 404


def test_applicant_sees_their_rank(client, published, verified):
    application = verified[2].application
    client.force_login(application.applicant)
    response = client.get(f"/applications/{application.pk}/list-standing/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "A1" in page
    assert "410" in page  # the cut-off
    assert "370" in page  # their points
    other = verified[0].application
    assert client.get(f"/applications/{other.pk}/list-standing/").status_code == 404


def test_staff_pages_need_a_seat_or_the_admin(client, draft, tender, staff, otp_login):
    from housing.constants import StaffRole
    from tests.housing.factories import MembershipFactory, UserFactory

    urls = [
        f"/staff/tenders/{tender.pk}/lists/",
        f"/staff/lists/{draft.pk}/",
        f"/staff/lists/{draft.pk}/publish/",
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login
    # Staff of the lessor without a seat: 404.
    otp_login(client, staff["outsider"])
    for url in urls:
        assert client.get(url).status_code == 404
    other = MembershipFactory(role=StaffRole.LESSOR_ADMIN, user=UserFactory()).user
    otp_login(client, other)
    for url in urls:
        assert client.get(url).status_code == 404
    for who in ("admin", "clerk", "member"):
        otp_login(client, staff[who])
        for url in urls:
            assert client.get(url).status_code == 200, (who, url)


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@override_settings(TASKS=IMMEDIATE)
def test_staff_flow_build_cutoff_approve_publish(
    client, verified, tender, staff, otp_login
):
    # Building and publishing run as jobs; here the tasks run at once (the worker
    # is tested in test_jobs.py).
    otp_login(client, staff["chair"])
    response = client.post(f"/staff/tenders/{tender.pk}/lists/")
    assert response.url == f"/staff/tenders/{tender.pk}/lists/"
    version = ListVersion.objects.get()
    # A cut-off without a reason: refused, nothing built.
    response = client.post(
        f"/staff/lists/{version.pk}/cutoff/",
        {"sub_list": "A1", "cutoff": "350", "reason": ""},
    )
    assert response.status_code == 200
    assert ListVersion.objects.count() == 1
    response = client.post(
        f"/staff/lists/{version.pk}/cutoff/",
        {"sub_list": "A1", "cutoff": "350", "reason": "Dva stanovanja več."},
    )
    new = ListVersion.objects.get(number=2)
    assert response.url == f"/staff/lists/{new.pk}/"
    # The builder cannot approve.
    client.post(f"/staff/lists/{new.pk}/approve/")
    new.refresh_from_db()
    assert new.state == ListState.DRAFT
    page = client.get(f"/staff/lists/{new.pk}/diff/").content.decode()
    assert "Dva stanovanja več." in page
    otp_login(client, staff["member"])
    client.post(f"/staff/lists/{new.pk}/approve/")
    new.refresh_from_db()
    assert new.state == ListState.APPROVED
    # Publication needs the confirmation.
    response = client.post(f"/staff/lists/{new.pk}/publish/", {})
    assert response.status_code == 200
    new.refresh_from_db()
    assert new.state == ListState.APPROVED
    response = client.post(f"/staff/lists/{new.pk}/publish/", {"confirm": "on"})
    assert response.url == f"/staff/lists/{new.pk}/"
    new.refresh_from_db()
    assert new.state == ListState.PUBLISHED


def test_build_refusal_is_shown(client, tender, staff, sub_lists, otp_login):
    from tests.lists.conftest import close, make_application, new_applicant

    make_application(tender, new_applicant("x@example.test"))
    close(tender)
    otp_login(client, staff["chair"])
    english = {"accept-language": "en"}
    page = client.get(f"/staff/tenders/{tender.pk}/lists/", headers=english)
    assert "not yet decided" in page.content.decode()
    response = client.post(
        f"/staff/tenders/{tender.pk}/lists/", follow=True, headers=english
    )
    assert "not yet decided" in response.content.decode()
    assert ListVersion.objects.count() == 0


def test_public_pages_queries_do_not_grow_with_entries(
    client, published, tender, django_assert_max_num_queries
):
    # The version page reads its entries once; the tender page reads none.
    with django_assert_max_num_queries(8):
        assert client.get(f"/lists/{published.pk}/").status_code == 200
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/tenders/{tender.pk}/")
    assert not [q for q in queries if "lists_listentry" in q["sql"]]
