"""Tender forms only parse: types, choices and formats. The rules are the services'
(tests/tenders/test_services.py)."""

from django.utils import translation

import pytest

from housing.models import Lessor
from tenders.forms import (
    AdditionalConditionForm,
    AmendmentNoticeForm,
    SubListForm,
    TenderCategoryForm,
    TenderForm,
    TieBreakForm,
)
from tests.tenders.factories import TenderCategoryFactory, TenderFactory

pytestmark = pytest.mark.django_db


def tender_data(lessor, **overrides):
    data = {
        "lessor": lessor.pk,
        "title": "38. javni razpis",
        "code": "LJ-2026",
        "rules_edition": "SI-2004",
        "published_on": "2026-12-01",
        "deadline": "2027-01-15T12:00",
        "amendment_days": 15,
        "results_expected_on": "2027-05-01",
        "average_net_salary": "1445.12",
        "salary_source_year": 2025,
        "salary_source": "SURS",
        "point_value": "2.63",
        "admits_eu_citizens": "on",
        "separate_lists": "on",
        "dwellings_list_a": 100,
        "dwellings_list_b": 50,
        "security_required": "on",
        "security_terms": "Tri mesečne najemnine.",
        "average_rent": "312.40",
        "rent_regulations": "Uredba ...",
        "required_documents": "Potrdilo o dohodkih",
    }
    data.update(overrides)
    return data


def test_valid_tender_form(lessor_x):
    form = TenderForm(tender_data(lessor_x), lessors=Lessor.objects.all())
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"average_net_salary": "-1"},
            "average_net_salary",
            "Ensure this value is greater than or equal to 0.01.",
        ),
        ({"amendment_days": 3}, "amendment_days", "greater than or equal to 8"),
        (
            {"deadline": "31.02.2027 12:00"},
            "deadline",
            "Enter the deadline as a real date",
        ),
        ({"dwellings_list_a": "9200000000000000000"}, "dwellings_list_a", "less than"),
        ({"other_terms": "x" * 10_001}, "other_terms", "at most 10000 characters"),
        ({"security_terms": "x" * 2_001}, "security_terms", "at most 2000 characters"),
    ],
)
def test_tender_form_rejects_malformed_input_at_the_field(
    lessor_x, overrides, field, message
):
    with translation.override("en"):
        form = TenderForm(
            tender_data(lessor_x, **overrides), lessors=Lessor.objects.all()
        )
        assert not form.is_valid()
        assert any(message in error for error in form.errors[field]), form.errors


def test_tender_form_leaves_the_rules_to_the_service(lessor_x):
    """A deadline before publication parses; tenders.services refuses it."""
    form = TenderForm(
        tender_data(lessor_x, deadline="2026-11-30T12:00"),
        lessors=Lessor.objects.all(),
    )
    assert form.is_valid(), form.errors


def test_money_fields_are_text_inputs_in_the_pages_language(lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    with translation.override("sl"):
        html = str(TenderForm(instance=tender, lessors=Lessor.objects.all()))
        form = TenderForm(
            tender_data(lessor_x, average_net_salary="1445,12", point_value="2,63"),
            lessors=Lessor.objects.all(),
        )
        assert form.is_valid(), form.errors
        assert str(form.cleaned_data["average_net_salary"]) == "1445.12"
    assert 'name="average_net_salary" value="1445,12"' in html
    assert 'inputmode="decimal"' in html
    assert 'type="number" name="average_net_salary"' not in html


def test_tender_form_refuses_lessor_outside_the_queryset(lessor_x, lessor_y):
    form = TenderForm(
        tender_data(lessor_y), lessors=Lessor.objects.filter(pk=lessor_x.pk)
    )
    assert not form.is_valid()
    assert "lessor" in form.errors


def test_unknown_category_code_is_refused():
    form = TenderCategoryForm({"category": "vip", "points": 70}, tender=TenderFactory())
    assert not form.is_valid()
    assert "category" in form.errors


def test_category_points_too_large_for_the_database_are_refused():
    form = TenderCategoryForm(
        {"category": "youth", "points": "9200000000000000000"}, tender=TenderFactory()
    )
    assert not form.is_valid()
    assert "points" in form.errors


def test_additional_condition_points_help_names_the_cap():
    with translation.override("en"):
        form = AdditionalConditionForm(tender=TenderFactory())
        assert "capped at 112" in str(form.fields["points"].help_text)


def test_additional_condition_negative_points_refused():
    form = AdditionalConditionForm(
        {"code": "res", "name": "Prebivališče", "points": -5}, tender=TenderFactory()
    )
    assert not form.is_valid()
    assert "points" in form.errors


def test_sublist_code_is_parsed_to_upper_case():
    form = SubListForm(
        {
            "list_kind": "A",
            "code": " a1 ",
            "name": "x",
            "rule": "families",
            "dwellings": 3,
        },
        tender=TenderFactory(),
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "A1"


def test_tie_break_offers_every_category_of_the_rules_and_the_tenders_own():
    """Issue 10: the chain may name categories the tender does not score."""
    tender = TenderFactory()
    TenderCategoryFactory(tender=tender, category="youth", points=60)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="researchers",
        name="Raziskovalci",
        substantiation="x",
        points=60,
    )
    form = TieBreakForm(tender=tender)
    codes = [code for code, _name in form.fields["position_1"].choices]
    assert "war_victim" in codes
    assert "other:researchers" in codes
    assert "other" not in codes
    from scoring.services import rules_categories

    assert codes == ["", *rules_categories("SI-2004"), "other:researchers"]
    form = TieBreakForm({"position_1": "other:unknown"}, tender=tender)
    assert not form.is_valid()
    form = TieBreakForm(
        {"position_2": "war_victim", "position_4": "other:researchers"}, tender=tender
    )
    assert form.is_valid()
    assert form.cleaned_data["chain"] == ["war_victim", "other:researchers"]
    assert form.cleaned_data["chain_fields"] == ["position_2", "position_4"]


def test_amendment_form_parses_the_new_deadline():
    tender = TenderFactory(published=True)
    form = AmendmentNoticeForm(
        {"text": "Popravek", "new_deadline": "2030-01-15T12:00"}, tender=tender
    )
    assert form.is_valid(), form.errors
    form = AmendmentNoticeForm({"text": "", "new_deadline": "nonsense"}, tender=tender)
    assert not form.is_valid()
    assert set(form.errors) == {"text", "new_deadline"}
