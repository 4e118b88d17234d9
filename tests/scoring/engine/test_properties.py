"""Properties that hold for every valid input (Hypothesis)."""

from __future__ import annotations

import contextlib
import copy
import random
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.engine import (
    SUB_LIST_RULES,
    ApplicationFacts,
    InvalidFacts,
    Member,
    SubList,
    TenderRules,
    assess,
    rank,
)
from scoring.engine.household import TenderContext, birthday
from scoring.engine.jsonio import assessment_json, read_assess, read_rank
from tests.scoring.engine.builders import case_json, child, tender_json

SETTINGS = settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
PUBLISHED = date(2025, 9, 15)
CATEGORY_CODES = [
    "young_family",
    "youth",
    "large_family",
    "disability",
    "few_employed",
    "long_service",
    "important_profession",
    "domestic_violence",
    "war_victim",
    "other:returnee",
]


def amounts(high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(0, high * 100).map(lambda cents: Decimal(cents).scaleb(-2))


@st.composite
def tenders(draw: st.DrawFn) -> TenderRules:
    used = draw(st.lists(st.sampled_from(CATEGORY_CODES), unique=True))
    categories = {code: draw(st.integers(50, 150)) for code in used}
    if "large_family" in categories and draw(st.booleans()):
        categories["large_family_extra_child"] = draw(st.integers(1, 150))
    tie_break = draw(
        st.lists(st.sampled_from(sorted(categories) or ["x"]), unique=True)
    )
    conditions = draw(
        st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.integers(0, 120))
    )
    separate = draw(st.booleans())
    return TenderRules(
        rules="SI-2004",
        published_on=PUBLISHED,
        average_net_salary=draw(amounts(3000).filter(lambda d: d > 0)),
        area=draw(st.sampled_from(["Kranj", ("Kranj",), ("Bled", " kranj ")])),
        admitted_citizenships=("SI", "EU"),
        priority_categories=categories,
        tie_break=tuple(c for c in tie_break if c in categories),
        additional_conditions=conditions,
        separate_lists=separate,
        sub_lists=draw(sub_lists(separate)),
    )


def sub_lists(separate: bool) -> st.SearchStrategy[tuple[SubList, ...]]:
    names = ["A", "B"] if separate else ["all"]
    one = st.tuples(
        st.sampled_from(names),
        st.sampled_from(SUB_LIST_RULES),
        st.integers(0, 6),
        st.none() | st.integers(0, 400),
    )
    return st.lists(one, max_size=6).map(
        lambda specs: tuple(
            SubList(f"S{i}", name, rule, dwellings, cutoff)
            for i, (name, rule, dwellings, cutoff) in enumerate(specs)
        )
    )


def random_member(rng: random.Random, role: str) -> Member:
    """A member from a seeded generator: many per example, cheaply (see rank_cases)."""
    flags = {
        name: rng.random() < 0.08
        for name in (
            "disability",
            "institutional_care",
            "wheelchair_user",
            "needs_permanent_assistance",
            "owns_dwelling",
            "nonprofit_tenant",
        )
    }
    return Member(
        role=role,
        birth_date=PUBLISHED - timedelta(days=rng.randrange(0, 90 * 365)),
        sex=rng.choice("FMX"),
        citizenship=rng.choice(["SI", "SI", "SI", "DE", "US"]),
        permanent_residence=rng.choice(["Kranj"] * 5 + ["Bled"]),
        employed=rng.random() < 0.5,
        years_of_service=Decimal(rng.randrange(0, 4000)).scaleb(-2),
        monthly_income=Decimal(rng.randrange(0, 200000)).scaleb(-2),
        other_property_value=Decimal(
            rng.choice([0, 0, rng.randrange(0, 3000000)])
        ).scaleb(-2),
        deaf_or_blind=rng.random() < 0.08,
        business_property_value=Decimal(
            rng.choice([0, 0, 0, rng.randrange(0, 8000000)])
        ).scaleb(-2),
        **flags,
    )


def random_application(
    rng: random.Random, tender: TenderRules, code: str
) -> ApplicationFacts:
    """A valid application from a seeded generator."""
    status = rng.choice(["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"])
    roles = ["spouse", "child", "child", "child", "parent"]
    others = [random_member(rng, rng.choice(roles)) for _ in range(rng.randrange(0, 6))]
    defined = [c for c in tender.priority_categories if c.startswith("other:")]
    return ApplicationFacts(
        code=code,
        housing_status=status,
        dwelling_area_m2=None
        if status == "1.1"
        else Decimal(rng.randrange(500, 12000)).scaleb(-2),
        inappropriate_dwelling=rng.random() < 0.2,
        architectural_obstacles=rng.random() < 0.2,
        entrance_from_yard=rng.random() < 0.2,
        supports_member_over_65=rng.random() < 0.3,
        separated_from_minors=rng.random() < 0.1,
        single_parent=rng.random() < 0.2,
        illness_minor_due_to_housing=rng.random() < 0.1,
        illness_due_to_housing=rng.random() < 0.1,
        pregnancy=rng.random() < 0.1,
        domestic_violence_victim=rng.random() < 0.1,
        temporary_residence_in_shelter=rng.random() < 0.1,
        war_victim=rng.random() < 0.1,
        important_profession=rng.random() < 0.1,
        other_categories=tuple(c for c in defined if rng.random() < 0.5),
        additional_conditions=tuple(
            c for c in tender.additional_conditions if rng.random() < 0.5
        ),
        lost_housing_right_by_court=rng.random() < 0.05,
        members=(random_member(rng, "applicant"), *others),
        disability_aids_monthly=Decimal(
            rng.choice([0, 0, rng.randrange(0, 50000)])
        ).scaleb(-2),
        violence_co_ownership_unusable=rng.random() < 0.1,
    )


@st.composite
def cases(draw: st.DrawFn) -> tuple[TenderRules, ApplicationFacts]:
    # A structured tender and a seeded application: drawing each of an application's
    # hundred-odd fields through Hypothesis costs tens of milliseconds per example.
    t = draw(tenders())
    return t, random_application(random.Random(draw(st.integers(0, 2**32))), t, "A-1")


@st.composite
def rank_cases(draw: st.DrawFn) -> tuple[TenderRules, list[ApplicationFacts]]:
    # Applications come from a seeded generator: a Hypothesis draw per field of up to a
    # dozen applications would make each example slow; the tender stays structured.
    t = draw(tenders())
    rng = random.Random(draw(st.integers(0, 2**32)))
    count = draw(st.integers(0, 14))
    # Few distinct totals, so that ties (and the tie-break chain) are common.
    apps = [random_application(rng, t, f"C-{i:02}") for i in range(count)]
    return t, apps


@SETTINGS
@given(cases())
def test_total_is_the_sum_of_the_lines(
    case: tuple[TenderRules, ApplicationFacts],
) -> None:
    t, app = case
    result = assess(t, app)
    assert result.total == sum(line.points for line in result.items)
    assert (
        result.total
        == result.form_points + result.priority_points + result.additional_points
    )
    codes = [line.code for line in result.items]
    assert len(codes) == len(set(codes))


@SETTINGS
@given(cases())
def test_no_points_are_negative_and_the_cap_holds(
    case: tuple[TenderRules, ApplicationFacts],
) -> None:
    t, app = case
    result = assess(t, app)
    assert all(line.points > 0 for line in result.items)
    assert all(line.claimed_points >= line.points for line in result.items)
    assert 0 <= result.additional_points <= 112
    assert (
        min(result.form_points, result.priority_points, result.additional_points) >= 0
    )


@SETTINGS
@given(cases(), st.dates(PUBLISHED - timedelta(days=6570), PUBLISHED), st.booleans())
def test_adding_a_minor_never_lowers_the_form_points(
    case: tuple[TenderRules, ApplicationFacts], born: date, wheelchair: bool
) -> None:
    t, app = case
    before = assess(t, app)
    kid = child(born, wheelchair_user=wheelchair)
    after = assess(t, replace(app, members=(*app.members, kid)))
    assert after.form_points >= before.form_points
    assert after.household_size == before.household_size + 1


@SETTINGS
@given(cases())
def test_income_eligibility_compares_exact_amounts(
    case: tuple[TenderRules, ApplicationFacts],
) -> None:
    t, app = case
    result = assess(t, app)
    income = sum((m.monthly_income for m in app.members), Decimal(0))
    income = max(income - app.disability_aids_monthly, Decimal(0))  # note to Art. 3
    assert result.household_monthly_income == income
    within = income * 100 <= result.income_limit_percent * t.average_net_salary
    assert (
        ("3(1)", "income")
        not in {(r.article, r.condition) for r in result.ineligible_reasons}
    ) is within
    exempt = income * 100 <= result.exemption_limit_percent * t.average_net_salary
    assert (result.list == "A") is exempt


@SETTINGS
@given(rank_cases())
def test_rank_is_a_permutation_of_the_eligible_ordered_and_fair(
    case: tuple[TenderRules, list[ApplicationFacts]],
) -> None:
    t, apps = case
    ranking = rank(t, apps)
    by_code = {app.code: assess(t, app) for app in apps}
    eligible = {code for code, a in by_code.items() if a.eligible}
    listed = [e.code for entries in ranking.lists.values() for e in entries]
    assert sorted(listed) == sorted(eligible)
    assert list(ranking.ineligible) == sorted(set(by_code) - eligible)
    assert set(ranking.lists) == ({"A", "B"} if t.separate_lists else {"all"})

    def key(code: str) -> tuple[int, tuple[bool, ...]]:
        lines = {line.code for line in by_code[code].items}
        return by_code[code].total, tuple(c in lines for c in t.tie_break)

    for name, entries in ranking.lists.items():
        if name in ("A", "B"):
            assert all(by_code[e.code].list == name for e in entries)
        totals = [e.total for e in entries]
        assert totals == sorted(totals, reverse=True)
        for i, entry in enumerate(entries):
            assert entry.total == by_code[entry.code].total
            if i == 0:
                assert entry.rank == 1
                continue
            previous = entries[i - 1]
            if key(entry.code) == key(previous.code):
                assert entry.rank == previous.rank
                assert entry.code > previous.code
            else:
                assert entry.rank == i + 1
                assert (
                    key(entry.code) < key(previous.code) or entry.total < previous.total
                )


@SETTINGS
@given(
    st.dates(date(1901, 1, 1), date(2200, 12, 31)),
    st.dates(date(1800, 1, 1), date(2200, 12, 31)),
)
def test_precomputed_age_thresholds_match_the_birthday_definitions(
    reference: date, born: date
) -> None:
    context = TenderContext(
        TenderRules(
            rules="SI-2004",
            published_on=reference,
            average_net_salary=Decimal("1000.00"),
            area="Kranj",
            admitted_citizenships=("SI",),
            priority_categories={},
            tie_break=(),
            additional_conditions={},
            separate_lists=False,
        )
    )
    assert (born > context.minor_born_after) is (birthday(born, 18) > reference)
    assert (born <= context.over_65_born_by) is (birthday(born, 65) < reference)


# --- the validator never crashes ---------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(allow_nan=False)
    | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=30,
)


def _reads_or_refuses(doc: Any) -> None:
    try:
        t, app = read_assess(doc)
    except InvalidFacts as exc:
        errors = exc.errors
    else:
        # What the JSON layer accepts, the engine scores without complaint.
        assessment_json(assess(t, app))
        return
    assert errors
    assert all(isinstance(p, str) and isinstance(m, str) for p, m in errors)


@SETTINGS
@given(json_values)
def test_the_validator_never_crashes_on_any_json(doc: Any) -> None:
    _reads_or_refuses(doc)
    with contextlib.suppress(InvalidFacts):
        read_rank(doc)


def _containers(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(doc, dict):
        for key, value in doc.items():
            found += _containers(value, (*path, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            found += _containers(value, (*path, i))
    return found


def _get(doc: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        doc = doc[step]
    return doc


@st.composite
def mutated_cases(draw: st.DrawFn) -> Any:
    doc = case_json(
        tender=tender_json(priority_categories={"youth": 60, "large_family": 80})
    )
    doc["application"]["members"].append(
        copy.deepcopy(doc["application"]["members"][0])
    )
    doc["application"]["members"][1]["role"] = "child"
    doc["application"]["members"][1]["birth_date"] = "2015-05-05"
    for _ in range(draw(st.integers(1, 3))):
        paths = _containers(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            continue
        parent, last = _get(doc, path[:-1]), path[-1]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[last] = draw(
                json_values
                | st.sampled_from(["1.1", "2025-02-29", "-1", "SI", "child", 0])
            )
        elif action == "delete":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=6))] = draw(json_values)
        else:
            parent.append(draw(json_values))
    return doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_cases())
def test_the_validator_never_crashes_on_mutated_cases(doc: Any) -> None:
    _reads_or_refuses(doc)


calendar_ends = st.sampled_from(
    [date.min, date(1900, 1, 1), date(2999, 12, 31), date(3000, 1, 1), date.max]
)


@SETTINGS
@given(
    st.one_of(st.dates(), calendar_ends),
    st.integers(min_value=0, max_value=120 * 366),
)
def test_any_calendar_dates_are_assessed_or_refused_never_crash(
    published_on: date, days_before: int
) -> None:
    # The last days of year 9999 once crashed the engine (a derived date past 9999).
    room = (published_on - date.min).days
    born = published_on - timedelta(days=min(days_before, room))
    doc = case_json(tender=tender_json(published_on=published_on.isoformat()))
    doc["application"]["members"][0]["birth_date"] = born.isoformat()
    _reads_or_refuses(doc)


# --- the checks' fast paths agree with the worded checks --------------------------------

member_values = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["applicant", "child", "king", "", 3, None]),
        "birth_date": st.one_of(
            st.dates(date(1900, 1, 1), date(2030, 1, 1)),
            st.just("2000-01-01"),
            st.none(),
        ),
        "sex": st.sampled_from(["F", "M", "X", "f", 1]),
        "citizenship": st.sampled_from(["SI", "IP", "EU", "XX", "si", 5, ["SI"]]),
        "permanent_residence": st.sampled_from(["Kranj", "", "  ", None]),
        "employed": st.sampled_from([True, False, 1, 0, None]),
        "years_of_service": st.one_of(
            st.decimals(allow_nan=True, allow_infinity=True), st.floats(), st.none()
        ),
        "monthly_income": st.one_of(
            st.decimals(places=2, min_value=-5, max_value=10**19)
        ),
        "disability": st.sampled_from([True, False, 1]),
        "institutional_care": st.booleans(),
        "wheelchair_user": st.booleans(),
        "needs_permanent_assistance": st.sampled_from([False, "yes"]),
        "owns_dwelling": st.booleans(),
        "nonprofit_tenant": st.booleans(),
        "other_property_value": st.decimals(places=3, min_value=-1, max_value=10**5),
    }
)


@SETTINGS
@given(st.lists(member_values, min_size=0, max_size=3), st.sampled_from(["1.1", "1.2"]))
def test_assess_and_rank_refuse_exactly_what_the_checks_refuse(
    values: list[dict[str, Any]], status: str
) -> None:
    from scoring.engine import application_problems

    t = TenderRules(
        rules="SI-2004",
        published_on=PUBLISHED,
        average_net_salary=Decimal("1000.00"),
        area="Kranj",
        admitted_citizenships=("SI", "EU"),
        priority_categories={"youth": 50},
        tie_break=(),
        additional_conditions={},
        separate_lists=True,
    )
    app = ApplicationFacts(
        code="P-1",
        housing_status=status,
        dwelling_area_m2=None if status == "1.1" else Decimal("40.00"),
        inappropriate_dwelling=False,
        architectural_obstacles=False,
        entrance_from_yard=False,
        supports_member_over_65=True,
        separated_from_minors=False,
        single_parent=False,
        illness_minor_due_to_housing=False,
        illness_due_to_housing=False,
        pregnancy=False,
        domestic_violence_victim=False,
        temporary_residence_in_shelter=False,
        war_victim=False,
        important_profession=False,
        other_categories=(),
        additional_conditions=(),
        lost_housing_right_by_court=False,
        members=tuple(Member(**v) for v in values),
    )
    expected = [(p.path, p.message()) for p in application_problems(t, app)]
    try:
        assess(t, app)
    except InvalidFacts as exc:
        refused = exc.errors
    else:
        refused = []
    assert refused == expected
    try:
        rank(t, [app])
    except InvalidFacts as exc:
        ranked = [
            (p.replace("applications[0]", "application", 1), m) for p, m in exc.errors
        ]
    else:
        ranked = []
    assert ranked == expected


@SETTINGS
@given(rank_cases())
def test_every_eligible_application_is_in_one_sub_list_of_its_list_or_unassigned(
    case: tuple[TenderRules, list[ApplicationFacts]],
) -> None:
    t, apps = case
    ranking = rank(t, apps)
    if not t.sub_lists:
        assert ranking.sub_lists == {}
        assert ranking.unassigned == ()
        return
    list_of = {e.code: name for name, es in ranking.lists.items() for e in es}
    places: dict[str, list[str]] = {code: [] for code in list_of}
    for code, sub in ranking.sub_lists.items():
        assert sub.list == next(s.list for s in t.sub_lists if s.code == code)
        for entry in sub.entries:
            places[entry.code].append(sub.list)
    for code in ranking.unassigned:
        places[code].append("unassigned")
    assert list(ranking.sub_lists) == [s.code for s in t.sub_lists]
    for code, where in places.items():
        assert len(where) == 1, (code, where)
        assert where[0] in (list_of[code], "unassigned")
    assert list(ranking.unassigned) == sorted(ranking.unassigned)
    # Each sub-list keeps its list's order; ranks restart at 1.
    for sub in ranking.sub_lists.values():
        order = [e.code for e in ranking.lists[sub.list]]
        codes = [e.code for e in sub.entries]
        assert codes == sorted(codes, key=order.index)
        if sub.entries:
            assert sub.entries[0].rank == 1
        for e in sub.entries:
            assert e.within is (sub.cutoff is not None and e.total >= sub.cutoff)


@SETTINGS
@given(rank_cases(), st.integers(0, 15), st.integers(0, 15))
def test_raising_a_sub_lists_dwellings_never_raises_its_cutoff(
    case: tuple[TenderRules, list[ApplicationFacts]], fewer: int, more: int
) -> None:
    t, apps = case
    if not t.sub_lists:
        return
    fewer, more = sorted((fewer, more))

    def cutoffs(dwellings: int) -> dict[str, float]:
        subs = tuple(replace(s, dwellings=dwellings, cutoff=None) for s in t.sub_lists)
        ranking = rank(replace(t, sub_lists=subs), apps)
        # No cut-off (no dwellings, or nobody) lets nobody in: above every total.
        return {
            code: float("inf") if sub.cutoff is None else sub.cutoff
            for code, sub in ranking.sub_lists.items()
        }

    low, high = cutoffs(fewer), cutoffs(more)
    for code in low:
        assert high[code] <= low[code]
