"""Forms of the account pages: they only check that input is well formed.

Whether a code is right is for ``housing.services`` to say (``otp_verify``,
``otp_totp_device_confirm``); the views put its answer at the field.
"""

import re

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
)
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

# Longest email address (RFC 5321 path limit; the User.email column) and longest
# password any form accepts. Longer input is a form error before anything else looks
# at it: django-axes stores the login name in a 255-character column (a 500 on
# PostgreSQL), and hashing or checking a megabyte-long password costs real CPU.
EMAIL_MAX_LENGTH = 254
PASSWORD_MAX_LENGTH = 1024

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


def _limit(field: forms.CharField, max_length: int) -> None:
    """Make ``field`` refuse input longer than ``max_length`` (with Django's message).

    Setting ``max_length`` after a field is built (as ``AuthenticationForm`` does for
    its username) adds no validator: the validator is added here too.
    """
    field.max_length = max_length
    if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
        field.validators.append(MaxLengthValidator(max_length))
    field.widget.attrs["maxlength"] = str(max_length)


class LoginForm(AuthenticationForm):
    """Django's login form with a length limit on both fields (issue 9)."""

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        _limit(self.fields["username"], EMAIL_MAX_LENGTH)
        _limit(self.fields["password"], PASSWORD_MAX_LENGTH)


class NewPasswordForm(SetPasswordForm):
    """Setting a password from a reset link; passwords of at most 1,024 characters."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            _limit(self.fields[name], PASSWORD_MAX_LENGTH)


class ChangePasswordForm(PasswordChangeForm):
    """Changing one's password; every password field at most 1,024 characters."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("old_password", "new_password1", "new_password2"):
            _limit(self.fields[name], PASSWORD_MAX_LENGTH)
