"""Site-wide template helpers: money, the form error summary, the site contact.

``{% load najem %}`` in any template:

- ``{{ amount|money }}``: ``1.344,86 €`` in the page's language, a no-break space
  before the sign and the whole kept on one line (``.money``: ``white-space: nowrap``).
- ``{% error_summary_items as error_summary %}``: what the error summary at the top of
  the page lists (``base.html`` does this once for every page).
- ``{% site_contact as contact %}``: the operator's contact from the settings.
- ``{% same_for_everyone %}...{% endsame_for_everyone %}``: a piece of the page frame
  rendered once per process and language.
"""

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms, template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.forms.formsets import BaseFormSet
from django.template.base import NodeList
from django.template.defaultfilters import floatformat
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

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


# --- The page frame, once per language ------------------------------------------

# Off only in tests, to compare the pages with the fragments rendered every time.
FRAME_CACHE = True
# Bumped when a setting changes (tests): a fragment may show settings (the contact).
_generation = 0


@receiver(setting_changed, dispatch_uid="najem.frame_cache_clear")
def _on_setting_changed(**kwargs: Any) -> None:
    frame_cache_clear()


def frame_cache_clear() -> None:
    """Forget every rendered fragment (each is rendered again when next needed)."""
    global _generation
    _generation += 1


class SameForEveryoneNode(template.Node):
    """Renders its body once per language and keeps the HTML on the node itself (so
    it lives as long as the compiled template in the template loader's cache)."""

    # Not walked for blocks: ``{% extends %}`` walks the whole base template on every
    # render to find them, and none may be inside (see ``same_for_everyone``).
    child_nodelists = ()

    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.rendered: dict[tuple[int, str | None, str], SafeString] = {}

    def render(self, context: template.Context) -> str:
        if not FRAME_CACHE:
            return self.nodelist.render(context)
        # Everything a fragment may show besides its text and settings: the language
        # (translations) and the script prefix (``{% url %}`` under a sub-path).
        key = (_generation, get_language(), get_script_prefix())
        html = self.rendered.get(key)
        if html is None:
            html = self.nodelist.render(context)
            if len(self.rendered) > 16:  # old generations (tests)
                self.rendered.clear()
            self.rendered[key] = html
        return html


@register.tag
def same_for_everyone(
    parser: template.base.Parser, token: template.base.Token
) -> SameForEveryoneNode:
    """``{% same_for_everyone %}...{% endsame_for_everyone %}``: the enclosed template
    is rendered once per process and language, then its HTML is reused.

    Only for parts of the page frame whose output depends on nothing but the
    language, settings and ``{% url %}``/``{% static %}``: never a variable of the
    request, the user, a form, a message, the CSRF token or the CSP nonce
    (``tests/housing/test_page_overhead.py`` compares the pages with and without).
    Every reader of a language gets the HTML the first one did.
    """
    nodelist = parser.parse(("endsame_for_everyone",))
    parser.delete_first_token()
    for per_request in (BlockNode, CsrfTokenNode):
        if nodelist.get_nodes_by_type(per_request):
            raise template.TemplateSyntaxError(
                f"{{% same_for_everyone %}} may not hold a {per_request.__name__}"
            )
    return SameForEveryoneNode(nodelist)
