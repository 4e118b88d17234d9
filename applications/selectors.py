"""Reads for applications."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from housing.models import User
from housing.permissions import staff_lessor_ids
from tenders.models import Tender

from .constants import ApplicationStatus
from .models import Application, ApplicationSubmission, Member


def applications_for(user: User) -> QuerySet[Application]:
    """The applications ``user`` may open as an applicant: their own.

    Pages fetch one with ``get_object_or_404(applications_for(user), pk=pk)``, so that
    another applicant's application answers 404.
    """
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(applicant=user).select_related("tender__lessor")


def paper_applications_for(user: User) -> QuerySet[Application]:
    """Paper applications of the lessors ``user`` is staff of (all for a superuser).

    The view still checks the role (``can_edit_application``).
    """
    qs = Application.objects.filter(applicant__isnull=True).select_related(
        "tender__lessor"
    )
    lessor_ids = staff_lessor_ids(user)
    if lessor_ids is None:
        return qs
    return qs.filter(tender__lessor_id__in=lessor_ids)


def lodged_applications(tender: Tender) -> QuerySet[Application]:
    """Applications that count for the tender: submitted at least once and not
    withdrawn (also one reopened for correction: its last submission stands)."""
    return tender.applications.filter(code__isnull=False).exclude(
        status=ApplicationStatus.WITHDRAWN
    )


def application_receipt(application: Application) -> ApplicationSubmission | None:
    """The last submission (the receipt), or ``None`` before the first."""
    return application.submissions.order_by("-version").first()


@dataclass(frozen=True)
class DuplicateMember:
    """A person (by EMŠO) in more than one lodged application of a tender."""

    emso: str
    codes: tuple[str, ...]


def duplicate_members(tender: Tender) -> list[DuplicateMember]:
    """EMŠOs that appear in two or more lodged applications of ``tender``, with the
    application codes, for the commission ("each household member can appear on only
    one application"). Members without an EMŠO cannot be compared."""
    lodged = Q(application__tender=tender, application__code__isnull=False) & ~Q(
        application__status=ApplicationStatus.WITHDRAWN
    )
    members = Member.objects.filter(lodged).exclude(emso="")
    repeated = (
        members.values("emso")
        .annotate(n=Count("application", distinct=True))
        .filter(n__gte=2)
        .values_list("emso", flat=True)
    )
    codes: dict[str, set[str]] = {}
    for emso, code in members.filter(emso__in=list(repeated)).values_list(
        "emso", "application__code"
    ):
        codes.setdefault(emso, set()).add(code)
    return [
        DuplicateMember(emso=emso, codes=tuple(sorted(found)))
        for emso, found in sorted(codes.items())
    ]
