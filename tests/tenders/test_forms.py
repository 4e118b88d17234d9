"""Bad input on tender forms: a translated message at the field, nothing saved."""

import datetime

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
from tests.tenders.factories import (
    SubListFactory,
    TenderCategoryFactory,
    TenderFactory,
    in_days,
)

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
            {"deadline": "2026-11-30T12:00"},
            "deadline",
            "The deadline must be later than the publication date.",
        ),
        (
            {"deadline": "2026-12-01T23:00"},
            "deadline",
            "The deadline must be later than the publication date.",
        ),
        (
            {"results_expected_on": "2027-01-01"},
            "results_expected_on",
            "The results cannot be expected before the application deadline.",
        ),
        (
            {"average_net_salary": "-1"},
            "average_net_salary",
            "Ensure this value is greater than or equal to 0.01.",
        ),
        ({"security_terms": ""}, "security_terms", "Say on what terms"),
        ({"amendment_days": 3}, "amendment_days", "greater than or equal to 8"),
        ({"deadline": "31.02.2027 12:00"}, "deadline", "Enter a valid date/time."),
    ],
)
def test_tender_form_rejects_bad_input_at_the_field(
    lessor_x, overrides, field, message
):
    with translation.override("en"):
        form = TenderForm(
            tender_data(lessor_x, **overrides), lessors=Lessor.objects.all()
        )
        assert not form.is_valid()
        assert any(message in error for error in form.errors[field])


def test_tender_form_messages_are_translated(lessor_x):
    with translation.override("sl"):
        form = TenderForm(
            tender_data(lessor_x, deadline="2026-11-30T12:00"),
            lessors=Lessor.objects.all(),
        )
        assert not form.is_valid()
        assert form.errors["deadline"] == ["Rok mora biti poznejši od datuma objave."]


def test_tender_form_refuses_lessor_outside_the_queryset(lessor_x, lessor_y):
    form = TenderForm(
        tender_data(lessor_y), lessors=Lessor.objects.filter(pk=lessor_x.pk)
    )
    assert not form.is_valid()
    assert "lessor" in form.errors


def test_published_tender_form_is_refused(lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True)
    with translation.override("en"):
        form = TenderForm(
            tender_data(lessor_x), instance=tender, lessors=Lessor.objects.all()
        )
        assert not form.is_valid()
        assert (
            "A published tender can no longer be edited" in form.non_field_errors()[0]
        )


@pytest.mark.parametrize(
    ("category", "points", "ok"),
    [
        ("young_family", 49, False),
        ("young_family", 50, True),
        ("young_family", 150, True),
        ("young_family", 151, False),
        ("large_family_extra_child", 1, True),
        ("large_family_extra_child", 0, False),
    ],
)
def test_category_points_range(category, points, ok):
    tender = TenderFactory()
    TenderCategoryFactory(tender=tender, category="large_family", points=100)
    form = TenderCategoryForm({"category": category, "points": points}, tender=tender)
    assert form.is_valid() is ok
    if not ok:
        assert "points" in form.errors


def test_category_extra_child_needs_large_family():
    tender = TenderFactory()
    with translation.override("en"):
        form = TenderCategoryForm(
            {"category": "large_family_extra_child", "points": 10}, tender=tender
        )
        assert not form.is_valid()
        assert "large families first" in form.errors["category"][0]


def test_category_twice_is_refused():
    tender = TenderFactory()
    TenderCategoryFactory(tender=tender, category="youth", points=60)
    form = TenderCategoryForm({"category": "youth", "points": 70}, tender=tender)
    assert not form.is_valid()
    assert "category" in form.errors


def test_other_category_needs_name_slug_and_substantiation():
    tender = TenderFactory()
    form = TenderCategoryForm({"category": "other", "points": 70}, tender=tender)
    assert not form.is_valid()
    assert set(form.errors) == {"slug", "name", "substantiation"}
    form = TenderCategoryForm(
        {
            "category": "other",
            "points": 70,
            "slug": "young-researchers",
            "name": "Mladi raziskovalci",
            "substantiation": "Občina potrebuje raziskovalce.",
        },
        tender=tender,
    )
    assert form.is_valid(), form.errors


def test_unknown_category_code_is_refused():
    form = TenderCategoryForm({"category": "vip", "points": 70}, tender=TenderFactory())
    assert not form.is_valid()
    assert "category" in form.errors


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


def test_sublist_duplicate_rule_in_same_list_refused():
    tender = TenderFactory()
    SubListFactory(tender=tender, list_kind="A", code="A1", rule="families")
    form = SubListForm(
        {
            "list_kind": "A",
            "code": "A9",
            "name": "x",
            "rule": "families",
            "dwellings": 3,
        },
        tender=tender,
    )
    assert not form.is_valid()
    assert "rule" in form.errors
    form = SubListForm(
        {
            "list_kind": "A",
            "code": "a1",
            "name": "x",
            "rule": "wheelchair",
            "dwellings": 3,
        },
        tender=tender,
    )
    assert not form.is_valid()
    assert "code" in form.errors


def test_tie_break_offers_only_the_tenders_categories_and_refuses_others():
    tender = TenderFactory()
    TenderCategoryFactory(tender=tender, category="youth", points=60)
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    form = TieBreakForm({"position_1": "war_victim"}, tender=tender)
    assert not form.is_valid()
    assert "position_1" in form.errors
    form = TieBreakForm({"position_1": "youth", "position_2": "youth"}, tender=tender)
    assert not form.is_valid()
    assert "position_2" in form.errors
    form = TieBreakForm(
        {"position_1": "large_family", "position_2": "youth"}, tender=tender
    )
    assert form.is_valid()
    assert form.cleaned_data["chain"] == ["large_family", "youth"]


def test_amendment_may_only_extend_the_deadline():
    tender = TenderFactory(published=True)
    earlier = (tender.deadline - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form = AmendmentNoticeForm(
        {"text": "Popravek", "new_deadline": earlier}, tender=tender
    )
    assert not form.is_valid()
    assert "new_deadline" in form.errors
    later = in_days(40).strftime("%Y-%m-%dT%H:%M")
    form = AmendmentNoticeForm(
        {"text": "Popravek", "new_deadline": later}, tender=tender
    )
    assert form.is_valid(), form.errors


def test_amendment_refused_on_a_draft():
    form = AmendmentNoticeForm({"text": "x"}, tender=TenderFactory())
    assert not form.is_valid()
