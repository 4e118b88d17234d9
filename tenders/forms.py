"""Forms of the tender pages: they only parse input (types, choices, formats) and
hand it to a service, which owns every rule (``tenders/services.py``); the service's
refusals come back as :class:`housing.errors.ServiceError` and go to their fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from scoring.engine.editions import EDITIONS

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


class TenderForm(ParseOnlyModelForm):
    # The version the editor saw: an edit of an older version is refused (services).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

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
        ]
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


class TenderCategoryForm(ParseOnlyModelForm):
    class Meta:
        model = TenderCategory
        fields = ["category", "points", "slug", "name", "substantiation"]
        widgets = {"substantiation": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        self.fields["points"].help_text = _(
            "50 to 150 points; for every further child of a large family 1 to 150."
        )


class AdditionalConditionForm(ParseOnlyModelForm):
    class Meta:
        model = AdditionalCondition
        fields = ["code", "name", "description", "points"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

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


class SubListForm(ParseOnlyModelForm):
    class Meta:
        model = SubList
        fields = ["list_kind", "code", "name", "rule", "dwellings"]

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


class AmendmentNoticeForm(forms.ModelForm):
    class Meta:
        model = AmendmentNotice
        fields = ["text", "new_deadline"]
        widgets = {
            "new_deadline": DateTimeInput(),
            "text": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
