"""The site frame and the form conventions (issue 11): money, the error summary, field
order and widths, the footer and its pages, the archive, English dates, wording."""

import datetime
import re
import zoneinfo
from decimal import Decimal

from django import forms
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from config.forms import NajemFormMixin
from tenders.constants import TenderStatus
from tests.tenders.factories import TenderFactory, in_days

NBSP = "\u00a0"
LJUBLJANA = zoneinfo.ZoneInfo("Europe/Ljubljana")
EN = {"accept-language": "en"}


def render(source: str, language: str = "en", **context) -> str:
    """Render in ``language``, whatever language an earlier test left active."""
    with translation.override(language):
        return Template("{% load najem crispy_forms_tags %}" + source).render(
            Context(context)
        )


# --- money ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [("sl", f"1.344,86{NBSP}€"), ("en", f"1,344.86{NBSP}€")],
)
def test_money_keeps_amount_and_sign_together(language, expected):
    html = render("{{ v|money }}", language, v=Decimal("1344.857"))
    assert html == f'<span class="money">{expected}</span>'


def test_money_of_nothing_is_empty():
    assert render("{{ v|money }}", v=None) == ""
    assert render("{{ v|money }}", v="") == ""


def test_money_on_the_tender_page_never_breaks(client, lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True)
    body = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert f'<span class="money">312,40{NBSP}€</span>' in body  # the average rent
    assert " €" not in body  # no amount anywhere with a breaking space


# --- forms: the error summary, field order, widths -------------------------------------


class ExampleForm(NajemFormMixin, forms.Form):
    title = forms.CharField(max_length=200, help_text="As in the invitation.")
    code = forms.CharField(max_length=10, required=False)
    points = forms.IntegerField(min_value=0, max_value=150)
    year = forms.IntegerField(min_value=2000, max_value=2100)
    salary = forms.DecimalField(max_digits=9, decimal_places=2)
    published_on = forms.DateField()
    notes = forms.CharField(widget=forms.Textarea, required=False)

    def clean(self):
        raise forms.ValidationError("The dates do not fit together.")


def test_mixin_sizes_inputs_by_what_they_hold():
    form = ExampleForm()
    classes = {
        name: form.fields[name].widget.attrs.get("class") for name in form.fields
    }
    assert classes == {
        "title": None,  # 200 characters: full width
        "code": "input-width-10",
        "points": "input-width-4",
        "year": "input-width-4",
        "salary": "input-width-20",
        "published_on": "input-width-10",
        "notes": None,
    }
    assert form.fields["points"].widget.attrs["inputmode"] == "numeric"
    assert form.fields["salary"].widget.attrs["inputmode"] == "decimal"
    # Each form has its own widgets: the class's fields are untouched.
    assert "class" not in ExampleForm.base_fields["code"].widget.attrs


def test_labels_say_optional_and_never_show_asterisks():
    html = render("{{ form|crispy }}", form=ExampleForm())
    assert "asteriskField" not in html
    assert "*</span>" not in html
    code_label = re.search(r'<label\s+for="id_code"[^>]*>(.*?)</label>', html, re.S)
    assert "(optional)" in code_label.group(1)
    title_label = re.search(r'<label\s+for="id_title"[^>]*>(.*?)</label>', html, re.S)
    assert "optional" not in title_label.group(1)


def test_hint_then_error_then_input_with_aria_describedby():
    form = ExampleForm(data={"title": ""})
    html = render("{{ form|crispy }}", form=form)
    box = re.search(r'<div id="div_id_title".*?<input[^>]*>', html, re.S).group(0)
    hint = box.index('id="id_title_helptext"')
    error = box.index('id="id_title_error"')
    field = box.index("<input")
    assert box.index("<label") < hint < error < field
    assert 'aria-describedby="id_title_helptext id_title_error"' in box
    assert 'aria-invalid="true"' in box


def test_error_summary_lists_every_form_with_links_and_non_field_errors():
    first = ExampleForm(data={"title": "", "points": "200"})
    second = ExampleForm(prefix="other", data={})
    untouched = ExampleForm()
    items = render(
        "{% error_summary_items as s %}{% for i in s %}[{{ i.href }}|{{ i.message }}]"
        "{% endfor %}",
        form=first,
        forms=[second, untouched],
    )
    assert items.startswith("[|The dates do not fit together.]")
    assert "[id_title|This field is required.]" in items
    assert "[id_points|Ensure this value is less than or equal to 150.]" in items
    assert "[id_other-title|This field is required.]" in items
    assert items.count("The dates do not fit together.") == 2  # both bound forms


def test_error_summary_finds_formsets_and_other_forms_in_the_context():
    formset_class = forms.formset_factory(ExampleForm, extra=0)
    formset = formset_class(
        data={
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-title": "",
            "form-0-points": "200",
        }
    )
    items = render(
        "{% error_summary_items as s %}{% for i in s %}[{{ i.href }}|{{ i.message }}]"
        "{% endfor %}",
        member_formset=formset,
        search_form=ExampleForm(prefix="q", data={"q-title": ""}),
    )
    assert items.startswith("[|The dates do not fit together.]")  # form 0's
    assert "[id_form-0-title|This field is required.]" in items
    assert "[id_q-title|This field is required.]" in items


@pytest.mark.django_db
def test_no_error_summary_without_errors(client):
    body = client.get(reverse("login")).content.decode()
    assert "data-error-summary" not in body
    assert "error-summary.js" not in body


@pytest.mark.django_db
def test_login_errors_give_the_summary_a_title_and_its_script(client):
    response = client.post(
        reverse("login"), {"username": "", "password": ""}, headers=EN
    )
    body = response.content.decode()
    assert "<title>Error: " in body
    summary = re.search(r"<div class=\"error-summary.*?</div>", body, re.S).group(0)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    assert "There is a problem" in summary
    assert '<a href="#id_username"' in summary
    assert '<a href="#id_password"' in summary
    assert re.search(r'<script src="/static/js/error-summary.js" nonce="[^"]+">', body)
    wrong = client.post(
        reverse("login"), {"username": "x@example.test", "password": "no"}, headers=EN
    ).content.decode()
    summary = re.search(r"<div class=\"error-summary.*?</div>", wrong, re.S).group(0)
    assert "Please enter a correct" in summary  # a non-field error, without a link


@pytest.mark.django_db
def test_slovenian_error_summary(client):
    body = client.post(reverse("login"), {}).content.decode()
    assert "<title>Napaka: " in body
    assert "Prišlo je do težave" in body


def test_blank_choice_is_translated():
    from django.db.models.fields import BLANK_CHOICE_LABEL

    with translation.override("sl"):
        assert str(BLANK_CHOICE_LABEL) == "- Izberite možnost -"


# --- the frame: footer, pages, favicon, language switch -------------------------------


FOOTER_LINK = re.compile(r"<footer.*?</footer>", re.S)


def footer_links(body: str) -> list[str]:
    footer = FOOTER_LINK.search(body).group(0)
    return [
        href
        for href in re.findall(r'href="([^"]+)"', footer)
        if not href.startswith(("mailto:", "tel:", "http"))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["sl", "en"])
def test_footer_links_answer_200(client, lessor_x, language):
    tender = TenderFactory(lessor=lessor_x, published=True)
    headers = {"accept-language": language}
    for page in ["/", f"/tenders/{tender.pk}/"]:
        links = footer_links(client.get(page, headers=headers).content.decode())
        assert set(links) == {
            reverse("tenders:archive"),
            reverse("accessibility"),
            reverse("privacy"),
        }
        for link in links:
            assert client.get(link, headers=headers).status_code == 200, link


@pytest.mark.django_db
def test_footer_gives_the_contact_and_on_a_tender_page_its_lessor(
    client, lessor_x, settings
):
    settings.NAJEM_CONTACT_NAME = "Stanovanjski sklad Najem"
    settings.NAJEM_CONTACT_ADDRESS = "Poljanska cesta 15, 1000 Ljubljana"
    settings.NAJEM_CONTACT_EMAIL = "info@sklad.example"
    settings.NAJEM_CONTACT_PHONE = "+386 1 123 45 67"
    tender = TenderFactory(lessor=lessor_x, published=True)
    home = FOOTER_LINK.search(client.get("/", headers=EN).content.decode()).group(0)
    for text in [
        "Stanovanjski sklad Najem",
        "Poljanska cesta 15, 1000 Ljubljana",
        'href="mailto:info@sklad.example"',
        'href="tel:+38611234567"',
    ]:
        assert text in home
    assert "This tender is run by" not in home
    page = client.get(f"/tenders/{tender.pk}/", headers=EN).content.decode()
    footer = FOOTER_LINK.search(page).group(0)
    assert "This tender is run by" in footer
    assert "JSS Ljubljana" in footer


@pytest.mark.django_db
def test_favicon_and_language_switch_outside_the_menu(client):
    body = client.get("/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/img/favicon.svg"', body)
    menu = body.index('id="main-nav"')
    switch = body.index('class="d-flex align-items-center gap-2 language-switcher"')
    assert switch < menu  # before the collapsing part of the navigation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "sl",
            [
                "<h1>Izjava o dostopnosti</h1>",
                "delno skladno",
                "WCAG 2.1 na ravni AA",
                "Nedostopne vsebine",
                "29. 11. 2026",
                "Inšpektorat Republike Slovenije za informacijsko družbo",
            ],
        ),
        (
            "en",
            [
                "<h1>Accessibility statement</h1>",
                "partially compliant",
                "WCAG) 2.1 at level AA",
                "Non-accessible content",
                "29 November 2026",
                "Inšpektorat Republike Slovenije za informacijsko družbo",
            ],
        ),
    ],
)
def test_accessibility_statement_in_both_languages(client, settings, language, texts):
    settings.NAJEM_ACCESSIBILITY_EMAIL = "dostopnost@sklad.example"
    body = client.get(
        reverse("accessibility"), headers={"accept-language": language}
    ).content.decode()
    assert f'<html lang="{language}">' in body
    for text in texts:
        assert text in body, text
    assert 'href="mailto:dostopnost@sklad.example"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "texts"),
    [
        (
            "sl",
            [
                "<h1>Obvestilo o varstvu osebnih podatkov</h1>",
                "Upravljavec",
                "Obdelovalec",
                "točki (c) in (e) prvega odstavka 6. člena GDPR",
                "točki (g) in (b) drugega odstavka 9. člena GDPR",
                "žrtve nasilja v družini",
                "Zapisi o prijavah se izbrišejo po 365 dneh",
                "Neoddani osnutki vlog se izbrišejo po koncu razpisa",
                "Informacijski pooblaščenec",
            ],
        ),
        (
            "en",
            [
                "<h1>Privacy notice</h1>",
                "controller",
                "processor",
                "GDPR Article 6(1)(c) and (e)",
                "GDPR Article 9(2)(g) and (b)",
                "victim of domestic violence",
                "Login records are deleted after 365 days",
                "Draft applications that were never submitted are deleted",
                "Informacijski pooblaščenec (Information Commissioner",
            ],
        ),
    ],
)
def test_privacy_notice_in_both_languages(client, language, texts):
    body = client.get(
        reverse("privacy"), headers={"accept-language": language}
    ).content.decode()
    assert f'<html lang="{language}">' in body
    for text in texts:
        assert text in body, text


@pytest.mark.django_db
def test_privacy_notice_states_the_configured_login_retention(client, settings):
    settings.NAJEM_LOGIN_RECORDS_RETENTION_DAYS = 180
    body = client.get(reverse("privacy"), headers=EN).content.decode()
    assert "Login records are deleted after 180 days" in body


# --- the archive ------------------------------------------------------------------------


@pytest.mark.django_db
def test_archive_lists_closed_tenders_only(client, lessor_x):
    TenderFactory(lessor=lessor_x, published=True, title="Odprt razpis")
    TenderFactory(lessor=lessor_x, title="Osnutek razpisa")
    TenderFactory(lessor=lessor_x, closed=True, title="Zaprt razpis")
    TenderFactory(
        lessor=lessor_x,
        status=TenderStatus.ARCHIVED,
        published_on=timezone.localdate() - datetime.timedelta(days=400),
        deadline=in_days(-300),
        title="Arhiviran razpis",
    )
    # Past its deadline, the closing job not yet run: the public sees it closed.
    TenderFactory(
        lessor=lessor_x,
        published=True,
        published_on=timezone.localdate() - datetime.timedelta(days=40),
        deadline=in_days(-1),
        title="Pretekel razpis",
    )
    body = client.get(reverse("tenders:archive"), headers=EN).content.decode()
    # A title without an English version is the Slovenian one, marked lang="sl".
    titles = re.findall(
        r'<h2 class="h4 card-title"><a href="[^"]+">'
        r'(?:<span lang="sl">)?([^<]+)(?:</span>)?</a>',
        body,
    )
    assert titles == ["Pretekel razpis", "Zaprt razpis", "Arhiviran razpis"]
    assert '<span lang="sl">Zaprt razpis</span>' in body
    assert "JSS Ljubljana" in body
    assert "Applications until" in body


@pytest.mark.django_db
def test_home_links_to_the_archive(client):
    body = client.get("/").content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    assert f'href="{reverse("tenders:archive")}"' in main


@pytest.mark.django_db
def test_archive_is_empty_state_in_slovenian(client):
    body = client.get(reverse("tenders:archive")).content.decode()
    assert "Zaključeni razpisi" in body
    assert "Zaključenih razpisov še ni." in body


# --- the tender page: how to apply --------------------------------------------------------


@pytest.mark.django_db
def test_open_tender_page_has_a_start_button_to_login_and_back(client, lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True, amendment_days=15)
    url = reverse("tenders:detail", args=[tender.pk])
    body = client.get(url, headers=EN).content.decode()
    for text in ["How to apply", "What you need", "What happens next", "15 days"]:
        assert text in body, text
    start = reverse("applications:start", args=[tender.pk])
    assert f'class="btn btn-start" href="{start}"' in body
    closed = TenderFactory(lessor=lessor_x, closed=True)
    body = client.get(
        reverse("tenders:detail", args=[closed.pk]), headers=EN
    ).content.decode()
    assert "btn-start" not in body
    assert "This tender no longer accepts applications." in body
    breadcrumb = re.search(r'<ol class="breadcrumb">.*?</ol>', body).group(0)
    assert f'<a href="{reverse("tenders:archive")}">Closed tenders</a>' in breadcrumb


@pytest.mark.django_db
def test_slovenian_wording_on_the_tender_page(client, lessor_x):
    tender = TenderFactory(lessor=lessor_x, published=True)
    body = client.get(reverse("tenders:detail", args=[tender.pk])).content.decode()
    assert "ne presega spodaj navedenih meja" in body
    assert "spodnjih" not in body
    assert "Kako se prijavite" in body


def test_rules_edition_choice_is_nominative_in_slovenian():
    from tenders.models import Tender

    with translation.override("sl"):
        labels = [
            str(label) for _, label in Tender._meta.get_field("rules_edition").choices
        ]
    assert labels[0].startswith("Pravilnik o dodeljevanju")


# --- English dates ----------------------------------------------------------------------


def test_english_dates_name_the_month():
    moment = datetime.datetime(2027, 1, 3, 12, 0, tzinfo=LJUBLJANA)
    html = render(
        '{{ m|date:"SHORT_DATETIME_FORMAT" }}|{{ m|date:"DATETIME_FORMAT" }}'
        '|{{ d|date:"SHORT_DATE_FORMAT" }}',
        m=moment,
        d=moment.date(),
    )
    assert html == "3 January 2027, 12:00|3 January 2027, 12:00|3 January 2027"


@pytest.mark.django_db
def test_staff_tender_list_dates_in_english(client, lessor_x, actors, otp_login):
    TenderFactory(
        lessor=lessor_x,
        deadline=datetime.datetime(2027, 1, 3, 12, 0, tzinfo=LJUBLJANA),
    )
    otp_login(client, actors["admin_x"])
    body = client.get(reverse("tenders:staff_list"), headers=EN).content.decode()
    assert "3 January 2027, 12:00" in body
    assert "03/01/2027" not in body
