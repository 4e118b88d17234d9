"""Writes for applications: start, save a step, members, submit, correct, withdraw,
answer an amendment request.

Every service takes keyword arguments and the acting user ``by``, checks everything
before it writes (nothing is half-saved), records an :class:`ApplicationEvent` and
the acting user in the audit history, and refuses with
:class:`housing.errors.ServiceError` (translated messages at their fields; ``code``
``"forbidden"``, ``"frozen"``, ``"closed"``, ``"conflict"`` or ``"invalid"``).

Deadlines (issue 12, 6): an application is on time when the moment, cut to whole
seconds, is at or before ``tender.deadline``: a deadline of 23:59:59 accepts 23:59:59
and refuses 00:00:00. The moment is taken when the request arrives, before waiting for
a lock. Both are aware datetimes, so daylight-saving days need no special case; the
deadline is shown in Ljubljana time.
"""

import datetime
import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Max, QuerySet
from django.db.models.query import MAX_GET_RESULTS
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.compiled import CompiledQuery
from housing.errors import ErrorCollector, ServiceError
from housing.models import Municipality, User
from housing.permissions import can_review_applications
from tenders.constants import TenderStatus
from tenders.models import Tender

from . import validation as check
from .constants import (
    DECLARATION_ANSWERS,
    LJUBLJANA,
    MEMBER_FIELDS,
    SECTION_FIELDS,
    SECTION_MEMBER_FIELDS,
    AmendmentStatus,
    ApplicationStatus,
    EventKind,
    HousingStatus,
    MemberRole,
    Section,
    SectionState,
    Sex,
)
from .engine_input import application_case, household_members
from .models import (
    AmendmentRequest,
    Application,
    ApplicationCodeCounter,
    ApplicationEvent,
    ApplicationSubmission,
    Document,
    Member,
)
from .permissions import can_edit_application
from .selectors import prefetch_for_submit

YEARS_OF_SERVICE_MAX = Decimal("70.00")
AREA_MAX = Decimal("9999.99")
ANSWER_MAX = 5000


# --- helpers ----------------------------------------------------------------------


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now if now is not None else timezone.now()


def after_deadline(tender: Tender, moment: datetime.datetime) -> bool:
    """Whether ``moment`` is too late for ``tender`` (whole seconds; see module doc)."""
    return moment.replace(microsecond=0) > tender.deadline


def _deadline_text(deadline: datetime.datetime) -> str:
    return f"{timezone.localtime(deadline, LJUBLJANA):%d. %m. %Y %H:%M:%S}"


def _closed(tender: Tender) -> ServiceError:
    return ServiceError(
        _(
            "The deadline for applications (%(deadline)s) has passed: the application "
            "can no longer be submitted or changed."
        )
        % {"deadline": _deadline_text(tender.deadline)},
        code="closed",
    )


def _locked_query(pk: int) -> QuerySet[Application]:
    """What ``Application.objects.select_for_update(of=("self",))
    .select_related("tender__lessor").get(pk=pk)`` runs (``get`` drops the ordering
    and fetches up to ``MAX_GET_RESULTS`` rows)."""
    queryset = (
        Application.objects.select_for_update(of=("self",))
        .select_related("tender__lessor")
        .filter(pk=pk)
        .order_by()
    )
    if connection.features.supports_select_for_update_with_limit:
        queryset = queryset[:MAX_GET_RESULTS]
    return queryset


#: Every write locks the application first: compiled once.
_LOCKED = CompiledQuery(_locked_query, -301)


def _lock(application: Application) -> Application:
    """The application's row, locked until the transaction ends, read afresh."""
    found = _LOCKED.run(application.pk)
    if not found:
        raise Application.DoesNotExist("Application matching query does not exist.")
    if len(found) > 1:  # pragma: no cover - a primary key
        raise Application.MultipleObjectsReturned
    return found[0]


def _require_may_edit(application: Application, by: User) -> None:
    if not can_edit_application(by, application):
        raise ServiceError(
            _("You cannot change this application: it is not yours."),
            code="forbidden",
        )


def _require_editable(application: Application, now: datetime.datetime) -> None:
    """A draft, before the deadline (a paper draft: also after it, see submit)."""
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ServiceError(
            _("This application was withdrawn and can no longer be changed."),
            code="frozen",
        )
    if application.status == ApplicationStatus.SUBMITTED:
        raise ServiceError(
            _(
                "This application has been submitted. To change it, reopen it for "
                "correction first (possible until the deadline)."
            ),
            code="frozen",
        )
    if after_deadline(application.tender, now) and not application.is_paper:
        raise _closed(application.tender)


def _check_version(application: Application, expected_version: int) -> None:
    if application.row_version != expected_version:
        raise ServiceError(
            _(
                "This application was changed in the meantime (in another tab or by "
                "another person). Reload the page to see the changes, then try again."
            ),
            code="conflict",
        )


def _save(application: Application, by: User, fields: Sequence[str] = ()) -> None:
    """Write ``fields`` with a new ``row_version``; the audit records ``by``."""
    application.row_version += 1
    application._history_user = by
    application.save(update_fields=[*fields, "row_version", "updated_at"])


def _event(
    application: Application,
    kind: str,
    by: User | None,
    *,
    at: datetime.datetime | None = None,
    section: str = "",
    changed: Sequence[str] = (),
    note: str = "",
) -> ApplicationEvent:
    """Record a step; ``changed`` holds field names only, never values."""
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        by=by,
        at=at or timezone.now(),
        version=application.version,
        section=section,
        changed_fields=list(changed),
        note=note,
    )


# --- start ----------------------------------------------------------------------------


@transaction.atomic
def application_start(
    *,
    tender: Tender,
    applicant: User | None,
    by: User,
    postal_address: str = "",
    now: datetime.datetime | None = None,
) -> Application:
    """Start (or return) the household's application to ``tender``.

    An applicant's call is idempotent: their live (not withdrawn) application is
    returned if there is one, also when two tabs start at once (the unique constraint
    decides). ``applicant=None`` starts a paper application that a clerk or the
    commission of the tender's lessor enters for a person without an account; it needs
    the person's ``postal_address`` and may be entered after the deadline (the paper was
    received in time: see :func:`application_submit`'s ``received_at``).

    :raises ServiceError: ``forbidden`` (someone else's account, or not the lessor's
        staff for a paper application), ``closed`` (tender not open, deadline passed),
        ``invalid`` (no postal address).
    """
    now = _now(now)
    paper = applicant is None
    if paper:
        if not can_review_applications(by, tender.lessor_id):
            raise ServiceError(
                _("Only the lessor's staff can enter a paper application."),
                code="forbidden",
            )
    elif applicant.pk != by.pk:
        raise ServiceError(_("You can only apply for yourself."), code="forbidden")

    if not paper:
        existing = (
            Application.objects.filter(tender=tender, applicant=applicant)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .first()
        )
        if existing is not None:
            return existing

    open_statuses = {TenderStatus.PUBLISHED}
    if paper:
        open_statuses.add(TenderStatus.CLOSED)
    if tender.status not in open_statuses:
        raise ServiceError(
            _("This tender is not open for applications."), code="closed"
        )
    if not paper and after_deadline(tender, now):
        raise _closed(tender)

    errors = ErrorCollector()
    address = check.text(
        postal_address, "postal_address", errors, max_length=500, required=paper
    )
    errors.raise_if_any()

    try:
        with transaction.atomic():
            application = Application(
                tender=tender,
                applicant=applicant,
                entered_by=by if paper else None,
                postal_address=address,
                created_at=now,
            )
            application._history_user = by
            application.save()
    except IntegrityError:
        # Another tab started it a moment ago: that one is the application.
        return Application.objects.get(
            tender=tender, applicant=applicant, status__in=["draft", "submitted"]
        )
    _event(
        application,
        EventKind.CREATED,
        by,
        at=now,
        note="paper" if paper else "",
    )
    return application


# --- sections ---------------------------------------------------------------------------


def _codes(
    value: Any, field: str, allowed: list[str], errors: ErrorCollector
) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, (list, tuple, set)):
        errors.add(field, _("Choose from the list."))
        return []
    codes = [str(v) for v in value]
    if any(code not in allowed for code in codes):
        errors.add(field, _("Choose only what this tender offers."))
        return []
    # In the tender's order, without repeats.
    return [code for code in allowed if code in codes]


def _claims_read_by_caller(given: Application, locked: Application) -> None:
    """The tender's categories and conditions as the caller read them in this request
    (:func:`applications.selectors.prefetch_claims`, for the page's form), for the
    checks of :func:`_tender_codes` to use instead of reading them again. A published
    tender's are frozen (only a draft tender's change), and reading them after the
    application's lock would take no lock on them either."""
    tender = given._state.fields_cache.get("tender")
    read = getattr(tender, "_prefetched_objects_cache", None)
    if not read or tender.pk != locked.tender_id:
        return
    target = locked.tender
    if not hasattr(target, "_prefetched_objects_cache"):
        target._prefetched_objects_cache = {}
    for name in ("categories", "additional_conditions"):
        if name in read:
            target._prefetched_objects_cache.setdefault(name, read[name])


def _household_read_by_caller(
    given: Application, locked: Application
) -> list[Member] | None:
    """The household the caller read in this request (the page's forms were built
    from it), when it is still the locked row's: read after ``given`` and at the same
    ``row_version`` as the row now locked. Every change of a member goes through this
    module (``member_add``, ``member_update``, ``member_remove``, a section's save),
    under the application's lock and with a new ``row_version`` in the same
    transaction, so an equal version means no member changed since ``given`` was
    read; and the household, read after it, saw no later change either (one would
    have moved the version on). ``None``: read it again under the lock."""
    read = getattr(given, "_household_read", None)
    if read is None or given.pk != locked.pk:
        return None
    version, members = read
    if version != given.row_version or version != locked.row_version:
        return None
    for member in members:
        Member.application.field.set_cached_value(member, locked)
    return list(members)


def _tender_codes(tender: Tender) -> tuple[list[str], list[str]]:
    """The tender's own (``other:``) categories and its additional conditions, in the
    tender's order."""
    categories = [c.code for c in tender.categories.all() if c.category == "other"]
    conditions = [c.code for c in tender.additional_conditions.all()]
    return categories, conditions


#: ``lessor.municipalities.all()``, compiled once: every save reads it.
_AREA = CompiledQuery(
    lambda lessor_pk: Municipality.objects.filter(lessors=lessor_pk), -401
)


def _area(tender: Tender) -> dict[int, Municipality]:
    """The municipalities the tender's lessor serves, by id (read once per check)."""
    lessor = tender.lessor
    if "municipalities" in getattr(lessor, "_prefetched_objects_cache", {}):
        return {m.pk: m for m in lessor.municipalities.all()}
    return {m.pk: m for m in _AREA.run(lessor.pk)}


def _clean_section(
    application: Application, section: str, values: Mapping[str, Any]
) -> dict[str, Any]:
    """Parse and check the merged values of one section (all its fields).

    :raises ServiceError: with every message at its field.
    """
    errors = ErrorCollector()
    clean: dict[str, Any] = {}
    codes: tuple[list[str], list[str]] | None = None
    for name in SECTION_FIELDS[section]:
        value = values[name]
        if name == "housing_status":
            value = "" if value is None else str(value)
            if value not in HousingStatus.values:
                errors.add(name, _("Choose your housing status."))
        elif name == "dwelling_area_m2":
            value = check.decimal(value, name, errors, maximum=AREA_MAX, required=False)
        elif name == "disability_aids_monthly":
            value = check.decimal(value, name, errors)
        elif name in ("other_categories", "additional_conditions"):
            if codes is None:
                codes = _tender_codes(application.tender)
            categories, conditions = codes
            allowed = categories if name == "other_categories" else conditions
            value = _codes(value, name, allowed, errors)
        elif name == "postal_address":
            value = check.text(
                value, name, errors, max_length=500, required=application.is_paper
            )
        else:
            value = check.boolean(value, name, errors)
        clean[name] = value

    if section == Section.HOUSING and "housing_status" not in errors.errors:
        area = clean["dwelling_area_m2"]
        if clean["housing_status"] == HousingStatus.WITHOUT_DWELLING:
            if area is not None:
                errors.add(
                    "dwelling_area_m2",
                    _(
                        "Without a dwelling (1.1) there is no dwelling area: leave it empty."
                    ),
                )
        elif "dwelling_area_m2" not in errors.errors and not area:
            errors.add(
                "dwelling_area_m2",
                _("Enter the usable area of the dwelling you live in now."),
            )
    errors.raise_if_any()
    return clean


def _cross_check(
    application: Application,
    values: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    errors: ErrorCollector,
) -> None:
    """Rules between sections, on the application's values (stored, or as being saved)
    and its members': aids only for a member's disability, and a co-owned dwelling the
    violence makes unusable only for a victim of domestic violence (note to Art. 3).
    """

    def value(name: str) -> Any:
        return values[name] if name in values else getattr(application, name)

    aids = value("disability_aids_monthly")
    if aids and not any(m.get("disability") for m in members):
        errors.add(
            "disability_aids_monthly",
            _(
                "Spending on aids is deducted only for a member with a disability: "
                "mark the member's disability or leave the amount at 0."
            ),
        )
    if value("violence_co_ownership_unusable") and not value(
        "domestic_violence_victim"
    ):
        errors.add(
            "violence_co_ownership_unusable",
            _(
                "This applies only to a victim of domestic violence: answer the "
                "question on the page about social and health conditions first."
            ),
        )


@transaction.atomic
def application_save_section(
    *,
    application: Application,
    section: str,
    data: Mapping[str, Any],
    by: User,
    expected_version: int,
    members: Mapping[int, Mapping[str, Any]] | None = None,
    now: datetime.datetime | None = None,
) -> Application:
    """Save one step of the form (:data:`SECTION_FIELDS`) of a draft, and mark it
    completed.

    ``data`` holds the section's fields (a missing one keeps its value); for the
    declaration, the answers of :data:`DECLARATION_ANSWERS`, which must all be true.
    ``members`` maps member ids to their answers of this section
    (:data:`SECTION_MEMBER_FIELDS`); every member of the household is checked, and
    their messages are keyed ``members[<i>].<field>`` (``i`` in the household's order,
    as at submission). ``expected_version`` is the ``row_version`` the page was
    showing: a different one means someone saved in between, and nothing is written.
    Only the columns that changed are written; a completed step saved unchanged writes
    no row (nor audit history) and keeps its version. The event, recorded at every
    save, names the fields that changed, never their values.

    :raises ServiceError: ``invalid`` at the fields, ``conflict``, ``forbidden``,
        ``frozen`` (submitted or withdrawn), ``closed`` (after the deadline).
    """
    now = _now(now)
    members = members or {}
    if section not in SECTION_FIELDS:
        raise ServiceError(_("Unknown step of the form."), code="invalid")
    allowed = set(SECTION_FIELDS[section])
    if section == Section.DECLARATION:
        allowed = set(DECLARATION_ANSWERS)
    unknown = sorted(set(data) - allowed)
    member_allowed = set(SECTION_MEMBER_FIELDS.get(section, ()))
    unknown += sorted(
        {name for values in members.values() for name in values} - member_allowed
    )
    if unknown:
        raise ServiceError(
            {name: [_("This field is not part of this step.")] for name in unknown}
        )
    given = application
    locked = _lock(application)
    _claims_read_by_caller(given, locked)
    application = locked
    _require_may_edit(application, by)
    _require_editable(application, now)
    _check_version(application, expected_version)

    errors = ErrorCollector()
    if section == Section.DECLARATION:
        for name in DECLARATION_ANSWERS:
            if check.boolean(data.get(name), name, errors) is not True:
                errors.add(name, _("You must agree to this to submit the application."))
        errors.raise_if_any()
    merged = {
        name: data[name] if name in data else getattr(application, name)
        for name in SECTION_FIELDS[section]
    }
    try:
        clean = _clean_section(application, section, merged)
    except ServiceError as error:
        for field, messages in error.errors.items():
            for message in messages:
                errors.add(field, message)
        clean = {}

    stored = _household_read_by_caller(given, application)
    if stored is None:
        stored = household_members(application)
    if set(members) - {m.pk for m in stored}:
        raise ServiceError(
            _(
                "The household changed in the meantime. Reload the page to see the "
                "changes, then try again."
            ),
            code="conflict",
        )
    today = check.local_today(now)
    area = _area(application.tender)
    member_clean: list[tuple[Member, dict[str, Any]]] = []
    for index, member in enumerate(stored):
        try:
            values = _clean_member(
                application,
                _member_values(member, members.get(member.pk, {})),
                member=member,
                today=today,
                prefix=f"members[{index}].",
                household=stored,
                area=area,
            )
        except ServiceError as error:
            for field, messages in error.errors.items():
                for message in messages:
                    errors.add(field, message)
            values = {}
        member_clean.append((member, values))
    if not errors:
        _cross_check(application, clean, [v for _m, v in member_clean], errors)
    errors.raise_if_any()

    # Only what changed is written: a step saved unchanged and already completed (a
    # person pressing "Save and continue" again) writes no row and no audit history,
    # keeps its version (no page of it goes stale) and records only its event.
    changed = [
        name for name, value in clean.items() if getattr(application, name) != value
    ]
    fields = list(changed)
    for member, values in member_clean:
        member_changed = [
            name for name in member_allowed if getattr(member, name) != values[name]
        ]
        if member_changed:
            for name in member_changed:
                setattr(member, name, values[name])
            member._history_user = by
            member.save(update_fields=sorted(member_changed))
            changed += [f"members.{member.pk}.{name}" for name in member_changed]
    for name in fields:
        setattr(application, name, clean[name])
    if application.section_status.get(section) != SectionState.DONE:
        application.section_status = {
            **application.section_status,
            section: SectionState.DONE,
        }
        fields.append("section_status")
    if changed or fields:
        _save(application, by, fields)
    _event(
        application,
        EventKind.STEP_SAVED,
        by,
        at=now,
        section=section,
        changed=changed,
        note="declared" if section == Section.DECLARATION else "",
    )
    return application


# --- members ----------------------------------------------------------------------------


def _municipality(value: Any) -> Municipality | int | None:
    if value in (None, ""):
        return None
    if isinstance(value, Municipality):
        return value
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


# ``Choices.values`` builds a new list at each use; every save checks every member.
_ROLES = frozenset(MemberRole.values)
_SEXES = frozenset(Sex.values)


def _clean_member(
    application: Application,
    values: Mapping[str, Any],
    *,
    member: Member | None,
    today: datetime.date,
    prefix: str = "",
    household: Sequence[Member] | None = None,
    area: Mapping[int, Municipality] | None = None,
) -> dict[str, Any]:
    """Parse and check every field of a member (merged with its stored values).

    ``household`` (the application's stored members) and ``area`` (:func:`_area`),
    when the caller has read them already under the application's lock or for the
    same page: the checks against the other members and the lessor's municipalities
    use them instead of reading them again for each member.

    :raises ServiceError: with every message at its field (``prefix`` + name).
    """
    errors = ErrorCollector()

    class _Prefixed:
        def add(self, field: str | None, message: Any) -> None:
            errors.add(f"{prefix}{field}", message)

    at = _Prefixed() if prefix else errors
    clean: dict[str, Any] = {}

    role = values.get("role") or ""
    if role not in _ROLES:
        at.add("role", _("Choose the member's role."))
    elif role == MemberRole.APPLICANT:
        if household is not None:
            taken = any(
                m.role == MemberRole.APPLICANT and (member is None or m.pk != member.pk)
                for m in household
            )
        else:
            others = application.members.filter(role=MemberRole.APPLICANT)
            if member is not None:
                others = others.exclude(pk=member.pk)
            taken = others.exists()
        if taken:
            at.add("role", _("The household already has an applicant."))
    clean["role"] = role
    clean["first_name"] = check.text(
        values.get("first_name"), "first_name", at, max_length=100, required=True
    )
    clean["last_name"] = check.text(
        values.get("last_name"), "last_name", at, max_length=100, required=True
    )
    clean["birth_date"] = check.birth_date(
        values.get("birth_date"), "birth_date", at, today=today
    )
    sex = values.get("sex") or ""
    if sex not in _SEXES:
        at.add("sex", _("Choose the sex."))
    clean["sex"] = sex
    clean["citizenship"] = check.citizenship(
        values.get("citizenship"), "citizenship", at
    )
    clean["emso"] = check.emso(
        values.get("emso"),
        "emso",
        at,
        birth=clean["birth_date"],
        sex=sex if sex in _SEXES else None,
    )
    if not clean["emso"] and (
        role == MemberRole.APPLICANT or clean["citizenship"] == "SI"
    ):
        at.add("emso", _("Enter the EMŠO."))
    elif clean["emso"]:
        if household is not None:
            repeated = any(
                m.emso == clean["emso"] and (member is None or m.pk != member.pk)
                for m in household
            )
        else:
            same = application.members.filter(emso=clean["emso"])
            if member is not None:
                same = same.exclude(pk=member.pk)
            repeated = same.exists()
        if repeated:
            at.add("emso", _("This person is already a member of the household."))

    municipality = _municipality(values.get("municipality"))
    other = check.text(
        values.get("other_municipality"),
        "other_municipality",
        at,
        max_length=100,
        required=False,
    )
    if municipality is not None and other:
        at.add(
            "municipality",
            _("Choose a municipality from the list or write another one, not both."),
        )
    elif municipality is None and not other:
        at.add("municipality", _("Choose the municipality of permanent residence."))
    elif municipality is not None:
        pk = municipality.pk if isinstance(municipality, Municipality) else municipality
        if area is not None:
            found = area.get(pk)
        else:
            found = application.tender.lessor.municipalities.filter(pk=pk).first()
        if found is None:
            at.add(
                "municipality",
                _("Choose a municipality from the list, or choose another one."),
            )
        municipality = found
    clean["municipality"] = municipality
    clean["other_municipality"] = other

    clean["years_of_service"] = check.decimal(
        values.get("years_of_service", Decimal(0)),
        "years_of_service",
        at,
        maximum=YEARS_OF_SERVICE_MAX,
    )
    for name in ("monthly_income", "other_property_value", "business_property_value"):
        clean[name] = check.decimal(values.get(name, Decimal(0)), name, at)
    for name in (
        "employed",
        "disability",
        "institutional_care",
        "wheelchair_user",
        "deaf_or_blind",
        "needs_permanent_assistance",
        "owns_dwelling",
        "nonprofit_tenant",
    ):
        clean[name] = check.boolean(values.get(name, False), name, at)
    errors.raise_if_any()
    return clean


def _member_values(member: Member | None, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(MEMBER_FIELDS))
    if unknown:
        raise ServiceError(
            {name: [_("This field is not part of this step.")] for name in unknown}
        )
    if member is None:
        return dict(data)
    stored = {name: getattr(member, name) for name in MEMBER_FIELDS}
    stored["municipality"] = member.municipality
    return {**stored, **data}


def _members_saved(
    application: Application,
    by: User,
    now: datetime.datetime,
    changed: Sequence[str],
    note: str,
    *,
    applicant: bool = False,
) -> None:
    """Progress after a member changed: the applicant's details are completed by
    saving them; the household list is in progress until confirmed
    (``application_save_section(section="members")``); a new member has not answered
    the questions asked of every member yet, so those sections are in progress again.
    """
    status = dict(application.section_status)
    if applicant:
        status[Section.APPLICANT] = SectionState.DONE
    else:
        status[Section.MEMBERS] = SectionState.IN_PROGRESS
    if note == "added":
        for section in (Section.RESIDENCE, *SECTION_MEMBER_FIELDS):
            if status.get(section) == SectionState.DONE:
                status[section] = SectionState.IN_PROGRESS
    application.section_status = status
    _save(application, by, ["section_status"])
    _event(
        application,
        EventKind.STEP_SAVED,
        by,
        at=now,
        section=Section.APPLICANT if applicant else Section.MEMBERS,
        changed=changed,
        note=note,
    )


@transaction.atomic
def member_add(
    *,
    application: Application,
    data: Mapping[str, Any],
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
) -> Member:
    """Add a household member (every field of :data:`MEMBER_FIELDS` checked).

    :raises ServiceError: as :func:`application_save_section`.
    """
    now = _now(now)
    application = _lock(application)
    _require_may_edit(application, by)
    _require_editable(application, now)
    _check_version(application, expected_version)
    clean = _clean_member(
        application,
        _member_values(None, data),
        member=None,
        today=check.local_today(now),
    )
    position = (application.members.aggregate(m=Max("position"))["m"] or 0) + 1
    member = Member(application=application, position=position, **clean)
    member._history_user = by
    member.save()
    _members_saved(
        application,
        by,
        now,
        [f"members.{member.pk}"],
        "added",
        applicant=member.role == MemberRole.APPLICANT,
    )
    return member


@transaction.atomic
def member_update(
    *,
    member: Member,
    data: Mapping[str, Any],
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
) -> Member:
    """Change a household member; ``data`` may hold some fields only.

    :raises ServiceError: as :func:`application_save_section`.
    """
    now = _now(now)
    application = _lock(member.application)
    _require_may_edit(application, by)
    _require_editable(application, now)
    _check_version(application, expected_version)
    member = application.members.select_related("municipality").get(pk=member.pk)
    clean = _clean_member(
        application,
        _member_values(member, data),
        member=member,
        today=check.local_today(now),
    )
    changed = [
        f"members.{member.pk}.{name}"
        for name, value in clean.items()
        if getattr(member, name) != value
    ]
    for name, value in clean.items():
        setattr(member, name, value)
    member._history_user = by
    member.save()
    _members_saved(
        application,
        by,
        now,
        changed,
        "",
        applicant=member.role == MemberRole.APPLICANT,
    )
    return member


@transaction.atomic
def member_remove(
    *,
    member: Member,
    by: User,
    expected_version: int,
    now: datetime.datetime | None = None,
) -> None:
    """Remove a household member from a draft (their documents stay, unlinked).

    :raises ServiceError: as :func:`application_save_section`.
    """
    now = _now(now)
    application = _lock(member.application)
    _require_may_edit(application, by)
    _require_editable(application, now)
    _check_version(application, expected_version)
    member = application.members.get(pk=member.pk)
    pk = member.pk
    member._history_user = by
    member.delete()
    _members_saved(
        application,
        by,
        now,
        [f"members.{pk}"],
        "removed",
        applicant=member.role == MemberRole.APPLICANT,
    )


# --- submit, correct, withdraw ----------------------------------------------------------


def application_problems(
    application: Application, *, now: datetime.datetime | None = None
) -> dict[str | None, list[str]]:
    """What :func:`application_submit` would refuse in the application's facts, as
    messages per field (``members[<i>].<field>`` for members); empty when complete.
    For the check-your-answers page: nothing is written."""
    try:
        _check_complete(application, check.local_today(_now(now)))
    except ServiceError as error:
        return error.errors
    return {}


def _check_complete(application: Application, today: datetime.date) -> None:
    """Everything the engine needs, every stored value still valid, and the
    declaration made.

    :raises ServiceError: at the application's fields, and at
        ``members[<i>].<field>`` for members' fields.
    """
    errors = ErrorCollector()
    for section, fields in SECTION_FIELDS.items():
        if not fields:
            continue
        values = {name: getattr(application, name) for name in SECTION_FIELDS[section]}
        try:
            _clean_section(application, section, values)
        except ServiceError as error:
            for field, messages in error.errors.items():
                for message in messages:
                    errors.add(field, message)
    members = household_members(application)
    applicants = [m for m in members if m.role == MemberRole.APPLICANT]
    if len(applicants) != 1:
        errors.add("members", _("Enter the applicant among the household members."))
    if not errors:
        _cross_check(
            application,
            {},
            [{"disability": m.disability} for m in members],
            errors,
        )
    if application.section_status.get(Section.DECLARATION) != SectionState.DONE:
        errors.add(
            "declaration",
            _("Confirm the declaration and give your consent before submitting."),
        )
    area = _area(application.tender)
    for index, member in enumerate(members):
        try:
            _clean_member(
                application,
                _member_values(member, {}),
                member=member,
                today=today,
                prefix=f"members[{index}].",
                household=members,
                area=area,
            )
        except ServiceError as error:
            for field, messages in error.errors.items():
                for message in messages:
                    errors.add(field, message)
    errors.raise_if_any()


def _code_prefix(tender: Tender, year: int) -> str:
    """The lessor's short code (``Lessor.code``, e.g. ``LJ``), upper case.

    A lessor without one falls back to its tender's code without the year
    (``lj-2026`` -> ``LJ``; docs/decisions.md, "Codes"): the number still comes from
    the lessor's one counter for the year, so it stays gap-free per lessor.
    """
    lessor_code = tender.lessor.code.strip().upper()
    if lessor_code:
        return lessor_code
    prefix = tender.code.upper()
    suffix = f"-{year}"
    if prefix.endswith(suffix) and len(prefix) > len(suffix):
        prefix = prefix[: -len(suffix)]
    return prefix


def _allocate_code(tender: Tender) -> str:
    """The next code of the tender's lessor for the tender's year, without gaps.

    One counter per lessor and year (``ApplicationCodeCounter``, unique on both), so
    every tender of a lessor published in a year draws from the same sequence. The
    counter row is locked until the submitting transaction ends, so a rolled-back
    submission gives its number back. ``<prefix>-<year>-<5 digits>``.
    """
    year = tender.published_on.year
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_CODE_NUMBER_SQL, [tender.lessor_id, year])
        (number,) = cursor.fetchone()
    return f"{_code_prefix(tender, year)}-{year}-{number:05d}"


def _next_code_number_sql() -> str:
    """One statement (PostgreSQL and SQLite 3.35+) for what was three (create the
    counter if missing, lock it, write it back): the row it inserts or updates stays
    locked until the submitting transaction ends; a second submitter's statement
    waits for it and then counts on from the committed number (or inserts, if the
    first rolled back)."""
    meta = ApplicationCodeCounter._meta
    table = connection.ops.quote_name(meta.db_table)
    lessor, year, last = (
        connection.ops.quote_name(meta.get_field(name).column)
        for name in ("lessor", "year", "last_number")
    )
    # Only the model's own quoted names are formatted in; the values are parameters.
    return (
        f"INSERT INTO {table} ({lessor}, {year}, {last}) VALUES (%s, %s, 1) "  # noqa: S608  # nosec B608
        f"ON CONFLICT ({lessor}, {year}) DO UPDATE SET {last} = {table}.{last} + 1 "
        f"RETURNING {last}"
    )


_NEXT_CODE_NUMBER_SQL = _next_code_number_sql()


def _digest(case: Mapping[str, Any]) -> str:
    text = json.dumps(case, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def application_submit(
    *,
    application: Application,
    by: User,
    now: datetime.datetime | None = None,
    received_at: datetime.datetime | None = None,
) -> Application:
    """Submit the application: check it, give it its code, keep the receipt.

    Idempotent: a double click, a retry or a second tab gets the same application,
    code and receipt (:class:`ApplicationSubmission`, one per version by a unique
    constraint) and no second event. The row is locked while submitting. The code is
    allocated at the first submission and kept by corrections.

    ``received_at`` (paper applications only) is when the paper was posted or handed
    in; it, not the moment of entry, is checked against the deadline.

    :raises ServiceError: ``closed`` after the deadline or when the tender is not open,
        ``invalid`` with every missing or wrong fact, ``frozen`` when withdrawn,
        ``forbidden``.
    """
    now = _now(now)
    try:
        with transaction.atomic():
            return _submit(application, by=by, now=now, received_at=received_at)
    except IntegrityError:
        # A concurrent submission of the same version won (the unique constraint):
        # its receipt is the answer; this attempt's code number was given back.
        current = Application.objects.get(pk=application.pk)
        if current.status == ApplicationStatus.SUBMITTED:
            return current
        raise


def _submit(
    application: Application,
    *,
    by: User,
    now: datetime.datetime,
    received_at: datetime.datetime | None,
) -> Application:
    application = _lock(application)
    _require_may_edit(application, by)
    if application.status == ApplicationStatus.SUBMITTED:
        return application
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ServiceError(
            _("This application was withdrawn and can no longer be submitted."),
            code="frozen",
        )
    tender = application.tender
    if received_at is not None:
        if not application.is_paper:
            raise ServiceError(
                {"received_at": [_("Only a paper application has a date of receipt.")]},
                code="forbidden",
            )
        if received_at > now:
            raise ServiceError(
                {"received_at": [_("The date of receipt cannot be in the future.")]}
            )
    open_statuses = {TenderStatus.PUBLISHED}
    if application.is_paper:
        open_statuses.add(TenderStatus.CLOSED)
    if tender.status not in open_statuses:
        raise ServiceError(
            _("This tender is not open for applications."), code="closed"
        )
    if after_deadline(tender, received_at or now):
        raise _closed(tender)
    # Read under the lock, once for the checks and the case (the tender's sub-lists
    # are not needed: no assessment here).
    prefetch_for_submit(application)
    _check_complete(application, check.local_today(now))

    if application.code is None:
        application.code = _allocate_code(tender)
    application.status = ApplicationStatus.SUBMITTED
    application.submitted_at = now
    if received_at is not None:
        application.received_at = received_at
    case = application_case(application)
    from .pdf import on_submitted, receipt_snapshot  # receipt and email (issue 12, 6)

    submission = ApplicationSubmission.objects.create(
        application=application,
        version=application.version,
        code=application.code,
        submitted_at=now,
        received_at=application.received_at,
        by=by,
        case=case,
        digest=_digest(case),
        receipt=receipt_snapshot(application),
    )
    on_submitted(submission)
    _save(application, by, ["code", "status", "submitted_at", "received_at"])
    _event(
        application,
        EventKind.SUBMITTED,
        by,
        at=now,
        note=application.code,
    )
    return application


@transaction.atomic
def application_correct(
    *, application: Application, by: User, now: datetime.datetime | None = None
) -> Application:
    """Reopen a submitted application for correction, before the deadline.

    It becomes a draft again with ``version`` + 1 and the same code; its last
    submission stands until it is submitted again. Reopening one already being
    corrected returns it unchanged.

    :raises ServiceError: ``closed`` after the deadline, ``frozen`` when withdrawn or
        never submitted, ``forbidden``.
    """
    now = _now(now)
    application = _lock(application)
    _require_may_edit(application, by)
    if application.is_correcting:
        return application
    if application.status != ApplicationStatus.SUBMITTED:
        raise ServiceError(
            _("Only a submitted application can be reopened for correction."),
            code="frozen",
        )
    if after_deadline(application.tender, now):
        raise _closed(application.tender)
    application.status = ApplicationStatus.DRAFT
    application.version += 1
    # The declaration covers what was submitted: the corrected version needs its own.
    application.section_status = {
        name: state
        for name, state in application.section_status.items()
        if name != Section.DECLARATION
    }
    _save(application, by, ["status", "version", "section_status"])
    _event(application, EventKind.CORRECTED, by, at=now)
    return application


@transaction.atomic
def application_withdraw(
    *, application: Application, by: User, now: datetime.datetime | None = None
) -> Application:
    """Withdraw the application: a draft at any time, a submitted one until the
    deadline. Withdrawing again returns it unchanged.

    :raises ServiceError: ``closed`` after the deadline, ``forbidden``.
    """
    now = _now(now)
    application = _lock(application)
    _require_may_edit(application, by)
    if application.status == ApplicationStatus.WITHDRAWN:
        return application
    if application.code is not None and after_deadline(application.tender, now):
        raise _closed(application.tender)
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at = now
    _save(application, by, ["status", "withdrawn_at"])
    _event(application, EventKind.WITHDRAWN, by, at=now)
    return application


# --- amendment requests: the applicant's side ------------------------------------------


@transaction.atomic
def amendment_answer(
    *,
    amendment: AmendmentRequest,
    answer_text: str,
    documents: Sequence[Document] = (),
    by: User,
    now: datetime.datetime | None = None,
) -> AmendmentRequest:
    """Answer the commission's amendment request by its deadline (Art. 20(2)) with
    documents and/or a short answer.

    The documents of the answer are those uploaded for this request
    (``applications.documents.document_upload(amendment=...)`` links them to it), and
    any other ``documents`` of the application given here (they are linked to it
    now). An answer needs at least one document or a text: the applicant who
    uploaded what was asked for need not type anything.

    The event log records which documents answered, each as
    ``documents.<id>.sha256:<hex>`` in ``changed_fields``, and ``answer_text`` when
    a text was given: never the text, a document's name or kind (a medical report's
    name or kind would tell a special-category fact the log must not keep).

    :raises ServiceError: ``closed`` after the request's deadline, ``frozen`` when it is
        no longer open or the application was withdrawn, ``invalid`` (nothing given,
        too long, a document of another application or request), ``forbidden``.
    """
    now = _now(now)
    amendment = (
        AmendmentRequest.objects.select_for_update(of=("self",))
        .select_related("application__tender")
        .get(pk=amendment.pk)
    )
    application = amendment.application
    _require_may_edit(application, by)
    if amendment.status != AmendmentStatus.OPEN:
        raise ServiceError(
            _("This request has already been answered or has expired."),
            code="frozen",
        )
    if application.status == ApplicationStatus.WITHDRAWN:
        raise ServiceError(
            _("This application was withdrawn and can no longer be changed."),
            code="frozen",
        )
    if now.replace(microsecond=0) > amendment.deadline:
        raise ServiceError(
            _("The time limit for this request (%(deadline)s) has passed.")
            % {"deadline": _deadline_text(amendment.deadline)},
            code="closed",
        )
    errors = ErrorCollector()
    text = check.text(
        answer_text, "answer_text", errors, max_length=ANSWER_MAX, required=False
    )
    # Read afresh: the rows, not what the caller's instances say. An upload for
    # this request locks the request first, so none can slip in after this read.
    chosen = {d.pk for d in documents}
    given = list(
        Document.objects.select_for_update()
        .filter(pk__in=chosen)
        .only("pk", "application_id", "amendment_request_id", "sha256")
    )
    if len(given) != len(chosen) or any(
        d.application_id != application.pk
        or d.amendment_request_id not in (None, amendment.pk)
        for d in given
    ):
        errors.add("documents", _("Choose documents of this application only."))
    uploaded = list(
        Document.objects.select_for_update()
        .filter(amendment_request=amendment)
        .only("pk", "application_id", "amendment_request_id", "sha256")
    )
    answering = sorted(
        {d.pk: d for d in [*uploaded, *given]}.values(), key=lambda d: d.pk
    )
    if not text and not answering and not errors:
        errors.add(
            "answer_text",
            _("Write a short answer, or upload a document for this request."),
        )
    errors.raise_if_any()

    amendment.answer_text = text
    amendment.status = AmendmentStatus.ANSWERED
    amendment.answered_at = now
    amendment.answered_by = by
    amendment.save(
        update_fields=["answer_text", "status", "answered_at", "answered_by"]
    )
    if given:
        Document.objects.filter(pk__in=[d.pk for d in given]).update(
            amendment_request=amendment
        )
    changed = ["answer_text"] if text else []
    changed += [f"documents.{d.pk}.sha256:{d.sha256}" for d in answering]
    _event(
        application,
        EventKind.AMENDMENT_ANSWERED,
        by,
        at=now,
        changed=changed,
        note=f"amendment {amendment.pk}",
    )
    return amendment
