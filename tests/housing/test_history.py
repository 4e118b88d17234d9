"""The history page shows values as the object's own pages do: category names for a
tie-break chain, money formatted, a text's lines as a list (issue 11)."""

from decimal import Decimal

from django.urls import reverse
from django.utils import translation

import pytest

from housing.selectors import object_history
from tests.tenders.factories import TenderCategoryFactory, TenderFactory

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
EN = {"accept-language": "en"}


@pytest.fixture
def tender(lessor_x):
    tender = TenderFactory(
        lessor=lessor_x,
        average_net_salary=Decimal("1445.12"),
        required_documents="Potrdilo o dohodkih\nNajemna pogodba",
    )
    TenderCategoryFactory(tender=tender, category="other", slug="mladi", name="Mladi")
    tender.tie_break = ["large_family", "other:mladi"]
    tender.average_net_salary = Decimal("1494.29")
    tender.required_documents = "Potrdilo o dohodkih\nNajemna pogodba\nIzjava"
    tender.save()
    return tender


def changes_of(entry) -> dict:
    return {c.field: c for c in entry.changes}


def test_history_values_are_ready_to_show(tender):
    with translation.override("sl"):  # whatever an earlier test left active
        changed, created = object_history(tender)
    fields = changes_of(changed)
    assert (fields["tie_break"].kind, fields["tie_break"].old) == ("list", None)
    assert fields["tie_break"].new == [
        "Družina z najmanj tremi otroki",  # the Rules' name
        "Mladi",  # the tender's own category
    ]
    salary = fields["average_net_salary"]
    assert (salary.kind, salary.old, salary.new) == (
        "money",
        Decimal("1445.12"),
        Decimal("1494.29"),
    )
    documents = fields["required_documents"]
    assert documents.kind == "lines"
    assert documents.old == ["Potrdilo o dohodkih", "Najemna pogodba"]
    assert documents.new == ["Potrdilo o dohodkih", "Najemna pogodba", "Izjava"]
    # Other fields are unchanged in kind: a year stays a plain value.
    year = changes_of(created)["salary_source_year"]
    assert (year.kind, year.new) == ("value", 2025)


def test_history_of_a_deleted_tender_names_the_rules_categories(tender):
    from tenders.models import Tender

    pk = tender.pk
    tender.categories.all().delete()
    Tender.objects.filter(pk=pk).delete()
    rebuilt = Tender.history.filter(id=pk).order_by("-history_date").first().instance
    with translation.override("sl"):
        changed = next(e for e in object_history(rebuilt) if e.type == "~")
    # The tender's own category is gone with it: its code is shown as recorded.
    assert changes_of(changed)["tie_break"].new == [
        "Družina z najmanj tremi otroki",
        "other:mladi",
    ]


@pytest.mark.parametrize(
    ("language", "old_money", "new_money", "category"),
    [
        ("sl", "1.445,12", "1.494,29", "Družina z najmanj tremi otroki"),
        ("en", "1,445.12", "1,494.29", "Family with at least three children"),
    ],
)
def test_history_page_formats_values_as_the_tender_page(
    client, otp_login, actors, tender, language, old_money, new_money, category
):
    otp_login(client, actors["admin_x"])
    body = client.get(
        reverse("object_history", args=["tender", tender.pk]),
        headers={"accept-language": language},
    ).content.decode()
    assert f'<del><span class="money">{old_money}{NBSP}€</span></del>' in body
    assert f'<span class="money">{new_money}{NBSP}€</span></ins>' in body
    assert f"<li>{category}</li><li>Mladi</li>" in body
    assert "large_family" not in body
    assert "<li>Najemna pogodba</li><li>Izjava</li>" in body
    assert "['" not in body  # no Python list anywhere
    assert 'role="region"' in body
