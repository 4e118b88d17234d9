import datetime
from decimal import Decimal

from django.utils import timezone

import factory

from tenders.constants import Category, ListKind, SubListRule, TenderStatus
from tenders.models import AdditionalCondition, SubList, Tender, TenderCategory
from tests.housing.factories import LessorFactory


def in_days(days: int, hour: int = 12) -> datetime.datetime:
    """A Ljubljana-time moment ``days`` from today at ``hour``:00."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class TenderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tender
        skip_postgeneration_save = True

    lessor = factory.SubFactory(LessorFactory)
    title = factory.Sequence(lambda n: f"Javni razpis za neprofitna stanovanja {n}")
    code = factory.Sequence(lambda n: f"T-{n}")
    published_on = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(lambda: in_days(30))
    results_expected_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=120)
    )
    average_net_salary = Decimal("1445.12")
    salary_source_year = 2025
    average_rent = Decimal("312.40")
    dwellings_list_a = 100
    dwellings_list_b = 50
    security_terms = "Varščina v višini treh mesečnih najemnin."
    required_documents = "Potrdilo o dohodkih\nNajemna pogodba"

    @factory.post_generation
    def area(obj, create, extracted, **kwargs):
        """The lessor serves a municipality: the engine needs the tender's area."""
        if create and not obj.lessor.municipalities.exists():
            from housing.models import Municipality

            municipality, _ = Municipality.objects.get_or_create(name="Ljubljana")
            obj.lessor.municipalities.add(municipality)

    class Params:
        published = factory.Trait(status=TenderStatus.PUBLISHED)
        closed = factory.Trait(
            status=TenderStatus.CLOSED,
            published_on=factory.LazyFunction(
                lambda: timezone.localdate() - datetime.timedelta(days=60)
            ),
            deadline=factory.LazyFunction(lambda: in_days(-10)),
        )


class TenderCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenderCategory

    tender = factory.SubFactory(TenderFactory)
    category = Category.YOUNG_FAMILY
    points = 80


class AdditionalConditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AdditionalCondition

    tender = factory.SubFactory(TenderFactory)
    code = factory.Sequence(lambda n: f"residence-{n}")
    name = "Stalno prebivališče v občini vsaj 10 let"
    points = 60


class SubListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubList

    tender = factory.SubFactory(TenderFactory)
    list_kind = ListKind.A
    code = factory.Sequence(lambda n: f"A{n}")
    name = "Družine"
    rule = SubListRule.FAMILIES
    dwellings = 40
