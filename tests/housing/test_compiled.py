"""The compiled reads as prepared statements of each PostgreSQL session
(``housing.compiled``): prepared once per session in the round trip of their first
run, then only executed; again after a new connection or a failed first try; never
lost by a rollback; off with ``DATABASE_PREPARED_STATEMENTS``; logged as their SQL."""

from contextlib import contextmanager

from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

import pytest

from housing.compiled import CompiledQuery
from housing.models import User
from tests.housing.factories import UserFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="prepared statements are PostgreSQL's (CI runs on it)",
)


def _user_query() -> CompiledQuery:
    return CompiledQuery(lambda pk: User.objects.filter(pk=pk), -11)


@contextmanager
def _sent():
    """The statements as sent to the server (not as logged)."""
    sent: list[str] = []

    def record(execute, sql, params, many, context):
        sent.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield sent


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_prepared_once_in_the_first_round_trip_then_only_executed():
    user, other = UserFactory(), UserFactory()
    query = _user_query()
    with _sent() as sent:
        assert query.run(user.pk) == [user]
        assert query.run(other.pk) == [other]
        assert query.run(other.pk + 1000) == []
    first, second, third = sent
    assert first.startswith("PREPARE najem_q")
    assert "; EXECUTE najem_q" in first
    assert second.startswith("EXECUTE najem_q")
    assert third == second
    name = second.split()[1]
    assert name in _prepared_names()
    # The instances are the ORM's.
    (found,) = query.run(user.pk)
    assert found.__dict__.keys() == user.__dict__.keys()
    assert found.email == user.email


@pytest.mark.django_db
def test_the_log_shows_the_sql_the_orm_would_send():
    user = UserFactory()
    query = _user_query()
    query.run(user.pk)  # prepared
    with CaptureQueriesContext(connection) as orm:
        list(User.objects.filter(pk=user.pk))
    with CaptureQueriesContext(connection) as compiled:
        query.run(user.pk)
    assert [q["sql"] for q in compiled.captured_queries] == [
        q["sql"] for q in orm.captured_queries
    ]


@pytest.mark.django_db
def test_a_rollback_keeps_the_prepared_statement():
    user = UserFactory()
    query = _user_query()
    with transaction.atomic():
        query.run(user.pk)
        transaction.set_rollback(True)
    with _sent() as sent:
        assert query.run(user.pk) == [user]
    assert sent[0].startswith("EXECUTE ")


@pytest.mark.django_db
def test_a_failed_first_try_prepares_under_a_new_name():
    user = UserFactory()
    query = _user_query()
    # Out of the id column's range: the EXECUTE fails after the PREPARE ran.
    with pytest.raises(DatabaseError), transaction.atomic():
        query.run(2**70)
    with _sent() as sent:
        assert query.run(user.pk) == [user]
    (statement,) = sent
    assert statement.startswith("PREPARE ")  # not "already exists"
    assert query.run(user.pk) == [user]


@pytest.mark.django_db(transaction=True)
def test_a_new_connection_prepares_again():
    user = UserFactory()
    query = _user_query()
    query.run(user.pk)
    connection.close()
    with _sent() as sent:
        assert query.run(user.pk) == [user]
    assert sent[0].startswith("PREPARE ")


@pytest.mark.django_db
def test_braces_in_the_sql_are_sent_as_they_are():
    """The statement's name is put in its place without touching the SQL's own
    text (a literal brace, as in a JSON or array value, stays as it is)."""
    user = UserFactory(full_name="Ana")
    query = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk).extra(  # a fixed literal
            where=['"housing_user"."full_name" <> \'{x} {name}\'']
        ),
        -12,
    )
    assert "'{x} {name}'" in query.compiled().sql
    assert query.run(user.pk) == [user]
    assert query.run(user.pk) == [user]


@pytest.mark.django_db
def test_off_sends_the_sql_itself(settings):
    settings.DATABASE_PREPARED_STATEMENTS = False
    user = UserFactory()
    query = _user_query()
    with _sent() as sent:
        assert query.run(user.pk) == [user]
    assert sent[0].startswith("SELECT ")
