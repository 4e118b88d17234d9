"""Guards for staff pages: logged in, lessor staff, second factor verified.

Use ``StaffOTPRequiredMixin`` (left-most base of a class-based view) or
``@staff_otp_required`` (function views) on every staff page, then check the
object-level rule (``permissions.is_staff_of`` and friends) inside the view:

- anonymous: redirect to the login page, with ``next``;
- logged in but not lessor staff (or superuser): 403;
- staff without a confirmed device: redirect to ``otp_setup``, with ``next``;
- staff with a device, not verified in this session: redirect to ``otp_verify``.
"""

from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from django_otp import user_has_device

from .permissions import (
    is_any_lessor_staff,
    needs_second_factor,
    second_factor_verified,
)


def second_factor_redirect(
    request: HttpRequest, next_url: str | None = None
) -> HttpResponse | None:
    """The redirect to ``otp_verify`` or ``otp_setup`` a user still needs, if any.

    ``None`` for users who need no second factor (applicants) and for those who
    verified one in this session.
    """
    user = request.user
    if not needs_second_factor(user) or second_factor_verified(user):
        return None
    name = "otp_verify" if user_has_device(user, confirmed=True) else "otp_setup"
    query = urlencode({"next": next_url or request.get_full_path()})
    return HttpResponseRedirect(f"{reverse(name)}?{query}")


def staff_otp_response(request: HttpRequest) -> HttpResponse | None:
    """``None`` when the request may reach a staff page, else the answer to give.

    :raises PermissionDenied: for a logged-in user who is not lessor staff.
    """
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_any_lessor_staff(request.user):
        raise PermissionDenied
    return second_factor_redirect(request)


class StaffOTPRequiredMixin:
    """Class-based views: lessor staff with a second factor verified in this session."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = staff_otp_response(request)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)


def staff_otp_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """Function views: lessor staff with a second factor verified in this session."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = staff_otp_response(request)
        if response is not None:
            return response
        return view(request, *args, **kwargs)

    return wrapped
