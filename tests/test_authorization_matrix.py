"""Authorization matrix: every URL pattern of the project, for every actor, against
objects of each lessor.

The rules it holds every view to: another party's object answers 404 (no hint that it
exists); a page that needs a login redirects to it; a logged-in person without the role
gets 403; nothing raises. A URL pattern with no entry in ``MATRIX`` fails the test, so no
view can escape it: add the new pattern's sample arguments and expectations below.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import pytest

from housing.constants import StaffRole
from tests.housing.factories import (
    MembershipFactory,
    StaticDeviceFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from tests.tenders.factories import TenderCategoryFactory, TenderFactory

pytestmark = pytest.mark.django_db

ACTORS = [
    "anonymous",
    "applicant_a",
    "applicant_b",
    "member_x",
    "member_y",
    "admin_x",
    "superuser",
]
STAFF_X = {"member_x", "admin_x", "superuser"}

# Outcomes
OK = "ok"  # 200
REDIRECT = "redirect"  # 302 to a page that is not a login page
LOGIN = "login"  # 302 to the login page
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
DENIED = "denied"  # 302 to a login page, 403 or 404: anything but the page


def all_patterns(patterns=None, namespace=""):
    """(name, route) of every URL pattern, namespaces included; the route is the
    pattern as written with the names of its arguments in ``<...>``."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}{p.namespace}:"
            yield from all_patterns(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            names = "".join(f"<{group}>" for group in p.pattern.regex.groupindex)
            yield f"{namespace}{p.name}", f"{p.pattern} {names}"


@dataclass
class Case:
    """One URL with sample arguments, method, and the expected outcome per actor."""

    kwargs: Callable[[dict], dict]
    expect: Callable[[str], str]
    method: str = "get"
    data: dict | None = None
    label: str = ""
    url: str | None = None  # for unnamed patterns, which cannot be reversed


def everyone(outcome):
    return lambda actor: outcome


def login_then(outcome):
    return lambda actor: LOGIN if actor == "anonymous" else outcome


def staff_only(outcome_x, other_lessor=NOT_FOUND):
    """A staff page about an object of lessor X."""

    def expect(actor):
        if actor == "anonymous":
            return LOGIN
        if actor.startswith("applicant"):
            return FORBIDDEN
        if actor == "member_y":
            return other_lessor
        return outcome_x(actor) if callable(outcome_x) else outcome_x

    return expect


def staff_of_y(outcome_y):
    """A staff page about an object of lessor Y (only member_y and superuser)."""

    def expect(actor):
        if actor == "anonymous":
            return LOGIN
        if actor.startswith("applicant"):
            return FORBIDDEN
        if actor in {"member_x", "admin_x"}:
            return NOT_FOUND
        return outcome_y(actor) if callable(outcome_y) else outcome_y

    return expect


def admin_of_x(actor):
    return OK if actor in {"admin_x", "superuser"} else FORBIDDEN


def configure_x(outcome=OK):
    return staff_only(lambda actor: outcome if actor != "member_x" else FORBIDDEN)


def configure_y(actor):
    return OK if actor == "superuser" else FORBIDDEN


def staff_list(actor):
    if actor == "anonymous":
        return LOGIN
    return FORBIDDEN if actor.startswith("applicant") else OK


def tender_create(actor):
    if actor == "anonymous":
        return LOGIN
    return OK if actor in {"admin_x", "superuser"} else FORBIDDEN


def otp_page(verified_staff):
    """Second-factor pages: applicants never need one; verified staff move on."""

    def expect(actor):
        if actor == "anonymous":
            return LOGIN
        return FORBIDDEN if actor.startswith("applicant") else verified_staff

    return expect


def admin_site(actor):
    return OK if actor == "superuser" else DENIED


def tender_kwargs(key):
    return lambda o: {"pk": o[key].pk}


def child_kwargs(tender_key, child_key=None, kind="categories"):
    def kwargs(o):
        values = {"pk": o[tender_key].pk, "kind": kind}
        if child_key:
            values["child_pk"] = o[child_key].pk
        return values

    return kwargs


MATRIX: dict[str, list[Case]] = {
    "home": [Case(lambda o: {}, everyone(OK))],
    "healthz": [Case(lambda o: {}, everyone(OK))],
    "tenders:detail": [
        Case(tender_kwargs("published_x"), everyone(OK), label="published"),
        Case(tender_kwargs("draft_x"), everyone(NOT_FOUND), label="draft"),
        Case(lambda o: {"pk": 999999}, everyone(NOT_FOUND), label="unknown"),
    ],
    "tenders:pdf": [
        Case(tender_kwargs("draft_y"), everyone(NOT_FOUND), label="draft"),
    ],
    "tenders:staff_list": [Case(lambda o: {}, staff_list)],
    "tenders:create": [Case(lambda o: {}, tender_create)],
    "tenders:manage": [
        Case(tender_kwargs("draft_x"), staff_only(OK), label="X"),
        Case(tender_kwargs("draft_y"), staff_of_y(OK), label="Y"),
        Case(lambda o: {"pk": 999999}, staff_only(NOT_FOUND), label="unknown"),
    ],
    "tenders:edit": [
        Case(tender_kwargs("draft_x"), configure_x(), label="X"),
        Case(tender_kwargs("draft_y"), staff_of_y(configure_y), label="Y"),
    ],
    "tenders:tie_break": [
        Case(tender_kwargs("draft_x"), configure_x(), label="X"),
        Case(tender_kwargs("draft_y"), staff_of_y(configure_y), label="Y"),
    ],
    "tenders:amendment_create": [
        Case(tender_kwargs("published_x"), configure_x(), label="X"),
        Case(tender_kwargs("draft_y"), staff_of_y(configure_y), label="Y"),
    ],
    "tenders:transition": [
        Case(
            tender_kwargs("draft_x"),
            staff_only(REDIRECT),
            method="post",
            data={"to_status": ""},
            label="X",
        ),
        Case(
            tender_kwargs("draft_y"),
            staff_of_y(REDIRECT),
            method="post",
            data={"to_status": ""},
            label="Y",
        ),
        Case(tender_kwargs("draft_x"), everyone(NOT_ALLOWED), label="GET"),
    ],
    "tenders:child_create": [
        Case(child_kwargs("draft_x"), configure_x(), label="X"),
        Case(child_kwargs("draft_y"), staff_of_y(configure_y), label="Y"),
        Case(
            child_kwargs("draft_x", kind="nonsense"),
            staff_only(lambda a: NOT_FOUND if a != "member_x" else FORBIDDEN),
            label="unknown kind",
        ),
    ],
    "tenders:child_edit": [
        Case(child_kwargs("draft_x", "category_x"), configure_x(), label="X"),
        Case(child_kwargs("draft_y", "category_y"), staff_of_y(configure_y), label="Y"),
        Case(
            child_kwargs("draft_x", "category_y"),
            staff_only(lambda a: NOT_FOUND if a != "member_x" else FORBIDDEN),
            label="child of Y under X",
        ),
    ],
    "tenders:child_delete": [
        Case(child_kwargs("draft_x", "category_x"), configure_x(), label="X"),
        Case(child_kwargs("draft_y", "category_y"), staff_of_y(configure_y), label="Y"),
    ],
    "object_history": [
        Case(lambda o: {"model": "tender", "pk": o["draft_x"].pk}, staff_only(OK)),
        Case(
            lambda o: {"model": "tender", "pk": o["draft_y"].pk},
            staff_of_y(OK),
            label="Y",
        ),
        Case(
            lambda o: {"model": "lessor", "pk": o["draft_x"].lessor_id},
            staff_only(OK),
            label="lessor X",
        ),
        Case(
            lambda o: {"model": "user", "pk": 1},
            staff_only(NOT_FOUND),
            label="not audited for staff",
        ),
    ],
    "login_continue": [Case(lambda o: {}, login_then(REDIRECT))],
    "otp_setup": [Case(lambda o: {}, otp_page(OK))],
    "otp_verify": [Case(lambda o: {}, otp_page(REDIRECT))],
    "password_reset": [Case(lambda o: {}, everyone(OK))],
    "password_reset_done": [Case(lambda o: {}, everyone(OK))],
    "password_reset_complete": [Case(lambda o: {}, everyone(OK))],
    "password_reset_confirm": [
        Case(lambda o: {"uidb64": "MQ", "token": "bad-token"}, everyone(OK))
    ],
    "password_change": [Case(lambda o: {}, login_then(OK))],
    "password_change_done": [Case(lambda o: {}, login_then(OK))],
    "login": [Case(lambda o: {}, lambda a: OK if a == "anonymous" else REDIRECT)],
    "logout": [Case(lambda o: {}, everyone(NOT_ALLOWED))],
    # The admin's own entry and exit pages answer everyone (the admin index does not).
    "admin:login": [Case(lambda o: {}, everyone("any"))],
    "admin:logout": [Case(lambda o: {}, everyone("any"))],
    "admin:jsi18n": [Case(lambda o: {}, everyone("any"))],
    # The admin's unnamed catch-all (unknown admin pages).
    "admin:None": [
        Case(
            lambda o: {},
            lambda a: "any" if a == "superuser" else DENIED,
            url="/admin/no-such-page/",
        )
    ],
    "set_language": [
        Case(lambda o: {}, everyone(REDIRECT), method="post", data={"language": "en"})
    ],
}


def admin_object(name: str, objects: dict):
    """An existing object of the model an admin URL name is about
    (``admin:<app>_<model>_<view>``), so object pages are tested on real rows."""
    from django.apps import apps

    for model in apps.get_models():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if name.startswith(prefix):
            obj = model._default_manager.order_by("pk").first()
            if obj is not None:
                return obj
    return objects["draft_x"]


def admin_case(name: str, route: str, objects: dict) -> Case:
    """Django admin pages: the superuser (with a second factor) only."""

    def kwargs(o):
        values = {}
        if "<app_label>" in route:
            values["app_label"] = "tenders"
        if "<object_id>" in route:
            values["object_id"] = str(admin_object(name, o).pk)
        if "<content_type_id>" in route:
            from django.contrib.contenttypes.models import ContentType

            values["content_type_id"] = ContentType.objects.get_for_model(
                o["draft_x"]
            ).pk
            values["object_id"] = str(o["draft_x"].pk)
        for key in ("id", "pk"):
            if f"<{key}>" in route:
                values[key] = str(admin_object(name, o).pk)
        unknown = set(re.findall(r"<(\w+)>", route.split(" ", 1)[1])) - set(values)
        assert not unknown, f"No sample value for {unknown} in admin URL {route}"
        return values

    def expect(actor):
        if actor != "superuser":
            return DENIED
        return "any"  # answers without an exception; 200/302/404 by page

    return Case(kwargs, expect)


@pytest.fixture
def objects(lessor_x, lessor_y):
    draft_x = TenderFactory(lessor=lessor_x)
    draft_y = TenderFactory(lessor=lessor_y)
    # Rows for the admin's object pages of second-factor devices.
    StaticDeviceFactory(user=UserFactory(email="device-owner@example.test"))
    TOTPDeviceFactory(user=UserFactory(email="totp-owner@example.test"))
    return {
        "draft_x": draft_x,
        "draft_y": draft_y,
        "published_x": TenderFactory(lessor=lessor_x, published=True),
        "category_x": TenderCategoryFactory(tender=draft_x),
        "category_y": TenderCategoryFactory(tender=draft_y),
    }


@pytest.fixture
def clients(actors, otp_login):
    """One signed-in client per actor; staff have verified their second factor."""
    result = {}
    for name in ACTORS:
        client = Client()
        user = actors[name]
        if user is None:
            pass
        elif name.startswith("applicant"):
            client.force_login(user)
        else:
            otp_login(client, user)
        result[name] = client
    return result


def test_every_url_pattern_is_in_the_matrix():
    missing = [
        f"{name} ({route})"
        for name, route in all_patterns()
        if name not in MATRIX and not name.startswith("admin:")
    ]
    assert not missing, (
        "URL patterns without an authorization matrix entry "
        f"(add them to MATRIX in {__file__}): {missing}"
    )


def check_headers(response, signed_in: bool, where: str) -> None:
    """Headers every HTML page carries (docs/security.md): CSP without inline
    script, no framing, no plugins, nosniff, a referrer policy; no caching of pages
    served to a signed-in person."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return
    csp = response["Content-Security-Policy"]
    script_src = next(
        (part for part in csp.split(";") if part.strip().startswith("script-src")), ""
    )
    assert "'unsafe-inline'" not in script_src, where
    assert "frame-ancestors 'none'" in csp, where
    assert "object-src 'none'" in csp, where
    assert response["X-Content-Type-Options"] == "nosniff", where
    assert response["Referrer-Policy"], where
    if signed_in:
        assert "no-store" in response["Cache-Control"], where


def check(response, expected: str, where: str) -> None:
    status, location = response.status_code, response.get("Location", "")
    is_login = status == 302 and "/login/" in location
    if expected == OK:
        assert status == 200, where
    elif expected == REDIRECT:
        assert status == 302, where
        assert not is_login, where
    elif expected == LOGIN:
        assert location.startswith(reverse("login")), where
    elif expected == FORBIDDEN:
        assert status == 403, where
    elif expected == NOT_FOUND:
        assert status == 404, where
    elif expected == NOT_ALLOWED:
        assert status == 405, where
    elif expected == DENIED:
        assert is_login or status in (403, 404), where
    else:  # "any": no exception, no server error
        assert status < 500, where


def test_authorization_matrix(clients, objects, lessor_x):
    # A second admin of X, so lessor-admin rules are tested beside the chair's.
    MembershipFactory(lessor=lessor_x, role=StaffRole.COMMISSION_CHAIR)
    checked = 0
    for name, route in all_patterns():
        cases = MATRIX.get(name)
        if cases is None:
            cases = [admin_case(name, route, objects)]
        for case in cases:
            url = case.url or reverse(name, kwargs=case.kwargs(objects))
            for actor in ACTORS:
                client = clients[actor]
                response = getattr(client, case.method)(url, case.data or {})
                where = (
                    f"{actor} {case.method.upper()} {url} ({name} {case.label}) -> "
                    f"{response.status_code} {response.get('Location', '')}"
                )
                check(response, case.expect(actor), where)
                check_headers(response, actor != "anonymous", where)
                checked += 1
    assert checked > 500
