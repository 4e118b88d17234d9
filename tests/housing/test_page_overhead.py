"""What every page pays before its own work: the shared page frame rendered once per
language (``{% same_for_everyone %}``) and the menu's staff-role read.

The frame's fragments are rendered once per process and language; these tests render
representative pages (anonymous, applicant, staff, both languages, with a message and
with an error summary) with the fragments cached and without, and require the same
HTML byte for byte, whoever filled the cache first.
"""

import datetime
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from housing.templatetags import najem
from tests.applications.conftest import (  # noqa: F401 (fixtures)
    applicant,
    clerk,
    lessor,
    municipality,
    tender,
)
from tests.applications.factories import ApplicationFactory, MemberFactory
from tests.housing.factories import UserFactory

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
SL = {"accept-language": "sl"}
# Per request by design: the CSRF token (masked anew each time) and the CSP nonce.
_PER_REQUEST = [
    (re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'), 'name="csrf" value=""'),
    (re.compile(r'nonce="[^"]+"'), 'nonce=""'),
]


def _normal(html: str) -> str:
    for pattern, replacement in _PER_REQUEST:
        html = pattern.sub(replacement, html)
    return html


@pytest.fixture
def world(request, otp_login):
    """Clients and addresses for each kind of reader."""
    the_tender = request.getfixturevalue("tender")  # tests/applications/conftest.py
    ana_user = request.getfixturevalue("applicant")
    clerk_user = request.getfixturevalue("clerk")
    the_tender.deadline = timezone.now() + datetime.timedelta(days=30)
    the_tender.save()
    draft = ApplicationFactory(tender=the_tender, applicant=ana_user)
    MemberFactory(application=draft)
    other = UserFactory(email="bojan@example.test", full_name="Bojan Novak")
    other_draft = ApplicationFactory(tender=the_tender, applicant=other)
    MemberFactory(application=other_draft)
    third = UserFactory(email="cene@example.test")
    submitted = ApplicationFactory(tender=the_tender, applicant=third, submitted=True)
    MemberFactory(application=submitted)
    anonymous = Client()
    ana = Client()
    ana.force_login(ana_user)
    bojan = Client()
    bojan.force_login(other)
    cene = Client()
    cene.force_login(third)
    staff = Client()
    otp_login(staff, clerk_user)
    return {
        "tender": the_tender,
        "draft": draft,
        "other_draft": other_draft,
        "submitted": submitted,
        "anonymous": anonymous,
        "ana": ana,
        "bojan": bojan,
        "cene": cene,
        "staff": staff,
    }


def _cases(world) -> list[tuple[str, object]]:
    """(name, a function returning the page's HTML) for each representative page."""

    def get(who: str, url: str, headers: dict, follow: bool = False):
        def fetch() -> str:
            response = world[who].get(url, headers=headers, follow=follow)
            assert response.status_code == 200, (who, url, response.status_code)
            return response.content.decode()

        return fetch

    def post(who: str, url: str, data: dict, headers: dict):
        def fetch() -> str:
            response = world[who].post(url, data, headers=headers)
            assert response.status_code == 200, (who, url, response.status_code)
            return response.content.decode()

        return fetch

    draft, other_draft = world["draft"], world["other_draft"]
    cases = []
    for lang, headers in (("sl", SL), ("en", EN)):
        cases += [
            (f"home anonymous {lang}", get("anonymous", "/", headers)),
            (
                f"accessibility anonymous {lang}",
                get("anonymous", reverse("accessibility"), headers),
            ),
            (
                f"tender anonymous {lang}",
                get(
                    "anonymous",
                    reverse("tenders:detail", args=[world["tender"].pk]),
                    headers,
                ),
            ),
            (
                f"login with errors {lang}",
                post(
                    "anonymous",
                    reverse("login"),
                    {"username": f"nobody-{lang}@example.test", "password": "wrong"},
                    headers,
                ),
            ),
            (
                f"accessibility applicant {lang}",
                get("ana", reverse("accessibility"), headers),
            ),
            (
                f"task list applicant {lang}",
                get("ana", reverse("applications:detail", args=[draft.pk]), headers),
            ),
            (
                f"task list other applicant {lang}",
                get(
                    "bojan",
                    reverse("applications:detail", args=[other_draft.pk]),
                    headers,
                ),
            ),
            (
                f"section applicant {lang}",
                get(
                    "ana",
                    reverse("applications:section", args=[draft.pk, "income"]),
                    headers,
                ),
            ),
            (
                f"section with errors {lang}",
                post(
                    "bojan",
                    reverse("applications:applicant", args=[other_draft.pk]),
                    {"email": "not an address", "version": "x"},
                    headers,
                ),
            ),
            (
                f"message {lang}",
                get(
                    "cene",
                    reverse("applications:applicant", args=[world["submitted"].pk]),
                    headers,
                    follow=True,
                ),
            ),
            (
                f"staff list {lang}",
                get("staff", reverse("tenders:staff_list"), headers),
            ),
        ]
    return cases


def test_pages_render_the_same_with_the_frame_cached(world, monkeypatch):
    cases = _cases(world)
    monkeypatch.setattr(najem, "FRAME_CACHE", False)
    plain = {name: _normal(fetch()) for name, fetch in cases}
    monkeypatch.setattr(najem, "FRAME_CACHE", True)
    najem.frame_cache_clear()
    # Twice: the first pass fills the cache (each fragment from whichever reader comes
    # first), the second is served from it.
    for _ in range(2):
        for name, fetch in cases:
            assert _normal(fetch()) == plain[name], name


def test_a_changed_setting_shows_at_once(client, settings):
    """The footer shows the contact from the settings: a change is not hidden by the
    fragments already rendered."""
    footer_phone = '<a href="tel:+38610000000">+386 1 000 00 00</a>'
    assert footer_phone not in client.get("/accessibility/").content.decode()
    settings.NAJEM_CONTACT_PHONE = "+386 1 000 00 00"
    assert footer_phone in client.get("/accessibility/").content.decode()


def test_the_staff_link_follows_the_memberships_at_once(client, lessor_x):
    """The menu's staff link is read on every request, never from the frame."""
    from housing.constants import StaffRole
    from tests.housing.factories import MembershipFactory

    user = UserFactory()
    client.force_login(user)
    staff_link = reverse("tenders:staff_list")
    assert staff_link not in client.get("/accessibility/").content.decode()
    membership = MembershipFactory(user=user, lessor=lessor_x, role=StaffRole.CLERK)
    assert staff_link in client.get("/accessibility/").content.decode()
    membership.delete()
    assert staff_link not in client.get("/accessibility/").content.decode()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Cache-Control": "private, no-store"}, {"Expires": "0"}],
    ids=["none", "cache-control", "expires"],
)
def test_no_store_headers_as_django_gives_them(rf, headers, monkeypatch):
    """The middleware's short way for a page without caching headers gives what
    ``add_never_cache_headers`` plus ``no-store`` first gives, in the same order."""
    from django.http import HttpResponse
    from django.utils.cache import add_never_cache_headers

    from housing import middleware

    monkeypatch.setattr(middleware.time, "time", lambda: 1_800_000_000.0)
    expected = HttpResponse(headers=headers)
    add_never_cache_headers(expected)
    expected["Cache-Control"] = "no-store, " + expected["Cache-Control"]
    request = rf.get("/")
    request.user = UserFactory.build()
    response = middleware.PrivatePagesNoStoreMiddleware(
        lambda request: HttpResponse(headers=headers)
    )(request)
    assert list(response.headers.items()) == list(expected.headers.items())


@pytest.mark.parametrize("inside", ["{% csrf_token %}", "{% block b %}{% endblock %}"])
def test_a_fragment_may_not_hold_a_token_or_a_block(inside):
    from django.template import Template, TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError):
        Template(
            "{% load najem %}{% same_for_everyone %}"
            + inside
            + "{% endsame_for_everyone %}"
        )
