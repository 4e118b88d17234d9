"""Writes for tenders: configuration, lifecycle transitions and amendment notices."""

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.models import Lessor, User
from housing.permissions import has_role

from .constants import TRANSITIONS, TenderStatus
from .models import AmendmentNotice, Tender, TenderEvent


class TransitionError(Exception):
    """A lifecycle step that is not allowed now, or not to this person."""


def _require_draft(tender: Tender) -> None:
    """Only a draft's rules may change (a published tender gets amendment notices).

    :raises TransitionError: when the tender is no longer a draft.
    """
    if not tender.is_editable:
        raise TransitionError(_("A published tender can no longer be edited."))


def tender_create(*, lessor: Lessor, data: dict[str, Any], by: User) -> Tender:
    """Create a draft tender of ``lessor`` from cleaned form data."""
    fields = {k: v for k, v in data.items() if k != "lessor"}
    return Tender.objects.create(lessor=lessor, status=TenderStatus.DRAFT, **fields)


def tender_update(*, tender: Tender, data: dict[str, Any], by: User) -> Tender:
    """Change a draft tender's settings.

    :raises TransitionError: when the tender is no longer a draft (its rules are frozen).
    """
    _require_draft(tender)
    for name, value in data.items():
        if name != "lessor":
            setattr(tender, name, value)
    tender.save()
    return tender


@transaction.atomic
def tender_child_save(*, tender: Tender, obj: Model, by: User) -> Model:
    """Save a category, additional condition or sub-list of a draft tender."""
    _require_draft(tender)
    obj.tender = tender
    if not obj.pk:
        siblings = type(obj).objects.filter(tender=tender)
        obj.position = (siblings.aggregate(m=Max("position"))["m"] or 0) + 1
    obj.save()
    return obj


@transaction.atomic
def tender_child_delete(*, tender: Tender, obj: Model, by: User) -> None:
    """Remove a category, condition or sub-list of a draft tender.

    A category still named in the tie-break chain, or a large-family category whose
    per-child supplement remains, cannot go.
    """
    _require_draft(tender)
    code = getattr(obj, "code", None)
    if hasattr(obj, "category"):
        if code in tender.tie_break:
            raise TransitionError(
                _("Remove the category from the tie-break chain first.")
            )
        if (
            obj.category == "large_family"
            and tender.categories.filter(category="large_family_extra_child").exists()
        ):
            raise TransitionError(
                _("Remove the supplement for every further child first.")
            )
    obj.delete()


def tender_tie_break_set(*, tender: Tender, chain: list[str], by: User) -> Tender:
    """Set the Art. 6(3) chain; every code must be a category of the tender."""
    _require_draft(tender)
    used = {c.code for c in tender.categories.all()}
    unknown = [code for code in chain if code not in used]
    if unknown:
        raise TransitionError(
            _("The tie-break chain names a category the tender does not use.")
        )
    tender.tie_break = chain
    tender.save(update_fields=["tie_break", "updated_at"])
    return tender


def allowed_transitions(*, tender: Tender, user: User) -> list[str]:
    """Statuses ``user`` may move ``tender`` to now (roles only; preconditions apart)."""
    return [
        to
        for (frm, to), roles in TRANSITIONS.items()
        if frm == tender.status and roles and has_role(user, tender.lessor_id, roles)
    ]


def _publication_problems(tender: Tender, now: datetime.datetime) -> list[str]:
    """What keeps a draft from being published (Art. 18), as translated sentences."""
    from scoring.services import tender_rules_errors

    problems = []
    if tender.published_on > timezone.localdate(now):
        problems.append(_("The publication date is in the future."))
    if tender.deadline <= now:
        problems.append(_("The application deadline has already passed."))
    if not tender.categories.exists():
        problems.append(_("The tender defines no priority category (Art. 18(7))."))
    if tender.dwellings_list_a + tender.dwellings_list_b == 0 and not (
        tender.sublists.exists()
    ):
        problems.append(_("The tender offers no dwellings (Art. 18(6))."))
    if not tender.required_documents_list:
        problems.append(_("The tender lists no documents to attach (Art. 19)."))
    problems.extend(message for _path, message in tender_rules_errors(tender))
    return problems


@transaction.atomic
def tender_transition(
    *,
    tender: Tender,
    to_status: str,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Tender:
    """Move the tender one step along its lifecycle and record who did it and when.

    :raises TransitionError: when the step does not exist from the current status, the
        user lacks the role for it, or a precondition fails (publishing an incomplete
        tender, closing before the deadline).
    """
    now = now or timezone.now()
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    key = (tender.status, to_status)
    if key not in TRANSITIONS:
        raise TransitionError(_("This step is not possible from the current status."))
    roles = TRANSITIONS[key]
    if by is None:
        if roles:
            raise TransitionError(_("Only a person may make this step."))
    elif not roles or not has_role(by, tender.lessor_id, roles):
        raise TransitionError(_("You may not make this step."))
    if to_status == TenderStatus.PUBLISHED:
        problems = _publication_problems(tender, now)
        if problems:
            raise TransitionError(" ".join(problems))
    if to_status == TenderStatus.CLOSED and tender.deadline > now:
        raise TransitionError(_("The tender closes only at its deadline."))
    TenderEvent.objects.create(
        tender=tender, from_status=tender.status, to_status=to_status, by=by
    )
    tender.status = to_status
    tender.save(update_fields=["status", "updated_at"])
    return tender


def tenders_close_due(*, now: datetime.datetime | None = None) -> list[Tender]:
    """Close every published tender whose deadline has passed (run every minute).

    :returns: the tenders closed now.
    """
    now = now or timezone.now()
    due = Tender.objects.filter(status=TenderStatus.PUBLISHED, deadline__lte=now)
    return [
        tender_transition(
            tender=tender, to_status=TenderStatus.CLOSED, by=None, now=now
        )
        for tender in due
    ]


@transaction.atomic
def amendment_publish(
    *, tender: Tender, text: str, new_deadline: datetime.datetime | None, by: User
) -> AmendmentNotice:
    """Publish a correction of an open tender; it may only extend the deadline."""
    tender = Tender.objects.select_for_update().get(pk=tender.pk)
    if tender.status != TenderStatus.PUBLISHED:
        raise TransitionError(
            _("Amendment notices are published only while the tender is open.")
        )
    if new_deadline is not None:
        if new_deadline <= tender.deadline:
            raise TransitionError(_("A notice may only extend the deadline."))
        tender.deadline = new_deadline
        tender.save(update_fields=["deadline", "updated_at"])
    return AmendmentNotice.objects.create(
        tender=tender, text=text, new_deadline=new_deadline, by=by
    )
