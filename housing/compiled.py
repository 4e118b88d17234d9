"""Querysets compiled to SQL once and run many times: the reads that every request
of a signed-in user makes (the user with their staff roles: ``housing.auth_backends``)
and those of the applicant's pages (the application with its tender and lessor, the
household, the application's row lock).

Compiling a query of these wide rows costs the ORM more CPU than running it; the
SQL of one shape differs only in its parameters. :class:`CompiledQuery` compiles
the queryset once per database connection (one a thread) with stand-in values, and each run puts
the real values in their places and builds the instances as the ORM does
(``select_related`` included). The SQL, and so every rule it carries (the filter, the
row lock), is the ORM's own: ``tests/applications/test_save_flow_cost.py`` checks it
against the queryset's.

On PostgreSQL each compiled query is also a prepared statement of the database session
(``PREPARE`` once per connection, sent with its first ``EXECUTE`` in one round trip;
then ``EXECUTE`` alone): the server parses and plans it once per connection instead of
at every run, and the wide SQL is not sent again. Planning the application's read cost
PostgreSQL more than running it (0.77 ms a run as text, 0.20 ms prepared). A prepared
statement lives as long as the database session and survives a rollback; a new
connection prepares again. ``DATABASE_PREPARED_STATEMENTS=false`` turns this off for a
connection pooler that shares sessions between clients (PgBouncer's transaction mode).
While queries are logged (``DEBUG``, ``CaptureQueriesContext``), the log shows the
query's SQL with its values, as the ORM would log it, not the ``EXECUTE`` that carried
it: what was read stays readable.
"""

import itertools
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

#: Numbers the compiled queries of this process, and each try to prepare one.
_SERIALS = itertools.count(1)
_TRIES = itertools.count(1)
#: Per database session (the driver's connection): compiled query -> the name of its
#: prepared statement there.
_PREPARED: weakref.WeakKeyDictionary[Any, dict[int, str]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    #: Where each argument goes in ``params``.
    slots: tuple[int, ...]
    db: str
    compiler: Any
    model: type[Model]
    init_list: tuple[str, ...]
    start: int
    end: int
    converters: dict[int, Any]
    fetch_mode: Any
    #: Annotations: attribute name -> column, set on each instance as the ORM does.
    annotations: tuple[tuple[str, int], ...]
    #: On PostgreSQL: ``PREPARE {name} AS`` the SQL with ``$1, $2...`` in its
    #: parameters' places (``%`` doubled: it is sent with the EXECUTE's values), and
    #: the ``EXECUTE {name}`` with a placeholder per parameter. Empty elsewhere.
    prepare: str = ""
    execute: str = ""


class CompiledQuery[M: Model]:
    """``build(*args)`` compiled once with ``markers`` as its arguments; ``run(*args)``
    runs it with ``args`` in the markers' places.

    The markers must be integers that appear nowhere else in the query's parameters
    (the arguments are ids), and the query must read model instances (no
    ``values()``, no deferred peers): anything else fails at the first run. An
    annotation is set on each instance as the ORM sets it (one instance per row: an
    annotation across a to-many relation gives one per related row).
    """

    def __init__(self, build: Callable[..., QuerySet[M]], *markers: int) -> None:
        self._build = build
        self._markers = markers
        # Per connection (each thread has its own): the compiler's converters
        # belong to the connection they were made for.
        self._by_connection: weakref.WeakKeyDictionary[Any, _Compiled] = (
            weakref.WeakKeyDictionary()
        )
        self._serial = next(_SERIALS)

    def _compile(self) -> _Compiled:
        queryset = self._build(*self._markers)
        db = queryset.db
        compiler = queryset.query.get_compiler(using=db)
        sql, params = compiler.as_sql()
        if db != DEFAULT_DB_ALIAS or any(
            list(params).count(marker) != 1 for marker in self._markers
        ):
            raise ValueError(f"each marker must be one parameter: {params!r}")
        slots = tuple(list(params).index(marker) for marker in self._markers)
        fetch_mode = queryset._fetch_mode
        if fetch_mode.track_peers:
            raise ValueError("a compiled query cannot track peers")
        klass_info = compiler.klass_info
        select_fields = klass_info["select_fields"]
        start, end = select_fields[0], select_fields[-1] + 1
        fields = [s[0] for s in compiler.select[: compiler.col_count]]
        prepare = execute = ""
        if connections[db].vendor == "postgresql":
            numbered = sql % tuple(f"${i}" for i in range(1, len(params) + 1))
            prepare = "PREPARE {name} AS " + numbered.replace("%", "%%")
            execute = "EXECUTE {name} (" + ", ".join(["%s"] * len(params)) + ")"
        return _Compiled(
            sql=sql,
            params=tuple(params),
            slots=slots,
            db=db,
            compiler=compiler,
            model=klass_info["model"],
            init_list=tuple(f[0].target.attname for f in compiler.select[start:end]),
            start=start,
            end=end,
            converters=compiler.get_converters(fields),
            fetch_mode=fetch_mode,
            annotations=tuple(compiler.annotation_col_map.items()),
            prepare=prepare,
            execute=execute,
        )

    def compiled(self) -> _Compiled:
        connection = connections[DEFAULT_DB_ALIAS]
        found = self._by_connection.get(connection)
        if found is None:
            found = self._by_connection[connection] = self._compile()
        return found

    def run(self, *args: int) -> list[M]:
        """The instances, as ``list(build(*args))`` would give them."""
        compiled = self.compiled()
        params = list(compiled.params)
        for slot, value in zip(compiled.slots, args, strict=True):
            params[slot] = int(value)
        connection = connections[compiled.db]
        with connection.cursor() as cursor:
            if compiled.execute and settings.DATABASE_PREPARED_STATEMENTS:
                self._execute_prepared(connection, cursor, compiled, params)
            else:
                cursor.execute(compiled.sql, params)
            rows: Sequence[Any] = cursor.fetchall()
        compiler = compiled.compiler
        if compiled.converters:
            rows = list(compiler.apply_converters(rows, compiled.converters))
        populators = get_related_populators(
            compiler.klass_info, compiler.select, compiled.db, compiled.fetch_mode
        )
        model = compiled.model
        objects = []
        for row in rows:
            obj = model.from_db(
                compiled.db,
                compiled.init_list,
                row[compiled.start : compiled.end],
                fetch_mode=compiled.fetch_mode,
            )
            for populator in populators:
                populator.populate(row, obj)
            for name, column in compiled.annotations:
                setattr(obj, name, row[column])
            objects.append(obj)
        return objects  # type: ignore[return-value]

    def _execute_prepared(
        self, connection: Any, cursor: Any, compiled: _Compiled, params: list[Any]
    ) -> None:
        """Run the query as this session's prepared statement, preparing it in the
        same round trip the first time. A failed first try may or may not have left
        its statement behind: the next try prepares under a new name."""
        prepared = _PREPARED.get(connection.connection)
        if prepared is None:
            prepared = _PREPARED[connection.connection] = {}
        name = prepared.get(self._serial)
        # ``replace``, not ``format``: the SQL may hold braces of its own.
        if name is not None:
            cursor.execute(compiled.execute.replace("{name}", name), params)
        else:
            name = f"najem_q{self._serial}_{next(_TRIES)}"
            cursor.execute(
                compiled.prepare.replace("{name}", name, 1)
                + "; "
                + compiled.execute.replace("{name}", name),
                params,
            )
            prepared[self._serial] = name
        if connection.queries_logged:
            # The log shows what was read, as the ORM would log it.
            connection.queries_log[-1]["sql"] = cursor.mogrify(
                compiled.sql, params
            ).decode()
