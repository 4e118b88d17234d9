"""Registration and email verification (issue 12): the account is made unconfirmed,
a signed link (3 days) is mailed in the registrant's language, and the account opens
only with that link and its password. The page never says whether an address had an
account; mails are limited per address and per client address."""

import re
import time

from django.core import mail, signing
from django.test import Client
from django.urls import reverse

import pytest

from housing import services
from housing.models import User
from tests.housing.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

EN = {"accept-language": "en"}
NEW_PASSWORD = "Purple-otter-lantern-42"


@pytest.fixture
def clock(monkeypatch):
    """``clock(seconds)`` moves ``time.time()`` (signed links, mail limits)."""
    real = time.time

    def move(seconds: float) -> None:
        monkeypatch.setattr(time, "time", lambda: real() + seconds)

    return move


@pytest.fixture
def mails(django_capture_on_commit_callbacks):
    """Run the on-commit mail callbacks of each request (mails go out on commit)."""

    def post(client, url, data, **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, **extra)

    return post


def register(mails, client, email="nova@example.test", headers=None, **extra):
    data = {"full_name": "Ana Nova", "email": email, "password": NEW_PASSWORD}
    return mails(client, reverse("register"), data, headers=headers or EN, **extra)


def link_in(message) -> str:
    return re.search(r"https?://\S+/accounts/verify/\S+/", message.body).group(0)


def log_in(client, email, password=NEW_PASSWORD, headers=None):
    return client.post(
        reverse("login"),
        {"username": email, "password": password},
        headers=headers or EN,
    )


def test_register_verify_then_log_in(client, mails):
    response = register(mails, client)
    assert response.status_code == 302
    assert response["Location"] == reverse("register_done")
    user = User.objects.get(email="nova@example.test")
    assert user.full_name == "Ana Nova"
    assert user.email_verified_at is None
    assert user.preferred_language == "en"  # the language the person registered in
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nova@example.test"]
    assert message.subject == "Confirm your email address for Najem"
    assert "3 days" in message.body
    assert message.content_subtype == "plain"  # plain text only
    assert not getattr(message, "alternatives", None)

    # Not before the link: the login form says why, after the right password only.
    response = log_in(client, "nova@example.test")
    assert response.status_code == 200
    assert "You have not confirmed your email address yet" in response.content.decode()
    assert not client.get("/", headers=EN).wsgi_request.user.is_authenticated
    wrong = log_in(client, "nova@example.test", "wrong-password-123")
    assert "You have not confirmed" not in wrong.content.decode()

    # The link (GET changes nothing) asks for the password, then logs in.
    url = link_in(message)
    page = client.get(url, headers=EN)
    assert page.status_code == 200
    assert "Confirm your email address" in page.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None
    response = client.post(url, {"password": NEW_PASSWORD}, headers=EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("account")
    assert response.cookies["django_language"].value == "en"
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert client.get("/", headers=EN).wsgi_request.user == user

    # And later with the login form, as anyone.
    other = Client()
    response = log_in(other, "nova@example.test")
    assert response.status_code == 302
    assert other.get("/", headers=EN).wsgi_request.user == user


def test_the_link_needs_the_accounts_password(client, mails):
    register(mails, client)
    url = link_in(mail.outbox[0])
    response = client.post(url, {"password": "Somebody-elses-pw-1"}, headers=EN)
    assert response.status_code == 200
    assert "This is not the password of this account" in response.content.decode()
    assert User.objects.get(email="nova@example.test").email_verified_at is None
    assert not client.get("/", headers=EN).wsgi_request.user.is_authenticated


def test_a_used_link_sends_to_the_login_page(client, mails):
    register(mails, client)
    url = link_in(mail.outbox[0])
    client.post(url, {"password": NEW_PASSWORD}, headers=EN)
    response = Client().get(url, headers=EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_expired_link_is_refused(client, mails, clock):
    clock(-(3 * 24 * 60 * 60 + 60))
    register(mails, client)
    clock(0)
    url = link_in(mail.outbox[0])
    response = client.get(url, headers=EN)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()
    assert reverse("verification_resend") in response.content.decode()
    client.post(url, {"password": NEW_PASSWORD}, headers=EN)
    assert User.objects.get(email="nova@example.test").email_verified_at is None


def test_link_within_three_days_works(client, mails, clock):
    clock(-(3 * 24 * 60 * 60 - 60))
    register(mails, client)
    clock(0)
    response = client.post(
        link_in(mail.outbox[0]), {"password": NEW_PASSWORD}, headers=EN
    )
    assert response.status_code == 302
    assert User.objects.get(email="nova@example.test").email_verified


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "x" * 500,
        # Signed with another salt (a password-reset or other token): refused.
        signing.TimestampSigner(salt="other").sign_object({"u": 1, "e": "a@b.c"}),
    ],
)
def test_tampered_links_are_refused(client, token):
    response = client.get(reverse("account_verify", args=[token]), headers=EN)
    assert response.status_code == 200
    assert "This link no longer works" in response.content.decode()


def test_a_link_edited_to_name_another_account_is_refused(client, mails):
    victim = UserFactory(email="victim@example.test", email_verified_at=None)
    register(mails, client)
    token = link_in(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    _value, timestamp, signature = token.rsplit(":", 2)
    forged = signing.TimestampSigner(salt="x").sign_object(
        {"u": victim.pk, "e": victim.email}
    )
    forged = ":".join([forged.rsplit(":", 2)[0], timestamp, signature])
    response = client.get(reverse("account_verify", args=[forged]), headers=EN)
    assert "This link no longer works" in response.content.decode()


def test_existing_address_gets_the_other_mail_and_the_same_page(client, mails):
    owner = UserFactory(email="owner@example.test", preferred_language="en")
    first = register(mails, client, email="fresh@example.test")
    second = register(mails, Client(), email="OWNER@example.test")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == reverse("register_done")
    done = client.get(reverse("register_done"), headers=EN).content.decode()
    assert "Check your email" in done

    assert [m.to for m in mail.outbox] == [
        ["fresh@example.test"],
        ["owner@example.test"],
    ]
    message = mail.outbox[1]
    assert "already has an account" in message.body
    assert reverse("login") in message.body
    assert reverse("password_reset") in message.body
    assert "/accounts/verify/" not in message.body
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)  # unchanged
    assert owner.full_name != "Ana Nova"
    assert User.objects.filter(email__iexact="owner@example.test").count() == 1


def test_existing_address_mail_is_in_the_owners_language(client, mails):
    UserFactory(email="owner@example.test", preferred_language="sl")
    register(mails, client, email="owner@example.test")  # the page in English
    assert mail.outbox[0].subject == "Vaš račun Najem"


def test_registering_again_before_confirming_replaces_the_password(client, mails):
    """Someone who registers another person's address first never gets in: the
    owner's own registration sets the password, and the link needs it."""
    register(mails, client, email="target@example.test")  # the attacker
    owner_password = "Owners-own-secret-77"
    mails(
        Client(),
        reverse("register"),
        {
            "full_name": "Real Owner",
            "email": "target@example.test",
            "password": owner_password,
        },
        headers=EN,
    )
    user = User.objects.get(email="target@example.test")
    assert user.full_name == "Real Owner"
    assert user.check_password(owner_password)
    response = client.post(
        link_in(mail.outbox[-1]), {"password": NEW_PASSWORD}, headers=EN
    )
    assert "This is not the password of this account" in response.content.decode()
    response = client.post(
        link_in(mail.outbox[0]), {"password": owner_password}, headers=EN
    )
    assert response.status_code == 302  # the owner's mailbox and password


def test_verification_mail_in_the_registrants_language(client, mails):
    register(mails, client, email="sl@example.test", headers={"accept-language": "sl"})
    assert User.objects.get(email="sl@example.test").preferred_language == "sl"
    message = mail.outbox[0]
    assert message.subject == "Potrdite svoj e-poštni naslov za Najem"
    assert "3 dni" in message.body


def test_language_preference_applies_after_login(client, mails):
    register(mails, client, email="sl@example.test", headers={"accept-language": "sl"})
    Client().post(link_in(mail.outbox[0]), {"password": NEW_PASSWORD})
    browser_in_english = Client()
    response = log_in(browser_in_english, "sl@example.test")
    assert response.cookies["django_language"].value == "sl"
    page = browser_in_english.get(reverse("account"), headers=EN)
    assert '<html lang="sl">' in page.content.decode()


def test_registration_form_errors_are_fields_not_500(client):
    response = client.post(
        reverse("register"),
        {"full_name": "", "email": "not-an-email", "password": "12345678"},
        headers=EN,
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "email", "password"}
    body = response.content.decode()
    assert "There is a problem" in body  # the error summary
    assert "This password is too short" in body
    assert not User.objects.exists()
    assert mail.outbox == []


def test_password_like_the_name_or_email_is_refused(client):
    response = client.post(
        reverse("register"),
        {
            "full_name": "Ana Nova",
            "email": "ananova.lantern@example.test",
            "password": "ananova.lantern@example.test",
        },
        headers=EN,
    )
    assert "password" in response.context["form"].errors


def test_huge_input_is_a_field_error(client):
    response = client.post(
        reverse("register"),
        {"full_name": "A" * 10_000, "email": "a" * 300, "password": "p" * 100_000},
        headers=EN,
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"full_name", "email", "password"}


def test_registration_mails_are_limited_per_address(client, mails, settings):
    settings.NAJEM_REGISTRATION_PER_EMAIL = 3
    for _ in range(5):
        response = register(
            mails, Client(REMOTE_ADDR="10.0.0.9"), email="n@example.test"
        )
        assert response["Location"] == reverse("register_done")
    assert len(mail.outbox) == 3
    # Asking for the link again counts against the same limit.
    mails(client, reverse("verification_resend"), {"email": "N@example.test"})
    assert len(mail.outbox) == 3


def test_registration_mails_are_limited_per_client_address(mails, settings):
    settings.NAJEM_REGISTRATION_PER_IP = 2
    client = Client(REMOTE_ADDR="10.0.0.7")
    for n in range(4):
        response = register(mails, client, email=f"n{n}@example.test")
        assert response["Location"] == reverse("register_done")
    assert len(mail.outbox) == 2
    assert User.objects.count() == 2  # over the limit nothing is made either
    register(mails, Client(REMOTE_ADDR="10.0.0.8"), email="n9@example.test")
    assert len(mail.outbox) == 3


def test_the_limit_ends_after_the_window(mails, settings, clock):
    settings.NAJEM_REGISTRATION_PER_EMAIL = 1
    register(mails, Client(), email="n@example.test")
    register(mails, Client(), email="n@example.test")
    assert len(mail.outbox) == 1
    clock(60 * 60 + 1)
    register(mails, Client(), email="n@example.test")
    assert len(mail.outbox) == 2


def test_resend_mails_only_unconfirmed_accounts_and_says_the_same(client, mails):
    UserFactory(email="waiting@example.test", email_verified_at=None)
    UserFactory(email="done@example.test")
    answers = set()
    for email in ("waiting@example.test", "done@example.test", "nobody@example.test"):
        response = mails(
            Client(), reverse("verification_resend"), {"email": email}, headers=EN
        )
        answers.add((response.status_code, response["Location"]))
    assert answers == {(302, reverse("register_done"))}
    assert [m.to for m in mail.outbox] == [["waiting@example.test"]]
    assert "/accounts/verify/" in mail.outbox[0].body


def test_login_page_offers_registration_and_a_new_link(client):
    body = client.get(reverse("login"), headers=EN).content.decode()
    assert reverse("register") in body
    assert reverse("verification_resend") in body


def test_signed_in_people_are_sent_from_registration_to_their_account(client):
    client.force_login(UserFactory())
    response = client.get(reverse("register"))
    assert response["Location"] == reverse("account")


def test_password_reset_link_confirms_the_address(client, mails):
    user = UserFactory(email="waiting@example.test", email_verified_at=None)
    mails(client, reverse("password_reset"), {"email": user.email}, headers=EN)
    url = re.search(r"https?://\S+/password-reset/\S+/", mail.outbox[0].body).group(0)
    response = client.get(url, headers=EN)  # redirects to the set-password form
    client.post(
        response["Location"],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        headers=EN,
    )
    user.refresh_from_db()
    assert user.email_verified
    assert log_in(Client(), user.email).status_code == 302


def test_accounts_made_otherwise_count_as_confirmed():
    user = User.objects.create_user("clerk-made@example.test", PASSWORD)
    assert user.email_verified
    assert user.preferred_language == ""  # not chosen: pages follow the browser


def test_account_register_service_reveals_nothing():
    assert (
        services.account_register(
            email="x@example.test",
            password=NEW_PASSWORD,
            full_name="X",
            language="en",
            base_url="https://najem.example",
        )
        is None
    )


def test_registration_forms_refuse_forged_posts(actors):
    client = Client(enforce_csrf_checks=True)
    data = {"full_name": "A", "email": "f@example.test", "password": NEW_PASSWORD}
    assert client.post(reverse("register"), data).status_code == 403
    assert client.post(reverse("verification_resend"), data).status_code == 403
    assert not User.objects.filter(email="f@example.test").exists()
