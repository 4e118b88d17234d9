"""housing.sessions: the same sessions as Django's database backend, read by SQL and
saved with fewer round trips."""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from housing import sessions

pytestmark = pytest.mark.django_db


def _saved(data: dict) -> str:
    store = sessions.SessionStore()
    store.update(data)
    store.save()
    return store.session_key


def test_the_engine_is_in_use(settings):
    assert settings.SESSION_ENGINE == "housing.sessions"


def test_loads_what_django_loads():
    key = _saved({"a": 1, "name": "Žiga"})
    ours, django = sessions.SessionStore(key), db.SessionStore(key)
    assert ours.load() == django.load() == {"a": 1, "name": "Žiga"}
    assert ours.session_key == key


@pytest.mark.parametrize("seconds", [-1, 0])
def test_an_expired_session_is_empty_and_loses_its_key(seconds):
    key = _saved({"a": 1})
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=seconds)
    )
    ours, django = sessions.SessionStore(key), db.SessionStore(key)
    assert ours.load() == django.load() == {}
    assert ours.session_key is None
    assert django.session_key is None


def test_a_session_about_to_expire_still_loads():
    key = _saved({"a": 1})
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(seconds=30)
    )
    assert sessions.SessionStore(key).load() == {"a": 1}


def test_an_unknown_key_is_empty():
    store = sessions.SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None


def test_one_query_per_request(client, django_assert_num_queries):
    """Session, user; nothing else before the view (/healthz runs one more)."""
    from tests.housing.factories import UserFactory

    client.force_login(UserFactory())
    client.get("/healthz")  # starts the session clocks (a write)
    with django_assert_num_queries(3):
        assert client.get("/healthz").status_code == 200


# --- saving without extra round trips (docs/decisions.md, "Sign-in without the
# request's transaction"): outside a transaction, as the session middleware saves.


def _statements(queries) -> list[str]:
    return [q["sql"].split()[0].upper() for q in queries]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_new_session_is_one_insert_without_a_look_up():
    store = sessions.SessionStore()
    store["a"] = 1
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert _statements(queries) == ["INSERT"]
    assert sessions.SessionStore(store.session_key).load() == {"a": 1}


@pytest.mark.django_db(transaction=True)
def test_a_key_that_exists_is_refused_by_the_insert_and_another_drawn(monkeypatch):
    taken = _saved({"theirs": True})
    keys = iter([taken, "k" * 32])
    store = sessions.SessionStore()
    monkeypatch.setattr(store, "_get_new_session_key", lambda: next(keys))
    store["mine"] = True
    store.save()
    assert store.session_key == "k" * 32
    assert sessions.SessionStore(taken).load() == {"theirs": True}  # untouched
    assert sessions.SessionStore("k" * 32).load() == {"mine": True}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_an_update_is_one_statement():
    key = _saved({"a": 1})
    store = sessions.SessionStore(key)
    store["a"] = 2
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert _statements(queries) == ["UPDATE"]
    assert sessions.SessionStore(key).load() == {"a": 2}


@pytest.mark.django_db(transaction=True)
def test_a_session_deleted_meanwhile_is_not_recreated_by_an_update():
    key = _saved({"a": 1})
    store = sessions.SessionStore(key)
    store["a"] = 2
    Session.objects.filter(session_key=key).delete()  # logged out in another tab
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=key).exists()


def test_inside_a_transaction_djangos_save_with_its_savepoint():
    store = sessions.SessionStore()
    store["a"] = 1
    with CaptureQueriesContext(connection) as queries:
        store.save()
    assert "INSERT" in _statements(queries)
    if connection.features.uses_savepoints:
        assert "SAVEPOINT" in _statements(queries)
    assert sessions.SessionStore(store.session_key).load() == {"a": 1}


@pytest.mark.django_db(transaction=True)
def test_signing_in_outside_the_requests_transaction(client):
    """The form page reads nothing; signing in is the reads, the session's INSERT,
    the last login and the session's UPDATE, each its own transaction: no request
    transaction, no savepoint, no look-up of the new key; the person is signed in."""
    from tests.housing.factories import UserFactory

    user = UserFactory(email="in@example.test")
    user.set_password("Correct-horse-2026")
    user.save()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("login")).status_code == 200
    assert _statements(queries) == []
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("login"),
            {"username": "in@example.test", "password": "Correct-horse-2026"},
        )
    assert response.status_code == 302
    statements = _statements(queries)
    assert "SAVEPOINT" not in statements
    sql = [q["sql"] for q in queries]
    inserts = [
        i for i, s in enumerate(sql) if s.startswith('INSERT INTO "django_session"')
    ]
    assert len(inserts) == 1  # the session, once, not looked up first
    before, after = statements[inserts[0] - 1], statements[inserts[0] + 1]
    assert (before, after) != ("BEGIN", "COMMIT")  # (django-axes has its own)
    assert not any(s.startswith('SELECT 1 AS "a" FROM "django_session"') for s in sql)
    assert client.get("/").wsgi_request.user == user
    user.refresh_from_db()
    assert user.last_login is not None
