import datetime
from decimal import Decimal

import pytest

from applications.constants import LJUBLJANA

PUBLISHED_ON = datetime.date(2026, 3, 2)
# The last day is a daylight-saving change (clocks go back at 03:00): 25 hours long.
DEADLINE = datetime.datetime(2026, 10, 25, 23, 59, 59, tzinfo=LJUBLJANA)
BEFORE = datetime.datetime(2026, 5, 4, 10, 0, tzinfo=LJUBLJANA)


def ljubljana(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LJUBLJANA)


@pytest.fixture
def municipality(db):
    from tests.housing.factories import MunicipalityFactory

    return MunicipalityFactory(name="Ljubljana")


@pytest.fixture
def lessor(db, municipality):
    from tests.housing.factories import LessorFactory, MunicipalityFactory

    lessor = LessorFactory(name="JSS MOL", slug="jss-mol")
    lessor.municipalities.set([municipality, MunicipalityFactory(name="Ig")])
    return lessor


@pytest.fixture
def tender(db, lessor):
    """Published on 2 March 2026, open until 25 October 2026 23:59:59 (a DST day)."""
    from tests.tenders.factories import (
        AdditionalConditionFactory,
        TenderCategoryFactory,
        TenderFactory,
    )

    tender = TenderFactory(
        lessor=lessor,
        code="LJ-2026",
        published=True,
        published_on=PUBLISHED_ON,
        deadline=DEADLINE,
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


@pytest.fixture
def applicant(db):
    from tests.housing.factories import UserFactory

    return UserFactory(email="ana@example.test")


@pytest.fixture
def clerk(db, lessor):
    from housing.constants import StaffRole
    from tests.housing.factories import MembershipFactory, UserFactory

    return MembershipFactory(
        lessor=lessor,
        role=StaffRole.CLERK,
        user=UserFactory(email="clerk@example.test"),
    ).user


@pytest.fixture
def draft(tender, applicant):
    """A complete draft: a subtenant, employed single woman in Ljubljana."""
    from tests.applications.factories import ApplicationFactory, MemberFactory

    application = ApplicationFactory(tender=tender, applicant=applicant)
    MemberFactory(application=application)
    return application
