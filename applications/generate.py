"""A large realistic tender for load tests and measurements (``generate_tender``).

**Bulk inserts, bypassing the services on purpose**: entering 50,000 households
through ``application_submit``, ``review_open``, ``fact_confirm`` and ``review_verify``
would take hours. The rows are the ones those services would leave, so that the
services, the lists and the engine accept them:

- every application is submitted (version 1, a code of the lessor's sequence, whose
  counter is moved past the generated codes), with its members and its
  :class:`~applications.models.ApplicationSubmission` whose ``case`` is what
  ``applications.engine_input.application_case`` gives for the stored rows;
- every application has its review with a :class:`~review.models.FactCheck` per
  claimed fact (``review.verified.claimed_facts``); most are verified: every fact
  confirmed (a few incomes corrected), and the verified snapshot (``verified_case``,
  ``verified_result``, total, eligibility, SHA-256) is the engine's assessment of the
  verified facts, computed for all of them in one ``scoring.engine.rank`` call; the
  others are rejected (a rejection issued, Art. 20(3) or 5). Every application is
  decided and no amendment is pending, so ``lists.services.list_build`` builds the
  lists.

Not made: the audit history, the event logs (``ApplicationEvent``, ``ReviewLog``),
receipts, documents and emails. The households come from :mod:`applications.demo`;
the same ``seed`` gives the same facts (ids and timestamps aside).
"""

import datetime
import io
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from housing.constants import LessorType, StaffRole
from housing.models import Lessor, Membership, Municipality, User
from housing.services import lessor_ensure
from review.constants import CommissionRole, FactState, RejectionState, ReviewState
from review.models import ApplicationReview, CommissionSeat, FactCheck
from review.verified import (
    apply_facts,
    assessment_json,
    claimed_facts,
    digest,
    facts_from_case,
)
from scoring import engine
from scoring.services import tender_rules
from tenders.constants import Category, TenderStatus
from tenders.demo import CATEGORIES, REVIEW_SUBLISTS
from tenders.models import AdditionalCondition, SubList, Tender, TenderCategory

from .constants import ApplicationStatus, Section, SectionState
from .demo import Household, HouseholdMaker
from .engine_input import APPLICATION_FLAGS, decimal_text, member_case
from .models import (
    ZERO,
    Application,
    ApplicationCodeCounter,
    ApplicationSubmission,
    Member,
)

BATCH = 2000
JSS_MUNICIPALITIES = [
    "Ljubljana",
    "Brezovica",
    "Dobrova - Polhov Gradec",
    "Ig",
    "Medvode",
    "Škofljica",
]
PUBLISHED_ON = datetime.date(2025, 3, 3)
REJECTED_SHARE = 0.06
CORRECTED_SHARE = 0.03
PAPER_SHARE = 0.08
INCOME_REASON = "Odločba o odmeri dohodnine izkazuje višji dohodek."


@dataclass
class Timings:
    steps: list[tuple[str, float]] = field(default_factory=list)
    _last: float = field(default_factory=time.perf_counter)

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.steps.append((name, now - self._last))
        self._last = now

    @property
    def total(self) -> float:
        return sum(seconds for _name, seconds in self.steps)


def _staff(lessor: Lessor, code: str) -> dict[str, User]:
    """A chair, a member and a clerk of the lessor (no password: they only sign)."""
    users = {}
    for key, role in (
        ("chair", StaffRole.COMMISSION_CHAIR),
        ("member", StaffRole.COMMISSION_MEMBER),
        ("clerk", StaffRole.CLERK),
    ):
        email = f"{key}-{code.lower()}@generated.najem.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, full_name=f"{key.title()} {code}")
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(user=user, lessor=lessor, role=role)
        users[key] = user
    return users


def _tender(
    lessor: Lessor,
    code: str,
    n: int,
    *,
    status: str = TenderStatus.CLOSED,
    published_on: datetime.date = PUBLISHED_ON,
) -> Tender:
    deadline = timezone.make_aware(
        datetime.datetime.combine(
            published_on + datetime.timedelta(days=60), datetime.time(12)
        )
    )
    tender = Tender.objects.create(
        lessor=lessor,
        code=code,
        title=f"Generiran razpis {code} ({n} vlog)",
        title_en=f"Generated tender {code} ({n} applications)",
        status=status,
        published_on=published_on,
        deadline=deadline,
        results_expected_on=published_on + datetime.timedelta(days=240),
        average_net_salary=Decimal("1494.29"),
        salary_source_year=2024,
        salary_source="Statistični urad RS (SURS), povprečna mesečna neto plača 2024",
        average_rent=Decimal("318.60"),
        dwellings_list_a=max(4, n // 10),
        dwellings_list_b=max(4, n // 20),
        tie_break=["large_family", "disability", "young_family"],
    )
    for position, (category, points, extra) in enumerate(CATEGORIES, start=1):
        TenderCategory.objects.create(
            tender=tender, category=category, points=points, position=position, **extra
        )
    AdditionalCondition.objects.create(
        tender=tender,
        code="residence-5y",
        name="Stalno prebivališče na območju sklada vsaj 5 let",
        name_en="Permanent residence in the fund's area for at least 5 years",
        points=40,
        position=1,
    )
    total_a, total_b = tender.dwellings_list_a, tender.dwellings_list_b
    for position, (kind, sub, name, rule, share) in enumerate(REVIEW_SUBLISTS, 1):
        total = total_a if kind == "A" else total_b
        SubList.objects.create(
            tender=tender,
            list_kind=kind,
            code=sub,
            name=name,
            rule=rule,
            dwellings=max(1, total * share // (60 if kind == "A" else 30)),
            position=position,
        )
    return tender


def _case(application: Application, members: list[Member]) -> dict[str, Any]:
    """``applications.engine_input.application_case`` from rows in memory (the
    members in the case's order: the applicant, then by position)."""
    data: dict[str, Any] = {
        "code": application.code,
        "housing_status": application.housing_status,
    }
    if application.dwelling_area_m2 is not None:
        data["dwelling_area_m2"] = decimal_text(application.dwelling_area_m2)
    for flag in APPLICATION_FLAGS:
        data[flag] = getattr(application, flag)
    data["other_categories"] = list(application.other_categories)
    data["additional_conditions"] = list(application.additional_conditions)
    data["lost_housing_right_by_court"] = application.lost_housing_right_by_court
    data["members"] = [member_case(m) for m in members]
    if application.disability_aids_monthly > ZERO:
        data["disability_aids_monthly"] = decimal_text(
            application.disability_aids_monthly
        )
    if application.violence_co_ownership_unusable:
        data["violence_co_ownership_unusable"] = True
    return data


# A fact check as a tuple (review index, path, position, claimed, state, verified,
# reason, decided by, decided at): 1.6 million model instances would cost seconds
# and a gigabyte.
FactRow = tuple[int, str, int, Any, str, Any, str, int | None, Any]
FACT_COLUMNS = (
    "review_id",
    "path",
    "position",
    "claimed",
    "state",
    "verified",
    "reason",
    "decided_by_id",
    "decided_at",
)


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:  # rare: most values need nothing
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


# The JSON of the scalar values fact checks repeat (True, "0.00", a municipality...):
# encoded once each (profile at 5,000: a third of the fact checks' CPU was json.dumps).
_JSON_SCALARS: dict[tuple[type, Any], str] = {}


def _copy_json(value: Any) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, (str, bool, int)):
        key = (type(value), value)
        text = _JSON_SCALARS.get(key)
        if text is None:
            text = _copy_text(json.dumps(value, ensure_ascii=False))
            if len(_JSON_SCALARS) < 100_000:
                _JSON_SCALARS[key] = text
        return text
    return _copy_text(json.dumps(value, ensure_ascii=False))


def _insert_facts(rows: list[FactRow], review_pks: list[int]) -> None:
    """Insert the fact checks: ``COPY`` into PostgreSQL (several times faster than
    INSERT for 1.6 million rows), ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        FactCheck.objects.bulk_create(
            [
                FactCheck(
                    review_id=review_pks[r[0]],
                    **dict(zip(FACT_COLUMNS[1:], r[1:], strict=True)),
                )
                for r in rows
            ],
            batch_size=BATCH,
        )
        return
    # The reason, the decider and the time repeat: each distinct one is written once.
    texts: dict[Any, str] = {}

    def once(value: Any) -> str:
        text = texts.get(value)
        if text is None:
            text = texts[value] = _copy_text(
                value.isoformat() if isinstance(value, datetime.datetime) else value
            )
        return text

    with connection.cursor() as cursor:
        for start in range(0, len(rows), 200_000):
            buffer = io.StringIO()
            write = buffer.write
            for r in rows[start : start + 200_000]:
                write(
                    f"{review_pks[r[0]]}\t{_copy_text(r[1])}\t{r[2]}\t"
                    f"{_copy_json(r[3])}\t{r[4]}\t{_copy_json(r[5])}\t"
                    f"{once(r[6])}\t{once(r[7])}\t{once(r[8])}\n"
                )
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY {FactCheck._meta.db_table} ({', '.join(FACT_COLUMNS)}) "
                "FROM STDIN",
                buffer,
            )


def _insert(model: type, objects: list) -> list:
    """Insert ``objects`` and give them their ids: ``bulk_create(batch_size=...)``,
    or on PostgreSQL ``COPY`` with ids taken from the table's sequence beforehand
    (``bulk_create`` of 50,000 applications with their members, submissions and
    reviews took about 90 s on a shared 2-vCPU machine)."""
    if connection.vendor != "postgresql" or not objects:
        return model.objects.bulk_create(objects, batch_size=BATCH)
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objects)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        # How each column is written, decided once per field (not per value): only
        # auto_now(_add) fields need pre_save(); the others are read as they are.
        plan = [
            (
                f,
                f.attname,
                bool(
                    getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                ),
                isinstance(f, models.JSONField),
            )
            for f in fields
        ]
        buffer = io.StringIO()
        write = buffer.write
        for obj, pk in zip(objects, ids, strict=True):
            obj.pk = pk
            values = [str(pk)]
            append = values.append
            for f, attname, auto, is_json in plan:
                value = f.pre_save(obj, True) if auto else getattr(obj, attname)
                if value is None:
                    append("\\N")
                elif is_json:
                    append(_copy_json(value))
                elif value is True or value is False:
                    append("t" if value else "f")
                elif isinstance(value, (datetime.date, datetime.datetime)):
                    append(value.isoformat())
                else:
                    append(_copy_text(value))
            write("\t".join(values) + "\n")
            obj._state.adding = False
            obj._state.db = connection.alias
        buffer.seek(0)
        quote = connection.ops.quote_name
        columns = ", ".join(
            quote(c) for c in [meta.pk.column, *(f.column for f in fields)]
        )
        cursor.cursor.copy_expert(
            f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN", buffer
        )
    return objects


@transaction.atomic
def generate_tender(
    *,
    applications: int,
    seed: int,
    code: str | None = None,
    log: Callable[[str], None] = lambda _line: None,
) -> tuple[Tender, Timings]:
    """Generate a closed tender of ``applications`` decided applications (module
    docstring); ``code`` defaults to ``gen-<seed>-<applications>``."""
    timings = Timings()
    rng = random.Random(seed)  # noqa: S311 (load data, not secrets)
    code = code or f"gen-{seed}-{applications}"
    lessor, _new = lessor_ensure(
        name="Javni stanovanjski sklad (generirani podatki)",
        slug="generated",
        type=LessorType.PUBLIC_HOUSING_FUND,
        municipalities=JSS_MUNICIPALITIES,
    )
    staff = _staff(lessor, code)
    tender = _tender(lessor, code, applications)
    for key, role in (
        ("chair", CommissionRole.CHAIR),
        ("member", CommissionRole.MEMBER),
        ("clerk", CommissionRole.CLERK),
    ):
        CommissionSeat.objects.create(
            tender=tender, user=staff[key], role=role, appointed_by=staff["chair"]
        )
    municipalities = {m.name: m for m in Municipality.objects.all()}
    maker = HouseholdMaker(
        rng,
        published_on=tender.published_on,
        average_net_salary=tender.average_net_salary,
        municipalities=JSS_MUNICIPALITIES,
        other_categories=[
            c.code for c in tender.categories.all() if c.category == Category.OTHER
        ],
        additional_conditions=["residence-5y"],
    )
    households: list[Household] = []
    for _ in range(applications):
        wheelchair = rng.random() < 0.02
        deaf = not wheelchair and rng.random() < 0.015
        households.append(maker.household(wheelchair=wheelchair, deaf_or_blind=deaf))
    timings.mark("households drawn")

    # Accounts of the applicants (a paper application has none: the clerk enters it).
    paper = [rng.random() < PAPER_SHARE for _ in households]
    accounts = _insert(
        User,
        [
            User(
                email=f"{code.lower()}-{index:06d}@generated.najem.test",
                full_name=f"{h.applicant['first_name']} {h.applicant['last_name']}",
                password="!",  # noqa: S106 (an unusable password)
            )
            for index, h in enumerate(households)
            if not paper[index]
        ],
    )
    account = iter(accounts)
    timings.mark("accounts")

    year = tender.published_on.year
    prefix = code.upper().removesuffix(f"-{year}")
    start = PUBLISHED_ON + datetime.timedelta(days=1)
    submitted = [
        timezone.make_aware(
            datetime.datetime.combine(start, datetime.time(8))
            + datetime.timedelta(minutes=rng.randint(0, 58 * 24 * 60))
        )
        for _ in households
    ]
    submitted.sort()
    rows = []
    for index, household in enumerate(households):
        values = dict(household.application)
        rows.append(
            Application(
                tender=tender,
                applicant=None if paper[index] else next(account),
                entered_by=staff["clerk"] if paper[index] else None,
                postal_address=f"Ulica {index % 97 + 1}, 1000 Ljubljana"
                if paper[index]
                else "",
                status=ApplicationStatus.SUBMITTED,
                code=f"{prefix}-{year}-{index + 1:05d}",
                submitted_at=submitted[index],
                received_at=submitted[index] if paper[index] else None,
                created_at=submitted[index] - datetime.timedelta(hours=1),
                section_status={"declaration": "done"},
                **values,
            )
        )
    applications_rows = _insert(Application, rows)
    counter, _new = ApplicationCodeCounter.objects.get_or_create(
        lessor=lessor, year=year
    )
    counter.last_number = max(counter.last_number, len(rows))
    counter.save(update_fields=["last_number"])
    timings.mark("applications")

    member_rows = []
    for application, household in zip(applications_rows, households, strict=True):
        for position, person in enumerate(household.members, start=1):
            values = dict(person)
            values["municipality"] = municipalities[values["municipality"]]
            member_rows.append(
                Member(application=application, position=position, **values)
            )
    _insert(Member, member_rows)
    by_application: dict[int, list[Member]] = {}
    for member in member_rows:
        by_application.setdefault(member.application_id, []).append(member)
    timings.mark("members")

    cases = []
    submissions = []
    for application in applications_rows:
        members = by_application[application.pk]  # applicant first, by position
        case = _case(application, members)
        cases.append(case)
        submissions.append(
            ApplicationSubmission(
                application=application,
                version=1,
                code=application.code,
                submitted_at=application.submitted_at,
                received_at=application.received_at,
                by=application.applicant or staff["clerk"],
                case=case,
                digest=digest(case),
            )
        )
    _insert(ApplicationSubmission, submissions)
    timings.mark("submissions")

    # The commission's decisions: rejected, or every fact confirmed (some incomes
    # corrected) and verified.
    chair, member = staff["chair"], staff["member"]
    decided_at = tender.deadline + datetime.timedelta(days=30)
    reviews = []
    facts: list[FactRow] = []
    verified_cases: dict[int, dict[str, Any]] = {}
    for index, (application, case, submission) in enumerate(
        zip(applications_rows, cases, submissions, strict=True)
    ):
        member_pks = [m.pk for m in by_application[application.pk]]
        rejected = rng.random() < REJECTED_SHARE
        review = ApplicationReview(
            application=application,
            submission=submission,
            member_pks=member_pks,
            opened_at=tender.deadline + datetime.timedelta(days=1),
            completed_at=decided_at,
            row_version=1,
        )
        claimed = claimed_facts(case, member_pks)
        decisions = []
        if rejected:
            review.state = ReviewState.REJECTED
            review.rejection_state = RejectionState.ISSUED
            review.rejection_reason = (
                "Vloga ni bila dopolnjena v roku, ki ga je določila komisija."
            )
            review.rejection_article = "20"
            review.rejection_drafted_at = decided_at
            review.rejection_issued_at = decided_at
            review.rejection_issued_by = chair
        else:
            review.state = ReviewState.VERIFIED
            correct = rng.random() < CORRECTED_SHARE
            for path, value in claimed:
                if (
                    correct
                    and path.endswith(".monthly_income")
                    and value != "0.00"
                    and not decisions
                ):
                    verified = decimal_text(Decimal(value) + Decimal("64.20"))
                    decisions.append((path, FactState.CORRECTED, verified))
        state_of = {path: (state, value) for path, state, value in decisions}
        for position, (path, value) in enumerate(claimed):
            if rejected:
                facts.append(
                    (
                        index,
                        path,
                        position,
                        value,
                        FactState.CLAIMED,
                        None,
                        "",
                        None,
                        None,
                    )
                )
            elif path in state_of:
                state, verified = state_of[path]
                facts.append(
                    (index, path, position, value, state, verified, INCOME_REASON,
                     member.pk, decided_at)
                )  # fmt: skip
            else:
                facts.append(
                    (index, path, position, value, FactState.CONFIRMED, None, "",
                     member.pk, decided_at)
                )  # fmt: skip
        if not rejected:
            verified_cases[index] = (
                apply_facts(case, member_pks, decisions) if decisions else case
            )
        reviews.append(review)
    timings.mark("decisions")

    # The verified snapshot: the engine's assessment of every verified case, in bulk.
    rules = tender_rules(tender)
    ranking = engine.rank(rules, [facts_from_case(c) for c in verified_cases.values()])
    for index, case in verified_cases.items():
        review = reviews[index]
        result = assessment_json(ranking.assessments[case["code"]])
        review.verified_case = case
        review.verified_result = result
        review.verified_total = result["total"]
        review.verified_eligible = result["eligible"]
        review.verified_digest = digest({"application": case, "assessment": result})
        review.verified_at = decided_at
        review.verified_by = chair
    timings.mark("engine (rank)")

    _insert(ApplicationReview, reviews)
    timings.mark("reviews")
    _insert_facts(facts, [review.pk for review in reviews])
    timings.mark(f"fact checks ({len(facts)})")
    log(
        f"{len(applications_rows)} applications, {len(member_rows)} members, "
        f"{len(verified_cases)} verified "
        f"({sum(1 for r in reviews if r.verified_eligible)} eligible), "
        f"{len(reviews) - len(verified_cases)} rejected, {len(facts)} fact checks"
    )
    return tender, timings


@transaction.atomic
def generate_drafts(
    *,
    applications: int,
    seed: int,
    code: str,
    password_hash: str,
) -> tuple[Tender, list[tuple[str, int]]]:
    """An open (published) tender, published today with its deadline in 60 days, and
    ``applications`` applicants, each with an account (the password of
    ``password_hash``, made once by the caller) and a complete draft: every section
    answered and the declaration made, so that saving any page and submitting go
    through the services as on the site (``python -m bench.http``).

    Bulk inserts, like :func:`generate_tender`. The invitation's PDFs are not made here
    (``tenders.pdf.tender_documents_publish`` does it, by a person).

    :returns: the tender and ``(email, application id)`` of each applicant.
    """
    rng = random.Random(seed)  # noqa: S311 (load data, not secrets)
    lessor, _new = lessor_ensure(
        name="Javni stanovanjski sklad (generirani podatki)",
        slug="generated",
        type=LessorType.PUBLIC_HOUSING_FUND,
        municipalities=JSS_MUNICIPALITIES,
    )
    today = timezone.localdate()
    tender = _tender(
        lessor, code, applications, status=TenderStatus.PUBLISHED, published_on=today
    )
    municipalities = {m.name: m for m in Municipality.objects.all()}
    maker = HouseholdMaker(
        rng,
        published_on=today,
        average_net_salary=tender.average_net_salary,
        municipalities=JSS_MUNICIPALITIES,
        other_categories=[
            c.code for c in tender.categories.all() if c.category == Category.OTHER
        ],
        additional_conditions=["residence-5y"],
    )
    households = [maker.household() for _ in range(applications)]
    accounts = User.objects.bulk_create(
        [
            User(
                email=f"{code.lower()}-{index:06d}@generated.najem.test",
                full_name=f"{h.applicant['first_name']} {h.applicant['last_name']}",
                password=password_hash,
            )
            for index, h in enumerate(households)
        ],
        batch_size=BATCH,
    )
    done = {section.value: SectionState.DONE.value for section in Section}
    done.pop(Section.CONTACT.value)  # shown for paper applications only
    drafts = _insert(
        Application,
        [
            Application(
                tender=tender,
                applicant=account,
                status=ApplicationStatus.DRAFT,
                section_status=done,
                **dict(household.application),
            )
            for account, household in zip(accounts, households, strict=True)
        ],
    )
    _insert(
        Member,
        [
            Member(
                application=draft,
                position=position,
                **{
                    **person,
                    "municipality": municipalities[person["municipality"]],
                },
            )
            for draft, household in zip(drafts, households, strict=True)
            for position, person in enumerate(household.members, start=1)
        ],
    )
    return tender, [
        (account.email, draft.pk)
        for account, draft in zip(accounts, drafts, strict=True)
    ]
