"""``housing.field_html`` writes what crispy-bootstrap5's field templates (as the site
had changed them, kept in ``tests/reference_templates/``) wrote, for every kind of
widget and state the site's forms have, and for the site's real forms.

Each form is rendered twice, with fresh instances: once through the site's templates
(``bootstrap5/field.html`` -> ``{% house_field %}``) and once with the reference
templates first in the template path. The two must be the same HTML up to whitespace
between tags.
"""

import re
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import engines
from django.test import override_settings
from django.utils import translation
from django.utils.safestring import SafeString

import pytest

from housing.field_html import render_field

REFERENCE = Path(__file__).resolve().parent.parent / "reference_templates"
# (the site's forms are made from the applications tests' fixtures: hence this folder)


def _normal(html: str) -> str:
    html = re.sub(r">\s+", ">", html)
    html = re.sub(r"\s+<", "<", html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r"\s+>", ">", html).strip()


@contextmanager
def _reference_templates():
    """The reference templates first. crispy keeps its form templates in
    ``lru_cache``s (made by the engine of the moment, whose includes then resolve in
    that engine): cleared on the way in and out."""
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [REFERENCE, *templates[0]["DIRS"]]
    _clear_crispy_caches()
    try:
        with override_settings(TEMPLATES=templates):
            yield
    finally:
        _clear_crispy_caches()


def _clear_crispy_caches():
    from crispy_forms.templatetags import crispy_forms_filters, crispy_forms_tags

    for module in (crispy_forms_filters, crispy_forms_tags):
        for value in vars(module).values():
            if hasattr(value, "cache_clear"):
                value.cache_clear()


SOURCES = {
    "field": "{% load crispy_forms_filters %}"
    "{% for field in form %}{{ field|as_crispy_field }}{% endfor %}",
    "form": "{% load crispy_forms_tags %}{{ form|crispy }}",
    "options": '{% for field in form %}{% include "bootstrap5/field.html" with '
    'form_show_errors=True form_show_labels=True field_class="col-9" '
    'label_class="col-3" wrapper_class="w" tag=tag form_class=form_class %}'
    "{% endfor %}",
}


def _render(make_form, source: str, **context) -> str:
    template = engines["django"].from_string(SOURCES[source])
    return template.render({"form": make_form(), **context})


def assert_same(make_form, source: str = "field", **context) -> str:
    """Render ``make_form()`` both ways; return the site's HTML."""
    ours = _render(make_form, source, **context)
    with _reference_templates():
        theirs = _render(make_form, source, **context)
    assert _normal(ours) == _normal(theirs)
    return ours


def test_the_reference_really_is_crispys_template():
    """The comparison would be empty if both sides used the site's template."""
    used = []
    from housing.templatetags import najem_fields

    original = najem_fields.render_field
    najem_fields.render_field = lambda *a, **k: used.append(1) or original(*a, **k)
    try:
        with _reference_templates():
            for source in ("field", "form"):
                _render(EveryWidget, source)
        assert used == []
        for source in ("field", "form"):
            _render(EveryWidget, source)
        assert used
    finally:
        najem_fields.render_field = original


class EveryWidget(forms.Form):
    error_css_class = "has-error"
    required_css_class = "is-required"

    text = forms.CharField(label="Ime & priimek <b>", help_text="A <em>hint</em>")
    optional_text = forms.CharField(required=False, max_length=5)
    number = forms.DecimalField(min_value=0, decimal_places=2)
    email = forms.EmailField(required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    password = forms.CharField(widget=forms.PasswordInput)
    notes = forms.CharField(widget=forms.Textarea, required=False, help_text="Hint")
    choice = forms.ChoiceField(choices=[("", "---"), ("a", "A & B"), ("b", "B")])
    many = forms.MultipleChoiceField(choices=[("a", "A"), ("b", "B")], required=False)
    radio = forms.ChoiceField(
        widget=forms.RadioSelect,
        choices=[("1", "One <1>"), ("2", "Two")],
        help_text="Pick one",
    )
    grouped = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("Group", [("x", "X"), ("y", "Y")]), ("z", "Z")],
        required=False,
    )
    tick = forms.BooleanField(required=False, help_text="Tick if so")
    must_tick = forms.BooleanField(label="I agree")
    upload = forms.FileField(required=False, help_text="PDF")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    disabled = forms.CharField(disabled=True, required=False, initial="fixed")


BAD = {
    "text": "",
    "number": "-1",
    "email": "not-an-email",
    "date": "2026-13-40",
    "choice": "zz",
    "radio": "9",
    "grouped": ["x", "nope"],
    "optional_text": "too long",
}
GOOD = {
    "text": "Ana",
    "number": "12.50",
    "date": "2026-01-02",
    "password": "x",
    "choice": "a",
    "many": ["a", "b"],
    "radio": "2",
    "grouped": ["x", "z"],
    "tick": "on",
    "must_tick": "on",
}


@pytest.mark.parametrize("source", ["field", "form"])
@pytest.mark.parametrize("data", [None, BAD, GOOD], ids=["unbound", "errors", "valid"])
def test_every_widget_and_state(source, data):
    def make():
        files = {"upload": SimpleUploadedFile("a.pdf", b"%PDF")} if data else None
        form = EveryWidget(data, files)
        if data is not None:
            form.is_valid()
        return form

    html = assert_same(make, source)
    if data is BAD:
        assert 'class="invalid-feedback d-block field-error-message"' in html
        assert "Ime &amp; priimek &lt;b&gt;" in html
        assert "A <em>hint</em>" in html


@pytest.mark.parametrize("form_class", ["", "form-horizontal"])
@pytest.mark.parametrize("tag", ["", "td"])
def test_crispy_context_options(tag, form_class):
    def make():
        form = EveryWidget(BAD)
        form.is_valid()
        return form

    assert_same(make, "options", tag=tag, form_class=form_class)


def test_in_slovenian_the_words_are_translated():
    def make():
        form = EveryWidget(BAD)
        form.is_valid()
        return form

    with translation.override("sl"):
        html = assert_same(make)
    assert "(neobvezno)" in html or "(optional)" not in html
    assert "Error:" not in html


def test_hidden_field_is_only_its_input():
    form = EveryWidget()
    assert render_field(form["hidden"]) == str(form["hidden"])


def _maker(factory, data):
    """A function making ``factory(data)``, validated when bound (errors shown)."""

    def make():
        form = factory(data)
        if data is not None:
            form.is_valid()
        return form

    return make


def _applicant_form_factories(draft):
    """A factory of every section form and every member form of ``draft``."""
    from applications.forms import MEMBER_FORMS, SECTION_FORMS
    from applications.models import Member

    member = Member.objects.filter(application=draft).first()
    return [
        lambda d, fc=form_class, s=section: fc(
            d, **({"application": draft} if s == "categories" else {})
        )
        for section, form_class in SECTION_FORMS.items()
    ] + [
        lambda d, fc=form_class: fc(d, prefix=f"m{member.pk}")
        for form_class in MEMBER_FORMS.values()
    ]


@pytest.mark.django_db
def test_the_applicant_forms(draft):
    from applications.forms import MemberForm

    factories = _applicant_form_factories(draft)
    for data in (None, {"expected_version": "x"}):
        for factory in factories:
            assert_same(_maker(factory, data))
        for as_applicant in (True, False):
            member_form = _maker(
                lambda d, a=as_applicant: MemberForm(d, application=draft, applicant=a),
                data,
            )
            assert_same(member_form, "form")


@pytest.mark.django_db
def test_the_staff_and_account_forms(draft):
    from housing.forms_accounts import (
        AccountForm,
        OTPVerifyForm,
        RegistrationForm,
        ResendVerificationForm,
    )
    from lists.forms import CutoffForm
    from review.forms import AmendmentForm, FactRejectForm, RejectionDraftForm
    from tenders.forms import TenderCategoryForm, TenderForm

    tender = draft.tender
    lessors = type(tender.lessor).objects.filter(pk=tender.lessor.pk)
    factories = [
        RegistrationForm,
        ResendVerificationForm,
        lambda d: AccountForm(d, instance=draft.applicant),
        OTPVerifyForm,
        lambda d: CutoffForm(d, sub_lists=["A1", "B1"]),
        AmendmentForm,
        FactRejectForm,
        RejectionDraftForm,
        lambda d: TenderForm(d, instance=tender, lessors=lessors),
        lambda d: TenderCategoryForm(d, tender=tender),
    ]
    for factory in factories:
        for data in (None, {}):
            assert_same(_maker(factory, data), "form")


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        '<b class="x">Tom & Jerry\'s</b>',
        "",
        0,
        12.5,
        None,
        False,
        True,
    ],
)
def test_the_escapes_write_what_djangos_write(text):
    from django.utils import html
    from django.utils.functional import lazy
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from housing import field_html

    lazy_text = lazy(lambda: text, str)() if isinstance(text, str) else text
    safe = mark_safe(str(text))  # noqa: S308  # nosec B308 B703 - a test value
    lazy_safe = lazy(lambda: safe, str)()
    for value in (text, lazy_text, safe, lazy_safe, gettext_lazy("Error:")):
        assert field_html.escape(value) == str(html.escape(value))
        assert field_html.conditional_escape(value) == str(
            html.conditional_escape(value)
        )


def _house_and_crispy(make) -> list[tuple[str, str]]:
    """Every field of ``make()``'s form through ``as_house_field`` and through
    crispy's ``as_crispy_field``, each from a fresh form (rendering sets classes on
    the widgets)."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from housing.templatetags.najem_fields import as_house_field

    pairs = []
    for name in make().fields:
        house = as_house_field(make()[name])
        crispy = as_crispy_field(make()[name])
        assert isinstance(house, SafeString)
        pairs.append((str(house), str(crispy)))
    return pairs


@pytest.mark.parametrize("data", [None, BAD, GOOD], ids=["unbound", "errors", "valid"])
def test_as_house_field_is_as_crispy_field_to_the_byte(data):
    def make():
        files = {"upload": SimpleUploadedFile("a.pdf", b"%PDF")} if data else None
        form = EveryWidget(data, files)
        if data is not None:
            form.is_valid()
        return form

    for house, crispy in _house_and_crispy(make):
        assert house == crispy


@pytest.mark.django_db
def test_as_house_field_is_as_crispy_field_on_the_applicant_forms(draft):
    from applications.forms import MemberForm

    factories = _applicant_form_factories(draft)
    factories.append(lambda d: MemberForm(d, application=draft, applicant=True))
    for language in ("sl", "en"):
        with translation.override(language):
            for data in (None, {"expected_version": "x"}):
                for factory in factories:
                    for house, crispy in _house_and_crispy(_maker(factory, data)):
                        assert house == crispy


def test_a_form_with_a_crispy_helper_goes_through_crispy():
    from crispy_forms.helper import FormHelper

    from housing.templatetags.najem_fields import as_house_field

    def make():
        form = EveryWidget(BAD)
        form.helper = FormHelper()
        form.helper.form_show_labels = False
        form.is_valid()
        return form

    for house, crispy in _house_and_crispy(make):
        assert house == crispy
    plain = EveryWidget(BAD)
    plain.is_valid()
    assert str(as_house_field(make()["text"])) != str(as_house_field(plain["text"]))


@pytest.mark.parametrize("language", ["sl", "en"])
def test_hint_for_writes_what_the_loop_over_the_hints_wrote(language):
    from applications.forms import HousingForm

    engine = engines["django"]
    loop = engine.from_string(
        "{% for radio in field %}[{% for value, hint in field.field.hints.items %}"
        "{% if value == radio.data.value %}{{ hint }}{% endif %}{% endfor %}]"
        "{% endfor %}"
    )
    lookup = engine.from_string(
        "{% load najem_fields %}{% for radio in field %}"
        "[{{ field.field.hints|hint_for:radio.data.value }}]{% endfor %}"
    )
    form = HousingForm()
    field = form["housing_status"]
    field.field.hints = {**field.field.hints, "1.3": "<b>& ours</b>"}
    with translation.override(language):
        html = lookup.render({"field": field})
        assert html == loop.render({"field": field})
    assert html.count("[]") == 0
    assert "&lt;b&gt;&amp; ours&lt;/b&gt;" in html
    del field.field.hints["1.6"]
    assert lookup.render({"field": field}) == loop.render({"field": field})
    area = {"field": form["dwelling_area_m2"]}  # no hints at all
    assert lookup.render(area) == loop.render(area) == "[]"
