from django.db.models import QuerySet
from django.utils import timezone

from .constants import TenderStatus
from .models import Tender


def tender_list_open() -> QuerySet[Tender]:
    """Published tenders whose deadline has not passed, soonest deadline first."""
    return (
        Tender.objects.filter(
            status=TenderStatus.PUBLISHED, deadline__gt=timezone.now()
        )
        .select_related("lessor")
        .order_by("deadline", "title")
    )
