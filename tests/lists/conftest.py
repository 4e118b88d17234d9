import datetime

import pytest

from tests.review import conftest as review

# The review's fixtures: a tender with its commission, an applicant.
_english = review._english
lessor = review.lessor
tender = review.tender
staff = review.staff
applicant = review.applicant
make_application = review.make_application


@pytest.fixture
def sub_lists(tender):
    """List A: A1 families (1 dwelling); list B: B1 all (5 dwellings)."""
    from tenders.constants import ListKind, SubListRule
    from tests.tenders.factories import SubListFactory

    return [
        SubListFactory(
            tender=tender,
            list_kind=ListKind.A,
            code="A1",
            name="Družine",
            name_en="Families",
            rule=SubListRule.FAMILIES,
            dwellings=1,
            position=0,
        ),
        SubListFactory(
            tender=tender,
            list_kind=ListKind.B,
            code="B1",
            name="Vsi",
            name_en="Everyone",
            rule=SubListRule.ALL_OTHERS,
            dwellings=5,
            position=0,
        ),
    ]


def close(tender):
    """The application deadline passed (as after the tender closed)."""
    from django.utils import timezone

    from tenders.models import Tender

    Tender.objects.filter(pk=tender.pk).update(
        deadline=timezone.now() - datetime.timedelta(days=1)
    )
    tender.refresh_from_db()
    return tender


def verify(application, staff):
    """Open, complete, confirm every fact and verify the application's review."""
    from review import services
    from review.constants import FactState
    from review.models import ApplicationReview

    def fresh():
        return ApplicationReview.objects.get(application=application)

    services.review_open(application=application, by=staff["chair"])
    services.completeness_mark_complete(
        review=fresh(), expected_version=fresh().row_version, by=staff["clerk"]
    )
    for fact in fresh().facts.filter(state=FactState.CLAIMED):
        services.fact_confirm(
            review=fresh(),
            path=fact.path,
            expected_version=fresh().row_version,
            by=staff["member"],
        )
    return services.review_verify(
        review=fresh(), expected_version=fresh().row_version, by=staff["member"]
    )


def new_applicant(email):
    from tests.housing.factories import UserFactory

    return UserFactory(email=email, preferred_language="en", full_name="Ana Novak")


@pytest.fixture
def verified(tender, staff, sub_lists, applicant):
    """Three verified applications: two single mothers (410 points; one without the
    own category, 350) and one single mother without the single-parent claim (370);
    the tender then closed."""
    first = make_application(tender, applicant)
    second = make_application(
        tender, new_applicant("b@example.test"), other_categories=[]
    )
    third = make_application(
        tender, new_applicant("c@example.test"), single_parent=False
    )
    reviews = [verify(a, staff) for a in (first, second, third)]
    close(tender)
    return reviews
