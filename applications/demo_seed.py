"""Demo applications, reviews and priority lists made through the services
(``seed_demo``), with ``by`` set, as users would make them.

- the open tender (JSS-2026): applicant1's submitted application, applicant2's draft;
- the closed tender (JSS-2025): 60 applications in every state the commission meets
  (not yet checked, incomplete with an open amendment request, complete with facts
  being checked, verified eligible on lists A and B and every sub-list, verified
  ineligible: over the income limit, another dwelling; a rejection drafted), among
  them paper applications the clerk entered and two with the same person (EMŠO);
- the older tender (JSS-2024): 14 applications, all verified, its lists built (chair),
  approved (the commission member) and published; the decisions issued; an appeal
  (the runner-up of a sub-list against the first's additional condition or
  category) recorded by
  the clerk and upheld, the fact rejected and the application verified again; version
  2 built, approved and published (it supersedes version 1), its changed decisions
  issued, and after the 15 days version 2 published as the final list (Art. 24(5)).
  These steps are dated after the tender's deadline (``OLDER_TIMELINE``), so the
  time to appeal has passed.

Every block is skipped once its data exists, so a second run changes nothing. The
households come from :mod:`applications.demo` with a fixed seed.
"""

import datetime
import random
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from housing.errors import ServiceError
from housing.models import Municipality, User
from lists.constants import AppealOutcome, ListState
from lists.models import ListEntry, ListVersion
from lists.services import (
    appeal_decide,
    appeal_record,
    decisions_issue,
    final_list_publish,
    internal_list_en_render,
    list_approve,
    list_build,
    list_publish,
)
from review.constants import CommissionRole, FactState
from review.models import ApplicationReview
from review.services import (
    amendment_request,
    completeness_mark_complete,
    fact_confirm,
    fact_correct,
    fact_reject,
    facts_confirm_bulk,
    rejection_draft,
    review_open,
    review_verify,
    seat_set,
)
from tenders.constants import TenderStatus
from tenders.models import Tender

from .constants import LJUBLJANA, SECTION_FIELDS, SECTION_MEMBER_FIELDS, Section
from .demo import LIST_A, LIST_B, OTHER_DWELLING, OVER_INCOME, Household, HouseholdMaker
from .models import Application, Member
from .pdf import store_receipts
from .services import (
    application_save_section,
    application_start,
    application_submit,
    member_add,
)

SEED = 2026
PAPER_ADDRESSES = [
    "Celovška cesta 150, 1000 Ljubljana",
    "Zaloška cesta 45, 1000 Ljubljana",
    "Tržaška cesta 12, 1000 Ljubljana",
    "Ižanska cesta 300, 1000 Ljubljana",
    "Cesta na Brdo 85, 1000 Ljubljana",
]


def _version(application: Application) -> int:
    return Application.objects.values_list("row_version", flat=True).get(
        pk=application.pk
    )


def _review_version(review: ApplicationReview) -> int:
    return ApplicationReview.objects.values_list("row_version", flat=True).get(
        pk=review.pk
    )


def fill_household(
    application: Application,
    household: Household,
    *,
    by: User,
    now: datetime.datetime,
    sections: tuple[str, ...] | None = None,
) -> Application:
    """Enter ``household`` into a draft through the services: every member, then
    every section of the form (or only ``sections``), the declaration last."""
    municipalities = {m.name: m.pk for m in Municipality.objects.all()}
    for person in household.members:
        data = dict(person)
        data["municipality"] = municipalities[data["municipality"]]
        member_add(
            application=application,
            data=data,
            by=by,
            expected_version=_version(application),
            now=now,
        )
    members = list(Member.objects.filter(application=application).order_by("position"))
    for section in sections or _sections(application, household):
        if section == Section.CONTACT and not application.is_paper:
            continue
        if section == Section.DECLARATION:
            data: dict[str, Any] = {"declaration": True, "consent": True}
        elif section == Section.CONTACT:
            data = {"postal_address": application.postal_address}
        else:
            data = {
                name: household.application[name] for name in SECTION_FIELDS[section]
            }
        member_fields = SECTION_MEMBER_FIELDS.get(section, ())
        answers = {
            member.pk: {name: person[name] for name in member_fields}
            for member, person in zip(members, household.members, strict=True)
            if member_fields
        }
        application = application_save_section(
            application=application,
            section=section,
            data=data,
            members=answers,
            by=by,
            expected_version=_version(application),
            now=now,
        )
    return application


def _sections(application: Application, household: Household) -> tuple[str, ...]:
    """The steps whose answers differ from the form's defaults, and the declaration
    (every member's answers were given with the member; the other steps' defaults
    stand, as when an applicant leaves them as they are)."""
    facts = household.application
    wanted = []
    for section, names in SECTION_FIELDS.items():
        if section == Section.CONTACT:
            if application.is_paper:
                wanted.append(section)
        elif section == Section.HOUSING or any(
            facts[name] not in (False, [], None, Decimal("0.00")) for name in names
        ):
            wanted.append(section)
    return (*wanted, Section.DECLARATION)


def submit_household(
    tender: Tender,
    household: Household,
    *,
    applicant: User | None,
    by: User,
    now: datetime.datetime,
    postal_address: str = "",
) -> Application:
    """Start, fill and submit an application (a paper one when ``applicant`` is
    ``None``: ``by`` is the clerk, the paper was received at ``now``)."""
    application = application_start(
        tender=tender,
        applicant=applicant,
        by=by,
        postal_address=postal_address,
        now=now,
    )
    application = fill_household(application, household, by=by, now=now)
    return application_submit(
        application=application,
        by=by,
        now=now + datetime.timedelta(minutes=1) if applicant else now,
        received_at=None if applicant else now - datetime.timedelta(days=2),
    )


def _maker(tender: Tender, rng: random.Random) -> HouseholdMaker:
    return HouseholdMaker(
        rng,
        published_on=tender.published_on,
        average_net_salary=tender.average_net_salary,
        municipalities=sorted(
            tender.lessor.municipalities.values_list("name", flat=True),
            key=lambda name: name != "Ljubljana",
        ),
        other_categories=[
            c.code for c in tender.categories.all() if c.category == "other"
        ],
        additional_conditions=list(
            tender.additional_conditions.values_list("code", flat=True)
        ),
    )


def _applicant_accounts(count: int) -> list[User]:
    """``prosilec01@najem.test``...: accounts of the demo households (the demo
    password, hashed once: hashing it per account would take half a minute)."""
    password = None
    users = []
    for number in range(1, count + 1):
        email = f"prosilec{number:02d}@najem.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            from housing.management.commands.seed_demo import DEMO_PASSWORD

            password = password or make_password(DEMO_PASSWORD)
            user = User(email=email, full_name="", password=password)
            user._history_user = None
            user.save()
        users.append(user)
    return users


def _verify(
    review: ApplicationReview, *, member: User, chair: User
) -> ApplicationReview:
    """Confirm every claimed fact (the member) and verify (the chair)."""
    if review.state in ("submitted", "incomplete"):
        review = completeness_mark_complete(
            review=review, expected_version=_review_version(review), by=member
        )
    for path in review.facts.filter(state=FactState.CLAIMED).values_list(
        "path", flat=True
    ):
        fact_confirm(
            review=review,
            path=path,
            expected_version=_review_version(review),
            by=member,
        )
    return review_verify(
        review=review, expected_version=_review_version(review), by=chair
    )


def _seats(tender: Tender, admin: User, staff: dict[str, User]) -> None:
    for key, role in (
        ("chair", CommissionRole.CHAIR),
        ("member", CommissionRole.MEMBER),
        ("clerk", CommissionRole.CLERK),
    ):
        if not tender.commission_seats.filter(user=staff[key]).exists():
            seat_set(tender=tender, user=staff[key], role=role, by=admin)


def _submission_times(
    tender: Tender, count: int, rng: random.Random
) -> list[datetime.datetime]:
    days = (tender.deadline.date() - tender.published_on).days
    start = tender.deadline - datetime.timedelta(days=days - 1)
    return sorted(
        start + datetime.timedelta(minutes=rng.randint(0, (days - 2) * 24 * 60))
        for _ in range(count)
    )


class _Opened:
    """Let applicants submit to a closed tender as they did before its deadline:
    the status is ``published`` while the past submissions are entered (their
    ``now`` is before the deadline), then ``closed`` again. ``update()``: the
    tender's row is not saved, so its ``updated_at`` stays."""

    def __init__(self, tender: Tender) -> None:
        self.tender = tender

    def __enter__(self) -> None:
        Tender.objects.filter(pk=self.tender.pk).update(status=TenderStatus.PUBLISHED)
        self.tender.status = TenderStatus.PUBLISHED

    def __exit__(self, *exc: object) -> None:
        Tender.objects.filter(pk=self.tender.pk).update(status=TenderStatus.CLOSED)
        self.tender.status = TenderStatus.CLOSED


# --- the open tender --------------------------------------------------------------------


def seed_open_tender(tender: Tender, applicant1: User, applicant2: User) -> int:
    rng = random.Random(SEED)  # noqa: S311 (demo data, not secrets)
    maker = _maker(tender, rng)
    created = 0
    now = timezone.now()
    if not Application.objects.filter(tender=tender, applicant=applicant1).exists():
        household = maker.household(target=LIST_A, size=3)
        household.members[0].update(first_name="Maja", last_name="Novak", sex="F")
        _fix_emso(household.members[0])
        application = submit_household(
            tender, household, applicant=applicant1, by=applicant1, now=now
        )
        store_receipts(application.submissions.get().pk)
        created += 1
    if not Application.objects.filter(tender=tender, applicant=applicant2).exists():
        household = maker.household(target=LIST_B, size=2)
        household.members[0].update(first_name="Samir", last_name="Hodžić", sex="M")
        _fix_emso(household.members[0])
        application = application_start(
            tender=tender, applicant=applicant2, by=applicant2, now=now
        )
        fill_household(
            application,
            household,
            by=applicant2,
            now=now,
            sections=(Section.MEMBERS, Section.RESIDENCE, Section.HOUSING),
        )
        created += 1
    return created


def _fix_emso(person: dict[str, Any]) -> None:
    from .demo import emso_for

    person["emso"] = emso_for(person["birth_date"], person["sex"], 123)


# --- the closed tender ------------------------------------------------------------------

# (target, size, wheelchair, deaf or blind) of the 60 households, in submission order.
CLOSED_PLAN: list[tuple[str, int | None, bool, bool]] = [
    *[(LIST_A, None, False, False)] * 23,
    *[(LIST_B, None, False, False)] * 17,
    (LIST_A, 2, True, False),
    (LIST_A, 1, True, False),
    (LIST_B, 3, True, False),
    (LIST_A, 1, False, True),
    (LIST_B, 2, False, True),
    (LIST_A, 5, False, False),
    (LIST_A, 6, False, False),
    *[(OVER_INCOME, None, False, False)] * 7,
    *[(OTHER_DWELLING, None, False, False)] * 6,
]


def seed_closed_tender(
    tender: Tender, *, admin: User, staff: dict[str, User], users: list[User]
) -> int:
    """60 applications in every state of the review (module docstring)."""
    if Application.objects.filter(tender=tender).exists():
        return 0
    rng = random.Random(SEED + 1)  # noqa: S311 (demo data, not secrets)
    maker = _maker(tender, rng)
    plan = list(CLOSED_PLAN)
    rng.shuffle(plan)
    households = [
        maker.household(target=t, size=s, wheelchair=w, deaf_or_blind=d)
        for t, s, w, d in plan
    ]
    # The same person in two applications: an adult daughter applies on her own and
    # is also a member of her parents' household.
    parents = next(h for h in households if h.target == LIST_A and len(h.members) >= 3)
    single = next(h for h in households if len(h.members) == 1 and h is not parents)
    twin = dict(single.members[0], role="other")
    twin["monthly_income"] = Decimal("0.00")
    twin["employed"] = False
    parents.members.append(twin)
    times = _submission_times(tender, len(households), rng)
    applications = []
    with _Opened(tender):
        for index, (household, moment) in enumerate(
            zip(households, times, strict=True)
        ):
            paper = index % 12 == 5
            applications.append(
                submit_household(
                    tender,
                    household,
                    applicant=None if paper else users[index],
                    by=staff["clerk"] if paper else users[index],
                    now=moment,
                    postal_address=PAPER_ADDRESSES[index % 5] if paper else "",
                )
            )
    _seats(tender, admin, staff)
    chair, member, clerk = staff["chair"], staff["member"], staff["clerk"]
    reviews = [review_open(application=a, by=clerk) for a in applications]
    facts_confirm_bulk(
        by=clerk, tender=tender, facts=("citizenship", "residence", "household")
    )
    by_target = {h.target: [] for h in households}
    for review, household in zip(reviews, households, strict=True):
        by_target[household.target].append(review)
    verified_targets = {LIST_A: 14, LIST_B: 8, OVER_INCOME: 4, OTHER_DWELLING: 3}
    verify, rest = [], []
    for target, items in by_target.items():
        count = verified_targets[target]
        # Every household with a wheelchair user or a deaf or blind member is verified,
        # so every sub-list has someone.
        special = [r for r in items if _special(r)]
        ordinary = [r for r in items if not _special(r)]
        chosen = special + ordinary[: max(0, count - len(special))]
        verify += chosen
        rest += [r for r in items if r not in chosen]
    for review in verify:
        _verify(review, member=member, chair=chair)
    # One verified assessment with a corrected fact (the tax assessment shows more).
    # The rest: 6 incomplete (amendment requested), 2 ineligible with a rejection
    # drafted, 12 complete with facts being checked, the others not yet checked.
    rest.sort(key=lambda r: r.application.code)
    amend, rest = rest[:6], rest[6:]
    for review in amend:
        amendment_request(
            review=review,
            text="Priložite zadnjo odločbo o odmeri dohodnine za vse polnoletne člane.",
            expected_version=_review_version(review),
            by=clerk,
        )
    target_of = {r.pk: h.target for r, h in zip(reviews, households, strict=True)}
    ineligible = [r for r in rest if target_of[r.pk] == OVER_INCOME]
    drafted = ineligible[:2]
    for review in drafted:
        review = completeness_mark_complete(
            review=review, expected_version=_review_version(review), by=clerk
        )
        rejection_draft(
            review=review,
            reason="Dohodek gospodinjstva presega mejo iz 5. člena pravilnika.",
            article="5",
            expected_version=_review_version(review),
            by=member,
        )
    complete = [r for r in rest if r not in drafted][:12]
    for number, review in enumerate(complete):
        review = completeness_mark_complete(
            review=review, expected_version=_review_version(review), by=clerk
        )
        if number % 3 == 0:
            fact = review.facts.filter(path__endswith=".monthly_income").first()
            if fact is not None and fact.claimed not in ("0.00", None):
                fact_correct(
                    review=review,
                    path=fact.path,
                    value=str(Decimal(fact.claimed) + Decimal("85.40")),
                    reason="Odločba o odmeri dohodnine izkazuje višji dohodek.",
                    expected_version=_review_version(review),
                    by=member,
                )
    return len(applications)


def _special(review: ApplicationReview) -> bool:
    return any(
        m.get("wheelchair_user") or m.get("deaf_or_blind")
        for m in review.submission.case["members"]
    )


# --- the older tender, with published lists ---------------------------------------------

OLDER_PLAN: list[tuple[str, int | None, bool, bool]] = [
    *[(LIST_A, None, False, False)] * 5,
    *[(LIST_B, None, False, False)] * 2,
    (LIST_B, 3, False, False),
    (LIST_A, 2, True, False),
    (LIST_B, 1, False, True),
    (LIST_A, 1, False, True),
    (LIST_B, 4, True, False),
    (OVER_INCOME, None, False, False),
    (OTHER_DWELLING, None, False, False),
]


def seed_older_tender(
    tender: Tender, *, admin: User, staff: dict[str, User], users: list[User]
) -> int:
    """14 verified applications and the published lists (module docstring)."""
    if ListVersion.objects.filter(tender=tender, state=ListState.PUBLISHED).exists():
        return 0
    rng = random.Random(SEED + 2)  # noqa: S311 (demo data, not secrets)
    maker = _maker(tender, rng)
    plan = list(OLDER_PLAN)
    rng.shuffle(plan)
    created = 0
    if not Application.objects.filter(tender=tender).exists():
        times = _submission_times(tender, len(plan), rng)
        with _Opened(tender):
            for index, ((t, s, w, d), moment) in enumerate(
                zip(plan, times, strict=True)
            ):
                household = maker.household(
                    target=t, size=s, wheelchair=w, deaf_or_blind=d
                )
                user = users[-1 - index]
                submit_household(tender, household, applicant=user, by=user, now=moment)
                created += 1
    _seats(tender, admin, staff)
    chair, member = staff["chair"], staff["member"]
    reviews = [
        review_open(application=application, by=chair)
        for application in Application.objects.filter(tender=tender).order_by("code")
    ]
    facts_confirm_bulk(
        by=member, tender=tender, facts=("citizenship", "residence", "household")
    )
    for review in reviews:
        if review.state != "verified":
            _verify(review, member=member, chair=chair)
    with transaction.atomic():
        _publish_lists(tender, staff, at=_older_at(tender, "published"))
    return created + 1


#: Days after the older tender's deadline of each step of its lists (10:00 in
#: Ljubljana; approval and publication one and two hours after the build).
OLDER_TIMELINE = {
    "published": 60,
    "decisions": 62,
    "appeal": 70,
    "upheld": 90,
    "published_again": 92,
    "decisions_again": 93,
    "final": 123,
}


def _older_at(tender: Tender, step: str) -> datetime.datetime:
    day = timezone.localtime(tender.deadline, LJUBLJANA).date() + datetime.timedelta(
        days=OLDER_TIMELINE[step]
    )
    return datetime.datetime.combine(day, datetime.time(10), tzinfo=LJUBLJANA)


def _publish_lists(
    tender: Tender, staff: dict[str, User], *, at: datetime.datetime
) -> ListVersion:
    """Built by the chair, approved by the second member, published by the chair
    (with the English internal list, which on the site follows in its own job)."""
    hour = datetime.timedelta(hours=1)
    version = list_build(tender=tender, by=staff["chair"], now=at)
    version = list_approve(version=version, by=staff["member"], now=at + hour)
    version = list_publish(version=version, by=staff["chair"], now=at + 2 * hour)
    internal_list_en_render(version=version, by=staff["chair"])
    version.refresh_from_db()
    return version


class _Trial(Exception):
    """Rolls a trial correction back (:func:`_appeal_case`)."""


def _rejection_lowers_points(
    review: ApplicationReview, path: str, by: User, at: datetime.datetime
) -> bool:
    """Whether rejecting the fact ``path`` leaves the application eligible with fewer
    points (tried in a savepoint that is always rolled back)."""
    before = review.verified_total
    try:
        with transaction.atomic():
            fact_reject(
                review=review,
                path=path,
                reason="-",
                expected_version=_review_version(review),
                by=by,
                now=at,
            )
            after = review_verify(
                review=ApplicationReview.objects.get(pk=review.pk),
                expected_version=_review_version(review),
                by=by,
                now=at,
            )
            lower = bool(after.verified_eligible) and after.verified_total < before
            raise _Trial(lower)
    except _Trial as trial:
        return bool(trial.args[0])
    except ServiceError:
        return False


def _appeal_case(
    version: ListVersion, by: User, at: datetime.datetime
) -> tuple[ListEntry, ListEntry, str]:
    """The first of a sub-list, the runner-up who appeals against it, and the path
    of a claim of the first's (a yes, an additional condition or a category) whose
    rejection costs it points: the first such case in the list order."""
    entries = list(
        version.entries.exclude(sub_list="")
        .exclude(rank=None)
        .order_by("position")
        .select_related("application")
    )
    for first in entries:
        runner_up = next(
            (e for e in entries if e.sub_list == first.sub_list and e.rank == 2), None
        )
        if first.rank != 1 or runner_up is None:
            continue
        review = ApplicationReview.objects.get(application=first.application_id)
        for fact in review.facts.order_by("position", "path"):
            claim = fact.path.startswith(("additional:", "category:")) or (
                fact.path.startswith("application.") and fact.claimed is True
            )
            if claim and _rejection_lowers_points(review, fact.path, by, at):
                return first, runner_up, fact.path
    raise RuntimeError("the demo's older tender has no sub-list to appeal on")


def seed_older_appeal(tender: Tender, *, staff: dict[str, User]) -> int:
    """Decisions, an upheld appeal, version 2 and the final list (module docstring);
    skipped once the final list exists."""
    if ListVersion.objects.filter(tender=tender, final=True).exists():
        return 0
    chair, member, clerk = staff["chair"], staff["member"], staff["clerk"]
    version = ListVersion.objects.get(tender=tender, state=ListState.PUBLISHED)
    with transaction.atomic():
        decisions = {
            d.application_id: d
            for d in decisions_issue(
                version=version, by=chair, now=_older_at(tender, "decisions")
            )
        }
        upheld = _older_at(tender, "upheld")
        first, runner_up, path = _appeal_case(version, member, upheld)
        received = _older_at(tender, "appeal")
        appeal = appeal_record(
            decision=decisions[runner_up.application_id],
            received_on=received.date(),
            grounds=(
                f"Vloga {first.code}, prva na podlisti {first.sub_list}, ne izpolnjuje "
                "pogoja, za katerega je dobila točke."
            ),
            by=clerk,
            now=received,
        )
        appeal_decide(
            appeal=appeal,
            outcome=AppealOutcome.UPHELD,
            reason=(
                f"Pogoj vloge {first.code} ni dokazan; komisija je dejstvo "
                "zavrnila in liste sestavila znova."
            ),
            by=chair,
            now=upheld,
        )
        review = ApplicationReview.objects.get(application=first.application_id)
        fact_reject(
            review=review,
            path=path,
            reason="Pritožba utemeljena: pogoj ni dokazan.",
            expected_version=_review_version(review),
            by=member,
            now=upheld,
        )
        review = ApplicationReview.objects.get(pk=review.pk)
        review_verify(
            review=review,
            expected_version=_review_version(review),
            by=chair,
            now=upheld,
        )
        again = _publish_lists(tender, staff, at=_older_at(tender, "published_again"))
        decisions_issue(
            version=again, by=chair, now=_older_at(tender, "decisions_again")
        )
        final_list_publish(version=again, by=chair, now=_older_at(tender, "final"))
    return 1


def seed_demo_applications(*, lessor) -> int:
    """Everything above for the demo lessor's three tenders; returns objects
    created (applications, and the published lists).

    What the services leave to run after the commit (the confirmation emails of ~75
    past submissions, amendment emails and letters) is dropped: it would print every
    email on the console.

    The receipts are not dropped: each submission starts its receipt job inside the
    seed's transaction (``applications.tasks.render_receipts``), so ~75 jobs stay
    queued, below the default priority (the staff's jobs go first), for the worker
    (``manage.py db_worker``, started by ``./scripts/run``) to render after the seed.
    Rendering them here would add about two minutes (1.6 s a submission, both
    languages) to a seed of about 40 s. Until the worker has stored one, its page
    says the receipt is being prepared, and without a worker the PDF is rendered for
    each download without being stored (``applications.selectors.receipt_state``).
    applicant1's receipt is stored here (its job then finds it stored).
    """
    connection = transaction.get_connection()
    pending = len(connection.run_on_commit)
    try:
        return _seed_demo_applications(lessor)
    finally:
        del connection.run_on_commit[pending:]


def _seed_demo_applications(lessor) -> int:
    staff = {
        "chair": User.objects.get(email="chair@najem.test"),
        "member": User.objects.get(email="commission@najem.test"),
        "clerk": User.objects.get(email="clerk@najem.test"),
    }
    admin = User.objects.get(email="lessor-admin@najem.test")
    users = _applicant_accounts(60)
    created = seed_open_tender(
        Tender.objects.get(lessor=lessor, code="JSS-2026"),
        User.objects.get(email="applicant1@najem.test"),
        User.objects.get(email="applicant2@najem.test"),
    )
    older = Tender.objects.get(lessor=lessor, code="JSS-2024")
    created += seed_older_tender(older, admin=admin, staff=staff, users=users)
    created += seed_older_appeal(older, staff=staff)
    created += seed_closed_tender(
        Tender.objects.get(lessor=lessor, code="JSS-2025"),
        admin=admin,
        staff=staff,
        users=users,
    )
    return created
