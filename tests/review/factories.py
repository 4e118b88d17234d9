import datetime

from django.utils import timezone

import factory

from applications.services import application_submit
from review.constants import CommissionRole
from review.models import CommissionSeat
from tests.housing.factories import UserFactory


def submit(application, by=None):
    """Submit through the applications service (the receipt holds the engine input),
    a day before the tender's deadline."""
    moment = min(
        application.tender.deadline - datetime.timedelta(days=1), timezone.now()
    )
    return application_submit(
        application=application,
        by=by or application.applicant or application.entered_by,
        now=moment,
    )


class CommissionSeatFactory(factory.django.DjangoModelFactory):
    """A seat; the user must be staff of the tender's lessor (``staff`` fixture)."""

    class Meta:
        model = CommissionSeat

    user = factory.SubFactory(UserFactory)
    role = CommissionRole.MEMBER
    appointed_by = factory.SubFactory(UserFactory)
