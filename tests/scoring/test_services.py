"""scoring/services.py: the engine's inputs built from ORM rows, its messages translated."""

from __future__ import annotations

from django.utils import translation

import pytest

from housing.models import Municipality
from scoring.services import rules_categories, tender_rules, tender_rules_errors
from tenders.models import SubList as SubListRow
from tests.tenders.factories import TenderCategoryFactory, TenderFactory

pytestmark = pytest.mark.django_db


def _tender(**kwargs):
    tender = TenderFactory(**kwargs)
    TenderCategoryFactory(tender=tender, category="young_family", points=80)
    return tender


def _serve(tender, *names: str) -> None:
    for name in names:
        municipality, _ = Municipality.objects.get_or_create(name=name)
        tender.lessor.municipalities.add(municipality)


def test_the_area_is_the_names_of_the_municipalities_the_lessor_serves():
    tender = _tender()
    _serve(tender, "Medvode", "Ig", "Brezovica")
    rules = tender_rules(tender)
    assert rules.area == ("Brezovica", "Ig", "Ljubljana", "Medvode")
    assert tender.lessor.name not in rules.area
    assert tender_rules_errors(tender) == []


def test_a_lessor_serving_no_municipality_is_refused():
    tender = _tender()
    tender.lessor.municipalities.clear()
    assert tender_rules(tender).area == ()
    assert tender_rules_errors(tender, "en") == [
        ("tender.area", "must name at least one municipality (the lessor's area)")
    ]


@pytest.mark.parametrize(
    ("rule", "engine_rule"),
    [
        ("families", "families"),
        ("single_persons", "singles"),
        ("wheelchair", "wheelchair"),
        ("deaf_or_blind", "deaf_or_blind"),
        ("all_others", "all"),
    ],
)
def test_sub_list_rules_are_mapped(rule, engine_rule):
    tender = _tender(separate_lists=True)
    SubListRow.objects.create(
        tender=tender, list_kind="B", code="B1", name="x", rule=rule, dwellings=4
    )
    (sub,) = tender_rules(tender).sub_lists
    assert (sub.code, sub.list, sub.rule, sub.dwellings, sub.cutoff) == (
        "B1",
        "B",
        engine_rule,
        4,
        None,
    )
    assert tender_rules_errors(tender) == []


def test_sub_lists_keep_the_tenders_order_and_join_one_list_when_not_separated():
    tender = _tender(separate_lists=False)
    for code, rule, position in (
        ("A2", "all_others", 2),
        ("A1", "families", 1),
        ("A3", "wheelchair", 0),
    ):
        SubListRow.objects.create(
            tender=tender,
            list_kind="A",
            code=code,
            name=code,
            rule=rule,
            dwellings=1,
            position=position,
        )
    subs = tender_rules(tender).sub_lists
    assert [(s.code, s.rule) for s in subs] == [
        ("A3", "wheelchair"),
        ("A1", "families"),
        ("A2", "all"),
    ]
    assert {s.list for s in subs} == {"all"}


def test_an_unknown_sub_list_rule_is_refused_not_guessed():
    tender = _tender()
    SubListRow.objects.create(
        tender=tender,
        list_kind="A",
        code="A1",
        name="x",
        rule="pensioners",
        dwellings=1,
    )
    assert [p for p, _ in tender_rules_errors(tender)] == ["tender.sub_lists[0].rule"]


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("sl", "mora biti med 50 in 150"),
        ("sl-si", "mora biti med 50 in 150"),
        ("en", "must be between 50 and 150"),
        ("de", "must be between 50 and 150"),
    ],
)
def test_errors_come_in_the_active_language(language, expected):
    tender = _tender()
    TenderCategoryFactory(tender=tender, category="youth", points=20)
    with translation.override(language):
        assert tender_rules_errors(tender) == [
            ("tender.priority_categories.youth", expected)
        ]
    assert tender_rules_errors(tender, language) == [
        ("tender.priority_categories.youth", expected)
    ]


def test_rules_categories_lists_every_category_of_the_rules():
    codes = rules_categories("SI-2004")
    assert codes[0] == "young_family"
    assert {"large_family_extra_child", "war_victim", "domestic_violence"} <= set(codes)
    assert len(codes) == 10
    with pytest.raises(KeyError):
        rules_categories("SI-1999")
