"""Site-wide template helpers: money, the form error summary, the site contact.

``{% load najem %}`` in any template:

- ``{{ amount|money }}``: ``1.344,86 €`` in the page's language, a no-break space
  before the sign and the whole kept on one line (``.money``: ``white-space: nowrap``).
- ``{% error_summary_items as error_summary %}``: what the error summary at the top of
  the page lists (``base.html`` does this once for every page).
- ``{% site_contact as contact %}``: the operator's contact from the settings.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms, template
from django.conf import settings
from django.forms.formsets import BaseFormSet
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

register = template.Library()

NBSP = "\u00a0"


@register.filter
def money(value: Any) -> str:
    """An amount in euros, localized, with two decimals and thousands separators.

    Empty values give an empty string; anything that is not a number is shown as is.
    """
    if value is None or value == "":
        return ""
    try:
        Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return format_html(
        '<span class="money">{}{}€</span>', floatformat(value, "2g"), NBSP
    )


def _forms_in(context: template.Context) -> list[forms.BaseForm | BaseFormSet]:
    """The forms (and formsets) a page shows: ``form`` first, then the list ``forms``,
    then any other form or formset in the context, each once."""
    found: list[Any] = []

    def add(candidate: Any) -> None:
        if isinstance(candidate, forms.BaseForm | BaseFormSet) and not any(
            candidate is f for f in found
        ):
            found.append(candidate)

    flat = context.flatten()
    add(flat.get("form"))
    for candidate in flat.get("forms") or ():
        add(candidate)
    for candidate in flat.values():
        add(candidate)
    return found


def _form_items(form: forms.BaseForm) -> list[dict[str, str]]:
    """One item per error of ``form``: the message and, for a field, its input's id."""
    if not form.is_bound or not form.errors:
        return []
    items = [{"message": str(e), "href": ""} for e in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name == forms.forms.NON_FIELD_ERRORS:
            continue
        bound = form[name] if name in form.fields else None
        target = ""
        if bound is not None and not bound.is_hidden:
            target = bound.id_for_label or bound.auto_id or ""
        items.extend({"message": str(e), "href": target} for e in errors)
    return items


@register.simple_tag(takes_context=True)
def error_summary_items(context: template.Context) -> list[dict[str, str]]:
    """Every error of every form on the page, in the forms' order: non-field errors
    first (no link), then each field's errors with the id of the field's input (the
    summary links to ``#<id>``). Empty when no form has errors."""
    items: list[dict[str, str]] = []
    for found in _forms_in(context):
        if isinstance(found, BaseFormSet):
            if not found.is_bound:
                continue
            items.extend(
                {"message": str(e), "href": ""} for e in found.non_form_errors()
            )
            for member in found.forms:
                items.extend(_form_items(member))
        else:
            items.extend(_form_items(found))
    return items


@register.simple_tag
def site_contact() -> dict[str, str]:
    """Who runs the site and how to reach them (``NAJEM_CONTACT_*`` settings)."""
    return {
        "name": settings.NAJEM_CONTACT_NAME,
        "address": settings.NAJEM_CONTACT_ADDRESS,
        "email": settings.NAJEM_CONTACT_EMAIL,
        "phone": settings.NAJEM_CONTACT_PHONE,
        "accessibility_email": settings.NAJEM_ACCESSIBILITY_EMAIL
        or settings.NAJEM_CONTACT_EMAIL,
    }
