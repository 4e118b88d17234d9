"""review/services.py: each service at its boundaries and its bad input."""

import datetime
from decimal import Decimal

from django.core import mail
from django.utils import timezone, translation

import pytest

from applications.constants import LJUBLJANA, AmendmentStatus, EventKind
from housing.errors import ServiceError
from review import services
from review.constants import (
    CommissionRole,
    FactState,
    LogKind,
    RejectionState,
    ReviewState,
)
from review.models import (
    AmendmentLetter,
    ApplicationReview,
    CommissionSeat,
    ConflictDeclaration,
    FactCheck,
    Inspection,
    ReviewLog,
)
from review.selectors import issued_documents_for
from review.verified import claimed_vs_verified, verified_case
from tests.applications.factories import DocumentFactory
from tests.housing.factories import UserFactory
from tests.review.conftest import make_application


def fresh(review):
    return ApplicationReview.objects.get(pk=review.pk)


def member_path(review, key, index=0):
    return f"members[{review.member_pks[index]}].{key}"


def confirm_all(review, by):
    for fact in review.facts.filter(state=FactState.CLAIMED):
        services.fact_confirm(
            review=review,
            path=fact.path,
            expected_version=fresh(review).row_version,
            by=by,
        )
    return fresh(review)


def complete(review, by):
    return services.completeness_mark_complete(
        review=review, expected_version=fresh(review).row_version, by=by
    )


def nothing_saved(review, version, log_count):
    review = fresh(review)
    assert review.row_version == version
    assert ReviewLog.objects.filter(review=review).count() == log_count


# --- the commission -----------------------------------------------------------------------


def test_seat_set_by_the_lessor_admin_appoints_and_changes_role(tender, staff):
    seat = services.seat_set(
        tender=tender, user=staff["outsider"], role="member", by=staff["admin"]
    )
    assert seat.role == CommissionRole.MEMBER
    services.seat_set(
        tender=tender, user=staff["outsider"], role="clerk", by=staff["admin"]
    )
    assert CommissionSeat.objects.get(user=staff["outsider"]).role == "clerk"
    entries = ReviewLog.objects.filter(kind=LogKind.SEAT_SET, tender=tender)
    assert [(e.old, e.new) for e in entries] == [(None, "member"), ("member", "clerk")]


def test_seat_set_refused_for_a_member_and_for_a_second_chair(tender, staff):
    with pytest.raises(ServiceError) as error:
        services.seat_set(
            tender=tender, user=staff["outsider"], role="member", by=staff["member"]
        )
    assert error.value.code == "forbidden"
    with pytest.raises(ServiceError) as error:
        services.seat_set(
            tender=tender, user=staff["outsider"], role="chair", by=staff["admin"]
        )
    assert "role" in error.value.errors
    assert not CommissionSeat.objects.filter(user=staff["outsider"]).exists()


def test_superuser_administers_seats_but_cannot_hold_one(tender, staff):
    services.seat_set(
        tender=tender, user=staff["outsider"], role="member", by=staff["superuser"]
    )
    with pytest.raises(ServiceError) as error:
        services.seat_set(
            tender=tender, user=staff["superuser"], role="member", by=staff["admin"]
        )
    assert "does not sit on commissions" in error.value.errors["user"][0]


def test_seat_set_refuses_someone_not_staff_of_the_lessor(tender, staff):
    with pytest.raises(ServiceError) as error:
        services.seat_set(
            tender=tender, user=UserFactory(), role="member", by=staff["admin"]
        )
    assert "user" in error.value.errors


def test_seat_remove(tender, staff):
    services.seat_remove(tender=tender, user=staff["member2"], by=staff["admin"])
    assert not CommissionSeat.objects.filter(user=staff["member2"]).exists()
    with pytest.raises(ServiceError):
        services.seat_remove(tender=tender, user=staff["member2"], by=staff["admin"])


def test_conflict_blocks_every_action_on_the_application(review, staff):
    services.conflict_declare(
        tender=review.application.tender,
        application=review.application,
        reason="Sorodnik prosilke.",
        by=staff["member"],
    )
    review = fresh(review)
    version = review.row_version
    logs = ReviewLog.objects.filter(review=review).count()
    with pytest.raises(ServiceError) as error:
        services.fact_confirm(
            review=review,
            path="application.single_parent",
            expected_version=version,
            by=staff["member"],
        )
    assert error.value.code == "forbidden"
    assert "conflict of interest" in error.value.messages[0]
    nothing_saved(review, version, logs)
    assert review.facts.get(path="application.single_parent").state == "claimed"
    # Another member still acts.
    services.fact_confirm(
        review=review,
        path="application.single_parent",
        expected_version=version,
        by=staff["member2"],
    )


def test_conflict_needs_a_reason_and_a_seat(review, staff):
    tender = review.application.tender
    with pytest.raises(ServiceError) as error:
        services.conflict_declare(tender=tender, reason="  ", by=staff["member"])
    assert "reason" in error.value.errors
    with pytest.raises(ServiceError) as error:
        services.conflict_declare(tender=tender, reason="x", by=staff["outsider"])
    assert error.value.code == "forbidden"
    assert not ConflictDeclaration.objects.exists()


def test_conflict_on_the_whole_tender(review, staff):
    services.conflict_declare(
        tender=review.application.tender,
        reason="Delam za prijavitelje.",
        by=staff["clerk"],
    )
    with pytest.raises(ServiceError):
        complete(review, staff["clerk"])


def test_superuser_cannot_act_on_a_review(review, staff):
    with pytest.raises(ServiceError) as error:
        complete(review, staff["superuser"])
    assert error.value.code == "forbidden"


# --- opening ------------------------------------------------------------------------------


def test_review_open_lists_each_claimed_fact_and_is_idempotent(review, staff):
    paths = set(review.facts.values_list("path", flat=True))
    assert {
        "application.housing_status",
        "application.dwelling_area_m2",
        "application.single_parent",
        "application.lost_housing_right_by_court",
        member_path(review, "monthly_income"),
        member_path(review, "permanent_residence", 1),
        "category:other:young-researchers",
        "additional:residence_10y",
    } <= paths
    # Claims not made are not facts to verify.
    assert "application.pregnancy" not in paths
    again = services.review_open(application=review.application, by=staff["member"])
    assert again.pk == review.pk
    assert ReviewLog.objects.filter(review=review, kind=LogKind.OPENED).count() == 1


def test_review_open_refuses_a_draft(tender, applicant, staff):
    from tests.applications.factories import ApplicationFactory

    with pytest.raises(ServiceError) as error:
        services.review_open(
            application=ApplicationFactory(tender=tender, applicant=applicant),
            by=staff["chair"],
        )
    assert error.value.code == "frozen"


def test_review_open_refuses_someone_off_the_commission(application, staff):
    with pytest.raises(ServiceError):
        services.review_open(application=application, by=UserFactory())
    assert not ApplicationReview.objects.exists()


# --- completeness and amendments ------------------------------------------------------------


def test_amendment_request_defaults_to_the_tenders_days_and_mails_in_english(
    review, staff, django_capture_on_commit_callbacks
):
    now = datetime.datetime(2026, 3, 10, 22, 30, tzinfo=LJUBLJANA)
    with django_capture_on_commit_callbacks(execute=True):
        amendment = services.amendment_request(
            review=review,
            text="Priložite potrdilo o dohodkih.",
            expected_version=review.row_version,
            by=staff["clerk"],
            now=now,
        )
    assert review.application.tender.amendment_days == 15
    assert amendment.deadline == datetime.datetime(
        2026, 3, 25, 23, 59, 59, tzinfo=LJUBLJANA
    )
    assert fresh(review).state == ReviewState.INCOMPLETE
    assert review.application.events.filter(kind=EventKind.AMENDMENT_REQUESTED).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ana@example.test"]
    assert "please complete it" in message.subject
    assert "25. 03. 2026 23:59" in message.body
    # No facts in the mail, only a link.
    assert "dohodkih" not in message.body


def test_amendment_deadline_in_the_past_is_refused(review, staff):
    version = review.row_version
    logs = ReviewLog.objects.filter(review=review).count()
    with translation.override("sl"), pytest.raises(ServiceError) as error:
        services.amendment_request(
            review=review,
            text="Priložite potrdilo.",
            deadline=timezone.now() - datetime.timedelta(minutes=1),
            expected_version=version,
            by=staff["clerk"],
        )
    assert error.value.errors["deadline"] == ["Rok mora biti v prihodnosti."]
    nothing_saved(review, version, logs)
    assert not review.application.amendment_requests.exists()


def test_amendment_for_a_paper_applicant_gives_a_letter_pdf(
    tender, staff, django_capture_on_commit_callbacks
):
    application = make_application(tender, paper=True)
    review = services.review_open(application=application, by=staff["chair"])
    with django_capture_on_commit_callbacks(execute=True):
        amendment = services.amendment_request(
            review=review,
            text="Priložite najemno pogodbo.",
            expected_version=review.row_version,
            by=staff["clerk"],
        )
    letter = AmendmentLetter.objects.get(amendment=amendment)
    data = letter.file.read()
    assert data.startswith(b"%PDF-")
    import hashlib

    assert letter.sha256 == hashlib.sha256(data).hexdigest()
    assert not mail.outbox


def test_amendment_letter_html_holds_both_languages(tender, staff):
    from review.pdf import render_amendment_letter_pdf

    application = make_application(tender, paper=True)
    review = services.review_open(application=application, by=staff["chair"])
    amendment = services.amendment_request(
        review=review,
        text="Priložite najemno pogodbo.",
        expected_version=review.row_version,
        by=staff["clerk"],
    )
    html, pdf = render_amendment_letter_pdf(amendment)
    assert '<section lang="sl">' in html
    assert '<section lang="en">' in html
    assert "Request to complete application" in html
    assert pdf.startswith(b"%PDF-")


def test_mark_complete_waits_for_an_open_request(review, staff):
    services.amendment_request(
        review=review,
        text="Priložite potrdilo.",
        expected_version=review.row_version,
        by=staff["clerk"],
    )
    with pytest.raises(ServiceError):
        complete(review, staff["clerk"])
    review.application.amendment_requests.update(status=AmendmentStatus.ANSWERED)
    assert complete(review, staff["clerk"]).state == ReviewState.COMPLETE


def test_amendments_expire_drafts_a_rejection_never_issues_it(review, staff):
    now = timezone.now()
    amendment = services.amendment_request(
        review=review,
        text="Priložite potrdilo.",
        deadline=now + datetime.timedelta(days=1),
        expected_version=review.row_version,
        by=staff["clerk"],
        now=now,
    )
    # One second before the end of the deadline: nothing happens.
    assert services.amendments_expire(now=amendment.deadline) == []
    expired = services.amendments_expire(
        now=amendment.deadline + datetime.timedelta(seconds=1)
    )
    assert [a.pk for a in expired] == [amendment.pk]
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.EXPIRED
    review = fresh(review)
    assert review.state == ReviewState.INCOMPLETE
    assert review.rejection_state == RejectionState.DRAFTED
    assert review.rejection_article == "20(3)"
    assert "ni bila dopolnjena" in review.rejection_reason
    # A clerk cannot issue it; the chair can.
    with pytest.raises(ServiceError):
        services.rejection_issue(
            review=review, expected_version=review.row_version, by=staff["clerk"]
        )
    review = services.rejection_issue(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    assert review.state == ReviewState.REJECTED
    with pytest.raises(ServiceError) as error:
        complete(review, staff["chair"])
    assert error.value.code == "frozen"


def test_rejection_draft_and_withdraw(review, staff):
    with pytest.raises(ServiceError) as error:
        services.rejection_draft(
            review=review,
            reason="",
            article="",
            expected_version=review.row_version,
            by=staff["member"],
        )
    assert set(error.value.errors) == {"reason", "article"}
    review = services.rejection_draft(
        review=review,
        reason="Dohodek presega mejo.",
        article="5",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = services.rejection_withdraw(
        review=review,
        reason="Napaka pri izračunu.",
        expected_version=review.row_version,
        by=staff["chair"],
    )
    assert review.rejection_state == RejectionState.NONE


# --- facts -----------------------------------------------------------------------------------


def test_correction_without_a_reason_is_refused_nothing_saved(review, staff):
    path = member_path(review, "monthly_income")
    version = review.row_version
    logs = ReviewLog.objects.filter(review=review).count()
    with translation.override("sl"), pytest.raises(ServiceError) as error:
        services.fact_correct(
            review=review,
            path=path,
            value="1100.00",
            reason=" ",
            expected_version=version,
            by=staff["member"],
        )
    assert error.value.errors["reason"] == [
        "Navedite razlog: zabeleži se in je prikazan."
    ]
    nothing_saved(review, version, logs)
    assert FactCheck.objects.get(review=review, path=path).state == "claimed"


def test_correction_replaces_the_claim_in_the_verified_facts(review, staff):
    path = member_path(review, "monthly_income")
    document = DocumentFactory(application=review.application)
    fact = services.fact_correct(
        review=review,
        path=path,
        value="1100,5",
        reason="Potrdilo FURS kaže višji dohodek.",
        document=document,
        expected_version=review.row_version,
        by=staff["member"],
    )
    assert fact.state == FactState.CORRECTED
    assert fact.verified == "1100.50"
    assert fact.document == document
    assert verified_case(fresh(review))["members"][0]["monthly_income"] == "1100.50"
    entry = ReviewLog.objects.get(review=review, kind=LogKind.FACT_CORRECTED)
    assert entry.old == {"state": "claimed", "value": "900.00"}
    assert entry.new == {
        "state": "corrected",
        "value": "1100.50",
        "document": document.pk,
    }
    assert entry.by == staff["member"]
    assert entry.reason == "Potrdilo FURS kaže višji dohodek."


def test_correction_refuses_bad_values_and_another_applications_document(
    review, staff, tender
):
    other = make_application(tender, UserFactory())
    with pytest.raises(ServiceError) as error:
        services.fact_correct(
            review=review,
            path="application.housing_status",
            value="9.9",
            reason="x",
            document=DocumentFactory(application=other),
            expected_version=review.row_version,
            by=staff["member"],
        )
    assert set(error.value.errors) == {"value", "document"}


def test_correction_the_engine_refuses_is_refused(review, staff):
    # Status 1.2 needs a dwelling area; the engine refuses none... a zero area.
    with pytest.raises(ServiceError) as error:
        services.fact_correct(
            review=review,
            path="application.dwelling_area_m2",
            value="0",
            reason="Izmera.",
            expected_version=review.row_version,
            by=staff["member"],
        )
    assert "value" in error.value.errors


def test_a_value_cannot_be_rejected_only_corrected(review, staff):
    with pytest.raises(ServiceError) as error:
        services.fact_reject(
            review=review,
            path=member_path(review, "monthly_income"),
            reason="Ni dokazila.",
            expected_version=review.row_version,
            by=staff["member"],
        )
    assert "value" in error.value.errors


def test_rejected_single_parent_removes_the_40_points_of_6_2(review, staff):
    services.fact_reject(
        review=review,
        path="application.single_parent",
        reason="Oče živi v gospodinjstvu (poizvedba CRP).",
        expected_version=review.row_version,
        by=staff["member"],
    )
    comparison = claimed_vs_verified(fresh(review), "en")
    line = next(li for li in comparison.lines if li.code == "6.2")
    assert (line.claimed_points, line.verified_points) == (40, 0)
    assert line.article == "Form II.6.2"
    assert comparison.verified_total == comparison.claimed_total - 40


def test_rejected_category_is_removed(review, staff):
    services.fact_reject(
        review=review,
        path="category:other:young-researchers",
        reason="Ni potrdila delodajalca.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    case = verified_case(fresh(review))
    assert case["other_categories"] == []
    assert "residence_10y" in case["additional_conditions"]


def test_stale_version_is_refused_and_names_the_change(review, staff):
    shown = review.row_version
    services.fact_confirm(
        review=review,
        path="application.single_parent",
        expected_version=shown,
        by=staff["member"],
    )
    version = fresh(review).row_version
    logs = ReviewLog.objects.filter(review=review).count()
    with translation.override("en"), pytest.raises(ServiceError) as error:
        services.fact_reject(
            review=review,
            path="application.single_parent",
            reason="Ni dokazila.",
            expected_version=shown,
            by=staff["member2"],
        )
    assert error.value.code == "conflict"
    assert "Someone else changed this application" in error.value.messages[0]
    assert "application.single_parent" in error.value.messages[0]
    assert "Mojca Member" in error.value.messages[0]
    nothing_saved(review, version, logs)
    assert review.facts.get(path="application.single_parent").state == "confirmed"


def test_special_fact_change_is_logged_without_its_value(tender, applicant, staff):
    application = make_application(tender, applicant, pregnancy=True)
    review = services.review_open(application=application, by=staff["chair"])
    services.fact_reject(
        review=review,
        path="application.pregnancy",
        reason="Zdravniško potrdilo ni priloženo.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    entry = ReviewLog.objects.get(review=review, kind=LogKind.FACT_REJECTED)
    assert entry.special is True
    assert entry.old is None
    assert entry.new is None
    assert entry.reason == ""
    assert review.facts.get(path="application.pregnancy").reason.startswith("Zdrav")


def test_bulk_confirm_of_register_facts_on_a_tender(review, staff, tender):
    other = services.review_open(
        application=make_application(tender, UserFactory()), by=staff["chair"]
    )
    count = services.facts_confirm_bulk(
        tender=tender, facts=["citizenship", "residence"], by=staff["clerk"]
    )
    assert count == 8  # two members, two facts, two applications
    for r in (review, other):
        fact = r.facts.get(path=member_path(r, "citizenship"))
        assert fact.state == FactState.CONFIRMED
        assert "19. člen, 2. odstavek" in fact.reason
        assert r.facts.get(path=member_path(r, "monthly_income")).state == "claimed"
    with pytest.raises(ServiceError) as error:
        services.facts_confirm_bulk(tender=tender, facts=["income"], by=staff["clerk"])
    assert "facts" in error.value.errors


def test_bulk_confirm_skips_a_review_with_a_conflict(review, staff, tender):
    services.conflict_declare(
        tender=tender,
        application=review.application,
        reason="Soseda.",
        by=staff["clerk"],
    )
    assert services.facts_confirm_bulk(tender=tender, by=staff["clerk"]) == 0
    with pytest.raises(ServiceError):
        services.facts_confirm_bulk(review=review, by=staff["clerk"])


# --- verification and the record ---------------------------------------------------------------


def test_verify_needs_every_fact_decided_and_the_chair_or_a_member(review, staff):
    review = complete(review, staff["clerk"])
    with pytest.raises(ServiceError) as error:
        services.review_verify(
            review=review, expected_version=review.row_version, by=staff["member"]
        )
    assert "not yet confirmed" in error.value.messages[0]
    review = confirm_all(review, staff["clerk"])
    with pytest.raises(ServiceError) as error:
        services.review_verify(
            review=review, expected_version=review.row_version, by=staff["clerk"]
        )
    assert error.value.code == "forbidden"


def test_verified_assessment_comes_from_verified_facts(review, staff):
    review = complete(review, staff["clerk"])
    services.fact_reject(
        review=review,
        path="application.single_parent",
        reason="Oče živi z njima.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = confirm_all(fresh(review), staff["member"])
    review = services.review_verify(
        review=review, expected_version=review.row_version, by=staff["member"]
    )
    assert review.state == ReviewState.VERIFIED
    assert review.verified_total == 410 - 40
    assert review.verified_case["single_parent"] is False
    assert "6.2" not in [i["code"] for i in review.verified_result["items"]]
    assert len(review.verified_digest) == 64
    # The claim stays as it was made.
    assert review.submission.case["single_parent"] is True
    # A later change withdraws the verified assessment.
    services.fact_correct(
        review=review,
        path=member_path(review, "monthly_income"),
        value="950.00",
        reason="Popravek.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    review = fresh(review)
    assert review.state == ReviewState.COMPLETE
    assert review.verified_total is None


def test_record_issue_stores_the_pdf_once_for_the_applicant(review, staff):
    review = confirm_all(complete(review, staff["clerk"]), staff["member"])
    with pytest.raises(ServiceError):
        services.record_issue(
            review=review, expected_version=review.row_version, by=staff["chair"]
        )
    review = services.review_verify(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    record = services.record_issue(
        review=review, expected_version=review.row_version, by=staff["chair"]
    )
    assert record.language == "en"  # the applicant's language
    assert [s["role"] for s in record.signers] == ["chair", "member", "member"]
    data = record.file.read()
    assert data.startswith(b"%PDF-")
    again = services.record_issue(
        review=fresh(review), expected_version=0, by=staff["member"]
    )
    assert again.pk == record.pk
    documents = issued_documents_for(review.application)
    assert [d.sha256 for d in documents] == [record.sha256]
    # Facts are frozen once the record is issued.
    with pytest.raises(ServiceError) as error:
        services.fact_correct(
            review=review,
            path=member_path(review, "monthly_income"),
            value="950.00",
            reason="Popravek.",
            expected_version=fresh(review).row_version,
            by=staff["member"],
        )
    assert error.value.code == "frozen"


def test_record_signers_leave_out_a_member_with_a_conflict(review, staff):
    services.conflict_declare(
        tender=review.application.tender,
        application=review.application,
        reason="Sorodnik.",
        by=staff["member2"],
    )
    assert [s["user"] for s in services.record_signers(fresh(review))] == [
        staff["chair"].pk,
        staff["member"].pk,
    ]


# --- inspections -----------------------------------------------------------------------------


def test_inspection_recorded(review, staff):
    photo = DocumentFactory(application=review.application, kind="other")
    inspection = services.inspection_record(
        review=review,
        date=timezone.localdate(),
        present=[staff["chair"], staff["member"]],
        findings="Vlažno stanovanje, plesen v spalnici.",
        photos=[photo],
        expected_version=review.row_version,
        by=staff["chair"],
    )
    assert set(inspection.members_present.all()) == {staff["chair"], staff["member"]}
    assert list(inspection.photos.all()) == [photo]
    assert ReviewLog.objects.filter(review=review, kind=LogKind.INSPECTION).exists()


def test_inspection_of_a_shelter_resident_is_refused(tender, applicant, staff):
    application = make_application(
        tender, applicant, temporary_residence_in_shelter=True
    )
    review = services.review_open(application=application, by=staff["chair"])
    with translation.override("sl"), pytest.raises(ServiceError) as error:
        services.inspection_record(
            review=review,
            date=timezone.localdate(),
            present=[staff["chair"]],
            findings="Obisk.",
            expected_version=review.row_version,
            by=staff["chair"],
        )
    assert "22. člen, 5. odstavek" in error.value.messages[0]
    assert "varnih hišah" in error.value.messages[0]
    assert not Inspection.objects.exists()


def test_inspection_bad_input(review, staff):
    with pytest.raises(ServiceError) as error:
        services.inspection_record(
            review=review,
            date=timezone.localdate() + datetime.timedelta(days=2),
            present=[staff["clerk"]],
            findings="",
            expected_version=review.row_version,
            by=staff["chair"],
        )
    assert set(error.value.errors) == {"date", "present", "findings"}
    with pytest.raises(ServiceError) as error:
        services.inspection_record(
            review=review,
            date=timezone.localdate(),
            present=[staff["chair"]],
            findings="x",
            expected_version=review.row_version,
            by=staff["clerk"],
        )
    assert error.value.code == "forbidden"
    assert not Inspection.objects.exists()


def test_default_amendment_deadline_across_daylight_saving(tender):
    # 15 days after 20 March 2026 crosses the change to summer time (29 March).
    moment = datetime.datetime(2026, 3, 20, 0, 30, tzinfo=LJUBLJANA)
    deadline = services.default_amendment_deadline(tender, moment)
    assert deadline == datetime.datetime(2026, 4, 4, 23, 59, 59, tzinfo=LJUBLJANA)
    assert deadline.utcoffset() == datetime.timedelta(hours=2)


def test_money_values_are_normalised(review, staff):
    fact = services.fact_correct(
        review=review,
        path=member_path(review, "other_property_value"),
        value=Decimal("1500"),
        reason="Vrednost avtomobila.",
        expected_version=review.row_version,
        by=staff["member"],
    )
    assert fact.verified == "1500.00"


def test_a_resubmitted_correction_restarts_only_the_changed_claims(review, staff):
    from applications.models import Member
    from applications.services import application_correct
    from tests.review.factories import submit

    services.fact_confirm(
        review=review,
        path="application.single_parent",
        expected_version=review.row_version,
        by=staff["member"],
    )
    income = member_path(review, "monthly_income")
    services.fact_confirm(
        review=review,
        path=income,
        expected_version=fresh(review).row_version,
        by=staff["member"],
    )
    application = review.application
    moment = application.tender.deadline - datetime.timedelta(days=1)
    application_correct(application=application, by=application.applicant, now=moment)
    # While the applicant corrects, the review stays on the last submission.
    assert services.review_open(application=application).pk == review.pk
    Member.objects.filter(pk=review.member_pks[0]).update(
        monthly_income=Decimal("950.00")
    )
    application.refresh_from_db()
    application.section_status = {**application.section_status, "declaration": "done"}
    application.save(update_fields=["section_status"])
    submit(application)
    review = services.review_open(application=application, by=staff["chair"])
    assert review.submission.version == 2
    assert review.facts.get(path=income).state == FactState.CLAIMED
    assert review.facts.get(path=income).claimed == "950.00"
    assert review.facts.get(path="application.single_parent").state == "confirmed"
    assert ReviewLog.objects.filter(review=review, kind=LogKind.RESYNCED).exists()


def test_expire_command(review, staff):
    from io import StringIO

    from django.core.management import call_command

    earlier = timezone.now() - datetime.timedelta(days=20)
    services.amendment_request(
        review=review,
        text="Priložite potrdilo.",
        now=earlier,
        deadline=earlier + datetime.timedelta(days=15),
        expected_version=review.row_version,
        by=staff["clerk"],
    )
    out = StringIO()
    call_command("review_expire_amendments", stdout=out)
    assert "1 amendment request(s) expired." in out.getvalue()
    assert fresh(review).rejection_state == RejectionState.DRAFTED
