"""``manage.py generate_tender``: reproducible, valid for the services and the engine."""

import io

from django.core.management import call_command

import pytest

from applications.engine_input import application_case
from applications.generate import generate_tender
from applications.models import Application, Member
from review.constants import FactState, ReviewState
from review.models import ApplicationReview
from review.verified import assess, digest, verified_case

pytestmark = pytest.mark.django_db

N = 200


def facts_of(tender):
    """The generated facts without ids, codes' tender prefix or timestamps."""
    reviews = ApplicationReview.objects.filter(application__tender=tender).order_by(
        "application__code"
    )
    members = Member.objects.filter(application__tender=tender).order_by(
        "application__code", "position"
    )
    return (
        [
            {k: v for k, v in r.submission.case.items() if k != "code"}
            for r in reviews.select_related("submission")
        ],
        [(r.state, r.verified_total, r.verified_eligible) for r in reviews],
        list(members.values_list("first_name", "last_name", "emso", "birth_date")),
    )


def test_same_seed_same_facts():
    first, _ = generate_tender(applications=50, seed=7, code="gen-a")
    second, _ = generate_tender(applications=50, seed=7, code="gen-b")
    other, _ = generate_tender(applications=50, seed=8, code="gen-c")
    assert facts_of(first) == facts_of(second)
    assert facts_of(first) != facts_of(other)


def test_rows_are_what_the_services_and_the_engine_make():
    out = io.StringIO()
    call_command("generate_tender", applications=N, seed=1, stdout=out)
    assert "200 applications in" in out.getvalue()
    application = Application.objects.filter(tender__code="gen-1-200")
    assert application.count() == N
    reviews = list(
        ApplicationReview.objects.filter(
            application__tender__code="gen-1-200"
        ).select_related("application__tender", "submission")
    )
    verified = [r for r in reviews if r.state == ReviewState.VERIFIED]
    rejected = [r for r in reviews if r.state == ReviewState.REJECTED]
    assert len(verified) > 0.85 * N
    assert rejected
    # About a fifth ineligible, both lists, households of mostly 1-4.
    ineligible = [r for r in verified if not r.verified_eligible]
    assert 0.08 * N < len(ineligible) < 0.35 * N
    assert {r.verified_result["list"] for r in verified if r.verified_eligible} == {
        "A",
        "B",
    }
    for review in reviews:
        application = review.application
        # The submission's case is what the applications app makes of the rows.
        assert review.submission.case == application_case(application)
        assert review.submission.digest == digest(review.submission.case)
    for review in verified:
        assert not review.facts.filter(state=FactState.CLAIMED).exists()
        case = verified_case(review)
        assert review.verified_case == case
        result = assess(review.application.tender, case)
        assert review.verified_result == result
        assert review.verified_total == result["total"]
        assert review.verified_digest == digest(
            {"application": case, "assessment": result}
        )
    assert any(r.facts.filter(state=FactState.CORRECTED).exists() for r in verified)


def test_list_build_accepts_the_generated_tender():
    from lists.services import list_build, publication_problems

    tender, _ = generate_tender(applications=N, seed=2, code="gen-lists")
    chair = tender.commission_seats.get(role="chair").user
    version = list_build(tender=tender, by=chair)
    eligible = ApplicationReview.objects.filter(
        application__tender=tender, verified_eligible=True
    ).count()
    assert version.entries.count() == eligible
    assert set(version.entries.values_list("list", flat=True)) == {"A", "B"}
    # Only the second member's approval is missing: every application is placed.
    assert version.engine_output["unassigned"] == []
    assert len(publication_problems(version)) == 1


def test_drafts_are_complete_and_submit_through_the_service():
    from django.contrib.auth.hashers import check_password, make_password

    from applications.constants import ApplicationStatus
    from applications.generate import generate_drafts
    from applications.services import application_submit

    tender, drafts = generate_drafts(
        applications=5, seed=2, code="gen-drafts", password_hash=make_password("pw")
    )
    assert tender.status == "published"
    assert len(drafts) == 5
    for email, pk in drafts:
        application = Application.objects.get(pk=pk)
        assert application.status == ApplicationStatus.DRAFT
        assert application.applicant.email == email
        assert check_password("pw", application.applicant.password)
        submitted = application_submit(
            application=application, by=application.applicant
        )
        assert submitted.status == ApplicationStatus.SUBMITTED
        assert submitted.code
