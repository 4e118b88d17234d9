"""review/selectors.py: special data shown only to the commission, each showing
logged; flags for the commission; the applicant's issued documents; history."""

import pytest

from review import services
from review.models import SpecialDataView
from review.selectors import (
    MASK,
    changes_since,
    fact_lines,
    flags_for,
    near_cutoffs,
    review_history,
    review_queue,
    reviews_for,
    special_data_views_for,
)
from tests.applications.factories import DocumentFactory
from tests.housing.factories import UserFactory
from tests.review.conftest import make_application


@pytest.fixture
def special_review(tender, applicant, staff):
    application = make_application(tender, applicant, pregnancy=True)
    return services.review_open(application=application, by=staff["chair"])


def _line(lines, path):
    return next(li for li in lines if li.path == path)


def test_commission_sees_special_facts_and_the_view_is_logged(special_review, staff):
    lines = fact_lines(review=special_review, by=staff["member"])
    line = _line(lines, "application.pregnancy")
    assert line.special
    assert line.claimed is True
    assert not line.masked
    views = SpecialDataView.objects.filter(application=special_review.application)
    assert [(v.user, v.what) for v in views] == [(staff["member"], "review facts")]
    # The applicant's data download lists it.
    shown = special_data_views_for(special_review.application)
    assert shown[0]["by"] == "Mojca Member"
    assert shown[0]["what"] == "review facts"


@pytest.mark.parametrize("who", ["superuser", "admin", "outsider"])
def test_others_get_special_facts_masked_and_nothing_logged(special_review, staff, who):
    lines = fact_lines(review=special_review, by=staff[who])
    line = _line(lines, "application.pregnancy")
    assert line.masked
    assert line.claimed == MASK
    # Other facts are shown.
    assert _line(lines, "application.single_parent").claimed is True
    assert not SpecialDataView.objects.exists()


def test_a_member_with_a_conflict_gets_special_facts_masked(special_review, staff):
    services.conflict_declare(
        tender=special_review.application.tender,
        application=special_review.application,
        reason="Soseda.",
        by=staff["member"],
    )
    line = _line(
        fact_lines(review=special_review, by=staff["member"]), "application.pregnancy"
    )
    assert line.masked
    assert not SpecialDataView.objects.exists()


def test_no_special_facts_no_log(review, staff):
    fact_lines(review=review, by=staff["member"])
    assert not SpecialDataView.objects.exists()


def test_fact_lines_name_members_and_labels(review, staff):
    lines = fact_lines(review=review, by=staff["member"])
    income = _line(lines, f"members[{review.member_pks[0]}].monthly_income")
    assert income.member_name
    assert income.claimed == "900.00"
    assert _line(lines, "category:other:young-researchers").label == (
        "Mladi raziskovalci"
    )


def test_history_and_changes_since(review, staff):
    shown = review.row_version
    services.fact_confirm(
        review=review,
        path="application.single_parent",
        expected_version=shown,
        by=staff["member"],
    )
    changes = changes_since(review=review, version=shown)
    assert [c.path for c in changes] == ["application.single_parent"]
    history = review_history(review=review, by=staff["admin"])
    assert [h.kind for h in history] == ["opened", "fact_confirmed"]
    assert review_history(review=review, by=UserFactory()) == []


def test_reviews_for_only_the_commission_and_admins(review, staff):
    tender = review.application.tender
    assert list(reviews_for(tender=tender, by=staff["clerk"])) == [review]
    assert list(reviews_for(tender=tender, by=staff["superuser"])) == [review]
    assert list(reviews_for(tender=tender, by=staff["outsider"])) == []


def test_flags_same_person_and_same_document(tender, staff, applicant):
    first = make_application(tender, applicant)
    second = make_application(tender, UserFactory())
    # The same child in both households.
    child = first.members.get(role="child")
    second_child = second.members.get(role="child")
    second_child.emso = child.emso
    second_child.save()
    DocumentFactory(application=first, sha256="a" * 64)
    DocumentFactory(application=second, sha256="a" * 64)
    flags = flags_for(tender)
    assert set(flags) == {first.pk, second.pk}
    person = flags[first.pk].duplicate_people[0]
    assert person["other_codes"] == [second.code]
    assert person["emso"].endswith("******")
    document = flags[second.pk].duplicate_documents[0]
    assert document == {"sha256": "a" * 64, "other_codes": [first.code]}


def test_near_cutoff_filter(tender, staff, applicant):
    from tests.tenders.factories import SubListFactory

    SubListFactory(
        tender=tender, list_kind="A", code="A1", rule="families", dwellings=1
    )
    SubListFactory(
        tender=tender, list_kind="B", code="B1", rule="families", dwellings=1
    )
    strong = make_application(tender, applicant)
    weaker = make_application(tender, UserFactory(), single_parent=False)
    far = make_application(
        tender, UserFactory(), single_parent=False, other_categories=[]
    )
    for application in (strong, weaker, far):
        services.review_open(application=application, by=staff["chair"])
    near = near_cutoffs(tender, within=40)
    # Cut-off of A1 (1 dwelling) is the first total, 410: 370 is 40 below, 310 not.
    assert near[strong.pk].cutoff == 410
    assert near[weaker.pk].distance == -40
    assert far.pk not in near
    queue = review_queue(tender=tender, by=staff["member"], near_cutoff=True, within=40)
    assert [r.application_id for r in queue] == [strong.pk, weaker.pk]
    assert flags_for(tender, within=40)[weaker.pk].near_cutoff.sub_list == "A1"


def test_issued_documents_are_empty_before_the_record(review):
    from review.selectors import issued_documents_for

    assert issued_documents_for(review.application) == []


def test_assessment_lines_with_special_points_only_for_the_commission(
    tender, applicant, staff
):
    from review.selectors import assessment_for

    application = make_application(tender, applicant, illness_due_to_housing=True)
    review = services.review_open(application=application, by=staff["chair"])
    shown = assessment_for(review=review, by=staff["member"], language="en")
    assert "7.2" in [line.code for line in shown.lines]
    assert SpecialDataView.objects.get().what == "assessment lines"
    hidden = assessment_for(review=review, by=staff["superuser"], language="en")
    assert "7.2" not in [line.code for line in hidden.lines]
    assert hidden.claimed_total == shown.claimed_total
    assert SpecialDataView.objects.count() == 1


def test_scoring_cases_verified_else_last_submission_rejected_left_out(
    tender, staff, applicant, django_assert_max_num_queries
):
    from applications.constants import ApplicationStatus
    from applications.models import ApplicationSubmission
    from review.constants import ReviewState
    from review.models import ApplicationReview
    from review.selectors import scoring_cases

    verified, resubmitted, rejected, unopened, withdrawn = (
        make_application(tender, UserFactory()) for _ in range(5)
    )
    for application in (verified, resubmitted, rejected):
        services.review_open(application=application, by=staff["chair"])
    ApplicationReview.objects.filter(application=verified).update(
        state=ReviewState.VERIFIED, verified_case={"code": "verified-case"}
    )
    ApplicationReview.objects.filter(application=rejected).update(
        state=ReviewState.REJECTED
    )
    first = resubmitted.submissions.get()
    ApplicationSubmission.objects.create(
        application=resubmitted,
        version=2,
        code=resubmitted.code,
        submitted_at=first.submitted_at,
        case={"code": "second-version"},
        digest="1" * 64,
        receipt={},
    )
    type(withdrawn).objects.filter(pk=withdrawn.pk).update(
        status=ApplicationStatus.WITHDRAWN
    )
    with django_assert_max_num_queries(4):
        cases = scoring_cases(tender)
    assert set(cases) == {verified.pk, resubmitted.pk, unopened.pk}
    assert cases[verified.pk] == {"code": "verified-case"}
    assert cases[resubmitted.pk] == {"code": "second-version"}
    assert cases[unopened.pk] == unopened.submissions.get().case


def test_placements_cached_until_the_tender_changes(tender, staff, applicant):
    from django.core.cache import cache

    from review.constants import ReviewState
    from review.models import ApplicationReview
    from review.selectors import placements
    from scoring import engine
    from tests.tenders.factories import SubListFactory

    cache.clear()
    SubListFactory(
        tender=tender, list_kind="A", code="A1", rule="families", dwellings=1
    )
    strong = make_application(tender, applicant)
    weaker = make_application(tender, UserFactory(), single_parent=False)
    for application in (strong, weaker):
        services.review_open(application=application, by=staff["chair"])
    ranked = []
    real_rank = engine.rank

    def counting_rank(*args, **kwargs):
        ranked.append(1)
        return real_rank(*args, **kwargs)

    import review.selectors as module

    original = module.engine.rank
    module.engine.rank = counting_rank
    try:
        first = placements(tender)
        assert first == near_cutoffs(tender, within=10**9)
        assert first[weaker.pk].distance == -40
        assert len(ranked) == 2  # placements, then near_cutoffs
        assert placements(tender) == first
        assert len(ranked) == 2  # from the cache
        # A withdrawal changes the lodged applications: ranked again without it.
        type(strong).objects.filter(pk=strong.pk).update(status="withdrawn")
        after = placements(tender)
        assert len(ranked) == 3
        assert set(after) == {weaker.pk}
        assert after[weaker.pk].distance == 0  # now the cut-off itself
        # A review change writes a log row: ranked again (here the weaker one
        # rejected, so nothing is placed).
        review = ApplicationReview.objects.get(application=weaker)
        services.rejection_draft(
            review=review,
            reason="Preseženi dohodki.",
            article="3",
            expected_version=review.row_version,
            by=staff["member"],
        )
        review.refresh_from_db()
        services.rejection_issue(
            review=review, expected_version=review.row_version, by=staff["chair"]
        )
        review.refresh_from_db()
        assert review.state == ReviewState.REJECTED
        assert placements(tender) == {}
        assert len(ranked) == 4
    finally:
        module.engine.rank = original
