"""Forms of the account pages: they only check that a code is well formed.

Whether a code is right is for ``housing.services`` to say (``otp_verify``,
``otp_totp_device_confirm``); the views put its answer at the field.
"""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

TOTP_CODE = re.compile(r"[0-9]{6}")
ANY_CODE = re.compile(r"[a-z0-9]{6,16}")


def _normalise(value: str) -> str:
    """Codes are typed with spaces or dashes in them, and in either case."""
    return re.sub(r"[\s-]", "", value).lower()


class OTPVerifyForm(forms.Form):
    """A code from the authenticator app, or one of the backup codes."""

    token = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_(
            "The 6-digit code your authenticator app shows now, or one of your "
            "backup codes."
        ),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )

    def clean_token(self) -> str:
        token = _normalise(self.cleaned_data["token"])
        if not ANY_CODE.fullmatch(token):
            raise forms.ValidationError(
                _("Enter the 6 digits from your app, or a backup code."),
                code="format",
            )
        return token


class OTPSetupForm(forms.Form):
    """The first code of a new authenticator app, to prove it was set up right."""

    token = forms.CharField(
        label=_("Code from your app"),
        max_length=32,
        help_text=_("The 6 digits your authenticator app shows for Najem."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = _normalise(self.cleaned_data["token"])
        if not TOTP_CODE.fullmatch(token):
            raise forms.ValidationError(
                _("Enter the 6 digits your app shows."), code="format"
            )
        return token
