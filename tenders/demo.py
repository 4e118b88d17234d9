"""Demo tenders for ``seed_demo``: a large open one and a closed one (idempotent)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from housing.models import Lessor

from .constants import Category, ListKind, SubListRule, TenderStatus
from .models import AdditionalCondition, SubList, Tender, TenderCategory, TenderEvent

DOCUMENTS = "\n".join(
    [
        "Izjava o premoženjskem stanju in dohodkih vseh polnoletnih članov gospodinjstva",
        "Najemna ali podnajemna pogodba, če prosilec ne živi pri starših ali sorodnikih",
        "Zadnja odločba o odmeri dohodnine",
        "Potrdila o zdravstvenem stanju, invalidnosti ali nasilju v družini, kadar jih uveljavlja",
        "Dokazilo o trajni uporabi invalidskega vozička ali pomoči druge osebe (3. člen)",
    ]
)

DOCUMENTS_EN = "\n".join(
    [
        "Statement of the property and income of every adult member of the household",
        "Tenancy or subtenancy agreement, unless the applicant lives with parents or "
        "relatives",
        "The latest income tax assessment",
        "Certificates of health, disability or domestic violence, where claimed",
        "Proof of permanent use of a wheelchair or of another person's help (Art. 3)",
    ]
)

CATEGORIES = [
    (Category.YOUNG_FAMILY, 70, {}),
    (Category.YOUTH, 50, {}),
    (Category.LARGE_FAMILY, 90, {}),
    (Category.LARGE_FAMILY_EXTRA_CHILD, 20, {}),
    (Category.DISABILITY, 80, {}),
    (Category.FEW_EMPLOYED, 60, {}),
    (Category.LONG_SERVICE, 50, {}),
    (Category.DOMESTIC_VIOLENCE, 70, {}),
    (Category.WAR_VICTIM, 50, {}),
    (
        Category.OTHER,
        60,
        {
            "slug": "leaving-care",
            "name": "Mladi, ki zapuščajo rejništvo ali zavodsko oskrbo",
            "name_en": "Young people leaving foster or residential care",
            "substantiation": (
                "Mladi po koncu rejništva ali zavodske oskrbe nimajo družinske opore "
                "pri reševanju stanovanjskega vprašanja (6. člen, drugi odstavek)."
            ),
        },
    ),
]

SUBLISTS = [
    (ListKind.A, "A1", "Družine", SubListRule.FAMILIES, 60),
    (ListKind.A, "A2", "Samske osebe", SubListRule.SINGLE_PERSONS, 25),
    (
        ListKind.A,
        "A3",
        "Trajni uporabniki invalidskega vozička",
        SubListRule.WHEELCHAIR_USERS,
        10,
    ),
    (ListKind.A, "A4", "Gluhi ali slepi", SubListRule.DEAF_OR_BLIND, 5),
    (ListKind.B, "B1", "Družine", SubListRule.FAMILIES, 30),
    (ListKind.B, "B2", "Samske osebe", SubListRule.SINGLE_PERSONS, 12),
    (
        ListKind.B,
        "B3",
        "Trajni uporabniki invalidskega vozička",
        SubListRule.WHEELCHAIR_USERS,
        5,
    ),
    (ListKind.B, "B4", "Gluhi ali slepi", SubListRule.DEAF_OR_BLIND, 3),
]


# The closed and the older tender: households with a wheelchair user or a deaf or
# blind member first, then families and single persons (the first sub-list whose
# rule an application meets takes it), so that every eligible application is placed.
REVIEW_SUBLISTS = [
    (ListKind.A, "A1", "Trajni uporabniki invalidskega vozička", SubListRule.WHEELCHAIR_USERS, 3),
    (ListKind.A, "A2", "Gluhi ali slepi", SubListRule.DEAF_OR_BLIND, 2),
    (ListKind.A, "A3", "Družine", SubListRule.FAMILIES, 35),
    (ListKind.A, "A4", "Samske osebe", SubListRule.SINGLE_PERSONS, 20),
    (ListKind.B, "B1", "Trajni uporabniki invalidskega vozička", SubListRule.WHEELCHAIR_USERS, 2),
    (ListKind.B, "B2", "Gluhi ali slepi", SubListRule.DEAF_OR_BLIND, 1),
    (ListKind.B, "B3", "Družine", SubListRule.FAMILIES, 17),
    (ListKind.B, "B4", "Samske osebe", SubListRule.SINGLE_PERSONS, 10),
]  # fmt: skip


def sublists_ensure(tender: Tender, sublists=REVIEW_SUBLISTS) -> int:
    """Give ``tender`` the sub-lists unless it has some; returns objects created."""
    if tender.sublists.exists():
        return 0
    for position, (kind, code, name, rule, dwellings) in enumerate(sublists, 1):
        SubList.objects.create(
            tender=tender,
            list_kind=kind,
            code=code,
            name=name,
            rule=rule,
            dwellings=dwellings,
            position=position,
        )
    return len(sublists)


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _tender(lessor: Lessor, code: str, **fields) -> tuple[Tender, bool]:
    return Tender.objects.get_or_create(lessor=lessor, code=code, defaults=fields)


def seed_demo_tenders(
    *, lessor: Lessor, published_by=None, today: datetime.date | None = None
) -> int:
    """Create the demo tenders of ``lessor`` unless they exist; returns objects created.

    ``published_by`` (the lessor admin) is recorded as who published them; closing at
    the deadline is the system's step.
    """
    today = today or timezone.localdate()
    created = 0
    common = {
        "average_net_salary": Decimal("1494.29"),
        "salary_source_year": 2025,
        "salary_source": "Statistični urad RS (SURS), povprečna mesečna neto plača 2025",
        "average_rent": Decimal("318.60"),
        "security_required": True,
        "security_terms": (
            "Varščina v višini treh mesečnih najemnin; plačilo v obrokih je mogoče "
            "s soglasjem najemodajalca (13. člen)."
        ),
        "own_share_required": False,
        "security_terms_en": (
            "A security of three months' rent; with the lessor's consent it may be "
            "paid in instalments (Art. 13)."
        ),
        "required_documents": DOCUMENTS,
        "required_documents_en": DOCUMENTS_EN,
        "salary_source_en": (
            "Statistical Office of the Republic of Slovenia (SURS), average monthly "
            "net salary 2025"
        ),
        "other_terms": (
            "Najemnina se lahko spremeni ob spremembi pogojev za dodelitev "
            "neprofitnega stanovanja (90. člen Stanovanjskega zakona)."
        ),
    }
    open_tender, new = _tender(
        lessor,
        "JSS-2026",
        title="Javni razpis za oddajo neprofitnih stanovanj v najem 2026",
        title_en="Public tender for renting non-profit dwellings 2026",
        status=TenderStatus.PUBLISHED,
        published_on=today - datetime.timedelta(days=10),
        deadline=_at(today + datetime.timedelta(days=35), 12),
        results_expected_on=today + datetime.timedelta(days=200),
        availability_note="Stanovanja bodo predvidoma na voljo v letih 2027 in 2028.",
        availability_note_en="The dwellings are expected to be available in 2027 and 2028.",
        dwellings_list_a=100,
        dwellings_list_b=50,
        tie_break=["large_family", "disability", "young_family"],
        **common,
    )
    if new:
        created += 1
        for position, (category, points, extra) in enumerate(CATEGORIES, start=1):
            TenderCategory.objects.create(
                tender=open_tender,
                category=category,
                points=points,
                position=position,
                **extra,
            )
        AdditionalCondition.objects.create(
            tender=open_tender,
            code="residence-5y",
            name="Stalno prebivališče na območju sklada vsaj 5 let",
            name_en="Permanent residence in the fund's area for at least 5 years",
            description="Potrdilo o stalnem prebivališču pridobi najemodajalec sam.",
            points=40,
            position=1,
        )
        for position, (kind, code, name, rule, dwellings) in enumerate(SUBLISTS, 1):
            SubList.objects.create(
                tender=open_tender,
                list_kind=kind,
                code=code,
                name=name,
                rule=rule,
                dwellings=dwellings,
                position=position,
            )
        event = TenderEvent.objects.create(
            tender=open_tender,
            from_status=TenderStatus.DRAFT,
            to_status=TenderStatus.PUBLISHED,
            by=published_by,
        )
        # ``at`` is auto_now_add: give the event the demo's date of publication.
        TenderEvent.objects.filter(pk=event.pk).update(
            at=_at(open_tender.published_on, 8)
        )
        created += len(CATEGORIES) + 1 + len(SUBLISTS) + 1

    closed_tender, new = _tender(
        lessor,
        "JSS-2025",
        title="Javni razpis za oddajo neprofitnih stanovanj v najem 2025",
        title_en="Public tender for renting non-profit dwellings 2025",
        status=TenderStatus.CLOSED,
        published_on=today - datetime.timedelta(days=300),
        deadline=_at(today - datetime.timedelta(days=240), 12),
        results_expected_on=today + datetime.timedelta(days=30),
        dwellings_list_a=60,
        dwellings_list_b=30,
        tie_break=["young_family"],
        **common,
    )
    if new:
        created += 1
        TenderCategory.objects.create(
            tender=closed_tender, category=Category.YOUNG_FAMILY, points=70, position=1
        )
        TenderCategory.objects.create(
            tender=closed_tender, category=Category.DISABILITY, points=80, position=2
        )
        for frm, to, by, at in [
            (
                TenderStatus.DRAFT,
                TenderStatus.PUBLISHED,
                published_by,
                _at(closed_tender.published_on, 8),
            ),
            (TenderStatus.PUBLISHED, TenderStatus.CLOSED, None, closed_tender.deadline),
        ]:
            event = TenderEvent.objects.create(
                tender=closed_tender, from_status=frm, to_status=to, by=by
            )
            TenderEvent.objects.filter(pk=event.pk).update(at=at)
        created += 4
    created += sublists_ensure(closed_tender)

    # An older tender whose priority lists are published (``applications.demo_seed``).
    older, new = _tender(
        lessor,
        "JSS-2024",
        title="Javni razpis za oddajo neprofitnih stanovanj v najem 2024",
        title_en="Public tender for renting non-profit dwellings 2024",
        status=TenderStatus.CLOSED,
        published_on=today - datetime.timedelta(days=700),
        deadline=_at(today - datetime.timedelta(days=640), 12),
        results_expected_on=today - datetime.timedelta(days=400),
        dwellings_list_a=60,
        dwellings_list_b=30,
        tie_break=["young_family", "disability"],
        **{
            **common,
            "average_net_salary": Decimal("1396.42"),
            "salary_source_year": 2023,
        },
    )
    if new:
        created += 1
        for position, category in enumerate(
            (Category.YOUNG_FAMILY, Category.DISABILITY, Category.LARGE_FAMILY), 1
        ):
            TenderCategory.objects.create(
                tender=older,
                category=category,
                points=60 + 10 * position,
                position=position,
            )
        for frm, to, by, at in [
            (
                TenderStatus.DRAFT,
                TenderStatus.PUBLISHED,
                published_by,
                _at(older.published_on, 8),
            ),
            (TenderStatus.PUBLISHED, TenderStatus.CLOSED, None, older.deadline),
        ]:
            event = TenderEvent.objects.create(
                tender=older, from_status=frm, to_status=to, by=by
            )
            TenderEvent.objects.filter(pk=event.pk).update(at=at)
        created += 5
    created += sublists_ensure(older)
    return created
