"""Seeded, varied, valid cases for the engine benchmark (and for trying the CLI by hand).

    python -m bench.make_cases 10000 > /tmp/cases.jsonl   # one assess case per line
    python -m scoring assess --jsonl /tmp/cases.jsonl > /dev/null

Every case is valid input: the same seed gives the same cases on every machine.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from typing import Any

PUBLISHED = date(2025, 9, 15)
AREA = "Ljubljana"
# JSS MOL's area: Ljubljana and five other municipalities.
AREA_MUNICIPALITIES = [
    AREA,
    "Brezovica",
    "Dobrova - Polhov Gradec",
    "Ig",
    "Medvode",
    "Škofljica",
]

TENDER: dict[str, Any] = {
    "rules": "SI-2004",
    "published_on": PUBLISHED.isoformat(),
    "average_net_salary": "1445.12",
    "area": AREA_MUNICIPALITIES,
    "admitted_citizenships": ["SI", "EU"],
    "priority_categories": {
        "young_family": 100,
        "youth": 60,
        "large_family": 80,
        "large_family_extra_child": 20,
        "disability": 90,
        "few_employed": 70,
        "long_service": 50,
        "important_profession": 50,
        "domestic_violence": 120,
        "war_victim": 60,
        "other:returnee": 50,
    },
    "tie_break": ["large_family", "young_family", "disability", "youth"],
    "additional_conditions": {
        "residence_10y": 60,
        "residence_5y": 40,
        "first_time": 30,
    },
    "separate_lists": True,
}

# JSS MOL's sub-lists (A1-A4, B1-B4), for the rank case.
SUB_LISTS: list[dict[str, Any]] = [
    {"code": f"{name}{number}", "list": name, "rule": rule, "dwellings": dwellings}
    for name in ("A", "B")
    for number, rule, dwellings in (
        (3, "wheelchair", 40),
        (4, "deaf_or_blind", 20),
        (1, "families", 3000),
        (2, "singles", 1500),
    )
]
SUB_LISTS[3]["cutoff"] = 250  # A2's cut-off set by the lessor

_FLAGS = (
    ("inappropriate_dwelling", 0.15),
    ("architectural_obstacles", 0.05),
    ("entrance_from_yard", 0.05),
    ("supports_member_over_65", 0.1),
    ("separated_from_minors", 0.03),
    ("single_parent", 0.12),
    ("illness_minor_due_to_housing", 0.04),
    ("illness_due_to_housing", 0.05),
    ("pregnancy", 0.06),
    ("domestic_violence_victim", 0.03),
    ("temporary_residence_in_shelter", 0.02),
    ("war_victim", 0.01),
    ("important_profession", 0.05),
    ("lost_housing_right_by_court", 0.01),
)
_STATUSES = ("1.1", "1.2", "1.2", "1.2", "1.3", "1.4", "1.4", "1.5", "1.6")


def _money(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def _born(rng: random.Random, min_age: int, max_age: int) -> str:
    days = rng.randrange(min_age * 365, max_age * 365 + 1)
    return (PUBLISHED - timedelta(days=days)).isoformat()


def _member(rng: random.Random, role: str) -> dict[str, Any]:
    adult = role in ("applicant", "spouse", "partner", "parent")
    if role == "parent":
        born = _born(rng, 55, 90)
    elif adult:
        born = _born(rng, 19, 70)
    else:
        born = _born(rng, 0, 25)
    employed = adult and rng.random() < 0.6
    return {
        "role": role,
        "birth_date": born,
        "sex": rng.choice("FFMMX" if role == "applicant" else "FM"),
        "citizenship": rng.choice(["SI"] * 17 + ["HR", "DE", "BA"]),
        "permanent_residence": (
            rng.choice(AREA_MUNICIPALITIES) if rng.random() < 0.95 else "Kranj"
        ),
        "employed": employed,
        "years_of_service": _money(rng, 0, 40) if adult else "0.00",
        "monthly_income": _money(rng, 500, 2600) if employed else _money(rng, 0, 500),
        "disability": rng.random() < 0.05,
        "institutional_care": rng.random() < 0.01,
        "wheelchair_user": rng.random() < 0.02,
        "needs_permanent_assistance": rng.random() < 0.01,
        "owns_dwelling": rng.random() < 0.01,
        "nonprofit_tenant": rng.random() < 0.005,
        "other_property_value": "0.00" if rng.random() < 0.9 else _money(rng, 0, 25000),
        "deaf_or_blind": rng.random() < 0.02,
    }


def make_application(rng: random.Random, number: int) -> dict[str, Any]:
    """One valid application with 1 to 8 members."""
    members = [_member(rng, "applicant")]
    if rng.random() < 0.55:
        members.append(_member(rng, rng.choice(["spouse", "partner"])))
    for _ in range(rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5])):
        members.append(_member(rng, "child"))
    if rng.random() < 0.05:
        members.append(_member(rng, "parent"))
    status = rng.choice(_STATUSES)
    n = len(members)
    area = None if status == "1.1" else _money(rng, 3 * n, 20 * n + 30)
    application: dict[str, Any] = {
        "code": f"LJ-2025-{number:06d}",
        "housing_status": status,
        "dwelling_area_m2": area,
    }
    application.update({name: rng.random() < p for name, p in _FLAGS})
    application["other_categories"] = ["other:returnee"] if rng.random() < 0.03 else []
    application["additional_conditions"] = [
        code for code in TENDER["additional_conditions"] if rng.random() < 0.3
    ]
    application["members"] = members
    return application


def make_cases(count: int, seed: int = 2025) -> list[dict[str, Any]]:
    """``count`` assess cases, all for the same tender."""
    rng = random.Random(seed)
    return [
        {"tender": TENDER, "application": make_application(rng, i)}
        for i in range(count)
    ]


def make_rank_case(count: int, seed: int = 2025) -> dict[str, Any]:
    """One rank case with ``count`` applications and JSS MOL's sub-lists."""
    rng = random.Random(seed)
    return {
        "tender": {**TENDER, "sub_lists": SUB_LISTS},
        "applications": [make_application(rng, i) for i in range(count)],
    }


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv else 1000
    seed = int(argv[1]) if len(argv) > 1 else 2025
    out = sys.stdout
    for case in make_cases(count, seed):
        out.write(json.dumps(case, separators=(",", ":")) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
