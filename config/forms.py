"""One form convention for every page (GOV.UK Design System patterns).

Inputs are as wide as what they hold: a reader sees at a glance that a field wants four
digits or a date, not a paragraph. ``NajemFormMixin`` gives every field a width class
(``input-width-<n>``, ``static/css/najem.css``) and numbers an ``inputmode`` that brings
up the phone's number keypad::

    class TenderCategoryForm(NajemFormMixin, forms.ModelForm):
        input_widths = {"slug": 20}  # optional: a width for one field by name

The rest of the convention lives in the templates, for every crispy form whether or not
it uses the mixin: labels say "(optional)" instead of marking required fields with an
asterisk, the hint and then the error come between the label and the input
(``templates/bootstrap5/field.html``), and ``base.html`` shows one error summary for all
the forms of the page (``templates/_partials/error_summary.html``).
"""

from django import forms

# The widths the stylesheet has, in characters.
WIDTHS = (2, 3, 4, 5, 10, 20, 30)


def width_for_length(length: int) -> int | None:
    """The narrowest width class that holds ``length`` characters (None: full width)."""
    for width in WIDTHS:
        if length <= width:
            return width
    return None


def input_width(field: forms.Field) -> int | None:
    """The width class a field's input gets by its type and limits, or None."""
    widget = field.widget
    if isinstance(
        widget,
        forms.Textarea
        | forms.Select
        | forms.RadioSelect
        | forms.CheckboxInput
        | forms.CheckboxSelectMultiple
        | forms.ClearableFileInput
        | forms.HiddenInput,
    ):
        return None  # these have their own sizes
    if isinstance(field, forms.DateTimeField):
        return 20
    if isinstance(field, forms.DateField):
        return 10
    if isinstance(field, forms.DecimalField):
        digits = field.max_digits or 9  # money: 1.234.567,89
        return width_for_length(digits + 3)
    if isinstance(field, forms.IntegerField):
        if field.max_value is not None:  # at least 4: room for the spin buttons' digits
            return width_for_length(max(4, len(str(field.max_value))))
        return 5
    if isinstance(field, forms.EmailField | forms.URLField):
        return 30
    if isinstance(field, forms.CharField) and field.max_length:
        return width_for_length(field.max_length)
    return None


def input_mode(field: forms.Field) -> str | None:
    """The ``inputmode`` that brings up a number keypad on phones, for number fields."""
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return "decimal"
    if isinstance(field, forms.IntegerField):
        return "numeric"
    return None


def apply_form_conventions(
    form: forms.BaseForm, widths: dict[str, int] | None = None
) -> None:
    """Give each field of ``form`` its width class and input mode (see the module)."""
    widths = widths or {}
    for name, field in form.fields.items():
        attrs = field.widget.attrs
        width = widths.get(name, input_width(field))
        if width is not None:
            classes = [c for c in attrs.get("class", "").split() if c]
            classes = [c for c in classes if not c.startswith("input-width-")]
            attrs["class"] = " ".join([*classes, f"input-width-{width}"])
        mode = input_mode(field)
        if mode is not None:
            attrs.setdefault("inputmode", mode)


class NajemFormMixin:
    """Put first in a form's bases: ``class F(NajemFormMixin, forms.ModelForm)``.

    ``input_widths`` overrides the width (in characters) of fields by name.
    """

    input_widths: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_form_conventions(self, self.input_widths)
