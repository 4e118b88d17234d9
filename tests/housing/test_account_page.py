"""The account page (issue 12): name and language, links to the password and the
optional second factor; an applicant's second factor asked at login."""

import time

from django.test import Client
from django.urls import reverse

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from housing.models import User
from tests.housing.factories import (
    PASSWORD,
    StaticDeviceFactory,
    TOTPDeviceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}


def log_in(client, email, headers=None):
    return client.post(
        reverse("login"),
        {"username": email, "password": PASSWORD},
        headers=headers or EN,
    )


def current_totp(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def test_anonymous_goes_to_login(client):
    url = reverse("account")
    assert client.get(url)["Location"] == f"{reverse('login')}?next={url}"
    assert client.post(url, {"full_name": "X"})["Location"].startswith(reverse("login"))


def test_account_page_shows_the_details_and_the_ways_on(client):
    user = UserFactory(email="a@example.test", full_name="Ana Nova")
    client.force_login(user)
    response = client.get(reverse("account"), headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "a@example.test" in body
    assert 'value="Ana Nova"' in body
    assert reverse("password_change") in body
    assert reverse("otp_setup") in body
    assert "It is not required" in body
    assert "no-store" in response["Cache-Control"]


def test_language_not_chosen_yet_starts_at_the_page_language(client):
    client.force_login(UserFactory(preferred_language=""))
    response = client.get(reverse("account"), headers=EN)
    assert response.context["form"]["preferred_language"].value() == "en"


def test_saving_name_and_language_applies_the_language_at_once(client):
    user = UserFactory(full_name="Ana", preferred_language="en")
    client.force_login(user)
    response = client.post(
        reverse("account"),
        {"full_name": " Ana Nova ", "preferred_language": "sl"},
        headers=EN,
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert response.cookies["django_language"].value == "sl"
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Ana Nova", "sl")
    page = client.get(reverse("account"), headers=EN).content.decode()
    assert '<html lang="sl">' in page  # the cookie wins over the browser
    assert "Vaši podatki so shranjeni." in page
    assert user.history.first().history_user == user


def test_bad_input_is_in_the_error_summary_and_changes_nothing(client):
    user = UserFactory(full_name="Ana", preferred_language="en")
    client.force_login(user)
    response = client.post(
        reverse("account"),
        {"full_name": "", "preferred_language": "de"},
        headers=EN,
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name", "preferred_language"}
    assert "There is a problem" in response.content.decode()
    user.refresh_from_db()
    assert (user.full_name, user.preferred_language) == ("Ana", "en")


def test_staff_give_their_second_factor_first(client, actors, otp_login):
    staff = actors["member_x"]
    client.force_login(staff)
    response = client.get(reverse("account"))
    assert response["Location"].startswith(reverse("otp_setup"))
    otp_login(client, staff)
    response = client.get(reverse("account"), headers=EN)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Staff always give a code" in body
    assert reverse("otp_remove") not in body


def test_language_of_the_account_applies_at_login(client):
    UserFactory(email="sl@example.test", preferred_language="sl")
    response = log_in(client, "sl@example.test")  # the browser asks for English
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "sl"


def test_no_language_chosen_leaves_the_browsers(client):
    UserFactory(email="none@example.test", preferred_language="")
    response = log_in(client, "none@example.test")
    assert response.status_code == 302
    assert "django_language" not in response.cookies


# --- An applicant's optional second factor -----------------------------------------


def test_applicant_sets_up_a_second_factor_and_is_asked_at_login(client):
    user = UserFactory(email="careful@example.test")
    client.force_login(user)
    page = client.get(reverse("otp_setup") + "?next=/accounts/", headers=EN)
    assert page.status_code == 200
    assert "You can turn it off on your account page" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(
        reverse("otp_setup"),
        {"token": current_totp(device), "next": "/accounts/"},
        headers=EN,
    )
    assert len(response.context["codes"]) == 10
    client.post(reverse("logout"))

    # The password alone no longer logs in.
    browser = Client()
    response = log_in(browser, "careful@example.test")
    assert response["Location"] == reverse("login_code")
    assert not browser.get("/", headers=EN).wsgi_request.user.is_authenticated
    assert browser.get(reverse("account"))["Location"].startswith(reverse("login"))
    wrong = browser.post(reverse("login_code"), {"token": "000000"}, headers=EN)
    assert "This code is not right" in wrong.content.decode()
    assert not browser.get("/", headers=EN).wsgi_request.user.is_authenticated

    code = StaticDevice.objects.get(user=user).token_set.first().token
    response = browser.post(reverse("login_code"), {"token": code}, headers=EN)
    assert response.status_code == 302
    request_user = browser.get("/", headers=EN).wsgi_request.user
    assert request_user == user
    assert request_user.is_verified()


def test_code_page_without_a_password_first_goes_to_login(client):
    response = client.get(reverse("login_code"))
    assert response["Location"] == reverse("login")


def test_code_page_waits_five_minutes_for_the_code(client, monkeypatch):
    user = UserFactory(email="careful@example.test")
    StaticDeviceFactory(user=user, tokens=["123456"])
    log_in(client, user.email)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 5 * 60 + 1)
    response = client.post(reverse("login_code"), {"token": "123456"})
    assert response["Location"] == reverse("login")
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_code_page_follows_next(client):
    user = UserFactory(email="careful@example.test")
    StaticDeviceFactory(user=user, tokens=["123456"])
    response = client.post(
        reverse("login"),
        {"username": user.email, "password": PASSWORD, "next": "/accounts/"},
    )
    assert response["Location"] == reverse("login_code")
    response = client.post(reverse("login_code"), {"token": "123456"})
    assert response["Location"] == "/accounts/"


def test_staff_login_is_unchanged_by_the_applicants_code_page(client, actors):
    StaticDeviceFactory(user=actors["member_x"], tokens=["123456"])
    response = log_in(client, "member-x@example.test")
    # Straight to the staff's second factor (no round trip through login_continue).
    assert response["Location"] == f"{reverse('otp_verify')}?next=%2F"


def test_applicant_turns_the_second_factor_off(client):
    user = UserFactory(email="careful@example.test")
    StaticDeviceFactory(user=user, tokens=["123456"])
    TOTPDeviceFactory(user=user)
    log_in(client, user.email)
    client.post(reverse("login_code"), {"token": "123456"})
    body = client.get(reverse("account"), headers=EN).content.decode()
    assert reverse("otp_remove") in body
    assert client.get(reverse("otp_remove")).status_code == 405
    response = client.post(reverse("otp_remove"), headers=EN)
    assert response["Location"] == reverse("account")
    assert not StaticDevice.objects.filter(user=user).exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert log_in(Client(), user.email)["Location"] == reverse("home")


def test_turning_off_needs_a_session_verified_with_it(client):
    user = UserFactory(email="careful@example.test")
    StaticDeviceFactory(user=user, tokens=["123456"])
    client.force_login(user)  # e.g. a session opened before the set-up
    assert client.post(reverse("otp_remove")).status_code == 403
    assert StaticDevice.objects.filter(user=user).exists()


def test_staff_cannot_turn_their_second_factor_off(client, actors, otp_login):
    otp_login(client, actors["member_x"])
    assert client.post(reverse("otp_remove")).status_code == 403


def test_applicant_with_a_device_in_an_unverified_session_may_verify(client):
    user = UserFactory(email="careful@example.test")
    StaticDeviceFactory(user=user, tokens=["123456"])
    client.force_login(user)
    response = client.post(
        reverse("otp_verify"), {"token": "123456", "next": "/accounts/"}
    )
    assert response["Location"] == "/accounts/"


def test_account_forms_refuse_forged_posts(actors):
    client = Client(enforce_csrf_checks=True)
    client.force_login(actors["applicant_a"])
    response = client.post(
        reverse("account"), {"full_name": "Forged", "preferred_language": "en"}
    )
    assert response.status_code == 403
    assert User.objects.get(pk=actors["applicant_a"].pk).full_name != "Forged"
