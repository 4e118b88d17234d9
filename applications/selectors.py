"""Reads for applications."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import translation
from django.utils.translation import gettext as _

from housing.models import User
from housing.permissions import staff_lessor_ids
from scoring import engine
from tenders.models import Tender

from .compiled import CompiledQuery
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
    applicant's pages, compiled once (:mod:`applications.compiled`)."""
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
    """The last submission (the receipt), or ``None`` before the first."""
    return application.submissions.order_by("-version").first()


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
    from jobs.models import Job

    from .models import SubmissionReceipt
    from .tasks import RECEIPTS_KIND

    if SubmissionReceipt.objects.filter(
        submission=submission, language=language
    ).exists():
        return RECEIPT_READY
    waiting = Job.objects.filter(
        kind=RECEIPTS_KIND,
        target_type=ContentType.objects.get_for_model(ApplicationSubmission),
        target_id=str(submission.pk),
        status__in=[JobStatus.QUEUED, JobStatus.RUNNING],
        created_at__gte=timezone.now() - RECEIPT_WAIT,
    ).exists()
    return RECEIPT_PENDING if waiting else RECEIPT_MISSING


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
    prefetch_related_objects([application], *CHECK_PREFETCH)
    return application


def prefetch_for_summary(application: Application) -> Application:
    """As :func:`prefetch_for_check`, for the summary of the answers alone (the
    status page): the summary and its categories form share one read."""
    prefetch_related_objects([application], *SUMMARY_PREFETCH)
    return application


@dataclass(frozen=True)
class LaterStages:
    """What the later stages hold about an application, as yes or no: the
    commission's scoring record (review), a published priority list of its tender,
    a decision on it (lists), a request to amend it."""

    scoring_record: bool
    published_list: bool
    decision: bool
    amendments: bool


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
    return f"SELECT {checks}"


def later_stages(application: Application) -> LaterStages:
    """Which of the later stages hold anything about ``application``, in one query
    of existence checks: the status page reads only those that do (before the
    deadline none can, and the page is reloaded most then)."""
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
            ],
        )
        found = cursor.fetchone()
    return LaterStages(*(bool(x) for x in found))


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
