"""Switching the lists' refusing triggers off for a test that forges a state.

Some tests need a state that only the passing of time reaches (a decision delivered
20 days ago, an appeal decided long ago). They write it with ``QuerySet.update()``,
which the PostgreSQL triggers of ``lists.immutable`` rightly refuse; inside
:func:`guards_off` the triggers of the given models are disabled and switched on
again at once (``ALTER TABLE`` is transactional too: a rollback restores them).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from housing.audit import registered_guards


@contextmanager
def guards_off(*models) -> Iterator[None]:
    if connection.vendor != "postgresql":
        yield
        return
    guards = registered_guards()
    tables = [m._meta.db_table for m in models]
    quote = connection.ops.quote_name
    statements = [(quote(t), guards[t].name) for t in tables]
    with connection.cursor() as cursor:
        # ALTER TABLE refuses while deferred foreign-key checks are pending: run them.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table, trigger in statements:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, trigger in statements:
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
