"""Reads for tenders. Every staff read goes through the lessor the user works for, so
another lessor's tender is simply not found (404, no hint that it exists)."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from housing.models import Lessor, User
from housing.permissions import CONFIGURE_ROLES, staff_lessor_ids

from .constants import PUBLIC_STATUSES, Category, TenderStatus
from .models import Tender, TenderCategory


def tender_list_open(*, now: datetime.datetime | None = None) -> QuerySet[Tender]:
    """Published tenders whose deadline has not passed, soonest deadline first."""
    return (
        Tender.objects.filter(
            status=TenderStatus.PUBLISHED, deadline__gt=now or timezone.now()
        )
        .select_related("lessor")
        .order_by("deadline", "title")
    )


def tender_list_archived(*, now: datetime.datetime | None = None) -> QuerySet[Tender]:
    """Tenders no longer open for applications, latest deadline first: every public
    status after publication, and a published tender whose deadline has passed before
    the closing job ran (the public sees it as closed)."""
    now = now or timezone.now()
    return (
        Tender.objects.filter(status__in=PUBLIC_STATUSES)
        .exclude(status=TenderStatus.PUBLISHED, deadline__gt=now)
        .select_related("lessor")
        .order_by("-deadline", "title")
    )


def tender_get_public(*, pk: int) -> Tender:
    """A tender the public may read: anything but a draft.

    :raises Http404: for drafts and unknown ids alike.
    """
    tender = (
        Tender.objects.filter(pk=pk, status__in=PUBLIC_STATUSES)
        .select_related("lessor")
        .prefetch_related(
            Prefetch(
                "categories", queryset=TenderCategory.objects.order_by("position")
            ),
            "additional_conditions",
            "sublists",
            "amendments",
        )
        .first()
    )
    if tender is None:
        raise Http404
    return tender


def tender_list_for_staff(*, user: User) -> QuerySet[Tender]:
    """Tenders of every lessor the user works for (all of them for a superuser)."""
    tenders = Tender.objects.select_related("lessor").order_by("-published_on", "title")
    ids = staff_lessor_ids(user)
    if ids is None:
        return tenders
    return tenders.filter(lessor_id__in=ids)


def tender_get_for_staff(*, user: User, pk: int) -> Tender:
    """A tender of a lessor the user works for.

    :raises Http404: when it does not exist or belongs to another lessor.
    """
    tender = (
        tender_list_for_staff(user=user)
        .prefetch_related("categories", "additional_conditions", "sublists")
        .filter(pk=pk)
        .first()
    )
    if tender is None:
        raise Http404
    return tender


def lessors_configurable_by(*, user: User) -> QuerySet[Lessor]:
    """Lessors for which the user may create tenders (lessor admin, or superuser)."""
    if user.is_superuser:
        return Lessor.objects.all()
    return Lessor.objects.filter(
        memberships__user=user, memberships__role__in=CONFIGURE_ROLES
    ).distinct()


def tender_public_facts(*, tender: Tender) -> dict:
    """Numbers an applicant needs, from the tender and its rules edition: income and
    exemption limits per household size in percent and euros (Art. 5, 9), and the
    tie-break chain by name (Art. 6(3))."""
    from decimal import ROUND_HALF_UP, Decimal

    from scoring.engine import EDITIONS

    edition = EDITIONS[tender.rules_edition]
    salary = tender.average_net_salary

    def euros(percent: int) -> Decimal:
        return (salary * percent / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)

    rows = []
    for n in range(1, 8):
        limit = edition.income_limit_percent_for(n)
        exempt = edition.exemption_percent_for(n)
        rows.append(
            {
                "members": n,
                "limit_percent": limit,
                "limit_eur": euros(limit),
                "exempt_percent": exempt,
                "exempt_eur": euros(exempt),
            }
        )
    # The chain may name any category of the Rules, scored by the tender or not.
    names = {str(c.value): str(c.label) for c in Category}
    names.update({c.code: c.public_name for c in tender.categories.all()})
    return {
        "edition": edition,
        "income_rows": rows,
        "income_step": edition.income_limit_step,
        "exemption_step": edition.exemption_step,
        "tie_break_names": [names.get(code, code) for code in tender.tie_break],
    }
