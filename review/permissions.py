"""Who sits on a tender's commission and what each seat may do (issue 13, 1).

- The lessor's admin (``housing`` role ``lessor_admin``) sets the seats; a superuser
  may administer them too, but is never a member of a commission: no seat, no acting
  on applications, no special-category data.
- A seat holder acts on the tender's applications by role: every seat (chair, member,
  clerk) checks completeness, asks for amendments and records what it finds about the
  facts; only the chair and members (who sign the record, Art. 22(4)) verify the
  assessment, inspect, issue rejections and the scoring record.
- A seat holder who declared a conflict of interest on an application (or on the
  whole tender) cannot act on it nor read its special-category data.

Plain functions; every service calls them (``review.services``).
"""

from housing.constants import StaffRole
from housing.models import User
from housing.permissions import has_role, roles_at
from tenders.models import Tender

from .constants import CommissionRole
from .models import ApplicationReview, CommissionSeat, ConflictDeclaration

DECIDING_SEATS = frozenset({CommissionRole.CHAIR, CommissionRole.MEMBER})


def _active(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_set_seats(user: User | None, tender: Tender) -> bool:
    """The lessor's admin (or a superuser) appoints the commission."""
    return _active(user) and has_role(user, tender.lessor_id, {StaffRole.LESSOR_ADMIN})


def may_hold_seat(user: User, tender: Tender) -> bool:
    """Staff of the tender's lessor, active, and not a superuser."""
    return (
        _active(user)
        and not user.is_superuser
        and bool(roles_at(user, tender.lessor_id))
    )


def seat_role(user: User | None, tender: Tender | int) -> str | None:
    """The user's role on the tender's commission, ``None`` without a seat.
    A superuser has none (they do not sit on commissions)."""
    if not _active(user) or user.is_superuser:
        return None
    tender_id = tender if isinstance(tender, int) else tender.pk
    cache = getattr(user, "_najem_seats", None)
    if cache is None:
        cache = dict(
            CommissionSeat.objects.filter(user=user).values_list("tender_id", "role")
        )
        user._najem_seats = cache
    return cache.get(tender_id)


def forget_seats(user: User) -> None:
    """Drop the per-object cache of seats (after a seat changes)."""
    if hasattr(user, "_najem_seats"):
        del user._najem_seats


def has_conflict(user: User, tender_id: int, application_id: int | None) -> bool:
    """Whether ``user`` declared a conflict on the application or the whole tender."""
    found = ConflictDeclaration.objects.filter(tender_id=tender_id, user=user)
    if application_id is None:
        return found.filter(application__isnull=True).exists()
    return (
        found.filter(application_id=application_id).exists()
        or found.filter(application__isnull=True).exists()
    )


def _review_ids(review: ApplicationReview) -> tuple[int, int]:
    return review.application.tender_id, review.application_id


def can_act(user: User | None, review: ApplicationReview) -> bool:
    """Any seat of the tender's commission, without a conflict on the application."""
    tender_id, application_id = _review_ids(review)
    if seat_role(user, tender_id) is None:
        return False
    return not has_conflict(user, tender_id, application_id)


def can_decide(user: User | None, review: ApplicationReview) -> bool:
    """The chair or a member of the commission, without a conflict."""
    tender_id, application_id = _review_ids(review)
    if seat_role(user, tender_id) not in DECIDING_SEATS:
        return False
    return not has_conflict(user, tender_id, application_id)


def can_read_special(user: User | None, review: ApplicationReview) -> bool:
    """Special-category facts: the commission only (never a superuser as such), and
    not a seat holder with a conflict on the application."""
    return can_act(user, review)


def can_view_tender(user: User | None, tender: Tender) -> bool:
    """The review pages of a tender: its commission, and the lessor's admin or a
    superuser (who see the lists and states, never special-category data)."""
    return seat_role(user, tender) is not None or can_set_seats(user, tender)


def can_see_conflicts(user: User | None, tender: Tender) -> bool:
    """The tender's declared conflicts of interest (who, on which application, why):
    its seat holders only (the chair needs them to staff the work); not the lessor's
    admin nor a superuser without a seat."""
    return seat_role(user, tender) is not None
