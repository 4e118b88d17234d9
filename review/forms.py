"""Forms of the commission's workspace (issue 13): they only parse input; every rule
lives in :mod:`review.services`, whose refusals the views put at the fields."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.constants import LJUBLJANA
from config.forms import NajemFormMixin
from housing.models import User

from .constants import BULK_FACTS, CommissionRole


class VersionForm(NajemFormMixin, forms.Form):
    """Every form that changes a review posts the version the page showed."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class SeatForm(NajemFormMixin, forms.Form):
    user = forms.ModelChoiceField(
        label=_("Person"),
        queryset=User.objects.none(),
        help_text=_("Active staff of the lessor."),
    )
    role = forms.ChoiceField(
        label=_("Role on the commission"),
        choices=CommissionRole.choices,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff is not None:
            self.fields["user"].queryset = staff
        self.fields["user"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.email})"
        )


class SeatRemoveForm(NajemFormMixin, forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)


class ConflictForm(VersionForm):
    reason = forms.CharField(
        label=_("Why you cannot act on this application"),
        help_text=_(
            "For example a family tie or a business relationship with the applicant. "
            "A declaration cannot be withdrawn."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class AmendmentForm(VersionForm):
    text = forms.CharField(
        label=_("What the applicant must add"),
        help_text=_(
            "Name each missing document. The applicant reads this after signing in."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    deadline = forms.DateField(
        label=_("Answer by"),
        help_text=_(
            "The last day, e.g. 31. 12. 2026; the request closes at the end of that "
            "day. Leave as proposed for the tender's time limit."
        ),
        required=False,
    )

    def deadline_moment(self) -> datetime.datetime | None:
        day = self.cleaned_data.get("deadline")
        if day is None:
            return None
        return datetime.datetime.combine(
            day, datetime.time(23, 59, 59), tzinfo=LJUBLJANA
        )


class FactConfirmForm(VersionForm):
    path = forms.CharField(widget=forms.HiddenInput)


class FactCorrectForm(VersionForm):
    path = forms.CharField(widget=forms.HiddenInput)
    value = forms.CharField(
        label=_("Verified value"),
        help_text=_(
            "Amounts with a decimal point (1234.50), dates as 2001-05-31, yes or no."
        ),
        max_length=200,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        help_text=_("It is recorded and shown to the applicant."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    document = forms.ModelChoiceField(
        label=_("Supporting document"),
        queryset=None,
        required=False,
    )

    def __init__(self, *args, documents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents
        self.fields["document"].label_from_instance = lambda d: d.original_name

    def cleaned_value(self):
        raw = (self.cleaned_data.get("value") or "").strip()
        lowered = raw.lower()
        if lowered in {"yes", "da", "true"}:
            return True
        if lowered in {"no", "ne", "false"}:
            return False
        return raw


class FactRejectForm(VersionForm):
    path = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for rejecting the claim"),
        help_text=_("It is recorded and shown to the applicant."),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class BulkConfirmForm(NajemFormMixin, forms.Form):
    facts = forms.MultipleChoiceField(
        label=_("Facts the lessor obtained from the registers (Art. 19(2))"),
        help_text=_(
            "Confirms these facts where they are still unverified, on every open "
            "application of the tender without your conflict of interest."
        ),
        choices=[
            ("citizenship", _("Citizenship")),
            ("residence", _("Permanent residence")),
            ("household", _("Role in the household")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_facts(self):
        return [f for f in self.cleaned_data["facts"] if f in BULK_FACTS]


class RejectionDraftForm(VersionForm):
    article = forms.CharField(
        label=_("Article of the Rules"),
        help_text=_("For example 3 (an ineligible household) or 20(3)."),
        max_length=30,
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern): a list, maybe empty.
    What a file holds is checked by the service, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class RejectionWithdrawForm(VersionForm):
    reason = forms.CharField(
        label=_("Why the drafted rejection is withdrawn"),
        help_text=_(
            "For example: the amendment arrived by post before the deadline. It is "
            "recorded in the history of the review."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )


class InspectionForm(VersionForm):
    date = forms.DateField(
        label=_("Date of the visit"), help_text=_("For example 31. 12. 2026.")
    )
    present = forms.ModelMultipleChoiceField(
        label=_("Commission members present"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    findings = forms.CharField(
        label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    photos = MultipleFileField(
        label=_("Photos (optional)"),
        help_text=_(
            "JPEG or PNG, up to 10 MB each; you can choose several files. Location "
            "and camera data are removed."
        ),
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}),
        required=False,
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda u: u.get_full_name()
        if not self.is_bound:
            self.initial.setdefault("date", timezone.localdate())
