"""Reads of the commission's review (issue 13).

Special-category facts (``review.constants.SPECIAL_FACTS``) are returned only to the
tender's commission without a conflict on the application; everyone else (the
lessor's admin, a superuser) gets them masked. Every time a selector returns them
unmasked it logs the view (:class:`~review.models.SpecialDataView`: who, when,
which application, what), which the applicant sees in their data download
(:func:`special_data_views_for`).
"""

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.utils import timezone

from applications.constants import ApplicationStatus
from applications.documents import duplicate_documents
from applications.models import Application, ApplicationSubmission, Document, Member
from applications.pdf import mask_emso
from applications.selectors import duplicate_members, lodged_applications
from housing.models import User
from scoring import engine
from scoring.services import tender_rules
from tenders.models import Tender

from . import permissions as perm
from .constants import NEAR_CUTOFF_POINTS, FactState, ReviewState
from .models import (
    ApplicationReview,
    CommissionSeat,
    ConflictDeclaration,
    Inspection,
    InspectionPhoto,
    ReviewLog,
    ScoringRecord,
    SpecialDataView,
)
from .verified import facts_from_case, parse_path

MASK = "***"


# --- the commission -----------------------------------------------------------------------


def commission_for(tender: Tender) -> list[CommissionSeat]:
    """The tender's commission: chair, members, clerks (with their users)."""
    return list(
        CommissionSeat.objects.filter(tender=tender)
        .select_related("user")
        .order_by("role", "user__full_name", "pk")
    )


def conflicts_for(*, tender: Tender, by: User) -> list[ConflictDeclaration]:
    """Every conflict of interest declared on ``tender`` (on one application or on
    the whole tender): who, which application, when, why; newest first. For the
    tender's seat holders only (:func:`review.permissions.can_see_conflicts`);
    nobody else gets any."""
    if not perm.can_see_conflicts(by, tender):
        return []
    return list(
        ConflictDeclaration.objects.filter(tender=tender)
        .select_related("user", "application")
        .order_by("-declared_at", "-pk")
    )


def inspections_for(review: ApplicationReview) -> list[Inspection]:
    """The inspections of ``review`` with who was present and their photos (two
    prefetches, whatever the number of inspections)."""
    return list(
        Inspection.objects.filter(review=review)
        .select_related("recorded_by")
        .prefetch_related(
            "members_present",
            Prefetch(
                "uploaded_photos",
                queryset=InspectionPhoto.objects.order_by("uploaded_at", "pk"),
            ),
        )
        .order_by("date", "pk")
    )


def reviews_for(*, tender: Tender, by: User) -> QuerySet[ApplicationReview]:
    """The reviews of ``tender`` that ``by`` may list (its commission, the lessor's
    admin, a superuser), in code order; none for anyone else."""
    if not perm.can_view_tender(by, tender):
        return ApplicationReview.objects.none()
    return (
        ApplicationReview.objects.filter(application__tender=tender)
        .select_related("application", "submission")
        .order_by("application__code")
    )


def review_for(application: Application) -> ApplicationReview | None:
    """The review of ``application``, ``None`` before it is opened."""
    return (
        ApplicationReview.objects.filter(application=application)
        .select_related("application__tender", "submission")
        .first()
    )


# --- facts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FactLine:
    """One fact of the verification screen. ``claimed`` and ``verified`` are
    :data:`MASK` for a special-category fact shown to someone who may not read it."""

    path: str
    kind: str
    key: str
    member_pk: int | None
    member_name: str
    label: str
    special: bool
    masked: bool
    claimed: Any
    state: str
    state_label: str
    verified: Any
    reason: str
    document_id: int | None
    decided_by: str
    decided_at: Any


def _label(fact, tender, member_fields, application_fields) -> str:
    if fact.kind == "category":
        for category in tender.categories.all():
            if category.code == fact.key:
                return category.display_name
        return fact.key
    if fact.kind == "additional":
        for condition in tender.additional_conditions.all():
            if condition.code == fact.key:
                return condition.name
        return fact.key
    names = member_fields if fact.kind == "member" else application_fields
    return str(names.get(fact.key, fact.key))


def log_special_view(user: User, application: Application, what: str) -> None:
    """Record that ``user`` was shown ``application``'s special-category data."""
    SpecialDataView.objects.create(
        user=user, application=application, at=timezone.now(), what=what[:200]
    )


def fact_lines(*, review: ApplicationReview, by: User) -> list[FactLine]:
    """Every fact of ``review`` in Form order, claimed and verified values side by
    side. Special-category values are masked unless ``by`` may read them; when they
    are shown, the view is logged (one :class:`SpecialDataView` per call)."""
    application = review.application
    tender = application.tender
    reader = perm.can_read_special(by, review)
    members = {
        m.pk: f"{m.first_name} {m.last_name}"
        for m in Member.objects.filter(pk__in=review.member_pks)
    }
    member_fields = {f.name: f.verbose_name for f in Member._meta.fields}
    member_fields["permanent_residence"] = member_fields.get("municipality", "")
    application_fields = {f.name: f.verbose_name for f in Application._meta.fields}
    lines = []
    shown_special = False
    for fact in review.facts.select_related("decided_by").order_by("position", "pk"):
        parsed = parse_path(fact.path)
        masked = parsed.special and not reader
        shown_special |= parsed.special and reader
        lines.append(
            FactLine(
                path=fact.path,
                kind=parsed.kind,
                key=parsed.key,
                member_pk=parsed.member_pk,
                member_name=members.get(parsed.member_pk, "")
                if parsed.member_pk
                else "",
                label=_label(parsed, tender, member_fields, application_fields),
                special=parsed.special,
                masked=masked,
                claimed=MASK if masked else fact.claimed,
                state=fact.state,
                state_label=str(fact.get_state_display()),
                verified=MASK
                if masked and fact.verified is not None
                else fact.verified,
                reason=MASK if masked and fact.reason else fact.reason,
                document_id=fact.document_id,
                decided_by=fact.decided_by.get_full_name() if fact.decided_by else "",
                decided_at=fact.decided_at,
            )
        )
    if shown_special:
        log_special_view(by, application, "review facts")
    return lines


def undecided_count(review: ApplicationReview) -> int:
    return review.facts.filter(state=FactState.CLAIMED).count()


# --- logs -----------------------------------------------------------------------------------


def review_history(*, review: ApplicationReview, by: User) -> list[ReviewLog]:
    """The review's log (who, when, what, old and new value, reason), oldest first;
    special-category values were never written to it. Empty for someone who may
    not see the tender's reviews."""
    if not perm.can_view_tender(by, review.application.tender):
        return []
    return list(
        ReviewLog.objects.filter(review=review)
        .select_related("by")
        .order_by("at", "pk")
    )


def changes_since(*, review: ApplicationReview, version: int) -> list[ReviewLog]:
    """What changed after the page showed ``version`` (for a refused stale edit)."""
    return list(
        ReviewLog.objects.filter(review=review, version__gt=version)
        .select_related("by")
        .order_by("at", "pk")
    )


def special_data_views_for(application: Application) -> list[dict[str, Any]]:
    """Every view of ``application``'s special-category data by staff (who, when,
    what), for the applicant's data download."""
    return [
        {"by": v.user.get_full_name(), "at": v.at.isoformat(), "what": v.what}
        for v in SpecialDataView.objects.filter(application=application)
        .select_related("user")
        .order_by("at", "pk")
    ]


# --- the applicant's side ---------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedDocument:
    kind: str
    issued_at: Any
    sha256: str
    language: str
    file: Any
    pk: int


def issued_documents_for(application: Application) -> list[IssuedDocument]:
    """What the commission issued to the applicant: the scoring record (Art. 22(1)),
    for the applicant's status page."""
    record = ScoringRecord.objects.filter(review__application=application).first()
    if record is None:
        return []
    return [
        IssuedDocument(
            kind="scoring_record",
            issued_at=record.issued_at,
            sha256=record.sha256,
            language=record.language,
            file=record.file,
            pk=record.pk,
        )
    ]


# --- signals for the commission (issue 13, 10; 6) ----------------------------------------------


@dataclass
class NearCutoff:
    sub_list: str
    cutoff: int
    total: int

    @property
    def distance(self) -> int:
        return self.total - self.cutoff


@dataclass
class ApplicationFlags:
    """What the commission should look at for one application."""

    application_id: int
    code: str
    duplicate_people: list[dict[str, Any]] = field(default_factory=list)
    duplicate_documents: list[dict[str, Any]] = field(default_factory=list)
    near_cutoff: NearCutoff | None = None

    @property
    def any(self) -> bool:
        return bool(
            self.duplicate_people or self.duplicate_documents or self.near_cutoff
        )


def scoring_cases(tender: Tender) -> dict[int, dict[str, Any]]:
    """Per lodged application: the verified facts when verified, else the facts as
    last submitted (provisional); rejected applications left out.

    Reads only the ids and the JSON it needs (no model instances, the last
    submission's case only for applications not verified): three queries whatever
    the size of the tender (``docs/performance.md``, the ranking filters)."""
    lodged = set(lodged_applications(tender).values_list("pk", flat=True))
    reviews = ApplicationReview.objects.filter(application__tender=tender)
    rejected = set(
        reviews.filter(state=ReviewState.REJECTED).values_list(
            "application_id", flat=True
        )
    )
    cases: dict[int, dict[str, Any]] = {
        pk: case
        for pk, case in reviews.filter(state=ReviewState.VERIFIED).values_list(
            "application_id", "verified_case"
        )
        if pk in lodged and pk not in rejected
    }
    provisional = lodged - rejected - set(cases)
    if provisional:
        last = (
            ApplicationSubmission.objects.filter(application__tender=tender)
            .exclude(
                application__review__state__in=[
                    ReviewState.VERIFIED,
                    ReviewState.REJECTED,
                ]
            )
            .order_by("application_id", "-version")
            .values_list("application_id", "case")
        )
        for pk, case in last.iterator(chunk_size=2000):
            if pk in provisional:
                cases.setdefault(pk, case)
    return cases


def near_cutoffs(
    tender: Tender, within: int = NEAR_CUTOFF_POINTS
) -> dict[int, NearCutoff]:
    """Applications whose total is within ``within`` points of their sub-list's
    cut-off (either side), ranking verified totals where there are and provisional
    ones elsewhere. Empty when the tender has no sub-lists or the engine refuses a
    case (an application it refuses cannot be placed)."""
    return _placements(tender, tender_rules(tender), within)


def _placements(tender: Tender, rules: Any, within: int) -> dict[int, NearCutoff]:
    if not rules.sub_lists:
        return {}
    cases = scoring_cases(tender)
    by_code = {}
    facts = []
    for pk, case in cases.items():
        try:
            item = facts_from_case(case)
        except (TypeError, ValueError, KeyError):
            continue
        by_code[item.code] = pk
        facts.append(item)
    try:
        ranking = engine.rank(rules, facts)
    except engine.InvalidFacts:
        return {}
    found = {}
    for code, sub_list in ranking.sub_lists.items():
        if sub_list.cutoff is None:
            continue
        for entry in sub_list.entries:
            if abs(entry.total - sub_list.cutoff) <= within:
                found[by_code[entry.code]] = NearCutoff(
                    sub_list=code, cutoff=sub_list.cutoff, total=entry.total
                )
    return found


EVERYTHING = 10**9
PLACEMENTS_SECONDS = 60 * 60


def placements(tender: Tender) -> dict[int, NearCutoff]:
    """Every placed application's sub-list, cut-off and total (:func:`near_cutoffs`
    without a limit), for the queue's sub-list and near-cut-off filters.

    Ranking a whole tender takes seconds (``docs/performance.md``), so the result is
    kept in Django's cache under a fingerprint of what it depends on: the tender's
    rules as the engine gets them and its last change, the number of lodged
    applications (a withdrawal), the last submission (a new code or a corrected
    version) and the last review log row (every change of a review's state or
    verified case writes one, ``review.services``). Any of those changing gives a
    new key, so a stale ranking is never read; an unchanged tender is ranked once per
    cache (per process with the default local-memory cache). Four small queries."""
    rules = tender_rules(tender)
    if not rules.sub_lists:
        return {}
    fingerprint = repr(
        (
            tender.pk,
            tender.updated_at.isoformat() if tender.updated_at else "",
            rules,
            lodged_applications(tender).count(),
            ApplicationSubmission.objects.filter(application__tender=tender)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first(),
            ReviewLog.objects.filter(tender=tender)
            .order_by("-pk")
            .values_list("pk", flat=True)
            .first(),
        )
    )
    key = "najem:review:placements:" + hashlib.sha256(fingerprint.encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _placements(tender, rules, EVERYTHING)
        cache.set(key, found, PLACEMENTS_SECONDS)
    return found


def flags_for(
    tender: Tender, *, within: int = NEAR_CUTOFF_POINTS, cutoff: bool = True
) -> dict[int, ApplicationFlags]:
    """Per lodged application (by id) what the commission should look at: the same
    person (EMŠO, shown masked) in another lodged application; the same document
    (SHA-256) in another household's application; a total within ``within`` points
    of its sub-list's cut-off (Art. 22(2): inspect those first). Applications with
    nothing to flag are left out. ``cutoff=False`` leaves out the cut-off signal,
    which ranks the whole tender through the engine (the queue's pages show the
    duplicates with a fixed number of queries and rank only when asked)."""
    applications = dict(
        lodged_applications(tender)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .values_list("code", "pk")
    )
    flags: dict[int, ApplicationFlags] = {}

    def flag(code: str) -> ApplicationFlags | None:
        pk = applications.get(code)
        if pk is None:
            return None
        return flags.setdefault(pk, ApplicationFlags(application_id=pk, code=code))

    for duplicate in duplicate_members(tender):
        for code in duplicate.codes:
            item = flag(code)
            if item is not None:
                item.duplicate_people.append(
                    {
                        "emso": mask_emso(duplicate.emso),
                        "other_codes": [c for c in duplicate.codes if c != code],
                    }
                )
    for duplicate in duplicate_documents(tender):
        for code in duplicate.codes:
            item = flag(code)
            if item is not None:
                item.duplicate_documents.append(
                    {
                        "sha256": duplicate.sha256,
                        "other_codes": [c for c in duplicate.codes if c != code],
                    }
                )
    codes = {pk: code for code, pk in applications.items()}
    for pk, near in (near_cutoffs(tender, within) if cutoff else {}).items():
        if pk in codes:
            flag(codes[pk]).near_cutoff = near
    return flags


def review_queue(
    *,
    tender: Tender,
    by: User,
    state: str | None = None,
    near_cutoff: bool = False,
    within: int = NEAR_CUTOFF_POINTS,
) -> list[ApplicationReview]:
    """The commission's work list: reviews of ``tender`` ``by`` may see, optionally
    of one ``state``; with ``near_cutoff`` only those within ``within`` points of
    their sub-list's cut-off, closest first (what to inspect first, as the largest
    lessor does)."""
    reviews = reviews_for(tender=tender, by=by)
    if state:
        reviews = reviews.filter(state=state)
    if not near_cutoff:
        return list(reviews)
    near = near_cutoffs(tender, within)
    chosen = [r for r in reviews if r.application_id in near]
    return sorted(
        chosen,
        key=lambda r: (abs(near[r.application_id].distance), r.application.code),
    )


# The columns the queue's page shows (``templates/review/review_queue.html``,
# ``review.exports.applicant_name``): a page reads these of its 50 rows only.
QUEUE_FIELDS = (
    "application",
    "submission",
    "state",
    "rejection_state",
    "verified_total",
    "application__code",
    "application__applicant",
    "application__status",
    "submission__receipt",
)


@functools.lru_cache(maxsize=64)
def duplicate_flags(tender_id: int) -> tuple[Exists, Exists]:
    """Per review (as annotations): does its application share a person (EMŠO) or a
    document (SHA-256) with another lodged application of ``tender``? The same
    answer as :func:`applications.selectors.duplicate_members` and
    :func:`applications.documents.duplicate_documents` give for the application's
    code, asked of one page's rows (an index lookup each) instead of grouping every
    member and document of the tender. Only a lodged application (a code, not
    withdrawn) is flagged, and only by another lodged one.

    Built once per tender and process (building the four subqueries costs more than
    the database takes to answer them); Django copies an expression before using it
    in a query, so the cached ones are never changed."""
    lodged = Q(application__tender_id=tender_id, application__code__isnull=False) & ~Q(
        application__status=ApplicationStatus.WITHDRAWN
    )
    other_person = (
        Member.objects.filter(lodged, emso=OuterRef("emso"))
        .exclude(application_id=OuterRef("application_id"))
        .values("pk")
    )
    person = (
        Member.objects.filter(lodged, application_id=OuterRef("application_id"))
        .exclude(emso="")
        .filter(Exists(other_person))
        .values("pk")
    )
    other_document = (
        Document.objects.filter(lodged, sha256=OuterRef("sha256"))
        .exclude(application_id=OuterRef("application_id"))
        .values("pk")
    )
    document = (
        Document.objects.filter(lodged, application_id=OuterRef("application_id"))
        .filter(Exists(other_document))
        .values("pk")
    )
    return Exists(person), Exists(document)


@dataclass
class QueuePage:
    """One page of the queue: Django's :class:`~django.core.paginator.Page` (number,
    count, pages) and its reviews in the queue's order, each with ``same_person``,
    ``same_document`` and, with the near-cut-off filter, ``cutoff_distance``."""

    page: Page
    reviews: list[ApplicationReview]


def queue_page(
    reviews: QuerySet[ApplicationReview],
    number: str | None,
    *,
    tender: Tender,
    per_page: int,
) -> QueuePage:
    """Page ``number`` of ``reviews`` (the filtered, sorted queue; equal sort keys
    by code) as
    :meth:`Paginator.get_page <django.core.paginator.Paginator.get_page>` gives it
    (not a number: the first; out of range: the last), in two queries whatever
    the size of the tender.

    The first reads the page's ids with the number of rows (``COUNT(*) OVER ()``,
    no separate count), sorting ids and codes only; the second reads those rows'
    shown columns (:data:`QUEUE_FIELDS`) with their duplicate flags
    (:func:`duplicate_flags`). A page past the end (or an empty queue) costs two
    more (the count, then the last page's ids), as the paginator needs the count to
    pick the last page."""
    order = [o for o in reviews.query.order_by if isinstance(o, str)]
    if order and not {"application__code", "-application__code"} & set(order):
        # Equal sort keys (a state, a number of points) by code, so that a row is on
        # one page only: without a last key the database may order ties differently
        # from one page's query to the next.
        reviews = reviews.order_by(*reviews.query.order_by, "application__code")
    paginator = Paginator(reviews, per_page)
    extra = (
        ["cutoff_distance"] if "cutoff_distance" in reviews.query.annotations else []
    )
    try:
        wanted = int(number) if number is not None else 1
    except (TypeError, ValueError):
        wanted = 1
    found: list[tuple] = []
    # Beyond any real queue (and a database's OFFSET): the paginator's last page.
    if 1 <= wanted <= 2**31 // per_page:
        offset = (wanted - 1) * per_page
        found = list(
            reviews.annotate(queue_count=Window(Count("pk"))).values_list(
                "pk", *extra, "queue_count"
            )[offset : offset + per_page]
        )
    if found:
        paginator.count = found[0][-1]  # type: ignore[misc]
        page = paginator.page(wanted)
    else:
        page = paginator.get_page(number)
        offset = (page.number - 1) * per_page
        found = (
            list(reviews.values_list("pk", *extra)[offset : offset + per_page])
            if paginator.count
            else []
        )
    person, document = duplicate_flags(tender.pk)
    rows = {
        r.pk: r
        for r in ApplicationReview.objects.filter(pk__in=[f[0] for f in found])
        .select_related("application", "submission")
        .only(*QUEUE_FIELDS)
        .annotate(same_person=person, same_document=document)
    }
    ordered = []
    for item in found:
        review = rows.get(item[0])
        if review is None:  # deleted between the two queries
            continue
        if extra:
            review.cutoff_distance = item[1]
        ordered.append(review)
    page.object_list = ordered
    return QueuePage(page=page, reviews=ordered)


# --- the side-by-side assessment -----------------------------------------------------------

# Lines whose points reveal a special-category fact (health, disability, violence,
# war-victim status, children placed apart): shown like the facts themselves.
SPECIAL_LINES = frozenset(
    {"4.1", "6.1", "7.1", "7.2", "disability", "domestic_violence", "war_victim"}
)


def assessment_for(*, review: ApplicationReview, by: User, language: str = "sl"):
    """:func:`review.verified.claimed_vs_verified` for the verification screen: the
    claimed and verified points line by line with their articles. For someone who
    may not read special-category data the lines in :data:`SPECIAL_LINES` are left
    out (their points still count in the totals); when the commission is shown one,
    the view is logged."""
    from dataclasses import replace

    from .verified import claimed_vs_verified

    comparison = claimed_vs_verified(review, language)
    special = [line for line in comparison.lines if line.code in SPECIAL_LINES]
    if not special:
        return comparison
    if perm.can_read_special(by, review):
        log_special_view(by, review.application, "assessment lines")
        return comparison
    return replace(
        comparison,
        lines=[line for line in comparison.lines if line.code not in SPECIAL_LINES],
    )
