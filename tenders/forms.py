"""Forms of the tender pages: they check that input is well formed and within the
Rules' ranges, and put every message at its field. Writes happen in services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scoring.engine.editions import EDITIONS

from .constants import EXTRA_CHILD, Category, TenderStatus
from .models import (
    AdditionalCondition,
    AmendmentNotice,
    SubList,
    Tender,
    TenderCategory,
)

PUBLISHED_RULES_FROZEN = _(
    "A published tender can no longer be edited. Publish an amendment notice instead."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class FrozenWhenPublishedMixin:
    """Refuse any change to a tender that is no longer a draft."""

    tender: Tender

    def check_editable(self) -> None:
        if not self.tender.is_editable:
            raise forms.ValidationError(PUBLISHED_RULES_FROZEN, code="frozen")


class TenderForm(FrozenWhenPublishedMixin, forms.ModelForm):
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
        }

    def __init__(self, *args, lessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = self.instance
        # Money in the page's language: "1445,12" in Slovenian, "1445.12" in English.
        for name in ("average_net_salary", "point_value", "average_rent"):
            self.fields[name].localize = True
            self.fields[name].widget.is_localized = True
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        self.fields["lessor"].queryset = lessors
        self.fields["lessor"].empty_label = None
        if self.instance.pk:
            # A tender never moves to another lessor.
            self.fields["lessor"].disabled = True

    def clean(self):
        if self.instance.pk:
            self.check_editable()
        data = super().clean()
        published_on = data.get("published_on")
        deadline = data.get("deadline")
        results = data.get("results_expected_on")
        if published_on and deadline:
            deadline_day = timezone.localtime(deadline).date()
            if deadline_day <= published_on:
                self.add_error(
                    "deadline",
                    _("The deadline must be later than the publication date."),
                )
        if deadline and results and results < timezone.localtime(deadline).date():
            self.add_error(
                "results_expected_on",
                _("The results cannot be expected before the application deadline."),
            )
        valid_from = data.get("point_value_valid_from")
        if valid_from and published_on and valid_from > published_on:
            self.add_error(
                "point_value_valid_from",
                _("The point value must be valid on the publication date."),
            )
        if data.get("own_share_required") and not data.get("own_share_terms"):
            self.add_error(
                "own_share_terms",
                _("Say on what terms the own share is paid (Art. 11, 12)."),
            )
        if data.get("security_required") and not data.get("security_terms"):
            self.add_error(
                "security_terms",
                _("Say on what terms the security is paid (Art. 13)."),
            )
        return data


class TenderCategoryForm(FrozenWhenPublishedMixin, forms.ModelForm):
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

    def clean(self):
        self.check_editable()
        data = super().clean()
        category = data.get("category")
        if not category:
            return data
        others = self.tender.categories.exclude(pk=self.instance.pk)
        if category == Category.OTHER:
            for name in ("slug", "name", "substantiation"):
                if not data.get(name):
                    self.add_error(
                        name,
                        _("Required for a further category of the lessor (Art. 6(2))."),
                    )
            slug = data.get("slug")
            if slug and others.filter(category=Category.OTHER, slug=slug).exists():
                self.add_error("slug", _("The tender already has this category."))
        else:
            data["slug"] = ""
            data["name"] = ""
            if others.filter(category=category).exists():
                self.add_error("category", _("The tender already has this category."))
            if (
                category == EXTRA_CHILD
                and not others.filter(category=Category.LARGE_FAMILY).exists()
            ):
                self.add_error(
                    "category",
                    _(
                        "Add the category of large families first: this is its supplement."
                    ),
                )
        points = data.get("points")
        if points is not None:
            code = category if category != Category.OTHER else "other:x"
            low, high = EDITIONS[self.tender.rules_edition].category_points_bounds(code)
            if not low <= points <= high:
                self.add_error(
                    "points",
                    _("Points must be between %(low)s and %(high)s.")
                    % {"low": low, "high": high},
                )
        return data


class AdditionalConditionForm(FrozenWhenPublishedMixin, forms.ModelForm):
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
        code = self.cleaned_data["code"].lower()
        taken = self.tender.additional_conditions.exclude(pk=self.instance.pk)
        if taken.filter(code=code).exists():
            raise forms.ValidationError(_("The tender already has this condition."))
        return code

    def clean(self):
        self.check_editable()
        return super().clean()


class SubListForm(FrozenWhenPublishedMixin, forms.ModelForm):
    class Meta:
        model = SubList
        fields = ["list_kind", "code", "name", "rule", "dwellings"]

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender

    def clean_code(self):
        code = self.cleaned_data["code"].strip().upper()
        taken = self.tender.sublists.exclude(pk=self.instance.pk)
        if taken.filter(code=code).exists():
            raise forms.ValidationError(
                _("The tender already has a sub-list with this code.")
            )
        return code

    def clean(self):
        self.check_editable()
        data = super().clean()
        kind, rule = data.get("list_kind"), data.get("rule")
        if kind and rule:
            same = self.tender.sublists.exclude(pk=self.instance.pk).filter(
                list_kind=kind, rule=rule
            )
            if same.exists():
                self.add_error(
                    "rule",
                    _(
                        "Another sub-list of this list already takes these applications."
                    ),
                )
        return data


class TieBreakForm(FrozenWhenPublishedMixin, forms.Form):
    """Art. 6(3): an ordered choice among the tender's own categories."""

    def __init__(self, *args, tender: Tender, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender = tender
        categories = list(tender.categories.all())
        choices = [("", _("(none)"))] + [(c.code, c.display_name) for c in categories]
        current = list(tender.tie_break)
        for index in range(len(categories)):
            self.fields[f"position_{index + 1}"] = forms.ChoiceField(
                label=_("Priority %(n)s") % {"n": index + 1},
                choices=choices,
                required=False,
                initial=current[index] if index < len(current) else "",
            )

    def clean(self):
        self.check_editable()
        data = super().clean()
        chain: list[str] = []
        for name in self.fields:
            code = data.get(name)
            if not code:
                continue
            if code in chain:
                self.add_error(name, _("This category is already in the chain."))
            chain.append(code)
        data["chain"] = chain
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

    def clean_new_deadline(self):
        new_deadline = self.cleaned_data.get("new_deadline")
        if new_deadline and new_deadline <= self.tender.deadline:
            raise forms.ValidationError(
                _("A notice may only extend the deadline, never shorten it.")
            )
        return new_deadline

    def clean(self):
        data = super().clean()
        if self.tender.status != TenderStatus.PUBLISHED:
            raise forms.ValidationError(
                _("Amendment notices are published only while the tender is open."),
                code="not_open",
            )
        return data
