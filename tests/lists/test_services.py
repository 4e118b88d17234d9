import datetime
import json

from django.db import connection
from django.utils import timezone

import pytest

from housing.errors import ServiceError
from lists import services
from lists.constants import ListState
from lists.models import CutoffOverride, ListEntry, ListVersion
from lists.selectors import list_diff, standing_for
from tests.lists.conftest import close, make_application, new_applicant, verify


def build(tender, staff, who="chair"):
    return services.list_build(tender=tender, by=staff[who])


def test_build_refused_while_an_application_is_undecided(tender, staff, sub_lists):
    make_application(tender, new_applicant("x@example.test"))
    close(tender)
    with pytest.raises(ServiceError) as error:
        build(tender, staff)
    assert "not yet decided" in error.value.messages[0]
    assert ListVersion.objects.count() == 0


def test_build_refused_while_the_tender_is_open(verified, tender, staff):
    from tenders.models import Tender

    Tender.objects.filter(pk=tender.pk).update(
        deadline=timezone.now() + datetime.timedelta(days=2)
    )
    with pytest.raises(ServiceError) as error:
        build(Tender.objects.get(pk=tender.pk), staff)
    assert "still open" in error.value.messages[0]


def test_build_refused_while_an_amendment_deadline_is_open(verified, tender, staff):
    from tests.applications.factories import AmendmentRequestFactory

    AmendmentRequestFactory(
        application=verified[0].application,
        requested_by=staff["clerk"],
        deadline=timezone.now() + datetime.timedelta(days=3),
    )
    with pytest.raises(ServiceError) as error:
        build(tender, staff)
    assert "Art. 20(4)" in error.value.messages[0]
    assert verified[0].application.code in error.value.messages[0]
    assert ListVersion.objects.count() == 0


def test_build_refused_to_a_clerk(verified, tender, staff):
    with pytest.raises(ServiceError) as error:
        build(tender, staff, "clerk")
    assert error.value.code == "forbidden"


def test_build_ranks_verified_totals_into_sub_lists_as_the_engine_does(
    verified, tender, staff
):
    version = build(tender, staff)
    assert version.state == ListState.DRAFT
    assert version.number == 1
    # The stored output is the engine's on the stored input.
    assert services.run_rank(version.engine_input) == version.engine_output
    assert version.input_sha256 == services.sha256(version.engine_input)
    assert version.data_sha256 == services.sha256(services.version_data(version))
    # The input holds the verified facts, not the claims.
    cases = {c["code"]: c for c in version.engine_input["applications"]}
    for review in verified:
        assert cases[review.application.code] == review.verified_case
    entries = list(version.entries.order_by("position"))
    assert [e.total for e in entries] == [410, 370, 350]
    assert [e.code for e in entries] == [
        verified[0].application.code,
        verified[2].application.code,
        verified[1].application.code,
    ]
    assert {e.sub_list for e in entries} == {"A1"}
    assert [e.rank for e in entries] == [1, 2, 3]
    # One dwelling in A1: the cut-off is the first total.
    sub = version.engine_output["sub_lists"]["A1"]
    assert sub["cutoff"] == 410
    assert [e.within for e in entries] == [True, False, False]
    assert version.engine_output["unassigned"] == []


def test_cutoff_change_needs_a_reason_and_makes_a_new_version(verified, tender, staff):
    version = build(tender, staff)
    with pytest.raises(ServiceError) as error:
        services.list_cutoff_set(
            version=version,
            sub_list_code="A1",
            cutoff=350,
            reason="  ",
            by=staff["admin"],
        )
    assert "reason" in error.value.errors
    assert ListVersion.objects.count() == 1
    new = services.list_cutoff_set(
        version=version,
        sub_list_code="A1",
        cutoff=350,
        reason="Two more dwellings became free.",
        by=staff["admin"],
    )
    assert new.number == 2
    assert new.based_on == version
    assert new.engine_output["sub_lists"]["A1"]["cutoff"] == 350
    assert all(e.within for e in new.entries.all())
    override = CutoffOverride.objects.get(version=new)
    assert (override.previous, override.cutoff) == (410, 350)
    version.refresh_from_db()
    assert version.state == ListState.SUPERSEDED
    assert version.superseded_by == new
    # A rebuild keeps the lessor's cut-off.
    rebuilt = build(tender, staff, "member2")
    assert rebuilt.engine_output["sub_lists"]["A1"]["cutoff"] == 350


def test_approval_by_the_builder_is_refused(verified, tender, staff):
    version = build(tender, staff, "chair")
    with pytest.raises(ServiceError) as error:
        services.list_approve(version=version, by=staff["chair"])
    assert "second member" in error.value.messages[0]
    with pytest.raises(ServiceError):
        services.list_approve(version=version, by=staff["clerk"])
    with pytest.raises(ServiceError):
        services.list_approve(version=version, by=staff["superuser"])
    version.refresh_from_db()
    assert version.state == ListState.DRAFT
    approved = services.list_approve(version=version, by=staff["member"])
    assert approved.state == ListState.APPROVED
    assert approved.approved_by == staff["member"]


def test_publish_without_approval_is_refused(verified, tender, staff):
    version = build(tender, staff)
    with pytest.raises(ServiceError) as error:
        services.list_publish(version=version, by=staff["chair"])
    assert "approved" in error.value.messages[0]
    version.refresh_from_db()
    assert version.state == ListState.DRAFT


def test_publish_with_unassigned_applications_is_refused(tender, staff, applicant):
    from tenders.constants import ListKind, SubListRule
    from tests.tenders.factories import SubListFactory

    # List A takes singles only: the families are on no sub-list.
    SubListFactory(
        tender=tender,
        list_kind=ListKind.A,
        code="A2",
        rule=SubListRule.SINGLE_PERSONS,
        dwellings=3,
    )
    review = verify(make_application(tender, applicant), staff)
    close(tender)
    version = build(tender, staff)
    assert version.engine_output["unassigned"] == [review.application.code]
    entry = version.entries.get()
    assert (entry.sub_list, entry.rank, entry.within) == ("", None, None)
    services.list_approve(version=version, by=staff["member"])
    with pytest.raises(ServiceError) as error:
        services.list_publish(version=version, by=staff["chair"])
    assert "on no sub-list" in error.value.messages[0]
    assert review.application.code in error.value.messages[0]
    version.refresh_from_db()
    assert version.state == ListState.APPROVED


def publish(tender, staff):
    version = build(tender, staff)
    services.list_approve(version=version, by=staff["member"])
    return services.list_publish(version=version, by=staff["chair"])


def test_publish_supersedes_the_previous_and_keeps_pdfs(verified, tender, staff):
    first = publish(tender, staff)
    assert first.state == ListState.PUBLISHED
    assert first.published_by == staff["chair"]
    if first.pdf:
        import hashlib

        data = first.pdf.read()
        assert data.startswith(b"%PDF-")
        assert hashlib.sha256(data).hexdigest() == first.pdf_sha256
        assert first.pdf_en_sha256
        assert first.pdf_en_sha256 != first.pdf_sha256
    second = publish(tender, staff)
    first.refresh_from_db()
    assert first.state == ListState.SUPERSEDED
    assert first.superseded_by == second
    assert standing_for(verified[0].application).version == second


def test_applicant_standing(verified, tender, staff):
    assert standing_for(verified[0].application) is None
    publish(tender, staff)
    standing = standing_for(verified[2].application)
    assert (standing.entry.sub_list, standing.entry.rank) == ("A1", 2)
    assert (standing.cutoff, standing.dwellings) == (410, 1)
    assert standing.entry.within is False


def test_diff_shows_who_moved_by_how_much_and_why(verified, tender, staff):
    from review import services as review_services
    from review.models import ApplicationReview

    old = publish(tender, staff)
    # The commission corrects the third application's facts (a new verification).
    third = ApplicationReview.objects.get(pk=verified[1].pk)
    path = f"members[{third.member_pks[0]}].monthly_income"
    review_services.fact_correct(
        review=third,
        path="application.dwelling_area_m2",
        value="7.00",
        reason="Measured at the inspection.",
        expected_version=third.row_version,
        by=staff["member"],
    )
    third = ApplicationReview.objects.get(pk=third.pk)
    review_services.review_verify(
        review=third, expected_version=third.row_version, by=staff["member"]
    )
    new = build(tender, staff)
    diff = list_diff(old, new)
    change = diff.entries[0]
    assert change.code == third.application.code
    assert change.total_change == change.new.total - 350 > 0
    assert change.rank_change > 0
    assert [f.path for f in change.why] == ["dwelling_area_m2"]
    assert change.why[0].old == "40.00"
    assert path  # the member path format is the review's


def test_published_version_refused_in_the_orm(verified, tender, staff):
    from lists.immutable import ListVersionImmutable

    version = publish(tender, staff)
    entry = version.entries.first()
    version.final = True
    from django.db import transaction

    attempts = (
        version.save,
        version.delete,
        lambda: ListVersion.objects.filter(pk=version.pk).update(final=True),
        lambda: ListVersion.objects.filter(pk=version.pk).delete(),
        entry.save,
        entry.delete,
        lambda: ListEntry.objects.filter(pk=entry.pk).update(total=1),
        lambda: ListEntry.objects.filter(version=version).delete(),
        lambda: ListEntry.objects.create(
            version=version,
            application=entry.application,
            code="X",
            list="A",
            list_rank=9,
            total=1,
            position=99,
        ),
    )
    for attempt in attempts:
        with pytest.raises(ListVersionImmutable), transaction.atomic():
            attempt()
    version.refresh_from_db()
    assert version.final is False
    assert version.entries.count() == 3


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="The trigger exists on PostgreSQL only (SQLite: the ORM guard).",
)
def test_published_version_refused_by_postgresql(verified, tender, staff):
    from django.db import transaction
    from django.db.utils import DatabaseError

    version = publish(tender, staff)
    statements = [
        ("UPDATE lists_listversion SET final = true WHERE id = %s", [version.pk]),
        ("UPDATE lists_listversion SET state = 'draft' WHERE id = %s", [version.pk]),
        (
            "UPDATE lists_listversion SET state = 'superseded', superseded_by_id = id,"
            " data_sha256 = 'x' WHERE id = %s",
            [version.pk],
        ),
        ("DELETE FROM lists_listversion WHERE id = %s", [version.pk]),
        ("UPDATE lists_listentry SET total = 1 WHERE version_id = %s", [version.pk]),
        ("DELETE FROM lists_listentry WHERE version_id = %s", [version.pk]),
        (
            "INSERT INTO lists_listentry (version_id, application_id, code, list,"
            " sub_list, list_rank, total, position) SELECT version_id, application_id,"
            " 'X', list, sub_list, 9, 1, 99 FROM lists_listentry WHERE version_id = %s"
            " LIMIT 1",
            [version.pk],
        ),
    ]
    for sql, params in statements:
        with (
            pytest.raises(DatabaseError),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, params)
    version.refresh_from_db()
    assert version.state == ListState.PUBLISHED
    assert version.entries.count() == 3


def test_stored_input_reproduces_output_and_hashes(verified, tender, staff):
    version = publish(tender, staff)
    stored = ListVersion.objects.get(pk=version.pk)
    again = json.loads(services.canonical(stored.engine_input))
    assert services.run_rank(again) == stored.engine_output
    assert services.sha256(again) == stored.input_sha256
    assert services.sha256(services.version_data(stored)) == stored.data_sha256


def test_without_sub_lists_one_rank_per_list_and_no_cutoff(tender, staff, applicant):
    review = verify(make_application(tender, applicant), staff)
    close(tender)
    version = build(tender, staff)
    assert "sub_lists" not in version.engine_output
    entry = version.entries.get()
    assert (entry.code, entry.list, entry.sub_list) == (
        review.application.code,
        "A",
        "",
    )
    assert (entry.rank, entry.list_rank, entry.within) == (1, 1, None)
    assert services.publication_problems(version) == [
        "A version is published only after a second member of the commission "
        "approved it."
    ]
    with pytest.raises(ServiceError) as error:
        services.list_cutoff_set(
            version=version,
            sub_list_code="A1",
            cutoff=1,
            reason="R.",
            by=staff["admin"],
        )
    assert "sub_list" in error.value.errors


def test_rejected_applications_are_left_out(tender, staff, sub_lists, applicant):
    from review import services as review_services
    from review.models import ApplicationReview

    kept = verify(make_application(tender, applicant), staff)
    other = make_application(tender, new_applicant("r@example.test"))
    review = review_services.review_open(application=other, by=staff["chair"])
    review = review_services.rejection_draft(
        review=review,
        reason="Lastnik drugega stanovanja.",
        article="3(1)",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = ApplicationReview.objects.get(pk=review.pk)
    review_services.rejection_issue(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    close(tender)
    version = build(tender, staff)
    assert [c["code"] for c in version.engine_input["applications"]] == [
        kept.application.code
    ]
    assert list(version.entries.values_list("code", flat=True)) == [
        kept.application.code
    ]


def test_cutoff_change_on_a_published_version_makes_a_draft(verified, tender, staff):
    published = publish(tender, staff)
    new = services.list_cutoff_set(
        version=published,
        sub_list_code="A1",
        cutoff=None,
        reason="Back to the dwellings.",
        by=staff["chair"],
    )
    assert new.state == ListState.DRAFT
    assert new.based_on == published
    published.refresh_from_db()
    assert published.state == ListState.PUBLISHED
    # The one who changed the cut-off built the new version: another approves.
    with pytest.raises(ServiceError):
        services.list_approve(version=new, by=staff["chair"])
    services.list_approve(version=new, by=staff["member2"])
    services.list_publish(version=new, by=staff["admin"])
    published.refresh_from_db()
    assert published.state == ListState.SUPERSEDED
    diff = list_diff(published, new)
    assert diff.entries == []
    assert diff.cutoffs == []  # None gives the same cut-off as before
