"""Editions: every number of the Rules as data, one module per edition."""

from __future__ import annotations

import ast
import types
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import EDITIONS
from scoring.engine.editions import Edition, _from_module, si_2004
from scoring.engine.eligibility import CONDITIONS
from scoring.engine.points import CATEGORY_TESTS

SI_2004 = EDITIONS["SI-2004"]
ENGINE = Path(__file__).resolve().parents[3] / "scoring" / "engine"


def test_the_registry_knows_si_2004() -> None:
    assert set(EDITIONS) == {"SI-2004"}
    assert SI_2004.id == "SI-2004"
    with pytest.raises(TypeError):
        EDITIONS["X"] = SI_2004  # type: ignore[index]


@pytest.mark.parametrize(
    ("n", "income", "exemption"),
    [
        (1, 200, 90),
        (2, 250, 135),
        (3, 315, 165),
        (4, 370, 195),
        (5, 425, 225),
        (6, 470, 255),
        (7, 495, 275),
        (8, 520, 295),
        (9, 545, 315),
        (12, 620, 375),
    ],
)
def test_income_and_exemption_limits(n: int, income: int, exemption: int) -> None:
    assert SI_2004.income_limit_percent_for(n) == income
    assert SI_2004.exemption_percent_for(n) == exemption


@pytest.mark.parametrize(
    ("n", "without", "with_share"),
    [
        (1, (20, 30), (20, 45)),
        (2, (30, 45), (30, 55)),
        (3, (45, 55), (45, 70)),
        (4, (55, 65), (55, 82)),
        (5, (65, 75), (65, 95)),
        (6, (75, 85), (75, 105)),
        (7, (81, 91), (81, 111)),
        (8, (87, 97), (87, 117)),
        (9, (93, 103), (93, 123)),
    ],
)
def test_spatial_standards(
    n: int, without: tuple[int, int], with_share: tuple[int, int]
) -> None:
    assert SI_2004.spatial_standard_for(n) == (without, with_share)


@pytest.mark.parametrize("method", ["income_limit_percent_for", "spatial_standard_for"])
def test_a_household_has_a_member(method: str) -> None:
    with pytest.raises(ValueError, match="at least one member"):
        getattr(SI_2004, method)(0)


def test_form_points() -> None:
    assert dict(SI_2004.points) == {
        "1.1": 180,
        "1.2": 140,
        "1.3": 130,
        "1.4": 120,
        "1.5": 120,
        "1.6": 160,
        "2.1": 30,
        "3.1": 20,
        "3.2": 15,
        "3.3": 10,
        "4.1": 50,
        "4.2": 10,
        "5.1": 30,
        "5.2": 30,
        "6.1": 60,
        "6.2": 40,
        "7.1": 80,
        "7.2": 60,
    }
    assert SI_2004.crowding_bands == ((4, "3.1"), (8, "3.2"), (12, "3.3"))


def test_property_and_additional_numbers() -> None:
    assert SI_2004.point_value_eur == Decimal("2.63")
    assert SI_2004.appropriate_dwelling_points == 320
    assert SI_2004.property_limit_percent == 40
    assert SI_2004.form_maximum_points == 450
    # Note to Art. 4: 25 % of 450 is 112.5, "the total sum may be exceeded by 112
    # points".
    assert SI_2004.additional_cap == SI_2004.form_maximum_points * 25 // 100 == 112
    assert SI_2004.additional_cap_percent == 25


def test_ages_and_thresholds() -> None:
    assert (SI_2004.minor_age, SI_2004.over_65_age) == (18, 65)
    assert (SI_2004.young_family_max_age, SI_2004.youth_max_age) == (35, 30)
    assert dict(SI_2004.long_service_years) == {"F": 12, "M": 13, "X": 13}
    assert SI_2004.long_service_statuses == ("1.1", "1.2")
    assert SI_2004.large_family_min_minors == 3
    assert SI_2004.few_employed_min_members == 3
    assert SI_2004.category_points_range == (50, 150)
    assert SI_2004.extra_child_points_range == (1, 150)
    assert SI_2004.category_points_bounds("youth") == (50, 150)
    assert SI_2004.category_points_bounds("large_family_extra_child") == (1, 150)


def test_eu_member_states() -> None:
    states = set(SI_2004.eu_member_states)
    assert len(states) == len(SI_2004.eu_member_states) == 27
    assert {"SI", "HR", "DE", "GR", "CY", "MT"} <= states
    assert not {"GB", "EL", "CH", "NO"} & states


def test_every_category_of_an_edition_has_a_test_in_the_engine() -> None:
    for edition in EDITIONS.values():
        implemented = set(CATEGORY_TESTS) | {"large_family_extra_child"}
        assert set(edition.category_codes) == implemented


def test_every_status_and_item_has_points_and_a_band_item() -> None:
    statuses = SI_2004.housing_statuses
    assert statuses == ("1.1", "1.2", "1.3", "1.4", "1.5", "1.6")
    assert SI_2004.status_without_dwelling == "1.1"
    for _, item in SI_2004.crowding_bands:
        assert item in SI_2004.points


def test_a_module_that_leaves_a_number_out_is_refused() -> None:
    partial = types.ModuleType("partial")
    for name in dir(si_2004):
        if name.isupper() and name != "ADDITIONAL_CAP_PERCENT":
            setattr(partial, name, getattr(si_2004, name))
    with pytest.raises(ImportError, match="ADDITIONAL_CAP_PERCENT"):
        _from_module(partial)


def test_an_edition_is_frozen() -> None:
    with pytest.raises(AttributeError):
        SI_2004.additional_cap = 200  # type: ignore[misc]
    assert isinstance(SI_2004, Edition)


def test_conditions_are_in_article_order() -> None:
    assert [c for _, c in CONDITIONS] == [
        "citizenship",
        "residence",
        "other_dwelling",
        "property",
        "income",
        "court_loss",
    ]


@pytest.mark.parametrize(
    "module", ["points.py", "eligibility.py", "ranking.py", "run.py"]
)
def test_scoring_modules_hold_no_numbers_of_the_rules(module: str) -> None:
    # Every number of the Rules lives in the edition; the scoring code may count (0, 1),
    # and work in cents and hundredths of a percent (run.py), nothing else.
    # Positions in a tuple (entry[-2]) are structure, not numbers of the Rules.
    tree = ast.parse((ENGINE / module).read_text(encoding="utf-8"))
    indices = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        for inner in ast.walk(node.slice)
    }
    numbers = {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and id(node) not in indices
    }
    # run.py: precision (60 digits), cents and hundredths of a percent.
    allowed = {0, 1, 2, 60, 100, 20000} if module == "run.py" else {0, 1}
    assert numbers <= allowed
