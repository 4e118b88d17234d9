"""Issue 11 on the tender pages: texts a lessor writes in both languages (the Slovenian
one required, a missing English one shown in Slovenian with ``lang="sl"``), forms in
fieldsets with specific messages and conditional reveal, and confirmation pages for
irreversible steps that end with a specific message."""

import re

from django.urls import reverse
from django.utils import translation

import pytest

from housing.errors import ServiceError
from housing.models import Lessor
from tenders import services
from tenders.forms import TenderCategoryForm, TenderForm
from tenders.models import Tender
from tests.tenders.factories import (
    SubListFactory,
    TenderCategoryFactory,
    TenderFactory,
)
from tests.tenders.test_forms import tender_data

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.fixture
def login(client, otp_login):
    def do(user, language="en"):
        client.logout()
        otp_login(client, user)
        client.cookies["django_language"] = language
        return client

    return do


@pytest.fixture
def bilingual(lessor_x):
    lessor_x.address = "Zarnikova ulica 3"
    lessor_x.postal_code = "1000"
    lessor_x.town = "Ljubljana"
    lessor_x.email = "razpis@jss.example"
    lessor_x.save()
    tender = TenderFactory(
        lessor=lessor_x,
        published=True,
        title="Javni razpis 2026",
        title_en="Public tender 2026",
        security_terms="Tri najemnine.",
        security_terms_en="Three months' rent.",
    )
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="leaving-care",
        name="Mladi po rejništvu",
        substantiation="Brez družinske opore.",
        points=60,
    )
    SubListFactory(tender=tender, code="A1", name="Družine")
    return tender


# --- Both languages -------------------------------------------------------------------


def test_english_page_shows_english_texts_and_marks_missing_ones(client, bilingual):
    body = client.get(reverse("tenders:detail", args=[bilingual.pk]), headers=EN)
    html = body.content.decode()
    assert "<h1>Public tender 2026</h1>" in html
    assert "Three months&#x27; rent." in html
    assert "Javni razpis 2026" not in html
    # No English versions: the Slovenian texts, marked as Slovenian.
    assert '<span lang="sl">Družine</span>' in html
    assert '<span lang="sl">Mladi po rejništvu</span>' in html
    assert '<span lang="sl">Brez družinske opore.</span>' in html
    assert re.search(r'<ul lang="sl"><li>Potrdilo o dohodkih</li>', html)


def test_slovenian_page_shows_the_originals_unmarked(client, bilingual):
    html = client.get(reverse("tenders:detail", args=[bilingual.pk])).content.decode()
    assert "<h1>Javni razpis 2026</h1>" in html
    assert "Tri najemnine." in html
    assert 'lang="sl">Družine' not in html
    assert "Public tender 2026" not in html


def test_lists_show_the_english_title(client, bilingual):
    html = client.get(reverse("home"), headers=EN).content.decode()
    assert "Public tender 2026" in html


def test_footer_shows_the_lessors_contact(client, bilingual):
    html = client.get(reverse("tenders:detail", args=[bilingual.pk])).content.decode()
    assert "Zarnikova ulica 3, 1000 Ljubljana" in html
    assert "mailto:razpis@jss.example" in html


def test_english_without_slovenian_is_refused_at_the_slovenian_field(lessor_x, actors):
    tender = TenderFactory(lessor=lessor_x)
    with translation.override("en"), pytest.raises(ServiceError) as caught:
        services.tender_update(
            tender=tender,
            data={"other_terms": "", "other_terms_en": "Rent may change."},
            by=actors["admin_x"],
        )
    assert "Write the Slovenian text too" in caught.value.errors["other_terms"][0]
    assert "other_terms_en" not in caught.value.errors


def test_english_versions_are_saved_and_limited(lessor_x, actors):
    tender = TenderFactory(lessor=lessor_x)
    services.tender_update(
        tender=tender,
        data={"title_en": "Tender 2026", "required_documents_en": "Income"},
        by=actors["admin_x"],
    )
    tender.refresh_from_db()
    assert (tender.title_en, tender.required_documents_en) == ("Tender 2026", "Income")
    with pytest.raises(ServiceError) as caught:
        services.tender_update(
            tender=tender, data={"other_terms_en": "x" * 10_001}, by=actors["admin_x"]
        )
    assert "other_terms_en" in caught.value.errors


def test_a_rules_category_keeps_no_english_name(lessor_x, actors):
    tender = TenderFactory(lessor=lessor_x)
    category = services.tender_category_save(
        tender=tender,
        data={"category": "youth", "points": 50, "name_en": "Stray"},
        by=actors["admin_x"],
    )
    assert category.name_en == ""


def test_localized_falls_back_only_where_english_is_empty():
    tender = Tender(title="Razpis", title_en="  ")
    with translation.override("en"):
        value = tender.localized("title")
    assert (value.text, value.lang, value.foreign) == ("Razpis", "sl", True)
    assert value.__html__() == '<span lang="sl">Razpis</span>'
    tender.title_en = "Tender"
    with translation.override("en"):
        assert tender.localized("title").__html__() == "Tender"
    with translation.override("sl"):
        assert tender.localized("title").__html__() == "Razpis"


# --- Forms ----------------------------------------------------------------------------


def test_tender_form_fieldsets_widths_and_pairs(lessor_x):
    with translation.override("en"):
        form = TenderForm(lessors=Lessor.objects.all())
        sections = form.sections()
        legends = [str(s.legend) for s in sections]
    assert legends[0] == "The tender"
    assert "Own share and security (list B)" in legends
    shown = [f.name for s in sections for row in s.rows for f in row.fields]
    assert sorted(shown) == sorted(n for n in form.fields if n != "version")
    title_row = sections[0].rows[1]
    assert [f.name for f in title_row.fields] == ["title", "title_en"]
    assert form.fields["title"].widget.attrs["lang"] == "sl"
    assert form.fields["title_en"].widget.attrs["lang"] == "en"
    assert "input-width-4" in form.fields["amendment_days"].widget.attrs["class"]
    assert "input-width-20" in form.fields["code"].widget.attrs["class"]


def test_tender_form_specific_required_messages(lessor_x):
    with translation.override("en"):
        form = TenderForm(
            tender_data(lessor_x, title="", required_documents=""),
            lessors=Lessor.objects.all(),
        )
        assert not form.is_valid()
        assert form.errors["title"] == ["Enter the tender's title in Slovenian."]
        assert form.errors["required_documents"] == [
            "List the documents applicants must attach, one per line."
        ]


def test_category_form_reveals_other_fields_only_for_other(lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    form = TenderCategoryForm(tender=tender)
    rows = {row.fields[0].name: row for row in form.sections()[0].rows}
    assert rows["category"].reveal is None
    assert 'data-reveal-values="other"' in rows["name"].reveal
    assert [f.name for f in rows["name"].fields] == ["name", "name_en"]
    assert "input-width-4" in form.fields["points"].widget.attrs["class"]


def test_tender_form_page_has_legends_and_reveal(login, actors):
    client = login(actors["admin_x"])
    html = client.get(reverse("tenders:create")).content.decode()
    assert html.count("<legend") >= 8
    assert 'data-reveal-checked="#id_own_share_required"' in html
    assert "js/conditional-reveal.js" in html
    assert "(optional)" in html
    assert "*" not in re.sub(r"<script.*?</script>|<style.*?</style>", "", html)


# --- Confirmation pages ---------------------------------------------------------------


@pytest.fixture
def ready(lessor_x):
    tender = TenderFactory(lessor=lessor_x, code="JSS-2026", title="Razpis 2026")
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    return tender


def test_publish_goes_through_a_confirmation_page(login, actors, ready):
    client = login(actors["admin_x"])
    url = reverse("tenders:transition", args=[ready.pk])
    page = client.get(url, {"to_status": "published"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "You are about to publish tender JSS-2026" in html
    assert "visible to everyone" in html
    assert "only be corrected by amendment notices" in html
    assert 'name="to_status" value="published"' in html
    ready.refresh_from_db()
    assert ready.status == "draft"  # GET changes nothing
    done = client.post(url, {"to_status": "published"}, follow=True)
    message = str(next(iter(done.context["messages"])))
    assert message.startswith("Tender JSS-2026 “Razpis 2026” published; applications")
    assert "open until" in message
    ready.refresh_from_db()
    assert ready.status == "published"


def test_the_manage_page_links_to_the_confirmation(login, actors, ready):
    client = login(actors["admin_x"])
    html = client.get(reverse("tenders:manage", args=[ready.pk])).content.decode()
    confirm = reverse("tenders:transition", args=[ready.pk]) + "?to_status=published"
    assert f'href="{confirm}"' in html


def test_confirmation_lists_what_keeps_a_draft_from_publication(
    login, actors, lessor_x
):
    tender = TenderFactory(lessor=lessor_x, required_documents="")
    client = login(actors["admin_x"])
    html = client.get(
        reverse("tenders:transition", args=[tender.pk]), {"to_status": "published"}
    ).content.decode()
    assert "The tender cannot be published yet" in html
    assert "no priority category" in html
    assert 'name="to_status"' not in html


def test_confirmation_of_a_step_the_user_cannot_make_leads_back(
    login, actors, ready, lessor_y
):
    client = login(actors["member_x"])
    url = reverse("tenders:transition", args=[ready.pk])
    response = client.get(url, {"to_status": "published"})
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:manage", args=[ready.pk])
    other = TenderFactory(lessor=lessor_y)
    client = login(actors["admin_x"])
    response = client.get(
        reverse("tenders:transition", args=[other.pk]), {"to_status": "published"}
    )
    assert response.status_code == 404


def test_archive_goes_through_a_confirmation_page(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x, closed=True, code="JSS-2025")
    client = login(actors["admin_x"])
    url = reverse("tenders:transition", args=[tender.pk])
    html = client.get(url, {"to_status": "archived"}).content.decode()
    assert "You are about to archive tender JSS-2025" in html
    done = client.post(url, {"to_status": "archived"}, follow=True)
    assert "archived; its page stays readable" in str(
        next(iter(done.context["messages"]))
    )


def test_messages_are_in_slovenian_on_a_slovenian_page(login, actors, ready):
    client = login(actors["admin_x"], language="sl")
    done = client.post(
        reverse("tenders:transition", args=[ready.pk]),
        {"to_status": "published"},
        follow=True,
    )
    message = str(next(iter(done.context["messages"])))
    assert message.startswith("Razpis JSS-2026 »Razpis 2026« je objavljen")
