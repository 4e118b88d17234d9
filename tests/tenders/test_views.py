"""Tender pages: public reading, staff configuration, authorization per role."""

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from tenders.models import Tender, TenderCategory, TenderEvent
from tests.tenders.factories import (
    AdditionalConditionFactory,
    SubListFactory,
    TenderCategoryFactory,
    TenderFactory,
    in_days,
)

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}
# Money as an English page writes it (tender_post_data writes Slovenian).
EN_MONEY = {
    "average_net_salary": "1445.12",
    "point_value": "2.63",
    "average_rent": "300",
}


@pytest.fixture
def login(client, otp_login):
    """Sign ``user`` in with a verified second factor (what staff pages require)."""

    def do(user):
        client.logout()
        if user is not None:
            otp_login(client, user)
        return client

    return do


@pytest.fixture
def open_tender(lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True, title="Razpis Ljubljana")
    TenderCategoryFactory(tender=tender, category="large_family", points=90)
    TenderCategoryFactory(tender=tender, category="large_family_extra_child", points=20)
    TenderCategoryFactory(
        tender=tender,
        category="other",
        slug="leaving-care",
        name="Mladi po rejništvu",
        substantiation="Brez družinske opore.",
        points=60,
    )
    AdditionalConditionFactory(tender=tender, name="Prebivališče 5 let", points=40)
    SubListFactory(tender=tender, code="A1", name="Družine")
    tender.tie_break = ["large_family"]
    tender.save()
    return tender


# --- public -----------------------------------------------------------------------


def test_home_lists_open_tenders_only(client, lessor_x, open_tender):
    TenderFactory(lessor=lessor_x, title="Osnutek razpisa")
    TenderFactory(
        lessor=lessor_x, published=True, title="Zamujeni", deadline=in_days(-1)
    )
    body = client.get("/").content.decode()
    assert "Razpis Ljubljana" in body
    assert "Osnutek razpisa" not in body
    assert "Zamujeni" not in body


def test_home_query_count(client, django_assert_max_num_queries, lessor_x):
    for n in range(5):
        TenderFactory(lessor=lessor_x, published=True, title=f"R{n}")
    # One SELECT; the other two are the request's savepoint (ATOMIC_REQUESTS).
    with django_assert_max_num_queries(3):
        client.get("/")


def test_public_tender_page_shows_what_applicants_need(client, open_tender):
    response = client.get(reverse("tenders:detail", args=[open_tender.pk]), headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    for text in [
        "Razpis Ljubljana",
        "Time left:",
        "Mladi po rejništvu",
        "Brez družinske opore.",
        "per child",
        "Prebivališče 5 let",
        "capped at 112",
        "Potrdilo o dohodkih",
        "Najemna pogodba",
        "A1",
        # Art. 5, one member, 1445.12 x 200 %; the amount never breaks from its sign.
        '200&nbsp;%</span> (<span class="money">2,890.24\u00a0€</span>)',
        # Art. 9, one member: 1300.608 rounded half up
        '90&nbsp;%</span> (<span class="money">1,300.61\u00a0€</span>)',
        "Ljubljana time",
    ]:
        assert text in body, text


def test_public_tender_page_in_slovenian_formats(client, open_tender):
    body = client.get(reverse("tenders:detail", args=[open_tender.pk])).content.decode()
    assert '200&nbsp;%</span> (<span class="money">2.890,24\u00a0€</span>)' in body
    assert "Preostali čas:" in body


def test_deadline_shown_in_ljubljana_time(client, lessor_x):
    import zoneinfo

    deadline = datetime.datetime(2030, 1, 15, 11, 0, tzinfo=datetime.UTC)  # 12:00 CET
    tender = TenderFactory(lessor=lessor_x, published=True, deadline=deadline)
    body = client.get(
        reverse("tenders:detail", args=[tender.pk]), headers=EN
    ).content.decode()
    assert "15 January 2030, 12:00" in body
    assert deadline.astimezone(zoneinfo.ZoneInfo("Europe/Ljubljana")).hour == 12


def test_draft_tender_is_404_for_the_public(client, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    assert client.get(reverse("tenders:detail", args=[tender.pk])).status_code == 404
    assert client.get(reverse("tenders:pdf", args=[tender.pk])).status_code == 404
    assert client.get(reverse("tenders:detail", args=[999999])).status_code == 404


# The invitation PDF: tests/tenders/test_pdf.py.


# --- staff ------------------------------------------------------------------------


def tender_post_data(lessor, **overrides):
    data = {
        "lessor": lessor.pk,
        "title": "Novi razpis",
        "code": "NR-2026",
        "rules_edition": "SI-2004",
        "published_on": timezone.localdate().isoformat(),
        "deadline": in_days(30).strftime("%Y-%m-%dT%H:%M"),
        "amendment_days": 15,
        "results_expected_on": (
            timezone.localdate() + datetime.timedelta(days=90)
        ).isoformat(),
        "average_net_salary": "1445,12",
        "salary_source_year": 2025,
        "salary_source": "SURS",
        "point_value": "2,63",
        "admits_eu_citizens": "on",
        "separate_lists": "on",
        "dwellings_list_a": 10,
        "dwellings_list_b": 5,
        "security_required": "on",
        "security_terms": "Tri najemnine.",
        "average_rent": "300,00",
        "rent_regulations": "Uredba",
        "required_documents": "Potrdilo o dohodkih",
    }
    data.update(overrides)
    return data


def test_lessor_admin_creates_a_draft(login, actors, lessor_x):
    client = login(actors["admin_x"])
    response = client.post(reverse("tenders:create"), tender_post_data(lessor_x))
    assert response.status_code == 302
    tender = Tender.objects.get(code="NR-2026")
    assert tender.status == "draft"
    assert str(tender.average_net_salary) == "1445.12"


def test_admin_cannot_create_for_another_lessor(login, actors, lessor_y):
    client = login(actors["admin_x"])
    response = client.post(reverse("tenders:create"), tender_post_data(lessor_y))
    assert response.status_code == 200
    assert "lessor" in response.context["form"].errors
    assert not Tender.objects.exists()


def test_bad_input_shows_message_at_field_and_saves_nothing(login, actors, lessor_x):
    client = login(actors["admin_x"])
    data = tender_post_data(lessor_x, deadline="2020-01-01T12:00", **EN_MONEY)
    response = client.post(reverse("tenders:create"), data, headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The deadline must be later than the publication date." in body
    assert 'id="error_1_id_deadline"' in body or "invalid-feedback" in body
    assert not Tender.objects.exists()


def test_commission_member_cannot_create_or_configure(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["member_x"])
    assert client.get(reverse("tenders:create")).status_code == 403
    assert client.get(reverse("tenders:edit", args=[tender.pk])).status_code == 403
    assert client.get(reverse("tenders:manage", args=[tender.pk])).status_code == 200


def test_staff_of_another_lessor_gets_404(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["member_y"])
    for name in ("manage", "edit", "tie_break", "amendment_create"):
        assert (
            client.get(reverse(f"tenders:{name}", args=[tender.pk])).status_code == 404
        )
    response = client.post(
        reverse("tenders:transition", args=[tender.pk]), {"to_status": "published"}
    )
    assert response.status_code == 404
    assert Tender.objects.get(pk=tender.pk).status == "draft"


def test_applicant_gets_403_on_staff_pages(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["applicant_a"])
    assert client.get(reverse("tenders:staff_list")).status_code == 403
    assert client.get(reverse("tenders:manage", args=[tender.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    response = client.get(reverse("tenders:manage", args=[tender.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_list_shows_only_own_lessors(login, actors, lessor_x, lessor_y):
    TenderFactory(lessor=lessor_x, title="Naš razpis")
    TenderFactory(lessor=lessor_y, title="Kranjski razpis")
    body = login(actors["member_x"]).get(reverse("tenders:staff_list")).content.decode()
    assert "Naš razpis" in body
    assert "Kranjski razpis" not in body
    body = (
        login(actors["superuser"]).get(reverse("tenders:staff_list")).content.decode()
    )
    assert "Kranjski razpis" in body


def test_category_add_edit_delete(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["admin_x"])
    url = reverse("tenders:child_create", args=[tender.pk, "categories"])
    assert client.post(url, {"category": "youth", "points": 151}).status_code == 200
    assert not tender.categories.exists()
    assert client.post(url, {"category": "youth", "points": 60}).status_code == 302
    category = tender.categories.get()
    edit = reverse("tenders:child_edit", args=[tender.pk, "categories", category.pk])
    assert client.post(edit, {"category": "youth", "points": 70}).status_code == 302
    category.refresh_from_db()
    assert category.points == 70
    delete = reverse(
        "tenders:child_delete", args=[tender.pk, "categories", category.pk]
    )
    assert client.get(delete).status_code == 200
    assert client.post(delete).status_code == 302
    assert not tender.categories.exists()


def test_unknown_child_kind_is_404(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["admin_x"])
    url = reverse("tenders:child_create", args=[tender.pk, "dwellings"])
    assert client.get(url).status_code == 404


def test_child_of_another_tender_is_404(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    other = TenderCategoryFactory(tender=TenderFactory(lessor=lessor_x))
    client = login(actors["admin_x"])
    url = reverse("tenders:child_edit", args=[tender.pk, "categories", other.pk])
    assert client.get(url).status_code == 404


def test_tie_break_page(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    TenderCategoryFactory(tender=tender, category="youth", points=60)
    client = login(actors["admin_x"])
    url = reverse("tenders:tie_break", args=[tender.pk])
    response = client.post(url, {"position_1": "other:nope"})
    assert response.status_code == 200
    tender.refresh_from_db()
    assert tender.tie_break == []
    response = client.post(
        url, {"position_1": "youth", "position_3": "youth"}, headers=EN
    )
    assert response.status_code == 200
    assert response.context["form"].errors["position_3"] == [
        "This category is already in the chain."
    ]
    assert client.post(url, {"position_1": "war_victim"}).status_code == 302
    tender.refresh_from_db()
    assert tender.tie_break == ["war_victim"]


def test_publish_through_the_page_and_then_editing_is_refused(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    TenderCategoryFactory(tender=tender, category="youth", points=60)
    client = login(actors["admin_x"])
    response = client.post(
        reverse("tenders:transition", args=[tender.pk]), {"to_status": "published"}
    )
    assert response.status_code == 302
    tender.refresh_from_db()
    assert tender.status == "published"
    assert TenderEvent.objects.filter(tender=tender, by=actors["admin_x"]).exists()
    # Rules are frozen now.
    response = client.post(
        reverse("tenders:edit", args=[tender.pk]),
        tender_post_data(lessor_x, title="Spremenjen", **EN_MONEY),
        headers=EN,
    )
    assert response.status_code == 200
    assert "A published tender can no longer be edited" in response.content.decode()
    tender.refresh_from_db()
    assert tender.title != "Spremenjen"
    url = reverse("tenders:child_create", args=[tender.pk, "categories"])
    client.post(url, {"category": "war_victim", "points": 60})
    assert not TenderCategory.objects.filter(
        tender=tender, category="war_victim"
    ).exists()


def test_publishing_incomplete_tender_shows_why(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["admin_x"])
    response = client.post(
        reverse("tenders:transition", args=[tender.pk]),
        {"to_status": "published"},
        headers=EN,
        follow=True,
    )
    assert "defines no priority category" in response.content.decode()
    tender.refresh_from_db()
    assert tender.status == "draft"


def test_tampered_transition_is_refused(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["admin_x"])
    for value in ("archived", "nonsense", ""):
        client.post(
            reverse("tenders:transition", args=[tender.pk]), {"to_status": value}
        )
    tender.refresh_from_db()
    assert tender.status == "draft"
    # GET only shows a confirmation page; without a step it leads back to the tender.
    response = client.get(reverse("tenders:transition", args=[tender.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("tenders:manage", args=[tender.pk])


def test_amendment_page(login, actors, lessor_x, client):
    tender = TenderFactory(lessor=lessor_x, published=True)
    user_client = login(actors["admin_x"])
    user_client.cookies["django_language"] = "en"
    url = reverse("tenders:amendment_create", args=[tender.pk])
    new_deadline = in_days(45)
    data = {
        "text": "Rok je podaljšan.",
        "text_en": "The deadline is extended.",
        "new_deadline": new_deadline.strftime("%Y-%m-%dT%H:%M"),
    }
    # First a page that says what publishing the notice will do; nothing is saved.
    check = user_client.post(url, data)
    assert check.status_code == 200
    page = check.content.decode()
    assert "Check the amendment notice before publishing it" in page
    assert 'name="confirm"' in page
    assert not tender.amendments.exists()
    # "Change the notice" goes back to the form with the text kept.
    back = user_client.post(url, {**data, "change": "1"})
    assert 'name="confirm"' not in back.content.decode()
    assert "Rok je podaljšan." in back.content.decode()
    response = user_client.post(url, {**data, "confirm": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tenders:manage", args=[tender.pk])
    message = str(next(iter(response.context["messages"])))
    assert f"Amendment notice to tender {tender.code}" in message
    assert "applications are now open until" in message
    tender.refresh_from_db()
    assert tender.deadline == new_deadline
    assert tender.amendments.get().text_en == "The deadline is extended."
    client.logout()
    body = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "Rok je podaljšan." in body


def test_superuser_reads_a_tender_in_the_django_admin(
    client, otp_login, actors, open_tender
):
    otp_login(client, actors["superuser"])
    response = client.get(reverse("admin:tenders_tender_change", args=[open_tender.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Mladi po rejništvu" in body
    assert "Prebivališče 5 let" in body


def test_lessor_admin_without_is_staff_cannot_open_the_django_admin(
    client, otp_login, actors, open_tender
):
    otp_login(client, actors["admin_x"])
    response = client.get(reverse("admin:tenders_tender_change", args=[open_tender.pk]))
    assert response.status_code in (302, 403)


def test_public_page_after_the_deadline_says_closed_before_the_job_runs(
    client, lessor_x
):
    tender = TenderFactory(lessor=lessor_x, published=True, deadline=in_days(-1))
    body = client.get(
        reverse("tenders:detail", args=[tender.pk]), headers=EN
    ).content.decode()
    assert "Closed" in body
    assert "Time left:" not in body


def test_staff_pages_show_closed_after_the_deadline_and_write_nothing(
    login, actors, lessor_x
):
    """GET requests never write (finding 4): the page reads the clock."""
    tender = TenderFactory(lessor=lessor_x, published=True, deadline=in_days(-1))
    client = login(actors["admin_x"])
    body = client.get(
        reverse("tenders:manage", args=[tender.pk]), headers=EN
    ).content.decode()
    assert "Closed" in body
    assert "Publish an amendment notice" not in body
    assert "Archive the tender" in body
    listing = client.get(reverse("tenders:staff_list"), headers=EN).content.decode()
    assert "Closed" in listing
    tender.refresh_from_db()
    assert tender.status == "published"
    assert not tender.events.exists()


def form_values(html: str) -> dict[str, str]:
    """What a browser posts back from the page's form, unchanged."""
    from html.parser import HTMLParser

    values: dict[str, str] = {}

    class Parser(HTMLParser):
        textarea = select = None

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            if tag == "input" and a.get("name") and a.get("type") != "submit":
                if a.get("type") == "checkbox":
                    if "checked" in a:
                        values[a["name"]] = "on"
                else:
                    values[a["name"]] = a.get("value") or ""
            elif tag == "textarea":
                self.textarea = a["name"]
                values[a["name"]] = ""
            elif tag == "select":
                self.select = a["name"]
            elif tag == "option" and self.select and "selected" in a:
                values[self.select] = a.get("value", "")

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None
            elif tag == "select":
                self.select = None

        def handle_data(self, data):
            if self.textarea:
                values[self.textarea] += data

    Parser().feed(html)
    for name, value in values.items():
        if value.startswith("\n"):  # Django's textarea adds one newline
            values[name] = value[1:]
    return values


@pytest.mark.parametrize("language", ["sl", "en"])
def test_saving_an_unchanged_tender_round_trips_in_both_languages(
    login, actors, lessor_x, language
):
    """The money fields are text in the page's language ("1494,29" in Slovenian)."""
    from decimal import Decimal

    tender = TenderFactory(
        lessor=lessor_x,
        average_net_salary=Decimal("1494.29"),
        point_value=Decimal("2.63"),
        average_rent=Decimal("1318.60"),
    )
    client = login(actors["admin_x"])
    url = reverse("tenders:edit", args=[tender.pk])
    headers = {"accept-language": language}
    page = client.get(url, headers=headers).content.decode()
    data = form_values(page)
    assert data["average_net_salary"] in ("1494,29", "1.494,29", "1494.29", "1,494.29")
    response = client.post(url, data, headers=headers)
    assert response.status_code == 302, response.context["form"].errors
    saved = Tender.objects.get(pk=tender.pk)
    for name in ("average_net_salary", "point_value", "average_rent", "deadline"):
        assert getattr(saved, name) == getattr(tender, name), name
    assert saved.title == tender.title
    assert saved.version == tender.version + 1


def test_stale_edit_form_says_what_changed_meanwhile(login, actors, lessor_x):
    tender = TenderFactory(lessor=lessor_x)
    client = login(actors["admin_x"])
    url = reverse("tenders:edit", args=[tender.pk])
    data = form_values(client.get(url, headers=EN).content.decode())
    client.post(url, {**data, "title": "Prvi"}, headers=EN)
    response = client.post(url, {**data, "dwellings_list_a": "7"}, headers=EN)
    assert response.status_code == 200
    assert "Changed meanwhile: Title." in response.content.decode()
    tender.refresh_from_db()
    assert (tender.title, tender.dwellings_list_a) == ("Prvi", 100)
    # Saving again after reading the message is the editor's decision.
    again = form_values(response.content.decode())
    assert client.post(url, again, headers=EN).status_code == 302


def test_superuser_cannot_change_a_published_tender_in_the_django_admin(
    client, otp_login, actors, open_tender
):
    """Finding 8: the frozen rules hold in the admin, inlines included."""
    otp_login(client, actors["superuser"])
    url = reverse("admin:tenders_tender_change", args=[open_tender.pk])
    page = client.get(url).content.decode()
    assert 'name="title"' not in page
    assert 'name="categories-0-points"' not in page
    response = client.post(
        url,
        {
            "title": "Spremenjen",
            "categories-TOTAL_FORMS": "0",
            "categories-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    open_tender.refresh_from_db()
    assert open_tender.title == "Razpis Ljubljana"
    draft = TenderFactory(lessor=open_tender.lessor)
    page = client.get(
        reverse("admin:tenders_tender_change", args=[draft.pk])
    ).content.decode()
    assert 'name="title"' in page
