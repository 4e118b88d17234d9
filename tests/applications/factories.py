import datetime
from decimal import Decimal

from django.utils import timezone

import factory
from stdnum.si import emso as stdnum_emso

from applications.constants import ApplicationStatus, HousingStatus, MemberRole, Sex
from applications.models import (
    AmendmentRequest,
    Application,
    Document,
    Member,
)
from tests.housing.factories import UserFactory
from tests.tenders.factories import TenderFactory


def make_emso(birth: datetime.date, sex: str, serial: int = 1) -> str:
    """A valid EMŠO for ``birth`` and ``sex`` (region 50, Slovenia)."""
    number = serial % 500 + (0 if sex == Sex.MALE else 500)
    base = f"{birth:%d%m}{birth.year % 1000:03d}50{number:03d}"
    return base + stdnum_emso.calc_check_digit(base)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft of an online applicant; ``submitted=True``, ``paper=True``,
    ``withdrawn=True`` for the other states (set directly, not through services)."""

    class Meta:
        model = Application

    tender = factory.SubFactory(TenderFactory, published=True)
    applicant = factory.SubFactory(UserFactory)
    housing_status = HousingStatus.SUBTENANT
    dwelling_area_m2 = Decimal("40.00")
    # Declared, so that a factory-made draft with its members can be submitted.
    section_status = factory.LazyFunction(lambda: {"declaration": "done"})

    class Params:
        submitted = factory.Trait(
            status=ApplicationStatus.SUBMITTED,
            code=factory.Sequence(lambda n: f"T-2026-{n + 1:05d}"),
            submitted_at=factory.LazyFunction(timezone.now),
        )
        paper = factory.Trait(
            applicant=None,
            entered_by=factory.SubFactory(UserFactory),
            postal_address="Slovenska cesta 1\n1000 Ljubljana",
        )
        withdrawn = factory.Trait(
            status=ApplicationStatus.WITHDRAWN,
            withdrawn_at=factory.LazyFunction(timezone.now),
        )


class MemberFactory(factory.django.DjangoModelFactory):
    """The applicant by default; resides in the lessor's first municipality, or in
    "Ljubljana" written in when the lessor serves none."""

    class Meta:
        model = Member

    application = factory.SubFactory(ApplicationFactory)
    role = MemberRole.APPLICANT
    first_name = factory.Faker("first_name", locale="sl_SI")
    last_name = factory.Faker("last_name", locale="sl_SI")
    birth_date = datetime.date(1991, 5, 1)
    sex = Sex.FEMALE
    emso = factory.LazyAttributeSequence(lambda o, n: make_emso(o.birth_date, o.sex, n))
    citizenship = "SI"
    municipality = factory.LazyAttribute(
        lambda o: o.application.tender.lessor.municipalities.first()
    )
    other_municipality = factory.LazyAttribute(
        lambda o: "" if o.municipality else "Ljubljana"
    )
    employed = True
    years_of_service = Decimal("10.00")
    monthly_income = Decimal("1200.00")
    position = factory.Sequence(lambda n: n)

    class Params:
        child = factory.Trait(
            role=MemberRole.CHILD,
            birth_date=datetime.date(2020, 3, 4),
            employed=False,
            years_of_service=Decimal("0.00"),
            monthly_income=Decimal("0.00"),
        )


class AmendmentRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AmendmentRequest

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    requested_by = factory.SubFactory(UserFactory)
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=8))
    text = "Priložite potrdilo o dohodkih za zadnjih 12 mesecev."


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    application = factory.SubFactory(ApplicationFactory)
    kind = "income"
    original_name = "potrdilo.pdf"
    file = "applications/test/0123456789abcdef"
    content_type = "application/pdf"
    size = 1234
    sha256 = "0" * 64
