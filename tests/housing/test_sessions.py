"""housing.sessions: the same sessions as Django's database backend, read by SQL."""

import datetime

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
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
