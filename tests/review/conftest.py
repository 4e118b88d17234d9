import datetime
from decimal import Decimal

import pytest


@pytest.fixture(autouse=True)
def _english():
    """Messages in English unless a test asks for Slovenian."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def lessor(db):
    from tests.housing.factories import LessorFactory, MunicipalityFactory

    lessor = LessorFactory(name="JSS MOL", slug="jss-mol")
    lessor.municipalities.set([MunicipalityFactory(name="Ljubljana")])
    return lessor


@pytest.fixture
def tender(lessor):
    """Published a week ago (2026 rules), open for 30 more days; a young family
    category, an own category and a residence condition."""
    from django.utils import timezone

    from tests.tenders.factories import (
        AdditionalConditionFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    tender = TenderFactory(
        lessor=lessor,
        code="LJ-2026",
        published=True,
        published_on=timezone.localdate() - datetime.timedelta(days=7),
        average_net_salary=Decimal("1500.00"),
    )
    TenderCategoryFactory(tender=tender, category="young_family", points=80)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="young-researchers",
        name="Mladi raziskovalci",
        substantiation="Občina potrebuje raziskovalce.",
        points=60,
    )
    AdditionalConditionFactory(tender=tender, code="residence_10y", points=60)
    return tender


def _staff(lessor, role, email, name):
    from tests.housing.factories import MembershipFactory, UserFactory

    return MembershipFactory(
        lessor=lessor, role=role, user=UserFactory(email=email, full_name=name)
    ).user


@pytest.fixture
def staff(lessor, tender):
    """The lessor's admin and a commission: chair, two members, a clerk; plus a
    lessor staff member without a seat and a superuser."""
    from housing.constants import StaffRole
    from review.constants import CommissionRole
    from tests.housing.factories import UserFactory
    from tests.review.factories import CommissionSeatFactory

    admin = _staff(lessor, StaffRole.LESSOR_ADMIN, "admin@x.test", "Ada Admin")
    people = {
        "admin": admin,
        "chair": _staff(
            lessor, StaffRole.COMMISSION_CHAIR, "chair@x.test", "Cene Chair"
        ),
        "member": _staff(
            lessor, StaffRole.COMMISSION_MEMBER, "member@x.test", "Mojca Member"
        ),
        "member2": _staff(
            lessor, StaffRole.COMMISSION_MEMBER, "member2@x.test", "Miha Member"
        ),
        "clerk": _staff(lessor, StaffRole.CLERK, "clerk@x.test", "Klara Clerk"),
        "outsider": _staff(
            lessor, StaffRole.COMMISSION_MEMBER, "out@x.test", "Oto Outsider"
        ),
        "superuser": UserFactory(email="root@x.test", superuser=True),
    }
    for key, role in (
        ("chair", CommissionRole.CHAIR),
        ("member", CommissionRole.MEMBER),
        ("member2", CommissionRole.MEMBER),
        ("clerk", CommissionRole.CLERK),
    ):
        CommissionSeatFactory(
            tender=tender, user=people[key], role=role, appointed_by=admin
        )
    return people


@pytest.fixture
def applicant(db):
    from tests.housing.factories import UserFactory

    return UserFactory(email="ana@example.test", preferred_language="en")


def make_application(tender, applicant=None, *, paper=False, **claims):
    """A submitted application: a single mother (6.2) with a child (5.1, young
    family), claiming the own category and the residence condition."""
    from tests.applications.factories import ApplicationFactory, MemberFactory
    from tests.review.factories import submit

    values = {
        "single_parent": True,
        "other_categories": ["other:young-researchers"],
        "additional_conditions": ["residence_10y"],
        **claims,
    }
    if paper:
        from housing.constants import StaffRole
        from tests.housing.factories import MembershipFactory

        clerk = MembershipFactory(lessor=tender.lessor, role=StaffRole.CLERK).user
        application = ApplicationFactory(
            tender=tender, paper=True, entered_by=clerk, **values
        )
    else:
        application = ApplicationFactory(tender=tender, applicant=applicant, **values)
    MemberFactory(application=application, monthly_income=Decimal("900.00"))
    MemberFactory(application=application, child=True)
    return submit(application)


@pytest.fixture
def application(tender, applicant, staff):
    return make_application(tender, applicant)


@pytest.fixture
def review(application, staff):
    from review.services import review_open

    return review_open(application=application, by=staff["chair"])
