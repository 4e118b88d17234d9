"""``{% house_field %}``: the field in the context as HTML (``housing.field_html``).

Only ``templates/bootstrap5/field.html`` uses it: crispy-forms includes that template for
every field it renders, with its settings in the context.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from housing.field_html import render_field

register = template.Library()


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
