"""Forms of the priority lists: they only check that input is well formed; the rules
are in :mod:`lists.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _


class CutoffForm(forms.Form):
    sub_list = forms.ChoiceField(label=_("Sub-list"))
    cutoff = forms.IntegerField(
        label=_("Cut-off (points)"),
        min_value=0,
        required=False,
        help_text=_("Leave empty to go back to the cut-off the dwellings give."),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, sub_lists: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sub_list"].choices = [(code, code) for code in sub_lists]


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I checked the list: publish it. It can never be changed afterwards."),
        required=True,
    )
    final = forms.BooleanField(label=_("This is the final list"), required=False)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("I checked it: go ahead."), required=True)


class DeliveryForm(forms.Form):
    delivered_on = forms.DateField(
        label=_("Delivered on"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date on the return receipt (the 15 days start then)."),
    )


class AppealForm(forms.Form):
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    grounds = forms.CharField(
        label=_("Grounds of the appeal"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
    )


class AppealDecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[],
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10000
    )

    def __init__(self, *args, **kwargs):
        from .constants import AppealOutcome

        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [
            (AppealOutcome.REJECTED, AppealOutcome.REJECTED.label),
            (AppealOutcome.UPHELD, AppealOutcome.UPHELD.label),
        ]
