"""Forms of the tender pages: they only parse input (types, choices, formats) and
hand it to a service, which owns every rule (``tenders/services.py``); the service's
refusals come back as :class:`housing.errors.ServiceError` and go to their fields."""

from dataclasses import dataclass, field

from django import forms
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from config.forms import NajemFormMixin
from scoring.engine import EDITIONS

from .constants import TenderStatus
from .models import (
    AdditionalCondition,
    AmendmentNotice,
    SubList,
    Tender,
    TenderCategory,
)
from .services import tie_break_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# --- Layout: fieldsets with legends, bilingual pairs, conditional reveal (issue 11) ----


@dataclass
class Row:
    """One line of a fieldset: a field, or a Slovenian text with its English version
    side by side; ``reveal`` names the ``data-`` attributes that show it only while a
    condition holds (``static/js/conditional-reveal.js``; without JavaScript it shows).
    """

    fields: list
    reveal: SafeString | None = None

    @property
    def pair(self) -> bool:
        return len(self.fields) == 2


@dataclass
class Section:
    legend: str
    rows: list[Row] = field(default_factory=list)
    hint: str = ""


def reveal_when_checked(name: str) -> SafeString:
    """Show a row while the checkbox ``name`` is checked."""
    return format_html('data-reveal-checked="#id_{}"', name)


def reveal_when_chosen(name: str, *values: str) -> SafeString:
    """Show a row while the select or radios ``name`` has one of ``values``."""
    return format_html(
        'data-reveal-name="{}" data-reveal-values="{}"', name, " ".join(values)
    )


class BilingualFormMixin(NajemFormMixin):
    """Forms of models with paired texts (``<field>`` Slovenian, ``<field>_en``):
    labels say which language each is in, inputs carry ``lang``, and ``sections()``
    lays the form out from ``layout``: ``(legend, hint, [row, ...])`` where a row is
    a field name, or ``(name, reveal)``; a bilingual name becomes the pair.
    """

    layout: list = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in getattr(self._meta.model, "bilingual_fields", ()):
            if name not in self.fields or f"{name}_en" not in self.fields:
                continue
            original = self.fields[name]
            original.label = format_lazy(_("{} in Slovenian"), original.label)
            original.widget.attrs["lang"] = "sl"
            self.fields[f"{name}_en"].widget.attrs["lang"] = "en"

    def sections(self) -> list[Section]:
        bilingual = getattr(self._meta.model, "bilingual_fields", ())
        result = []
        for legend, hint, rows in self.layout:
            section = Section(legend=legend, hint=hint)
            for row in rows:
                name, reveal = row if isinstance(row, tuple) else (row, None)
                if name not in self.fields:
                    continue
                names = [name]
                if name in bilingual and f"{name}_en" in self.fields:
                    names.append(f"{name}_en")
                section.rows.append(Row([self[n] for n in names], reveal))
            if section.rows:
                result.append(section)
        return result


def required(message) -> dict:
    """A required field's own message instead of "This field is required."."""
    return {"required": message}


class ParseOnlyModelForm(forms.ModelForm):
    """A model form that leaves uniqueness to the service (which checks it under a
    lock and says so at the right field)."""

    def validate_unique(self) -> None:
        pass


class DecimalInput(forms.TextInput):
    """Money as text in the page's language ("1494,29" in Slovenian): a number input
    would drop a decimal comma. ``inputmode`` still brings up the numeric keypad."""

    def __init__(self, attrs=None):
        super().__init__(
            {"inputmode": "decimal", "autocomplete": "off", **(attrs or {})}
        )


MONEY_FIELDS = ("average_net_salary", "point_value", "average_rent")


BILINGUAL_TENDER_FIELDS = Tender.bilingual_fields


class TenderForm(BilingualFormMixin, ParseOnlyModelForm):
    """The tender's settings, one page in fieldsets that follow Art. 18."""

    # The version the editor saw: an edit of an older version is refused (services).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    # As wide as what they hold (the model's validators do not reach the widths).
    input_widths = {
        "amendment_days": 4,
        "salary_source_year": 4,
        "dwellings_list_a": 10,
        "dwellings_list_b": 10,
    }

    layout = [
        (
            _("The tender"),
            "",
            ["lessor", "title", "code", "rules_edition"],
        ),
        (
            _("Dates"),
            _("Art. 18(10). Times are Ljubljana time."),
            [
                "published_on",
                "deadline",
                "amendment_days",
                "results_expected_on",
                "availability_note",
            ],
        ),
        (
            _("Income and property limits"),
            _("Art. 5 and the note to Art. 3: the limits are computed from these."),
            [
                "average_net_salary",
                "salary_source_year",
                "salary_source",
                "point_value",
                "point_value_valid_from",
            ],
        ),
        (
            _("Citizenship"),
            _("Art. 3(1): citizens of Slovenia may always apply."),
            ["admits_eu_citizens", "admits_international_protection"],
        ),
        (
            _("Lists and dwellings"),
            _("Art. 17(2), 18(6)."),
            ["separate_lists", "dwellings_list_a", "dwellings_list_b"],
        ),
        (
            _("Own share and security (list B)"),
            _("Art. 11 to 13."),
            [
                "own_share_required",
                ("own_share_terms", reveal_when_checked("own_share_required")),
                "security_required",
                ("security_terms", reveal_when_checked("security_required")),
            ],
        ),
        (
            _("Rent"),
            _("Art. 18(11)."),
            ["average_rent", "rent_regulations"],
        ),
        (
            _("Documents and other terms"),
            _("Art. 18(12) and 19."),
            ["required_documents", "other_terms"],
        ),
    ]

    class Meta:
        model = Tender
        fields = [
            "lessor",
            "title",
            "code",
            "rules_edition",
            "published_on",
            "deadline",
            "amendment_days",
            "results_expected_on",
            "availability_note",
            "average_net_salary",
            "salary_source_year",
            "salary_source",
            "point_value",
            "point_value_valid_from",
            "admits_eu_citizens",
            "admits_international_protection",
            "separate_lists",
            "dwellings_list_a",
            "dwellings_list_b",
            "own_share_required",
            "own_share_terms",
            "security_required",
            "security_terms",
            "average_rent",
            "rent_regulations",
            "required_documents",
            "other_terms",
            *(f"{name}_en" for name in BILINGUAL_TENDER_FIELDS),
        ]
        error_messages = {
            "lessor": required(_("Choose the lessor.")),
            "title": required(_("Enter the tender's title in Slovenian.")),
            "code": {
                **required(_("Enter a short code for the tender, e.g. LJ-2026.")),
                "invalid": _(
                    "The code may hold only letters, digits, hyphens and underscores."
                ),
            },
            "rules_edition": required(_("Choose the Rules the tender follows.")),
            "published_on": {
                **required(_("Enter the publication date.")),
                "invalid": _("Enter the publication date as a real date."),
            },
            "deadline": {
                **required(_("Enter the application deadline, date and time.")),
                "invalid": _("Enter the deadline as a real date and time."),
            },
            "amendment_days": required(
                _("Enter the days allowed to complete an application (8 to 90).")
            ),
            "results_expected_on": {
                **required(_("Enter the date the results are expected.")),
                "invalid": _("Enter the date of the results as a real date."),
            },
            "average_net_salary": {
                **required(_("Enter the average monthly net salary in euros.")),
                "invalid": _("Enter the salary as an amount, e.g. 1494,29."),
            },
            "salary_source_year": required(
                _("Enter the year of the average salary, e.g. 2025.")
            ),
            "salary_source": required(
                _("Say where the average salary comes from, in Slovenian.")
            ),
            "point_value": {
                **required(_("Enter the point value in euros, e.g. 2,63.")),
                "invalid": _("Enter the point value as an amount, e.g. 2,63."),
            },
            "dwellings_list_a": required(
                _("Enter the number of dwellings for list A (0 if none).")
            ),
            "dwellings_list_b": required(
                _("Enter the number of dwellings for list B (0 if none).")
            ),
            "average_rent": {
                **required(_("Enter the rent of the average dwelling in euros.")),
                "invalid": _("Enter the rent as an amount, e.g. 318,60."),
            },
            "rent_regulations": required(
                _("Name the regulations on rents and subsidies, in Slovenian.")
            ),
            "required_documents": required(
                _("List the documents applicants must attach, one per line.")
            ),
        }
        widgets = {
            "published_on": DateInput(),
            "deadline": DateTimeInput(),
            "results_expected_on": DateInput(),
            "point_value_valid_from": DateInput(),
            "own_share_terms": forms.Textarea(attrs={"rows": 3}),
            "security_terms": forms.Textarea(attrs={"rows": 3}),
            "rent_regulations": forms.Textarea(attrs={"rows": 3}),
            "required_documents": forms.Textarea(attrs={"rows": 6}),
            "other_terms": forms.Textarea(attrs={"rows": 6}),
            "own_share_terms_en": forms.Textarea(attrs={"rows": 3}),
            "security_terms_en": forms.Textarea(attrs={"rows": 3}),
            "rent_regulations_en": forms.Textarea(attrs={"rows": 3}),
            "required_documents_en": forms.Textarea(attrs={"rows": 6}),
            "other_terms_en": forms.Textarea(attrs={"rows": 6}),
            **{name: DecimalInput() for name in MONEY_FIELDS},
        }

    def __init__(self, *args, lessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = self.instance
        # Money in the page's language: "1445,12" in Slovenian, "1445.12" in English.
        for name in MONEY_FIELDS:
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        self.fields["lessor"].queryset = lessors
        self.fields["lessor"].empty_label = None
        if self.instance.pk:
            # A tender never moves to another lessor.
            self.fields["lessor"].disabled = True


class TenderCategoryForm(BilingualFormMixin, ParseOnlyModelForm):
    input_widths = {"points": 4}
    # A further category of the lessor's own: its code, name and substantiation
    # show only when "other" is chosen.
    layout = [
        (
            _("Priority category"),
            "",
            [
                "category",
                "points",
                ("slug", reveal_when_chosen("category", "other")),
                ("name", reveal_when_chosen("category", "other")),
                ("substantiation", reveal_when_chosen("category", "other")),
            ],
        ),
    ]

    class Meta:
        model = TenderCategory
        fields = [
            "category",
            "points",
            "slug",
            "name",
            "name_en",
            "substantiation",
            "substantiation_en",
        ]
        widgets = {
            "substantiation": forms.Textarea(attrs={"rows": 4}),
            "substantiation_en": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            "category": required(_("Choose the category.")),
            "points": required(_("Enter the category's points.")),
            "slug": {
                "invalid": _(
                    "The short code may hold only letters, digits, hyphens and "
                    "underscores."
                )
            },
        }

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.fields["points"].help_text = _(
            "50 to 150 points; for every further child of a large family 1 to 150."
        )


class AdditionalConditionForm(BilingualFormMixin, ParseOnlyModelForm):
    input_widths = {"points": 4}
    layout = [
        (
            _("Additional condition"),
            "",
            ["code", "name", "description", "points"],
        ),
    ]

    class Meta:
        model = AdditionalCondition
        fields = ["code", "name", "name_en", "description", "description_en", "points"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "description_en": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "code": {
                **required(_("Enter a short code, e.g. residence-10.")),
                "invalid": _(
                    "The short code may hold only letters, digits, hyphens and "
                    "underscores."
                ),
            },
            "name": required(_("Enter the condition's name in Slovenian.")),
            "points": required(_("Enter the condition's points.")),
        }

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        cap = EDITIONS[tender.rules_edition].additional_cap
        self.fields["points"].help_text = _(
            "An application's points from all additional conditions together are "
            "capped at %(cap)s (note to Art. 4)."
        ) % {"cap": cap}

    def clean_code(self):
        return self.cleaned_data["code"].lower()


class SubListForm(BilingualFormMixin, ParseOnlyModelForm):
    layout = [
        (
            _("Sub-list"),
            "",
            ["list_kind", "code", "name", "rule", "dwellings"],
        ),
    ]

    class Meta:
        model = SubList
        fields = ["list_kind", "code", "name", "name_en", "rule", "dwellings"]
        error_messages = {
            "list_kind": required(_("Choose list A or B.")),
            "code": required(_("Enter the sub-list's code, e.g. A1.")),
            "name": required(_("Enter the sub-list's name in Slovenian.")),
            "rule": required(_("Choose who is assigned to the sub-list.")),
            "dwellings": required(_("Enter the number of dwellings.")),
        }

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()


class TieBreakForm(forms.Form):
    """Art. 6(3): an ordered choice among the categories the chain may name (any
    category of the Rules, and the tender's own ``other:`` ones)."""

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        options = tie_break_choices(tender=tender)
        choices = [("", _("(none)")), *options]
        current = list(tender.tie_break)
        for index in range(len(options)):
            self.fields[f"position_{index + 1}"] = forms.ChoiceField(
                label=_("Priority %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=current[index] if index < len(current) else "",
            )

    def clean(self):
        data = super().clean()
        # The chosen codes in order, and the field each came from (for messages).
        picked = [(name, data[name]) for name in self.fields if data.get(name)]
        data["chain"] = [code for _name, code in picked]
        data["chain_fields"] = [name for name, _code in picked]
        return data


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=TenderStatus.choices)


class AmendmentNoticeForm(BilingualFormMixin, forms.ModelForm):
    layout = [
        (_("Amendment notice"), "", ["text", "new_deadline"]),
    ]

    class Meta:
        model = AmendmentNotice
        fields = ["text", "text_en", "new_deadline"]
        widgets = {
            "new_deadline": DateTimeInput(),
            "text": forms.Textarea(attrs={"rows": 5}),
            "text_en": forms.Textarea(attrs={"rows": 5}),
        }
        error_messages = {
            "text": required(_("Enter the text of the notice in Slovenian.")),
            "new_deadline": {
                "invalid": _("Enter the new deadline as a real date and time."),
            },
        }

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
