"""One form field as HTML, in the order of the GOV.UK Design System, built in Python.

Every form of the site renders its fields through crispy-forms (``{{ form|crispy }}``,
``{{ field|as_crispy_field }}``); crispy includes ``bootstrap5/field.html`` for each
field, and that template calls :func:`render_field` (``{% house_field %}``,
``housing/templatetags/najem_fields.py``). It writes what crispy-bootstrap5's field
template wrote, as the site changed it (label with "(optional)", hint, error, input:
``templates/bootstrap5/layout/``), but as string building rather than 30 nested
template tags a field: an applicant's page of 12 fields cost 5.6 ms of template
rendering, most of the page (docs/performance.md, "HTTP"). The widgets themselves
(``<input>``, ``<select>``, ``<textarea>``) are written from Django's own widget
context (:func:`_widget`); any other widget goes through Django's form renderer.

``tests/test_field_html.py`` renders every field of every form of the site, valid
and with errors, through this function and through crispy-bootstrap5's own templates
as the site had changed them, and checks the two agree.
"""

from __future__ import annotations

import html
from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.functional import Promise
from django.utils.translation import gettext

from crispy_forms.templatetags.crispy_forms_filters import optgroups


# Django's ``escape`` and ``conditional_escape`` give the same text, but ``escape`` is
# ``keep_lazy``: each call first looks through its arguments for a lazy string, about
# a quarter of a field's time for the forty calls a field makes. Here the text is
# forced first (as ``conditional_escape`` does), so no result is ever lazy, and the
# whole field is marked safe once (``{% house_field %}``).
def escape(text: Any) -> str:
    """``django.utils.html.escape``: always escaped, even safe text."""
    return html.escape(str(text))


def conditional_escape(text: Any) -> str:
    """``django.utils.html.conditional_escape``: safe text as it is, the rest escaped."""
    if isinstance(text, Promise):
        text = str(text)
    if hasattr(text, "__html__"):
        return text.__html__()
    return html.escape(str(text))


def _is(field: BoundField, kind: type) -> bool:
    return isinstance(field.field.widget, kind)


def _add_classes(field: BoundField, classes: str) -> None:
    """What crispy's ``{% crispy_field field 'class' '...' %}`` does to the widget:
    its class name (``textinput``, ``select``...) then ``classes``, each once."""
    widget = field.field.widget
    widgets = getattr(widget, "widgets", [getattr(widget, "widget", widget)])
    for each in widgets:
        name = each.__class__.__name__.lower()
        css = each.attrs.get("class", "")
        if css:
            if css.find(name) == -1:
                css += " " + name
        else:
            css = name
        each.attrs["class"] = css
        present = css.split()
        for item in classes.split():
            if item not in present:
                each.attrs["class"] += " " + item
                present.append(item)


_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input", "text", "number", "email", "url", "password", "date", "datetime",
        "time", "checkbox", "hidden", "search", "tel",
    )
)  # fmt: skip
_SELECT = "django/forms/widgets/select.html"
_OPTION = "django/forms/widgets/select_option.html"
_TEXTAREA = "django/forms/widgets/textarea.html"
_FAST = _INPUTS | {_SELECT, _TEXTAREA}


def _widget(field: BoundField) -> str:
    """``str(field)``: the input as Django's widget templates write it (``input``,
    ``select``, ``textarea``), from the widget's own context; any other widget, or a
    field with a hidden initial value, through Django's form renderer."""
    widget = field.field.widget
    template = widget.template_name
    if (
        field.field.show_hidden_initial
        or type(widget).render is not forms.Widget.render  # e.g. adds a <datalist>
        or template not in _FAST
    ):
        return str(field)
    # BoundField.as_widget, without the renderer.
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    name = conditional_escape(context["name"])
    if template == _TEXTAREA:
        value = context["value"]
        text = conditional_escape(value) if value else ""
        return f'<textarea name="{name}"{_attrs(context["attrs"])}>\n{text}</textarea>'
    if template == _SELECT:
        out = [f'<select name="{name}"{_attrs(context["attrs"])}>']
        for group, options, _index in context["optgroups"]:
            if group:
                out.append(f'\n  <optgroup label="{conditional_escape(group)}">')
            for option in options:
                if option["template_name"] != _OPTION:
                    return str(field)
                out.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}"
                    "</option>"
                )
            if group:
                out.append("\n  </optgroup>")
        out.append("\n</select>")
        return "".join(out)
    value = context["value"]
    shown = "" if value is None else f' value="{conditional_escape(str(value))}"'
    return (
        f'<input type="{conditional_escape(context["type"])}" name="{name}"'
        f"{shown}{_attrs(context['attrs'])}>"
    )


def _hint_and_error(field: BoundField, show_errors: bool, errors: Any) -> str:
    out = []
    if field.help_text:
        out.append(
            f'<div id="{escape(field.auto_id)}_helptext" class="form-text form-hint">'
            f"{field.help_text}</div>"
        )
    out.append("\n")
    if show_errors and errors:
        word = escape(gettext("Error:"))
        out.append(
            f'<div id="{escape(field.auto_id)}_error" '
            'class="invalid-feedback d-block field-error-message">'
        )
        out.extend(
            f'<p class="mb-1"><span class="visually-hidden">{word} </span>'
            f"{conditional_escape(error)}</p>"
            for error in errors
        )
        out.append("</div>")
    return "".join(out)


def _attrs(attrs: dict[str, Any]) -> str:
    """crispy-bootstrap5's ``layout/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(" " + conditional_escape(name))
        if value is not True:
            out.append(f'="{conditional_escape(str(value))}"')
    return "".join(out)


def _choices(field: BoundField, field_class: str, invalid: str) -> str:
    """``layout/radio_checkbox_select.html``: the options, without hint and error."""
    out = [
        f"<div {f'class={chr(34)}{escape(field_class)}{chr(34)}' if field_class else ''}>"
    ]
    name = escape(field.html_name)
    for group, options, _index in optgroups(field):
        if group:
            out.append(f"<strong>{conditional_escape(group)}</strong>")
        for option in options:
            out.append(
                '<div class="form-check">'
                f'<input type="{escape(option["type"])}" '
                f'class="form-check-input{invalid}"  name="{name}" '
                f'value="{escape(str(option["value"]))}" {_attrs(option["attrs"])}>'
                f'<label for="{escape(option["attrs"].get("id", ""))}" '
                f'class="form-check-label">{conditional_escape(str(option["label"]))}'
                "</label></div>"
            )
    out.append("</div>")
    return "".join(out)


def _file(field: BoundField) -> str:
    """``layout/field_file.html``: the file input, without hint and error."""
    out = []
    disabled = " disabled" if field.field.disabled else ""
    invalid = " is-invalid" if field.errors else ""
    for widget in field.subwidgets:
        data = widget.data
        if data.get("is_initial"):
            value = field.value()
            out.append(
                '<div class="input-group mb-2">'
                f'<span class="input-group-text">{escape(data["initial_text"])}</span>'
                '<div class="form-control d-flex h-auto">'
                '<span class="text-break flex-grow-1">'
                f'<a href="{escape(value.url)}">{escape(value.name)}</a></span>'
            )
            if not data.get("required"):
                out.append(
                    '<span class="align-self-center ml-2"><span class="form-check">'
                    f'<input type="checkbox" name="{escape(data["checkbox_name"])}" '
                    f'id="{escape(data["checkbox_id"])}" class="form-check-input"'
                    f"{disabled} >"
                    f'<label class="form-check-label mb-0" '
                    f'for="{escape(data["checkbox_id"])}">'
                    f"{escape(data['clear_checkbox_label'])}</label></span></span>"
                )
            out.append("</div></div>")
        attrs = data["attrs"]
        extra = f" {escape(attrs['class'])}" if attrs.get("class") else ""
        rest = _attrs({k: v for k, v in attrs.items() if k != "class"})
        out.append(
            f"<div{' class=' + chr(34) + 'is-invalid' + chr(34) if field.errors else ''}>"
            f'<input type="{escape(data["type"])}" name="{escape(data["name"])}" '
            f'class="form-control{extra}{invalid}"{disabled}{rest}></div>'
        )
    return "".join(out)


def render_field(
    field: BoundField,
    *,
    form_show_errors: bool = True,
    form_show_labels: bool = True,
    label_class: str = "",
    field_class: str = "",
    tag: str = "",
    wrapper_class: str = "",
    form_class: str = "",
) -> str:
    """The HTML of ``bootstrap5/field.html`` for ``field`` (see the module's text)."""
    if field.is_hidden:
        return _widget(field)
    horizontal = "form-horizontal" in (form_class or "")
    checkbox = _is(field, forms.CheckboxInput)
    choices = _is(field, forms.RadioSelect)  # CheckboxSelectMultiple is one too
    errors = field.errors  # a new (empty) ErrorList at each reading
    invalid = " is-invalid" if errors else ""
    out = []
    outer = checkbox and tag != "td"
    if outer:
        out.append(f'<div class="mb-3{" row" if horizontal else ""}">')
        if label_class:
            out.append(f'<div class="{escape(field_class)}">')
    if checkbox and form_show_labels:
        classes = "form-check"
    else:
        classes = "mb-3" + (" row" if horizontal else "")
    if wrapper_class:
        classes += " " + wrapper_class
    if css := field.css_classes():
        classes += " " + css
    if errors:
        classes += " field-error"
    element = tag or "div"
    out.append(
        f'<{element} id="div_{escape(field.auto_id)}" class="{escape(classes)}">'
    )
    fieldset = field.label and form_show_labels and field.use_fieldset
    if field.label and not checkbox and form_show_labels:
        label_tag = "legend" if field.use_fieldset else "label"
        if field.use_fieldset:
            described = field.aria_describedby
            out.append(
                "<fieldset"
                + (' class="row"' if horizontal else "")
                + (f' aria-describedby="{escape(described)}"' if described else "")
                + ">"
            )
        label_for = ""
        if field.id_for_label and not field.use_fieldset:
            label_for = f'for="{escape(field.id_for_label)}" '
        label_classes = "col-form-label pt-0" if horizontal else "form-label"
        if label_class:
            label_classes += " " + label_class
        if field.use_fieldset:
            label_classes += " fs-6"
        optional = ""
        if not field.field.required:
            optional = (
                f' <span class="label-optional">({escape(gettext("optional"))})</span>'
            )
        out.append(
            f'<{label_tag} {label_for}class="{escape(label_classes)}">'
            f"{conditional_escape(field.label)}{optional}</{label_tag}>"
        )
    if choices:
        out.append(_hint_and_error(field, form_show_errors, errors))
        out.append(_choices(field, field_class, invalid))
    elif checkbox and form_show_labels:
        _add_classes(field, "form-check-input" + invalid)
        out.append(_widget(field))
        out.append(
            f'<label for="{escape(field.id_for_label)}" class="form-check-label">'
            f"{conditional_escape(field.label)}</label>"
        )
        out.append(_hint_and_error(field, form_show_errors, errors))
    else:
        if field_class:
            out.append(f'<div class="{escape(field_class)}">')
        out.append(_hint_and_error(field, form_show_errors, errors))
        if _is(field, forms.FileInput):
            out.append(_file(field))
        else:
            if _is(field, forms.Select):
                kind = "form-select"
            elif checkbox:
                kind = "form-check-input"
            else:
                kind = "form-control"
            _add_classes(field, kind + invalid)
            out.append(_widget(field))
        if field_class:
            out.append("</div>")
    if fieldset:
        out.append("</fieldset>")
    out.append(f"</{element}>")
    if outer:
        if label_class:
            out.append("</div>")
        out.append("</div>")
    return "".join(out)
