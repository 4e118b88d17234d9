"""Account pages, included at ``accounts/`` (before Django's login and logout).

URL names are not namespaced: Django's password views reverse ``password_reset_done``
and friends by these plain names. ``login/`` here is matched before the plain
``LoginView`` in ``config/urls.py`` (which it replaces: same form, plus the person's
language and an applicant's optional second factor, issue 12).
"""

from django.contrib.auth import views as auth_views
from django.db import transaction
from django.urls import path

from . import views_accounts

urlpatterns = [
    path("", views_accounts.account, name="account"),
    # Outside the request's transaction: the form page reads nothing, and signing in
    # writes the session and the last login, each its own statement
    # (docs/decisions.md, "Sign-in without the request's transaction").
    path(
        "login/",
        transaction.non_atomic_requests(views_accounts.LoginView.as_view()),
        name="login",
    ),
    path("login/code/", views_accounts.login_code, name="login_code"),
    path("register/", views_accounts.register, name="register"),
    path("register/done/", views_accounts.register_done, name="register_done"),
    path(
        "verify/resend/",
        views_accounts.verification_resend,
        name="verification_resend",
    ),
    path("verify/<str:token>/", views_accounts.account_verify, name="account_verify"),
    path("continue/", views_accounts.login_continue, name="login_continue"),
    path("otp/remove/", views_accounts.otp_remove, name="otp_remove"),
    path("otp/setup/", views_accounts.otp_setup, name="otp_setup"),
    path("otp/verify/", views_accounts.otp_verify, name="otp_verify"),
    path(
        "password-reset/",
        views_accounts.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        views_accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-change/",
        views_accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password-change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
