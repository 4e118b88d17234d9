"""Who may do what with a tender's priority lists (issue 14). Plain functions; the
services and views call them.

- Build a version and change a cut-off: the chair or a member of the tender's
  commission (``review`` seats) without a conflict on the whole tender, or the
  lessor's admin (the lessor sets cut-offs, Art. 23) or a superuser.
- Approve: the chair or a member of the commission, without a conflict on the whole
  tender, who did not build the version (the four-eyes rule). A superuser holds no
  seat, so never approves.
- Publish: the same people as build, once approved.
- Staff pages of the lists (drafts, diffs, exports of drafts): those, and every seat
  of the commission (``review.permissions.can_view_tender``).
- Published versions, their entries (codes only), hashes, PDFs and exports: anyone.
"""

from housing.constants import StaffRole
from housing.models import User
from housing.permissions import has_role
from review.permissions import DECIDING_SEATS, can_view_tender, has_conflict, seat_role
from tenders.models import Tender

from .models import ListVersion


def _deciding_seat(user: User | None, tender: Tender) -> bool:
    return seat_role(user, tender) in DECIDING_SEATS and not has_conflict(
        user, tender.pk, None
    )


def can_view_lists(user: User | None, tender: Tender) -> bool:
    """The staff pages of a tender's lists: its commission, the lessor's admin, a
    superuser."""
    return user is not None and user.is_authenticated and can_view_tender(user, tender)


def can_build_lists(user: User | None, tender: Tender) -> bool:
    """Build a version, change a cut-off, publish an approved version."""
    if user is None or not user.is_authenticated:
        return False
    return _deciding_seat(user, tender) or has_role(
        user, tender.lessor_id, {StaffRole.LESSOR_ADMIN}
    )


def can_approve_list(user: User | None, version: ListVersion) -> bool:
    """A second commission member: a deciding seat, not the version's builder."""
    if user is None or not user.is_authenticated:
        return False
    return _deciding_seat(user, version.tender) and version.built_by_id != user.pk


def can_view_version(user: User | None, version: ListVersion) -> bool:
    """A published (or superseded) version is public; a draft only for staff."""
    return version.is_public or can_view_lists(user, version.tender)


def can_record_appeals(user: User | None, tender: Tender) -> bool:
    """Record an appeal or a paper decision's delivery: every seat of the commission
    (the clerk included), the lessor's admin."""
    if user is None or not user.is_authenticated:
        return False
    return can_view_tender(user, tender) and (
        seat_role(user, tender) is not None
        or has_role(user, tender.lessor_id, {StaffRole.LESSOR_ADMIN})
    )


def can_view_internal_list(user: User | None, tender: Tender) -> bool:
    """The internal list with the households' names (issue 14, 3): the tender's
    commission only (every seat: chair, member, clerk), not a seat holder with a
    conflict on the whole tender; never the lessor's admin or a superuser as such
    (no seat)."""
    if user is None or not user.is_authenticated:
        return False
    return seat_role(user, tender) is not None and not has_conflict(
        user, tender.pk, None
    )
