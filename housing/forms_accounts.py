"""Forms of the account pages: they only check that input is well formed.

Whether a code is right is for ``housing.services`` to say (``otp_verify``,
``otp_totp_device_confirm``); the views put its answer at the field.
"""

import re

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    SetPasswordForm,
)
from django.contrib.auth.password_validation import validate_password
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from config.forms import NajemFormMixin

from .models import User

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
    """Django's login form with a length limit on both fields (issue 9).

    An account whose email address is not confirmed yet cannot log in (issue 12): the
    message says so only after the right password, so it tells a stranger nothing.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "unverified": _(
            "You have not confirmed your email address yet. Open the link in the "
            "email we sent you, or ask for a new link below."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        _limit(self.fields["username"], EMAIL_MAX_LENGTH)
        _limit(self.fields["password"], PASSWORD_MAX_LENGTH)

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(
                self.error_messages["unverified"], code="unverified"
            )


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


# --- Registration and the account page (issue 12) ------------------------------------

PASSWORD_HINT = _(
    "At least 12 characters. Do not use only numbers, a common password or your "
    "email address. A few unrelated words are easy to remember and hard to guess."
)


class RegistrationForm(NajemFormMixin, forms.Form):
    """Create an account: name, email address and password, on one page (GOV.UK).

    Whether the address already has an account is never said here (that would tell
    anyone who has an account): ``housing.services.account_register`` decides.
    """

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_("We will send you a link to confirm it."),
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    password = forms.CharField(
        label=_("Create a password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        help_text=PASSWORD_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        password = data.get("password")
        if password:
            candidate = User(
                email=data.get("email") or "", full_name=data.get("full_name") or ""
            )
            try:
                validate_password(password, user=candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class VerifyForm(forms.Form):
    """Opening an account from the emailed link: its password, once more."""

    password = forms.CharField(
        label=_("Password"),
        max_length=PASSWORD_MAX_LENGTH,
        strip=False,
        help_text=_("The password you chose when you created the account."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ResendVerificationForm(NajemFormMixin, forms.Form):
    """Ask for a new link to confirm the email address."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(
            attrs={
                "autocomplete": "email",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )


class AccountForm(NajemFormMixin, forms.ModelForm):
    """The account page: the person's name and the language of pages and mails."""

    preferred_language = forms.ChoiceField(
        label=_("Language"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("The language of these pages and of the emails we send you."),
    )

    class Meta:
        model = User
        fields = ["full_name", "preferred_language"]
        widgets = {"full_name": forms.TextInput(attrs={"autocomplete": "name"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["full_name"].label = _("Full name")
        # Each language in its own words: a reader who cannot read the page's
        # language still finds theirs.
        if not self.initial.get("preferred_language"):
            self.initial["preferred_language"] = translation.get_language()
        self.fields["preferred_language"].choices = [
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ]
