"""The Django admin behind the site's own login and a second factor.

``NajemAdminConfig`` replaces ``django.contrib.admin`` in ``INSTALLED_APPS`` (Django's
documented way to override the default site), so every ``admin.site.register`` and
``@admin.register`` lands on ``NajemAdminSite``. The admin has no login form of its
own: its login page sends people to ``accounts/login/`` (throttled by django-axes) and
then to ``otp_verify`` or ``otp_setup``.

Nothing here imports models at module level: this module is imported while the app
registry is still being populated.
"""

from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.sites import AdminSite
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class NajemAdminSite(AdminSite):
    """Admin access needs ``is_staff`` and a second factor verified in this session."""

    def has_permission(self, request: HttpRequest) -> bool:
        from .permissions import second_factor_verified

        return super().has_permission(request) and second_factor_verified(request.user)

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        """Send the person on to the step they are missing, never show a form here.

        :raises PermissionDenied: for a logged-in user without admin access.
        """
        from django.contrib.auth.views import redirect_to_login

        from .mixins import second_factor_redirect

        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or index
        if not url_has_allowed_host_and_scheme(
            next_url,
            allowed_hosts={request.get_host()},
            require_https=request.is_secure(),
        ):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url)
        if self.has_permission(request):
            return HttpResponseRedirect(next_url)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        response = second_factor_redirect(request, next_url)
        if response is None:  # cannot happen: verified admin users have permission
            raise PermissionDenied
        return response


class NajemAdminConfig(AdminConfig):
    """``django.contrib.admin`` with :class:`NajemAdminSite` as ``admin.site``."""

    default_site = "housing.admin_site.NajemAdminSite"
