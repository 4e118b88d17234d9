"""Builders for engine tests: valid cases as JSON dicts and as dataclasses, with
overrides.

Defaults: a tender of the Rules of 2004 published on 2025-09-15 in Kranj, an average net
salary of EUR 1000.00 (so a limit of P % is exactly EUR 10 x P), no priority categories
and no additional conditions unless asked; an application with status 1.4 (120 points),
no dwelling area problems (40 m2), every flag false, and one applicant: a man born
1980-01-01, SI citizen resident in Kranj, employed, EUR 1000.00 a month, nothing owned.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from scoring.engine import (
    ApplicationFacts,
    Assessment,
    Member,
    PointValue,
    ScoreLine,
    SpatialStandard,
    TenderRules,
)

PUBLISHED_ON = date(2025, 9, 15)

TENDER_JSON: dict[str, Any] = {
    "rules": "SI-2004",
    "published_on": "2025-09-15",
    "average_net_salary": "1000.00",
    "area": "Kranj",
    "admitted_citizenships": ["SI", "EU"],
    "priority_categories": {},
    "tie_break": [],
    "additional_conditions": {},
    "separate_lists": True,
}

MEMBER_JSON: dict[str, Any] = {
    "role": "applicant",
    "birth_date": "1980-01-01",
    "sex": "M",
    "citizenship": "SI",
    "permanent_residence": "Kranj",
    "employed": True,
    "years_of_service": "20.00",
    "monthly_income": "1000.00",
    "disability": False,
    "institutional_care": False,
    "wheelchair_user": False,
    "needs_permanent_assistance": False,
    "owns_dwelling": False,
    "nonprofit_tenant": False,
    "other_property_value": "0.00",
}

APPLICATION_JSON: dict[str, Any] = {
    "code": "T-0001",
    "housing_status": "1.4",
    "dwelling_area_m2": "40.00",
    "inappropriate_dwelling": False,
    "architectural_obstacles": False,
    "entrance_from_yard": False,
    "supports_member_over_65": False,
    "separated_from_minors": False,
    "single_parent": False,
    "illness_minor_due_to_housing": False,
    "illness_due_to_housing": False,
    "pregnancy": False,
    "domestic_violence_victim": False,
    "temporary_residence_in_shelter": False,
    "war_victim": False,
    "important_profession": False,
    "other_categories": [],
    "additional_conditions": [],
    "lost_housing_right_by_court": False,
    "members": [MEMBER_JSON],
}


def member_json(**overrides: Any) -> dict[str, Any]:
    """A member as JSON (the default applicant), with fields replaced."""
    return {**copy.deepcopy(MEMBER_JSON), **overrides}


def tender_json(**overrides: Any) -> dict[str, Any]:
    """A tender as JSON, with fields replaced."""
    return {**copy.deepcopy(TENDER_JSON), **overrides}


def application_json(**overrides: Any) -> dict[str, Any]:
    """An application as JSON, with fields replaced."""
    return {**copy.deepcopy(APPLICATION_JSON), **overrides}


def case_json(
    tender: dict[str, Any] | None = None, application: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A valid ``assess`` case (deep copies; change them freely)."""
    return {
        "tender": tender if tender is not None else tender_json(),
        "application": application if application is not None else application_json(),
    }


def member(**overrides: Any) -> Member:
    """A member dataclass (the default applicant); dates and amounts may be strings."""
    values: dict[str, Any] = {
        "role": "applicant",
        "birth_date": date(1980, 1, 1),
        "sex": "M",
        "citizenship": "SI",
        "permanent_residence": "Kranj",
        "employed": True,
        "years_of_service": Decimal("20.00"),
        "monthly_income": Decimal("1000.00"),
        "disability": False,
        "institutional_care": False,
        "wheelchair_user": False,
        "needs_permanent_assistance": False,
        "owns_dwelling": False,
        "nonprofit_tenant": False,
        "other_property_value": Decimal("0.00"),
    }
    values.update(overrides)
    for name in ("years_of_service", "monthly_income", "other_property_value"):
        if isinstance(values[name], str | int):
            values[name] = Decimal(values[name])
    if isinstance(values["birth_date"], str):
        values["birth_date"] = date.fromisoformat(values["birth_date"])
    return Member(**values)


def child(born: date | str, **overrides: Any) -> Member:
    """A member with role child, no income, born on ``born``."""
    return member(
        role="child",
        birth_date=born,
        employed=False,
        years_of_service="0.00",
        monthly_income="0.00",
        **overrides,
    )


def tender(**overrides: Any) -> TenderRules:
    """A tender dataclass; amounts and dates may be strings."""
    values: dict[str, Any] = {
        "rules": "SI-2004",
        "published_on": PUBLISHED_ON,
        "average_net_salary": Decimal("1000.00"),
        "area": "Kranj",
        "admitted_citizenships": ("SI", "EU"),
        "priority_categories": {},
        "tie_break": (),
        "additional_conditions": {},
        "separate_lists": True,
        "point_value": None,
    }
    values.update(overrides)
    if isinstance(values["average_net_salary"], str):
        values["average_net_salary"] = Decimal(values["average_net_salary"])
    if isinstance(values["published_on"], str):
        values["published_on"] = date.fromisoformat(values["published_on"])
    if isinstance(values["point_value"], str):
        values["point_value"] = PointValue(
            Decimal(values["point_value"]), values["published_on"]
        )
    return TenderRules(**values)


def application(*members: Member, **overrides: Any) -> ApplicationFacts:
    """An application dataclass; the members default to the default applicant alone."""
    values: dict[str, Any] = {
        "code": "T-0001",
        "housing_status": "1.4",
        "dwelling_area_m2": Decimal("40.00"),
        "inappropriate_dwelling": False,
        "architectural_obstacles": False,
        "entrance_from_yard": False,
        "supports_member_over_65": False,
        "separated_from_minors": False,
        "single_parent": False,
        "illness_minor_due_to_housing": False,
        "illness_due_to_housing": False,
        "pregnancy": False,
        "domestic_violence_victim": False,
        "temporary_residence_in_shelter": False,
        "war_victim": False,
        "important_profession": False,
        "other_categories": (),
        "additional_conditions": (),
        "lost_housing_right_by_court": False,
        "members": members or (member(),),
    }
    values.update(overrides)
    if isinstance(values["dwelling_area_m2"], str):
        values["dwelling_area_m2"] = Decimal(values["dwelling_area_m2"])
    return ApplicationFacts(**values)


def with_members(app: ApplicationFacts, *members: Member) -> ApplicationFacts:
    """The application with these members added."""
    return replace(app, members=(*app.members, *members))


def assessment(
    code: str,
    total: int,
    *,
    categories: tuple[str, ...] = (),
    eligible: bool = True,
    list_: str = "A",
) -> Assessment:
    """A bare assessment for ranking tests: ``total`` points, lines for
    ``categories``."""
    lines = tuple(ScoreLine(c, 50, "Form III; Art. 6", 50) for c in categories)
    return Assessment(
        code=code,
        edition="SI-2004",
        point_value=Decimal("2.63"),
        eligible=eligible,
        ineligible_reasons=(),
        list=list_,
        household_size=1,
        household_monthly_income=Decimal("0.00"),
        income_percent=Decimal("0.00"),
        income_limit_percent=200,
        exemption_limit_percent=90,
        property_limit=Decimal("15148.80"),
        items=lines,
        form_points=total,
        priority_points=0,
        additional_points=0,
        total=total,
        spatial_standard=SpatialStandard((20, 30), (20, 45)),
    )
