"""``{% house_field %}``: the field in the context as HTML (``housing.field_html``).

``templates/bootstrap5/field.html`` uses it: crispy-forms includes that template for
every field it renders, with its settings in the context. ``{{ field|as_house_field }}``
is ``{{ field|as_crispy_field }}`` without crispy's round through that template.
"""

from collections.abc import Mapping
from typing import Any

from django import template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString, mark_safe

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

from housing.field_html import render_field

register = template.Library()


@register.filter
def as_house_field(field: Any) -> SafeString:
    """What ``{{ field|as_crispy_field }}`` renders: ``bootstrap5/field.html`` with
    crispy's settings for a lone field (errors and label shown, no classes), that is
    :func:`house_field`'s HTML and the template's closing newline; without finding,
    and rendering, a template for each field. A form with a crispy helper (its own
    settings and template), or anything but a form's field, goes through crispy."""
    if not isinstance(field, BoundField) or hasattr(field.form, "helper"):
        return as_crispy_field(field)
    html = render_field(field, form_show_errors=True, form_show_labels=True)
    return mark_safe(html + "\n")  # noqa: S308  # nosec B308 B703 - every value escaped there


@register.simple_tag(takes_context=True)
def house_field(context: template.Context) -> SafeString:
    """Render ``field`` with crispy's settings from ``context``."""

    def get(name: str) -> str:
        value = context.get(name)
        return value or ""

    html = render_field(
        context["field"],
        form_show_errors=bool(context.get("form_show_errors")),
        form_show_labels=bool(context.get("form_show_labels")),
        label_class=get("label_class"),
        field_class=get("field_class"),
        tag=get("tag"),
        wrapper_class=get("wrapper_class"),
        form_class=get("form_class"),
    )
    return mark_safe(html)  # noqa: S308  # nosec B308 B703 - every value escaped there


@register.filter
def hint_for(hints: Mapping[Any, Any] | None, value: Any) -> Any:
    """The hint of one option of a choice field (``field.field.hints``, by the option's
    value), or nothing: what a loop over the hints comparing each value wrote, in
    one look-up instead of a loop of template tags for every option."""
    if not hints:
        return ""
    return hints.get(value, "")
