"""Django's database sessions, with fewer round trips to the database.

``SESSION_ENGINE = "housing.sessions"``. The same table, rows and rules as
``django.contrib.sessions.backends.db``. What differs (docs/decisions.md, "The user
read on every request" and "Sign-in without the request's transaction"):

- ``load`` runs its one query as SQL instead of building it through the ORM each
  time, which cost four times as much CPU as the query itself on every signed-in page;
- a new key is not looked up before it is inserted: the insert itself refuses a key
  that exists (the primary key), and ``create`` then draws another, as Django's does;
- saving a session outside a transaction is one ``INSERT`` or ``UPDATE`` (its own
  transaction in autocommit) instead of ``BEGIN``, the statement, ``COMMIT``; the
  same errors (``CreateError`` for a key that exists, ``UpdateError`` for a row that
  is gone). Inside a transaction, Django's own ``save`` (with its savepoint).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import (
    VALID_KEY_CHARS,
    CreateError,
    UpdateError,
)
from django.db import DatabaseError, IntegrityError, connections, router
from django.utils import timezone
from django.utils.crypto import get_random_string

# What ``Session.objects.get(session_key=..., expire_date__gt=now)`` reads.
_LOAD_SQL = (
    'SELECT "session_data" FROM "django_session"'
    ' WHERE "session_key" = %s AND "expire_date" > %s'
)


class SessionStore(db.SessionStore):
    def load(self) -> dict:
        """The session's data; ``{}`` (and no key) when it is missing or expired."""
        connection = connections[router.db_for_read(self.model)]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_LOAD_SQL, [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return {}
        return self.decode(row[0])

    def _get_new_session_key(self) -> str:
        """A random key (32 characters of 36: a collision is not expected, and the
        insert of :meth:`create` refuses one and draws again)."""
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        connection = connections[router.db_for_write(self.model)]
        if self.session_key is None or connection.in_atomic_block:
            super().save(must_create=must_create)
            return
        obj = self.create_model_instance(self._get_session(no_load=must_create))
        try:
            obj.save(
                force_insert=must_create,
                force_update=not must_create,
                using=connection.alias,
            )
        except IntegrityError as error:
            if must_create:  # the key exists: create() draws another
                raise CreateError from error
            raise
        except DatabaseError as error:
            if not must_create:  # the row is gone: logged out meanwhile
                raise UpdateError from error
            raise
