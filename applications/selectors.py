"""Reads for applications."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from housing.compiled import CompiledQuery
from housing.models import User
from housing.permissions import staff_lessor_ids
from scoring import engine
from tenders.models import Tender

from .constants import ApplicationStatus, MemberRole, Section, SectionState
from .engine_input import application_case, household_members
from .models import Application, ApplicationSubmission, Member


def applications_for(user: User) -> QuerySet[Application]:
    """The applications ``user`` may open as an applicant: their own.

    Pages fetch one with ``get_object_or_404(applications_for(user), pk=pk)``, so that
    another applicant's application answers 404.
    """
    if not user.is_authenticated:
        return Application.objects.none()
    return Application.objects.filter(applicant=user).select_related("tender__lessor")


#: ``applications_for(user).filter(pk=pk).first()`` of :func:`application_of`
#: (the rule is :func:`applications_for`'s, compiled for a stand-in user).
_APPLICATION_OF = CompiledQuery(
    lambda user_pk, pk: applications_for(User(pk=user_pk)).filter(pk=pk)[:1],
    -101,
    -102,
)


def application_of(user: User, pk: int) -> Application | None:
    """The application ``pk`` if ``user`` may open it as an applicant (as
    :func:`applications_for`), else ``None``: the first read of every request of the
    applicant's pages, compiled once (:mod:`housing.compiled`)."""
    if not user.is_authenticated:
        return None
    found = _APPLICATION_OF.run(user.pk, pk)
    return found[0] if found else None


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
    """The last submission (the receipt), or ``None`` before the first
    (``application.submissions.order_by("-version").first()``, from SQL compiled
    once: :func:`_read`)."""
    rows = _read(application, _receipt_relation())
    return rows[0] if rows else None


@cache
def _receipt_relation() -> "_Relation":
    return _Relation(
        (),
        "submissions",
        ApplicationSubmission,
        "application",
        back="application",
        shape=lambda submissions: submissions.order_by("-version")[:1],
    )


#: :func:`receipt_state`'s answers.
RECEIPT_READY, RECEIPT_PENDING, RECEIPT_MISSING = "ready", "pending", "missing"
#: How long a receipt is awaited from its job before a download renders it itself.
RECEIPT_WAIT = datetime.timedelta(minutes=5)


def receipt_state(submission: ApplicationSubmission, language: str) -> str:
    """Whether the receipt PDF of ``submission`` in ``language`` is stored
    (``ready``), still being rendered by its job (``pending``: queued or running,
    started less than ``RECEIPT_WAIT`` ago), or neither (``missing``: the job failed,
    the worker is not keeping up, or there is no job; the PDF is then rendered for
    each download without being stored)."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from jobs.constants import JobStatus

    from .tasks import RECEIPTS_KIND

    with connection.cursor() as cursor:
        cursor.execute(
            _receipt_state_sql(connection.vendor),
            [
                submission.pk,
                language,
                RECEIPTS_KIND,
                ContentType.objects.get_for_model(ApplicationSubmission).pk,
                str(submission.pk),
                JobStatus.QUEUED.value,
                JobStatus.RUNNING.value,
                connection.ops.adapt_datetimefield_value(timezone.now() - RECEIPT_WAIT),
            ],
        )
        stored, waiting = cursor.fetchone()
    if stored:
        return RECEIPT_READY
    return RECEIPT_PENDING if waiting else RECEIPT_MISSING


@cache
def _receipt_state_sql(vendor: str) -> str:
    """:func:`receipt_state`'s two existence checks in one query, built once per
    database vendor from the models' tables (as :func:`_later_stages_sql`)."""
    from jobs.models import Job

    from .models import SubmissionReceipt

    quote = connection.ops.quote_name

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    stored = (
        f"SELECT 1 FROM {quote(SubmissionReceipt._meta.db_table)}"  # noqa: S608  # nosec B608
        f" WHERE {column(SubmissionReceipt, 'submission')} = %s"
        f" AND {column(SubmissionReceipt, 'language')} = %s"
    )
    waiting = (
        f"SELECT 1 FROM {quote(Job._meta.db_table)}"  # noqa: S608  # nosec B608
        f" WHERE {column(Job, 'kind')} = %s"
        f" AND {column(Job, 'target_type')} = %s"
        f" AND {column(Job, 'target_id')} = %s"
        f" AND {column(Job, 'status')} IN (%s, %s)"
        f" AND {column(Job, 'created_at')} >= %s"
    )
    return f"SELECT EXISTS ({stored}), EXISTS ({waiting})"


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


# --- the applicant portal ---------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One line of the task list: a section and its state."""

    section: str
    label: str
    state: str


def task_list(application: Application) -> list[Task]:
    """The sections of the form in order with their state (not started, in progress,
    completed). The postal address is asked only on a paper application."""
    tasks = []
    for section in Section:
        if section == Section.CONTACT and not application.is_paper:
            continue
        state = application.section_status.get(section, SectionState.NOT_STARTED)
        tasks.append(Task(section=section.value, label=section.label, state=state))
    return tasks


def applicant_member(application: Application) -> Member | None:
    """The member who applies (``None`` before their details are entered)."""
    return application.members.filter(role=MemberRole.APPLICANT).first()


def household(application: Application) -> list[Member]:
    """The members in the household's order (the index of ``members[<i>]`` errors)."""
    return household_members(application)


#: What the summary of the answers reads (the check page's and the status page's):
#: the household and the names of the tender's categories and conditions.
SUMMARY_PREFETCH = (
    Prefetch("members", queryset=Member.objects.select_related("municipality")),
    "tender__categories",
    "tender__additional_conditions",
)
#: What the check-your-answers page and submitting read of an application: the
#: above, and the rest of the tender's settings (:func:`scoring.services.tender_rules`:
#: its sub-lists, the lessor's municipalities).
CHECK_PREFETCH = (
    *SUMMARY_PREFETCH,
    "tender__sublists",
    "tender__lessor__municipalities",
)


def prefetch_for_check(application: Application) -> Application:
    """Read the household and the tender's settings once (one query each), so that
    the checks, the summary and the provisional assessment of one request share them
    instead of each reading them again. Only for the request's own instance: a write
    that follows reads the application afresh (``services._lock``)."""
    _prefetch(application, CHECK_PREFETCH)
    return application


def prefetch_for_summary(application: Application) -> Application:
    """As :func:`prefetch_for_check`, for the summary of the answers alone (the
    status page): the summary and its categories form share one read."""
    _prefetch(application, SUMMARY_PREFETCH)
    return application


#: What the page of the tender's categories and conditions reads, and its save checks.
CLAIMS_PREFETCH = ("tender__categories", "tender__additional_conditions")


def prefetch_claims(application: Application) -> Application:
    """Read the tender's categories and conditions once (one query each): the page's
    form offers them and its save (:func:`applications.services.application_save_section`,
    given this instance) checks the claims against the same rows."""
    _prefetch(application, CLAIMS_PREFETCH)
    return application


def prefetch_for_submit(application: Application) -> Application:
    """As :func:`prefetch_for_check`, without the tender's sub-lists (submitting
    assesses nothing): for the checks and the case of a submission, under its lock."""
    _prefetch(application, (*SUMMARY_PREFETCH, "tender__lessor__municipalities"))
    return application


# --- the prefetches above, without the ORM's work per request ---------------------------
#
# ``prefetch_related_objects`` builds, compiles and runs a queryset for each relation on
# every request: most of the check page's, submitting's and the status page's reads
# went into compiling five small queries. The same querysets are compiled here once per
# database connection (``housing.compiled``); each request runs their SQL with its
# owner's id and leaves the rows where ``prefetch_related_objects`` would
# (the owner's ``_prefetched_objects_cache``), so every reader is unchanged.


@dataclass(frozen=True)
class _Relation:
    """A relation the pages prefetch: from the application to its owner (``path``),
    the owner's manager (``name``), the rows' model and their filter to the owner."""

    path: tuple[str, ...]
    name: str
    model: Any
    lookup: str
    related: str = ""  # a foreign key of the rows read with them (select_related)
    back: str = ""  # the rows' foreign key to the owner, set to the owner
    # More of the queryset than the model's default (a filter, an order).
    shape: Any = None


@cache
def _relations() -> dict[Any, _Relation]:
    from housing.models import Municipality
    from tenders.models import AdditionalCondition, SubList, TenderCategory

    return {
        SUMMARY_PREFETCH[0]: _Relation(
            (), "members", Member, "application", "municipality", "application"
        ),
        "tender__categories": _Relation(
            ("tender",), "categories", TenderCategory, "tender", back="tender"
        ),
        "tender__additional_conditions": _Relation(
            ("tender",),
            "additional_conditions",
            AdditionalCondition,
            "tender",
            back="tender",
        ),
        "tender__sublists": _Relation(
            ("tender",), "sublists", SubList, "tender", back="tender"
        ),
        "tender__lessor__municipalities": _Relation(
            ("tender", "lessor"), "municipalities", Municipality, "lessors"
        ),
    }


#: The owner's id while compiling, found again among the query's parameters.
_OWNER = -7919


@cache
def _query(relation: _Relation) -> CompiledQuery:
    """The relation's rows of one owner, as a query compiled once."""

    def build(owner: int) -> QuerySet:
        queryset = relation.model._default_manager.filter(**{relation.lookup: owner})
        if relation.related:
            queryset = queryset.select_related(relation.related)
        return relation.shape(queryset) if relation.shape is not None else queryset

    return CompiledQuery(build, _OWNER)


def _prefetch(application: Application, lookups: tuple[Any, ...]) -> None:
    """``prefetch_related_objects([application], *lookups)`` for the relations of
    :func:`_relations` (the only ones the pages prefetch), one query each."""
    relations = _relations()
    for lookup in lookups:
        relation = relations[lookup]
        owner: Any = application
        for name in relation.path:
            owner = getattr(owner, name)
        if not hasattr(owner, "_prefetched_objects_cache"):
            owner._prefetched_objects_cache = {}
        if relation.name in owner._prefetched_objects_cache:
            continue
        owner._prefetched_objects_cache[relation.name] = _rows(owner, relation)


def _rows(owner: Any, relation: _Relation) -> QuerySet:
    objects = _read(owner, relation)
    # As prefetch_related_objects leaves it: the manager's queryset, already read.
    manager = getattr(owner, relation.name)
    if relation.related:
        queryset = manager._apply_rel_filters(
            relation.model._default_manager.select_related(relation.related)
        )
    else:
        queryset = manager.get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    return queryset


def _read(owner: Any, relation: _Relation) -> list:
    """The relation's rows of ``owner``, each pointing back to it as the ORM's
    prefetch leaves them."""
    objects = _query(relation).run(owner.pk)
    if relation.back:
        field = relation.model._meta.get_field(relation.back)
        for obj in objects:
            field.set_cached_value(obj, owner)
    return objects


@cache
def _status_events_relation() -> _Relation:
    from .constants import EventKind
    from .models import ApplicationEvent

    return _Relation(
        (),
        "events",
        ApplicationEvent,
        "application",
        back="application",
        shape=lambda events: events.exclude(kind=EventKind.STEP_SAVED).order_by(
            "at", "pk"
        ),
    )


def status_events(application: Application) -> list[Any]:
    """The application's timeline on its status page: its events but the saved
    steps, oldest first (``application.events.exclude(kind="step_saved")
    .order_by("at", "pk")``, from SQL compiled once)."""
    return _read(application, _status_events_relation())


@dataclass(frozen=True)
class LaterStages:
    """What the later stages hold about an application, as yes or no: the
    commission's scoring record (review), a published priority list of its tender,
    a decision on it (lists), a request to amend it."""

    scoring_record: bool
    published_list: bool
    decision: bool
    amendments: bool
    #: Every row the summary of the answers shows besides the application's own, as
    #: text (:func:`_summary_rows_sql`): part of the key of its cached rendering.
    #: ``None``: not read (the summary is then rendered afresh).
    summary_rows: str | None = None


@cache
def _later_stages_sql(vendor: str) -> str:
    """The existence checks of :func:`later_stages` as SQL, built once per database
    vendor from the models' tables (the ORM would compile four subqueries on every request)."""
    from lists.models import Decision, ListVersion
    from review.models import ApplicationReview, ScoringRecord

    from .models import AmendmentRequest

    quote = connection.ops.quote_name

    def table(model: Any) -> str:
        return quote(model._meta.db_table)

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    record = (
        f"SELECT 1 FROM {table(ScoringRecord)} r INNER JOIN"  # noqa: S608  # nosec B608
        f" {table(ApplicationReview)} v ON r.{column(ScoringRecord, 'review')}"
        f" = v.{column(ApplicationReview, 'id')}"
        f" WHERE v.{column(ApplicationReview, 'application')} = %s"
    )
    version = (
        f"SELECT 1 FROM {table(ListVersion)}"  # noqa: S608  # nosec B608
        f" WHERE {column(ListVersion, 'tender')} = %s"
        f" AND {column(ListVersion, 'state')} = %s"
    )
    decision = (
        f"SELECT 1 FROM {table(Decision)}"  # noqa: S608  # nosec B608
        f" WHERE {column(Decision, 'application')} = %s"
    )
    amendment = (
        f"SELECT 1 FROM {table(AmendmentRequest)}"  # noqa: S608  # nosec B608
        f" WHERE {column(AmendmentRequest, 'application')} = %s"
    )
    checks = ", ".join(
        f"EXISTS ({sql})" for sql in (record, version, decision, amendment)
    )
    return f"SELECT {checks}, ({_summary_rows_sql(vendor)})"


def _row_text(model: Any, alias: str) -> str:
    """SQL for one text of every column of ``model``'s row ``alias``, each as its
    length and its text (NULL as "-"), so that no two different rows give one text
    (a name holding the separator included); SQL that PostgreSQL and SQLite both read."""
    quote = connection.ops.quote_name
    columns = []
    for field in model._meta.concrete_fields:
        text = f"CAST({alias}.{quote(field.column)} AS TEXT)"
        columns.append(f"COALESCE(LENGTH({text}) || ':' || {text}, '-')")
    return " || ',' || ".join(columns)


def _summary_rows_sql(vendor: str) -> str:
    """A subquery: one text of every row the summary of the answers reads besides
    the application's own, the household members with their municipalities' names and
    the tender's categories and conditions (two parameters: the application's and the
    tender's id). Any change of them, by a service, the admin or plain SQL, gives
    another text."""
    from housing.models import Municipality
    from tenders.models import AdditionalCondition, TenderCategory

    quote = connection.ops.quote_name

    def table(model: Any) -> str:
        return quote(model._meta.db_table)

    def column(model: Any, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    rows = (
        f"SELECT 'm' || {_row_text(Member, 'm')} || ',' || {_row_text(Municipality, 'p')}"  # noqa: S608  # nosec B608
        f" AS t FROM {table(Member)} m LEFT JOIN {table(Municipality)} p"
        f" ON p.{column(Municipality, 'id')} = m.{column(Member, 'municipality')}"
        f" WHERE m.{column(Member, 'application')} = %s"
        f" UNION ALL SELECT 'c' || {_row_text(TenderCategory, 'c')}"
        f" FROM {table(TenderCategory)} c"
        f" WHERE c.{column(TenderCategory, 'tender')} = %s"
        f" UNION ALL SELECT 'a' || {_row_text(AdditionalCondition, 'a')}"
        f" FROM {table(AdditionalCondition)} a"
        f" WHERE a.{column(AdditionalCondition, 'tender')} = %s"
    )
    # Sorted, so that the same rows give the same text (a different order would
    # only miss the cache, never hit a wrong entry).
    if vendor == "postgresql":
        return f"SELECT string_agg(t, ';' ORDER BY t) FROM ({rows}) s"  # noqa: S608  # nosec B608
    return f"SELECT group_concat(t, ';') FROM ({rows} ORDER BY 1) s"  # noqa: S608  # nosec B608


def later_stages(application: Application) -> LaterStages:
    """Which of the later stages hold anything about ``application``, in one query
    of existence checks: the status page reads only those that do (before the
    deadline none can, and the page is reloaded most then). The same query reads
    the text of the rows its summary of the answers shows (``summary_rows``)."""
    from lists.constants import ListState

    with connection.cursor() as cursor:
        cursor.execute(
            _later_stages_sql(connection.vendor),
            [
                application.pk,
                application.tender_id,
                ListState.PUBLISHED.value,
                application.pk,
                application.pk,
                application.pk,
                application.tender_id,
                application.tender_id,
            ],
        )
        *found, rows = cursor.fetchone()
    return LaterStages(*(bool(x) for x in found), summary_rows=rows or "")


def tender_demand(tender: Tender) -> tuple[int, int]:
    """(lodged applications, indicative dwellings): "N applications for M dwellings",
    shown once the deadline has passed."""
    dwellings = tender.dwellings_list_a + tender.dwellings_list_b
    return lodged_applications(tender).count(), dwellings


@dataclass(frozen=True)
class AssessmentLine:
    code: str
    label: str
    explanation: str
    points: int
    source: str


@dataclass(frozen=True)
class ProvisionalAssessment:
    """The engine's assessment of a draft, in words of the page's language."""

    eligible: bool
    failed: list[AssessmentLine]
    list_name: str
    lines: list[AssessmentLine]
    total: int
    sub_list: str


def _label(code: str, language: str, fallback: str = "") -> tuple[str, str]:
    try:
        return engine.label(code, language)
    except KeyError:
        return fallback or code, ""


def _facts(case: dict[str, Any]) -> engine.ApplicationFacts:
    """The engine's frozen facts from :func:`applications.engine_input.application_case`
    (decimal strings and ISO dates back to ``Decimal`` and ``date``)."""
    money = {
        "years_of_service",
        "monthly_income",
        "other_property_value",
        "business_property_value",
    }
    members = []
    for member in case["members"]:
        values = dict(member)
        values["birth_date"] = datetime.date.fromisoformat(values["birth_date"])
        for name in money & set(values):
            values[name] = Decimal(values[name])
        members.append(engine.Member(**values))
    values = {**case, "members": tuple(members)}
    for name in ("dwelling_area_m2", "disability_aids_monthly"):
        if name in values:
            values[name] = Decimal(values[name])
    values.setdefault("dwelling_area_m2", None)
    values["other_categories"] = tuple(values["other_categories"])
    values["additional_conditions"] = tuple(values["additional_conditions"])
    return engine.ApplicationFacts(**values)


def _source(text: str, language: str) -> str:
    """The engine's legal source ("Form I.1.2", "Art. 4") in ``language``."""
    with translation.override(language):
        return text.replace("Form", _("Form")).replace("Art.", _("Art."))


def provisional_assessment(
    application: Application, language: str
) -> ProvisionalAssessment | None:
    """What the scoring engine makes of the application as it stands: eligibility
    with each failed condition and its article, list A or B, each point with its
    reason, the total and the sub-list. Provisional: the commission verifies the facts.
    ``None`` when the engine refuses the facts (an incomplete application)."""
    from scoring.services import tender_rules

    tender = application.tender
    rules = tender_rules(tender)
    facts = _facts(application_case(application))
    try:
        result = engine.assess(rules, facts)
        ranking = engine.rank(rules, [facts]) if result.eligible else None
    except engine.InvalidFacts:
        return None
    failed = []
    for reason in result.ineligible_reasons:
        short, explanation = _label(reason.condition, language, reason.message)
        failed.append(
            AssessmentLine(
                reason.condition,
                short,
                explanation,
                0,
                _source(f"Art. {reason.article}", language),
            )
        )
    lines = []
    for item in result.items:
        short, explanation = _label(item.code, language)
        if item.code.startswith("other:"):
            category = next(
                (c for c in tender.categories.all() if c.code == item.code), None
            )
            if category is not None:
                short = category.display_name
        elif item.code.startswith("additional:"):
            names = {
                f"additional:{c.code}": c.name
                for c in tender.additional_conditions.all()
            }
            short = names.get(item.code, short)
        lines.append(
            AssessmentLine(
                item.code,
                short,
                explanation,
                item.points,
                _source(item.source, language),
            )
        )
    sub_list = ""
    if ranking is not None:
        names = {s.code: f"{s.code} {s.name}" for s in tender.sublists.all()}
        for code, found in ranking.sub_lists.items():
            if any(entry.code == facts.code for entry in found.entries):
                sub_list = names.get(code, code)
    return ProvisionalAssessment(
        eligible=result.eligible,
        failed=failed,
        list_name=result.list,
        lines=lines,
        total=result.total,
        sub_list=sub_list,
    )
