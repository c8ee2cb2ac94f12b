"""Hot, simple statements compiled once and run straight on a DBAPI connection.

Every page reads the resident's session, every answer writes it, and every staff view reads the clerk, the
case and its statuses and writes an audit entry. Through SQLAlchemy's Connection each of these costs about
35–45 µs of Python (execution context, result object, row processing) around a query SQLite answers in
4 µs: a sixth of a question page. Here the same Core statement is compiled once for the engine's dialect and
run on a DBAPI connection (connections.py: from the same pool, or one per thread for a SQLite file), with the
same type conversions (the column types' own bind and result processors), so SQLite and PostgreSQL behave
exactly as through the ORM. DBAPI errors are raised as SQLAlchemy's (OperationalError and so on, without
parameters: they hold personal data), and a connection the database dropped is invalidated, as SQLAlchemy
would. Everything else keeps using Core and the ORM.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, suppress
from typing import Any, TypeVar

from sqlalchemy import Engine, exc
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import Compiled

from .connections import Connections, PooledConnections

Processor = Callable[[Any], Any]
T = TypeVar("T")


class Prepared:
    """One Core statement, compiled for one engine."""

    def __init__(
        self,
        engine: Engine,
        statement: ClauseElement,
        write_lock: Callable[[], AbstractContextManager[None]] | None = None,
        connections: Connections | None = None,
    ) -> None:
        self.engine = engine
        self._connections = connections or PooledConnections(engine)
        dialect = engine.dialect
        compiled: Compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        binds = {name: bind for bind, name in compiled.bind_names.items()}  # type: ignore[attr-defined]
        self._order: list[str] | None = list(compiled.positiontup or []) if compiled.positional else None  # type: ignore[attr-defined]
        # Values written into the statement itself (values(kind="web")) are bound parameters too.
        self._fixed = {name: bind.effective_value for name, bind in binds.items() if not bind.required}
        self._bind_processors: dict[str, Processor] = {}
        for name, bind in binds.items():
            processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if processor is not None:
                self._bind_processors[name] = processor
        columns = getattr(statement, "selected_columns", ())
        self._result_processors: list[tuple[int, Processor]] = [
            (index, processor)
            for index, column in enumerate(columns)
            if (processor := column.type.dialect_impl(dialect).result_processor(dialect, None)) is not None
        ]
        self._write_lock = write_lock

    def first(self, **params: Any) -> tuple[Any, ...] | None:
        """The first row of a SELECT, converted like SQLAlchemy's, or None."""
        row = self._run(params, _fetch_one, commit=False)
        return None if row is None else self._convert(row)

    def all(self, **params: Any) -> list[tuple[Any, ...]]:
        """Every row of a SELECT, converted like SQLAlchemy's."""
        return [self._convert(row) for row in self._run(params, _fetch_all, commit=False)]

    def execute(self, **params: Any) -> int:
        """Run an INSERT, UPDATE or DELETE in its own transaction (committed); the number of rows it changed."""
        if self._write_lock is None:
            count: int = self._run(params, _row_count, commit=True)
            return count
        with self._write_lock():
            count = self._run(params, _row_count, commit=True)
            return count

    def _convert(self, row: Any) -> tuple[Any, ...]:
        if not self._result_processors:
            return tuple(row)
        values = list(row)
        for index, processor in self._result_processors:
            if values[index] is not None:
                values[index] = processor(values[index])
        return tuple(values)

    def _parameters(self, params: dict[str, Any]) -> Any:
        if self._fixed:
            params = {**self._fixed, **params}
        for name, processor in self._bind_processors.items():
            params[name] = processor(params[name])
        return params if self._order is None else tuple(params[name] for name in self._order)

    def _run(self, params: dict[str, Any], read: Callable[[Any], T], commit: bool) -> T:
        # Plain try/except/finally rather than a generator context manager: this runs on every request.
        dbapi_error = self.engine.dialect.loaded_dbapi.Error
        connection: Any = None
        cursor: Any = None
        failed = True
        try:
            connection = self._connections.acquire()
            cursor = connection.cursor()
            cursor.execute(self.sql, self._parameters(params))
            outcome = read(cursor)
            if commit:
                connection.commit()
            failed = False
            return outcome
        except dbapi_error as error:
            dropped = connection is not None and self.engine.dialect.is_disconnect(
                error, getattr(connection, "dbapi_connection", connection), cursor
            )
            if dropped:
                self._connections.invalidate(connection, error)
                connection = None
            raise exc.DBAPIError.instance(
                self.sql, None, error, dbapi_error, hide_parameters=True, connection_invalidated=dropped,
                dialect=self.engine.dialect,
            ) from error
        finally:
            if cursor is not None:
                with suppress(dbapi_error):  # a dropped connection's cursor may refuse to close
                    cursor.close()
            if connection is not None:
                self._connections.release(connection, failed)


def _fetch_one(cursor: Any) -> Any:
    return cursor.fetchone()


def _fetch_all(cursor: Any) -> list[Any]:
    rows: list[Any] = cursor.fetchall()
    return rows


def _row_count(cursor: Any) -> int:
    count: int = cursor.rowcount
    return count
