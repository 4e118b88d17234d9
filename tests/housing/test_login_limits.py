"""Limits on the account forms and on password-reset mails (issue 9).

Over-long input is a form error before it reaches ``authenticate()``, django-axes or a
password hasher; password-reset mails are limited per address and per client IP
address, behind the same answer as always.
"""

import re

from django.core import mail
from django.urls import reverse

import pytest
from axes.models import AccessAttempt, AccessFailureLog

from housing.forms_accounts import EMAIL_MAX_LENGTH, PASSWORD_MAX_LENGTH
from tests.housing.factories import PASSWORD

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
MEGABYTE = "x" * (1024 * 1024)


def errors(response, field):
    return response.context["form"].errors.get(field, [])


def reset_link(message) -> str:
    return re.search(r"http://testserver(/accounts/password-reset/\S+/)", message.body)[
        1
    ]


# --- Login ----------------------------------------------------------------------------


@pytest.mark.parametrize("length", [300, 100_000])
def test_login_with_an_over_long_email_is_a_form_error(client, length):
    """It reached authenticate() and django-axes, whose 255-character username column
    failed on PostgreSQL (and a 100 KB name on SQLite)."""
    response = client.post(
        reverse("login"), {"username": "a" * length, "password": "x"}, headers=EN
    )
    assert response.status_code == 200
    assert errors(response, "username") == [
        f"Ensure this value has at most {EMAIL_MAX_LENGTH} characters "
        f"(it has {length})."
    ]
    assert not AccessAttempt.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_login_with_a_megabyte_password_is_a_form_error(client, actors):
    response = client.post(
        reverse("login"),
        {"username": "a@example.test", "password": MEGABYTE},
        headers=EN,
    )
    assert response.status_code == 200
    assert errors(response, "password") == [
        f"Ensure this value has at most {PASSWORD_MAX_LENGTH} characters "
        f"(it has {len(MEGABYTE)})."
    ]
    assert not AccessAttempt.objects.exists()


def test_login_fields_announce_their_limits(client):
    body = client.get(reverse("login")).content.decode()
    assert f'maxlength="{EMAIL_MAX_LENGTH}"' in body
    assert f'maxlength="{PASSWORD_MAX_LENGTH}"' in body


def test_login_at_the_limits_still_works(client, actors):
    response = client.post(
        reverse("login"), {"username": "a@example.test", "password": PASSWORD}
    )
    assert response.status_code == 302


# --- Setting and changing a password --------------------------------------------------


def test_password_change_refuses_a_megabyte_password(client, actors):
    user = actors["applicant_a"]
    client.force_login(user)
    long = "y" * (PASSWORD_MAX_LENGTH + 1)
    response = client.post(
        reverse("password_change"),
        {"old_password": MEGABYTE, "new_password1": long, "new_password2": long},
        headers=EN,
    )
    assert response.status_code == 200
    assert errors(response, "old_password") == [
        f"Ensure this value has at most {PASSWORD_MAX_LENGTH} characters "
        f"(it has {len(MEGABYTE)})."
    ]
    for field in ("new_password1", "new_password2"):
        assert errors(response, field) == [
            f"Ensure this value has at most {PASSWORD_MAX_LENGTH} characters "
            f"(it has {len(long)})."
        ]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_password_reset_link_refuses_a_megabyte_password(client, actors):
    client.post(reverse("password_reset"), {"email": "a@example.test"})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    response = client.post(
        page.redirect_chain[-1][0],
        {"new_password1": MEGABYTE, "new_password2": MEGABYTE},
        headers=EN,
    )
    assert response.status_code == 200
    assert errors(response, "new_password1") == [
        f"Ensure this value has at most {PASSWORD_MAX_LENGTH} characters "
        f"(it has {len(MEGABYTE)})."
    ]
    actors["applicant_a"].refresh_from_db()
    assert actors["applicant_a"].check_password(PASSWORD)


def test_a_long_but_allowed_password_can_be_set(client, actors):
    user = actors["applicant_a"]
    client.force_login(user)
    new_password = "Dolgo-geslo-" + "ž" * (PASSWORD_MAX_LENGTH - 12)
    assert len(new_password) == PASSWORD_MAX_LENGTH
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


# --- Password-reset mails -------------------------------------------------------------


def request_reset(client, email, ip="203.0.113.5"):
    return client.post(
        reverse("password_reset"), {"email": email}, headers=EN, REMOTE_ADDR=ip
    )


def test_password_reset_mails_are_limited_per_address(client, actors):
    """Twelve requests sent twelve mails in seconds; now three an hour per address."""
    answers = [request_reset(client, "a@example.test") for _ in range(12)]
    assert len(mail.outbox) == 3
    assert {(r.status_code, r["Location"]) for r in answers} == {
        (302, reverse("password_reset_done"))
    }
    # Another address is counted on its own.
    request_reset(client, "b@example.test")
    assert len(mail.outbox) == 4


def test_password_reset_limit_ignores_the_case_of_the_address(client, actors):
    for email in (
        "a@example.test",
        "A@Example.TEST",
        " a@example.test",
        "A@EXAMPLE.test",
    ):
        request_reset(client, email)
    assert len(mail.outbox) == 3


def test_password_reset_requests_are_limited_per_client_address(client, actors):
    """Ten requests an hour from one client address, whichever addresses they name
    (known or not); another client address is counted on its own."""
    for n in range(10):
        request_reset(client, f"nobody-{n}@example.test")
    request_reset(client, "a@example.test")
    assert mail.outbox == []
    request_reset(client, "a@example.test", ip="198.51.100.7")
    assert len(mail.outbox) == 1


def test_password_reset_limit_ends_after_the_window(client, actors, monkeypatch):
    import time

    start = time.time()
    monkeypatch.setattr(time, "time", lambda: start)
    for _ in range(4):
        request_reset(client, "a@example.test")
    assert len(mail.outbox) == 3
    monkeypatch.setattr(time, "time", lambda: start + 60 * 60 + 1)
    request_reset(client, "a@example.test")
    assert len(mail.outbox) == 4


def test_password_reset_limits_come_from_settings(client, actors, settings):
    settings.NAJEM_PASSWORD_RESET_PER_EMAIL = 1
    request_reset(client, "a@example.test")
    request_reset(client, "a@example.test")
    assert len(mail.outbox) == 1


def test_password_reset_answer_is_the_same_over_the_limit(client, actors):
    """Nothing tells an account that exists from one that does not, or a mail that
    went out from one held back."""
    from tests.housing.test_accounts import without_tokens

    pages = set()
    for email in ["a@example.test"] * 4 + ["nobody@example.test"] * 4:
        response = request_reset(client, email)
        follow = client.get(response["Location"], headers=EN)
        pages.add((response.status_code, without_tokens(follow.content.decode())))
    assert len(pages) == 1
