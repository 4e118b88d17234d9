from unittest import mock

from django.db import DatabaseError
from django.test import Client
from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def test_home_shows_empty_state_in_slovenian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="sl">' in body
    assert "Trenutno ni odprtih razpisov." in body
    assert 'href="#main"' in body  # skip link
    for landmark in ("<main", "<nav", "<header", "<footer"):
        assert landmark in body


def test_home_in_english_with_accept_language(client):
    response = client.get("/", headers={"accept-language": "en"})
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "There are no open tenders at the moment." in body


def test_language_switcher_sets_language(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "There are no open tenders at the moment." in body


def test_language_switcher_ignores_unknown_language(client):
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert '<html lang="sl">' in client.get("/").content.decode()


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_503_when_database_unreachable(client):
    with mock.patch("config.views.connection") as conn:
        conn.cursor.side_effect = DatabaseError("down")
        response = client.get("/healthz")
    assert response.status_code == 503


def test_unknown_url_gives_translated_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Strani ni mogoče najti" in response.content.decode()
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert "Page not found" in response.content.decode()


def test_500_page_says_drafts_are_safe(settings):
    from django.urls import path

    def boom(request):
        raise RuntimeError("boom")

    urlconf = type(
        "U",
        (),
        {"urlpatterns": [path("boom/", boom)], "handler500": None},
    )
    settings.ROOT_URLCONF = urlconf
    del urlconf.handler500
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", headers={"accept-language": "en"})
    assert response.status_code == 500
    assert "nothing you saved before was lost" in response.content.decode()


def test_login_with_email_and_password(client, actors):
    response = client.post(
        reverse("login"),
        {"username": "a@example.test", "password": "Correct-horse-battery-9"},
    )
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.email == "a@example.test"


def test_login_with_wrong_password_shows_error_at_form(client, actors):
    response = client.post(
        reverse("login"),
        {"username": "a@example.test", "password": "wrong"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "Please enter a correct email address and password" in (
        response.content.decode()
    )


def test_pages_for_signed_in_users_are_not_stored(client, actors):
    anonymous = client.get("/")
    assert "no-store" not in anonymous.get("Cache-Control", "")
    client.force_login(actors["applicant_a"])
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]


def test_security_headers_on_html(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_forged_form_gets_plain_403(actors):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"),
        {"username": "a@example.test", "password": "Correct-horse-battery-9"},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
    response = client.post(
        reverse("login"),
        {"username": "a@example.test", "password": "Correct-horse-battery-9"},
    )
    assert "Nič ni bilo spremenjeno" in response.content.decode()
    assert "_auth_user_id" not in client.session
