"""Writes for tenders: configuration, lifecycle transitions and amendment notices.

Every rule about a tender lives here; forms only parse. Each write:

- runs in a transaction and first locks the tender's row (``SELECT ... FOR UPDATE``), so
  an edit, a category change and publishing never interleave: the second waits for
  the first and then checks its rules against what the first committed;
- checks the rules on that fresh row and raises :class:`housing.errors.ServiceError`
  (translated messages per field) when one refuses;
- saves only the fields it means to change (``update_fields``), adds one to the
  tender's ``version`` (an edit made on an older version is refused with what changed
  meanwhile), and records ``by`` as the acting user in the audit trail, with or
  without a request.

"Closed" is a fact of the clock: a published tender whose deadline has passed is
closed (``Tender.effective_status``) whether or not :func:`tenders_close_due` has
recorded it yet.
"""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from housing.errors import NON_FIELD, ErrorCollector, ServiceError
from housing.models import Lessor, User
from housing.permissions import can_configure_tenders, has_role
from scoring.engine import EDITIONS

from .constants import (
    EARLIEST_PUBLICATION,
    EXTRA_CHILD,
    MAX_DAYS_BEFORE_PUBLICATION,
    MAX_DAYS_DEADLINE_TO_RESULTS,
    TRANSITIONS,
    Category,
    TenderStatus,
)
from .models import (
    AdditionalCondition,
    AmendmentNotice,
    SubList,
    Tender,
    TenderCategory,
    TenderEvent,
)
from .pdf import tender_documents_publish

# Kept so that callers written before issue 9 still catch refusals: it is the one
# service error, not a second type.
TransitionError = ServiceError

# The settings of a tender a lessor admin edits (the form's fields, lessor apart).
TENDER_FIELDS = (
    "title",
    "code",
    "rules_edition",
    "published_on",
    "deadline",
    "amendment_days",
    "results_expected_on",
    "availability_note",
    "average_net_salary",
    "salary_source_year",
    "salary_source",
    "point_value",
    "point_value_valid_from",
    "admits_eu_citizens",
    "admits_international_protection",
    "separate_lists",
    "dwellings_list_a",
    "dwellings_list_b",
    "own_share_required",
    "own_share_terms",
    "security_required",
    "security_terms",
    "average_rent",
    "rent_regulations",
    "required_documents",
    "other_terms",
    # The English versions of the lessor's texts (issue 11), all optional.
    *(f"{name}_en" for name in Tender.bilingual_fields),
)
CATEGORY_FIELDS = (
    "category",
    "points",
    "slug",
    "name",
    "name_en",
    "substantiation",
    "substantiation_en",
)
CONDITION_FIELDS = (
    "code",
    "name",
    "name_en",
    "description",
    "description_en",
    "points",
)
SUBLIST_FIELDS = ("list_kind", "code", "name", "name_en", "rule", "dwellings")


# --- Shared steps ---------------------------------------------------------------------


def _lock(tender: Tender | int) -> Tender:
    """The tender's row, fresh and locked until the transaction ends."""
    pk = tender if isinstance(tender, int) else tender.pk
    return Tender.objects.select_for_update().select_related("lessor").get(pk=pk)


def _require_configurer(tender: Tender, by: User | None) -> None:
    """Only the lessor's admins (or a superuser) configure; ``None`` is the system.

    :raises ServiceError: ``forbidden``.
    """
    if by is not None and not can_configure_tenders(by, tender.lessor_id):
        raise ServiceError(_("You may not change this tender."), code="forbidden")


def _require_draft(tender: Tender) -> None:
    """Only a draft's rules may change (a published tender gets amendment notices).

    :raises ServiceError: ``frozen``, when the tender is no longer a draft.
    """
    if tender.status != TenderStatus.DRAFT:
        raise ServiceError(
            _(
                "A published tender can no longer be edited. "
                "Publish an amendment notice instead."
            ),
            code="frozen",
        )


def _locked_draft(tender: Tender, by: User | None) -> Tender:
    """Lock the tender and check that ``by`` may change it and it is still a draft."""
    locked = _lock(tender)
    _require_configurer(locked, by)
    _require_draft(locked)
    return locked


def _save_tender(tender: Tender, fields: Iterable[str], by: User | None) -> None:
    """Save ``fields`` of a locked tender as one new version, by ``by``."""
    tender.version += 1
    tender._history_user = by
    tender.save(update_fields=[*dict.fromkeys(fields), "version", "updated_at"])


def _field_errors(
    obj: Model, errors: ErrorCollector, exclude: Iterable[str] = ()
) -> None:
    """The model's own field checks (choices, lengths, ranges) into ``errors``."""
    try:
        obj.clean_fields(exclude=list(exclude))
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                errors.add(field, message)


def _bilingual_errors(obj: Model, errors: ErrorCollector) -> None:
    """The Slovenian text is the original: an English version needs it (issue 11).

    Lengths of both are the model's limits (:func:`_field_errors`); whether the
    Slovenian one is required is each field's own rule.
    """
    for name in getattr(obj, "bilingual_fields", ()):
        english = (getattr(obj, f"{name}_en", "") or "").strip()
        if english and not (getattr(obj, name) or "").strip():
            errors.add(
                name,
                _(
                    "Write the Slovenian text too: it is the original, the English "
                    "one translates it."
                ),
            )


def _save_unique(obj: Model, by: User | None, field: str, message: str) -> None:
    """Save ``obj``; a uniqueness conflict the checks could not see (a concurrent
    insert) is refused at ``field`` instead of failing the request."""
    obj._history_user = by
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ServiceError({field: [message]}, code="conflict") from None


def _next_position(model: type[Model], tender: Tender) -> int:
    siblings = model.objects.filter(tender=tender)
    return (siblings.aggregate(m=Max("position"))["m"] or 0) + 1


# --- The tender's settings ------------------------------------------------------------


def _tender_rule_errors(
    tender: Tender, errors: ErrorCollector, today: datetime.date
) -> None:
    """Art. 18's dates, amounts and terms, checked on the values about to be saved."""
    _field_errors(tender, errors, exclude=["lessor"])
    _bilingual_errors(tender, errors)
    published_on = tender.published_on
    deadline = tender.deadline
    results = tender.results_expected_on
    if isinstance(published_on, datetime.date):
        if published_on < EARLIEST_PUBLICATION:
            errors.add(
                "published_on",
                _("A tender under these Rules cannot be published before %(date)s.")
                % {"date": EARLIEST_PUBLICATION.strftime("%d. %m. %Y")},
            )
        elif published_on > today + datetime.timedelta(MAX_DAYS_BEFORE_PUBLICATION):
            errors.add(
                "published_on",
                _("The publication date is more than a year ahead."),
            )
    deadline_day = (
        timezone.localtime(deadline).date()
        if isinstance(deadline, datetime.datetime)
        else None
    )
    has_published_on = isinstance(published_on, datetime.date)
    if deadline_day and has_published_on and deadline_day <= published_on:
        errors.add(
            "deadline", _("The deadline must be later than the publication date.")
        )
    if deadline_day and isinstance(results, datetime.date):
        if results < deadline_day:
            errors.add(
                "results_expected_on",
                _("The results cannot be expected before the application deadline."),
            )
        elif results > deadline_day + datetime.timedelta(MAX_DAYS_DEADLINE_TO_RESULTS):
            errors.add(
                "results_expected_on",
                _("The results must be expected within three years of the deadline."),
            )
    valid_from = tender.point_value_valid_from
    if valid_from and has_published_on and valid_from > published_on:
        errors.add(
            "point_value_valid_from",
            _("The point value must be valid on the publication date."),
        )
    if tender.own_share_required and not (tender.own_share_terms or "").strip():
        errors.add(
            "own_share_terms",
            _("Say on what terms the own share is paid (Art. 11, 12)."),
        )
    if tender.security_required and not (tender.security_terms or "").strip():
        errors.add(
            "security_terms", _("Say on what terms the security is paid (Art. 13).")
        )
    code_taken = (
        Tender.objects.filter(lessor_id=tender.lessor_id, code=tender.code)
        .exclude(pk=tender.pk)
        .exists()
    )
    if code_taken:
        errors.add("code", _("The lessor already has a tender with this code."))


@transaction.atomic
def tender_create(*, lessor: Lessor, data: dict[str, Any], by: User | None) -> Tender:
    """Create a draft tender of ``lessor`` from parsed form data.

    Creates of one lessor wait for each other (the lessor's row is locked), so two
    identical creates make one tender and one "code taken" refusal.

    :raises ServiceError: ``forbidden`` when ``by`` may not configure the lessor's
        tenders; ``invalid`` with messages per field when a rule refuses.
    """
    lessor = Lessor.objects.select_for_update().get(pk=lessor.pk)
    if by is not None and not can_configure_tenders(by, lessor.pk):
        raise ServiceError(_("You may not change this tender."), code="forbidden")
    tender = Tender(
        lessor=lessor,
        status=TenderStatus.DRAFT,
        **{k: v for k, v in data.items() if k in TENDER_FIELDS},
    )
    errors = ErrorCollector()
    _tender_rule_errors(tender, errors, timezone.localdate())
    errors.raise_if_any()
    _save_unique(
        tender, by, "code", _("The lessor already has a tender with this code.")
    )
    return tender


def _changed_meanwhile(tender: Tender, version: int) -> ServiceError:
    """The refusal of an edit made on ``version``: which settings changed since."""
    history = tender.history.order_by("history_date", "history_id")
    seen = history.filter(version=version).last()
    latest = history.last()
    names: list[str] = []
    if seen is not None and latest is not None and seen.pk != latest.pk:
        delta = latest.diff_against(seen)
        names = [
            str(capfirst(Tender._meta.get_field(change.field).verbose_name))
            for change in delta.changes
            if change.field not in ("version", "updated_at")
        ]
    message = _(
        "Someone else changed this tender after you opened the form. "
        "Check the values below and save again."
    )
    if names:
        message += " " + _("Changed meanwhile: %(fields)s.") % {
            "fields": ", ".join(names)
        }
    return ServiceError({NON_FIELD: [message]}, code="conflict")


@transaction.atomic
def tender_update(
    *,
    tender: Tender,
    data: dict[str, Any],
    by: User | None,
    version: int | None = None,
) -> Tender:
    """Change a draft tender's settings; only the settings named in ``data`` are
    written (a concurrent publish, tie-break or amendment is never overwritten).

    ``version`` is the tender's version the editor saw (the form carries it); when the
    tender changed since, the edit is refused with what changed.

    :raises ServiceError: ``frozen`` when the tender is no longer a draft (its rules
        are frozen); ``conflict`` when it changed since ``version``; ``forbidden``;
        ``invalid`` with messages per field.
    """
    locked = _locked_draft(tender, by)
    if version is not None and version != locked.version:
        raise _changed_meanwhile(locked, version)
    fields = [k for k in data if k in TENDER_FIELDS]
    for name in fields:
        setattr(locked, name, data[name])
    errors = ErrorCollector()
    _tender_rule_errors(locked, errors, timezone.localdate())
    errors.raise_if_any()
    _save_tender(locked, fields, by)
    return locked


# --- Categories, additional conditions, sub-lists -------------------------------------


def _child_for_update(model: type[Model], tender: Tender, obj: Model | None) -> Model:
    """The child row to change (fresh from the database) or a new one of the tender."""
    if obj is None or obj.pk is None:
        return model(tender=tender, position=_next_position(model, tender))
    try:
        return model.objects.get(pk=obj.pk, tender=tender)
    except model.DoesNotExist:
        raise ServiceError(_("It was deleted meanwhile."), code="conflict") from None


def _apply(obj: Model, data: dict[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in data:
            setattr(obj, name, data[name])


@transaction.atomic
def tender_category_save(
    *,
    tender: Tender,
    data: dict[str, Any],
    by: User | None,
    category: TenderCategory | None = None,
) -> TenderCategory:
    """Add a priority category to a draft tender, or change ``category`` (Art. 6).

    Rules: each category once (an Art. 6(2) category once per short code, with its
    short code, name and substantiation); points within the edition's range; the
    supplement for further children only with the large-family category, which
    cannot become another category while the supplement remains; a category of the
    lessor's own named in the tie-break chain keeps its code.

    :raises ServiceError: ``frozen``, ``forbidden``, ``conflict`` (deleted meanwhile)
        or ``invalid`` with messages per field.
    """
    locked = _locked_draft(tender, by)
    obj = _child_for_update(TenderCategory, locked, category)
    old_code = obj.code if obj.pk else None
    old_category = obj.category if obj.pk else None
    _apply(obj, data, CATEGORY_FIELDS)
    if obj.category != Category.OTHER:
        obj.slug = ""
        obj.name = ""
        obj.name_en = ""
    errors = ErrorCollector()
    _field_errors(obj, errors, exclude=["tender"])
    _bilingual_errors(obj, errors)
    others = locked.categories.exclude(pk=obj.pk)
    if obj.category == Category.OTHER:
        for name in ("slug", "name", "substantiation"):
            if not (getattr(obj, name) or "").strip():
                errors.add(
                    name,
                    _("Required for a further category of the lessor (Art. 6(2))."),
                )
        if obj.slug and others.filter(category=Category.OTHER, slug=obj.slug).exists():
            errors.add("slug", _("The tender already has this category."))
    elif obj.category in Category.values:
        if others.filter(category=obj.category).exists():
            errors.add("category", _("The tender already has this category."))
        if (
            obj.category == EXTRA_CHILD
            and not others.filter(category=Category.LARGE_FAMILY).exists()
        ):
            errors.add(
                "category",
                _("Add the category of large families first: this is its supplement."),
            )
    if (
        old_category == Category.LARGE_FAMILY
        and obj.category != Category.LARGE_FAMILY
        and others.filter(category=EXTRA_CHILD).exists()
    ):
        errors.add(
            "category", _("Remove the supplement for every further child first.")
        )
    if (
        old_code
        and old_code.startswith("other:")
        and old_code != obj.code
        and old_code in locked.tie_break
    ):
        errors.add(
            "slug" if obj.category == Category.OTHER else "category",
            _("The tie-break chain names this category: remove it from there first."),
        )
    if obj.points is not None and obj.category in Category.values:
        code = obj.category if obj.category != Category.OTHER else "other:x"
        low, high = EDITIONS[locked.rules_edition].category_points_bounds(code)
        if not low <= obj.points <= high:
            errors.add(
                "points",
                _("Points must be between %(low)s and %(high)s.")
                % {"low": low, "high": high},
            )
    errors.raise_if_any()
    _save_unique(obj, by, "category", _("The tender already has this category."))
    return obj


@transaction.atomic
def tender_condition_save(
    *,
    tender: Tender,
    data: dict[str, Any],
    by: User | None,
    condition: AdditionalCondition | None = None,
) -> AdditionalCondition:
    """Add an additional condition of the lessor's own to a draft tender, or change
    ``condition`` (Art. 4): a unique short code, points up to the edition's cap.

    :raises ServiceError: ``frozen``, ``forbidden``, ``conflict`` or ``invalid``.
    """
    locked = _locked_draft(tender, by)
    obj = _child_for_update(AdditionalCondition, locked, condition)
    _apply(obj, data, CONDITION_FIELDS)
    obj.code = (obj.code or "").strip().lower()
    errors = ErrorCollector()
    _field_errors(obj, errors, exclude=["tender"])
    _bilingual_errors(obj, errors)
    taken = locked.additional_conditions.exclude(pk=obj.pk)
    if obj.code and taken.filter(code=obj.code).exists():
        errors.add("code", _("The tender already has this condition."))
    cap = EDITIONS[locked.rules_edition].additional_cap
    if obj.points is not None and obj.points > cap:
        errors.add(
            "points",
            _("An additional condition gives at most %(cap)s points (note to Art. 4).")
            % {"cap": cap},
        )
    errors.raise_if_any()
    _save_unique(obj, by, "code", _("The tender already has this condition."))
    return obj


@transaction.atomic
def tender_sublist_save(
    *,
    tender: Tender,
    data: dict[str, Any],
    by: User | None,
    sublist: SubList | None = None,
) -> SubList:
    """Add a sub-list to a draft tender, or change ``sublist``: a unique code, and
    one sub-list of a list per kind of application.

    :raises ServiceError: ``frozen``, ``forbidden``, ``conflict`` or ``invalid``.
    """
    locked = _locked_draft(tender, by)
    obj = _child_for_update(SubList, locked, sublist)
    _apply(obj, data, SUBLIST_FIELDS)
    obj.code = (obj.code or "").strip().upper()
    errors = ErrorCollector()
    _field_errors(obj, errors, exclude=["tender"])
    _bilingual_errors(obj, errors)
    others = locked.sublists.exclude(pk=obj.pk)
    if obj.code and others.filter(code=obj.code).exists():
        errors.add("code", _("The tender already has a sub-list with this code."))
    if others.filter(list_kind=obj.list_kind, rule=obj.rule).exists():
        errors.add(
            "rule", _("Another sub-list of this list already takes these applications.")
        )
    errors.raise_if_any()
    _save_unique(
        obj,
        by,
        "rule",
        _("Another sub-list of this list already takes these applications."),
    )
    return obj


@transaction.atomic
def tender_child_delete(*, tender: Tender, obj: Model, by: User | None) -> None:
    """Remove a category, condition or sub-list of a draft tender.

    A category of the lessor's own still named in the tie-break chain, or a
    large-family category whose per-child supplement remains, cannot go. (The chain
    may name any category of the Rules, scored by the tender or not.)

    :raises ServiceError: ``frozen``, ``forbidden`` or ``invalid``.
    """
    locked = _locked_draft(tender, by)
    model = type(obj)
    obj = model.objects.filter(pk=obj.pk, tender=locked).first()
    if obj is None:
        return  # deleted meanwhile: what was asked is done
    if isinstance(obj, TenderCategory):
        if obj.category == Category.OTHER and obj.code in locked.tie_break:
            raise ServiceError(
                _("Remove the category from the tie-break chain first."),
                code="invalid",
            )
        if (
            obj.category == Category.LARGE_FAMILY
            and locked.categories.filter(category=EXTRA_CHILD).exists()
        ):
            raise ServiceError(
                _("Remove the supplement for every further child first."),
                code="invalid",
            )
    obj._history_user = by
    obj.delete()


# --- The tie-break chain (Art. 6(3)) --------------------------------------------------


def tie_break_choices(*, tender: Tender) -> list[tuple[str, str]]:
    """The categories the chain may name: every category of the tender's edition of
    the Rules (``scoring.services.rules_categories``; scored by the tender or not) and
    the tender's own Art. 6(2) categories, as (code, name)."""
    from scoring.services import rules_categories

    choices = [
        (code, str(Category(code).label) if code in Category.values else code)
        for code in rules_categories(tender.rules_edition)
    ]
    choices += [
        (c.code, c.display_name)
        for c in tender.categories.all()
        if c.category == Category.OTHER
    ]
    return choices


@transaction.atomic
def tender_tie_break_set(
    *, tender: Tender, chain: list[str], by: User | None
) -> Tender:
    """Set the Art. 6(3) chain: categories of :func:`tie_break_choices`, each once.

    :raises ServiceError: ``frozen``, ``forbidden``, or ``invalid`` with the message at
        the position (``position_<n>``) that names an unknown or repeated category.
    """
    locked = _locked_draft(tender, by)
    allowed = {code for code, _name in tie_break_choices(tender=locked)}
    errors = ErrorCollector()
    seen: set[str] = set()
    for index, code in enumerate(chain, start=1):
        field = f"position_{index}"
        if code not in allowed:
            errors.add(field, _("The tender has no such category."))
        elif code in seen:
            errors.add(field, _("This category is already in the chain."))
        seen.add(code)
    errors.raise_if_any()
    locked.tie_break = list(chain)
    _save_tender(locked, ["tie_break"], by)
    return locked


# --- Lifecycle ------------------------------------------------------------------------


def allowed_transitions(
    *, tender: Tender, user: User, now: datetime.datetime | None = None
) -> list[str]:
    """Statuses ``user`` may move ``tender`` to now (roles only; preconditions apart).

    Read from the effective status: after the deadline a published tender offers what
    a closed one does.
    """
    status = tender.effective_status_at(now or timezone.now())
    return [
        to
        for (frm, to), roles in TRANSITIONS.items()
        if frm == status and roles and has_role(user, tender.lessor_id, roles)
    ]


def tender_publication_problems(
    *, tender: Tender, now: datetime.datetime | None = None
) -> list[str]:
    """What keeps a draft from being published now, one sentence each (empty when
    nothing does): the confirmation page lists them before anyone presses Publish."""
    return _publication_problems(tender, now or timezone.now())


def _publication_problems(tender: Tender, now: datetime.datetime) -> list[str]:
    """What keeps a draft from being published (Art. 18), one sentence each."""
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
    problems.extend(str(message) for _path, message in tender_rules_errors(tender))
    return problems


def _record_close(tender: Tender, now: datetime.datetime) -> None:
    """Record that a published tender closed at its deadline (the system's step)."""
    TenderEvent.objects.create(
        tender=tender,
        from_status=TenderStatus.PUBLISHED,
        to_status=TenderStatus.CLOSED,
        by=None,
    )
    tender.status = TenderStatus.CLOSED
    _save_tender(tender, ["status"], None)


@transaction.atomic
def tender_transition(
    *,
    tender: Tender,
    to_status: str,
    by: User | None,
    now: datetime.datetime | None = None,
) -> Tender:
    """Move the tender one step along its lifecycle and record who did it and when.

    The step starts from the effective status: a published tender past its deadline
    is closed (recorded here first if the closing job has not run yet).

    :raises ServiceError: ``conflict`` when the tender is already there (someone made
        the step meanwhile); ``invalid`` when the step does not exist from the current
        status or a precondition fails (each problem of an incomplete tender is its
        own message); ``forbidden`` when the user lacks the role for it.
    """
    now = now or timezone.now()
    locked = _lock(tender)
    if locked.effective_status_at(now) == to_status:
        raise ServiceError(_("The tender is already in this status."), code="conflict")
    if locked.status != locked.effective_status_at(now):
        _record_close(locked, now)
    key = (locked.status, to_status)
    if key not in TRANSITIONS:
        raise ServiceError(_("This step is not possible from the current status."))
    roles = TRANSITIONS[key]
    if by is None:
        if roles:
            raise ServiceError(_("Only a person may make this step."), code="forbidden")
    elif not roles or not has_role(by, locked.lessor_id, roles):
        raise ServiceError(_("You may not make this step."), code="forbidden")
    if to_status == TenderStatus.PUBLISHED:
        problems = _publication_problems(locked, now)
        if problems:
            raise ServiceError({NON_FIELD: problems}, code="incomplete")
    if to_status == TenderStatus.CLOSED and locked.deadline > now:
        raise ServiceError(_("The tender closes only at its deadline."))
    TenderEvent.objects.create(
        tender=locked, from_status=locked.status, to_status=to_status, by=by
    )
    locked.status = to_status
    _save_tender(locked, ["status"], by)
    if to_status == TenderStatus.PUBLISHED:
        tender_documents_publish(tender=locked, by=by)  # the PDFs, version 1 (issue 9)
    return locked


def tenders_close_due(*, now: datetime.datetime | None = None) -> list[Tender]:
    """Record the closing of every published tender whose deadline has passed.

    The scheduled job (``manage.py close_tenders``, every minute). Safe to run at the
    same time as itself or any request: each tender is locked on its own and skipped
    when another transaction holds it or has closed it already; it never raises for
    a tender someone else closed. Pages never run it (GET requests never write): they
    read the effective status.

    :returns: the tenders this run closed.
    """
    now = now or timezone.now()
    due = Tender.objects.filter(status=TenderStatus.PUBLISHED, deadline__lte=now)
    closed = []
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            tender = (
                Tender.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=TenderStatus.PUBLISHED, deadline__lte=now)
                .first()
            )
            if tender is None:
                continue
            _record_close(tender, now)
            closed.append(tender)
    return closed


@transaction.atomic
def amendment_publish(
    *,
    tender: Tender,
    text: str,
    new_deadline: datetime.datetime | None,
    by: User,
    text_en: str = "",
    now: datetime.datetime | None = None,
) -> AmendmentNotice:
    """Publish a correction of an open tender; it may only extend the deadline, and
    not past the date its results are expected.

    Open means published and before the deadline: once the deadline has passed the
    tender is closed, whether or not the closing job has run, and cannot reopen.

    :raises ServiceError: ``closed`` when the tender is not open; ``forbidden``;
        ``invalid`` with messages at ``text`` or ``new_deadline``.
    """
    now = now or timezone.now()
    locked = _lock(tender)
    _require_configurer(locked, by)
    if locked.effective_status_at(now) != TenderStatus.PUBLISHED:
        raise ServiceError(
            _("Amendment notices are published only while the tender is open."),
            code="closed",
        )
    notice = AmendmentNotice(
        tender=locked,
        text=text,
        text_en=text_en or "",
        new_deadline=new_deadline,
        by=by,
    )
    errors = ErrorCollector()
    _field_errors(notice, errors, exclude=["tender", "by"])
    if not (text or "").strip():
        errors.add("text", _("Enter the text of the notice in Slovenian."))
    if new_deadline is not None:
        if new_deadline <= locked.deadline:
            errors.add(
                "new_deadline",
                _("A notice may only extend the deadline, never shorten it."),
            )
        elif timezone.localtime(new_deadline).date() > locked.results_expected_on:
            errors.add(
                "new_deadline",
                _("The deadline cannot move past the date the results are expected."),
            )
    errors.raise_if_any()
    if new_deadline is not None:
        locked.deadline = new_deadline
        _save_tender(locked, ["deadline"], by)
    notice.save()
    tender_documents_publish(tender=locked, by=by)  # the PDFs, one version more
    return notice
