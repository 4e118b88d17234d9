"""review/verified.py: applying the commission's findings to the claimed case
(no database)."""

import pytest

from review.verified import apply_facts, claimed_facts, is_special_path, parse_path

CASE = {
    "code": "LJ-2026-00001",
    "housing_status": "1.2",
    "dwelling_area_m2": "40.00",
    "single_parent": True,
    "pregnancy": False,
    "lost_housing_right_by_court": False,
    "other_categories": ["other:young-researchers"],
    "additional_conditions": ["residence_10y"],
    "members": [
        {
            "role": "applicant",
            "birth_date": "1991-05-01",
            "monthly_income": "900.00",
            "employed": True,
            "disability": False,
            "owns_dwelling": False,
        }
    ],
}


def test_claimed_facts_take_claims_made_and_eligibility_noes():
    paths = dict(claimed_facts(CASE, [7]))
    assert paths["application.single_parent"] is True
    assert paths["application.lost_housing_right_by_court"] is False
    assert paths["members[7].owns_dwelling"] is False
    assert "application.pregnancy" not in paths
    assert "members[7].disability" not in paths
    assert paths["category:other:young-researchers"] is True
    assert paths["additional:residence_10y"] is True


def test_apply_rejections_and_corrections_leaves_the_claim_alone():
    result = apply_facts(
        CASE,
        [7],
        [
            ("application.single_parent", "rejected", None),
            ("category:other:young-researchers", "rejected", None),
            ("members[7].monthly_income", "corrected", "1000.00"),
            ("additional:residence_10y", "confirmed", None),
        ],
    )
    assert result["single_parent"] is False
    assert result["other_categories"] == []
    assert result["additional_conditions"] == ["residence_10y"]
    assert result["members"][0]["monthly_income"] == "1000.00"
    assert CASE["single_parent"] is True
    assert CASE["members"][0]["monthly_income"] == "900.00"


def test_status_corrected_to_1_1_drops_the_area():
    result = apply_facts(
        CASE, [7], [("application.housing_status", "corrected", "1.1")]
    )
    assert "dwelling_area_m2" not in result


@pytest.mark.parametrize(
    ("path", "special"),
    [
        ("application.pregnancy", True),
        ("members[3].disability", True),
        ("members[3].monthly_income", False),
        ("category:other:x", False),
    ],
)
def test_special_paths(path, special):
    assert is_special_path(path) is special


@pytest.mark.parametrize(
    "path", ["application.code", "members[x].role", "members[1].emso", "foo"]
)
def test_unknown_paths_are_refused(path):
    with pytest.raises(ValueError, match=r"."):
        parse_path(path)
