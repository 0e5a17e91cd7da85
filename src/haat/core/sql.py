"""Plain SQL for the few hot paths where the ORM's cost per statement matters.

A flash sale's checkout is a couple of dozen short statements, and building each one
through the ORM costs several times what sending it does (about 0.5 ms of Python against
0.15 ms). The checkout, cart and stock writes on that path use these helpers instead;
everything else keeps using the ORM.

- `insert_rows(Model, rows)` is a lean `bulk_create`: values are prepared by the model's
  own fields (JSON, datetimes and defaults exactly as the ORM would), `auto_now(_add)`
  fields are stamped, and the SQL text is built once per shape and cached. It speaks
  `ON CONFLICT` and `RETURNING`, which SQLite (3.35+) and PostgreSQL share.
- `insert_statement` / `insert_from` give the same INSERTs as text, to compose the
  data-modifying `WITH` statements PostgreSQL runs in one round trip (SQLite has no
  INSERT inside WITH; callers run the plain statements there).
- `fetch_all` / `fetch_one` / `execute` run hand-written statements through Django's
  cursor (so `%s` placeholders, query logging and the test query counters all apply).
  Hand-written statements name Django's default tables (`app_model`); the builders take
  names from the models. The suite runs every one of them on SQLite and PostgreSQL.

Each context writes the SQL of its own tables in its `sql.py` and nobody else names
them. When a hot path needs one statement across contexts (checkout reads a cart's lines,
prices and stock at once), the owners hand out `Fragment`s of it and parse their own
columns back into frozen values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.utils import timezone
from django.utils.dateparse import parse_datetime

_MISSING = object()
MAX_PARAMS = 8000  # per INSERT: far below SQLite's 32,766 and PostgreSQL's 65,535


@dataclass(frozen=True)
class Fragment:
    """One context's part of a statement another context composes: `width` select-list
    `columns` (read back by the owner's parser), FROM-clause text `joins`, an optional
    WHERE condition, and `key`, the expression of the row's id for fragments keyed on it.
    Parameters, if any, are the `%s` in `joins` then in `where`, in that order."""

    columns: str
    joins: str
    width: int
    where: str = ""
    key: str = ""


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def table(model: type[models.Model]) -> str:
    """The model's quoted table name."""
    return quote(model._meta.db_table)


def column(model: type[models.Model], field: str) -> str:
    """The quoted column of a model field (`variant` gives `"variant_id"`)."""
    return quote(model._meta.get_field(field).column)


def placeholders(count: int) -> str:
    """`%s, %s, …` for an IN list of `count` values (count >= 1)."""
    return ", ".join(["%s"] * count)


def fetch_all(sql: str, params: Sequence[Any] = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def fetch_one(sql: str, params: Sequence[Any] = ()) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def execute(sql: str, params: Sequence[Any] = ()) -> int:
    """Run a write; returns the number of rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def json_value(value: Any) -> Any:
    """A Python value read from a JSON column by hand-written SQL (SQLite returns text)."""
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def datetime_value(value: Any) -> Any:
    """An aware datetime read by hand-written SQL (SQLite gives naive UTC ones)."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


@cache
def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    """Concrete columns to write: every local field but an auto-increment primary key."""
    auto = model._meta.auto_field
    return tuple(f for f in model._meta.concrete_fields if f is not auto)


@lru_cache(maxsize=512)
def _insert_sql(
    model: type[models.Model],
    count: int,
    on_conflict: str,
    returning: tuple[str, ...],
) -> str:
    fields = _insert_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    row = f"({placeholders(len(fields))})"
    # Names from the model's meta, values only as parameters.
    sql = f"INSERT INTO {table(model)} ({columns}) VALUES {', '.join([row] * count)}"
    if on_conflict:
        sql += f" {on_conflict}"
    if returning:
        sql += " RETURNING " + ", ".join(column(model, name) for name in returning)
    return sql


# Values of these Python types go to these fields as they are: what get_db_prep_save
# would return anyway, without its cost (checkout prepares about eighty values).
_PASS_THROUGH = {
    str: {"CharField", "TextField", "SlugField", "EmailField"},
    int: {
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveBigIntegerField",
        "PositiveSmallIntegerField",
        "ForeignKey",
        "OneToOneField",
    },
    bool: {"BooleanField"},
}


@cache
def _kinds(
    model: type[models.Model], vendor: str
) -> tuple[tuple[models.Field, str, frozenset[type]], ...]:
    """Per column: the field, its internal type, and the Python types passed through
    (PostgreSQL takes aware datetimes as they are; SQLite wants them as text)."""
    out = []
    for field in _insert_fields(model):
        kind = field.get_internal_type()
        fast = {t for t, kinds in _PASS_THROUGH.items() if kind in kinds}
        if vendor == "postgresql" and kind == "DateTimeField":
            fast.add(datetime)
        out.append((field, kind, frozenset(fast)))
    return tuple(out)


def _value(
    field: models.Field, fast: frozenset[type], row: Mapping[str, Any], now: Any, conn: Any
) -> Any:
    value = row.get(field.attname, _MISSING)
    if value is _MISSING:
        value = row.get(field.name, _MISSING)
    if value is _MISSING:
        auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        # As the ORM: the field's default, else "" (text) or None (the rest).
        value = now if auto else field.get_default()
    if type(value) in fast:
        return value
    if isinstance(value, models.Model):
        value = value.pk
    return field.get_db_prep_save(value, conn)


def insert_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    on_conflict: str = "",
    returning: Sequence[str] = ("id",),
) -> list[tuple]:
    """INSERT `rows` (dicts by field name or attname) in one statement; returns the
    `returning` columns of the rows written, in order. `on_conflict` is the literal
    clause, e.g. `ON CONFLICT DO NOTHING` (conflicting rows are then not returned)."""
    rows = list(rows)
    conn = connections[DEFAULT_DB_ALIAS]  # once: every `connection.x` is a lookup
    kinds = _kinds(model, conn.vendor)
    batch = max(1, MAX_PARAMS // len(kinds))
    now = timezone.now()
    out: list[tuple] = []
    with conn.cursor() as cursor:
        for start in range(0, len(rows), batch):
            chunk = rows[start : start + batch]
            params = [_value(f, fast, row, now, conn) for row in chunk for f, _, fast in kinds]
            cursor.execute(_insert_sql(model, len(chunk), on_conflict, tuple(returning)), params)
            if returning:
                out.extend(cursor.fetchall())
    return out


def insert_statement(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    on_conflict: str = "",
    returning: Sequence[str] = ("id",),
) -> tuple[str, list[Any]]:
    """The (sql, params) `insert_rows` would run for `rows` (at most MAX_PARAMS values),
    to be composed into a larger statement."""
    conn = connections[DEFAULT_DB_ALIAS]
    kinds = _kinds(model, conn.vendor)
    now = timezone.now()
    params = [_value(f, fast, row, now, conn) for row in rows for f, _, fast in kinds]
    return _insert_sql(model, len(rows), on_conflict, tuple(returning)), params


def insert_from(
    model: type[models.Model],
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    columns: Mapping[str, str],
    where: str = "",
    on_conflict: str = "",
    returning: Sequence[str] = ("id",),
) -> tuple[str, list[Any]]:
    """`INSERT INTO <model> (...) SELECT ... FROM <source> [WHERE ...] [UNION ALL ...]`
    for a data-modifying CTE (PostgreSQL): the fields named in `columns` (attname ->
    column of `source`) are read from `source`, the rest are each row's values prepared
    as `insert_rows` would. Returns (sql, params); the SQL text is built once per shape."""
    conn = connections[DEFAULT_DB_ALIAS]
    shape = (tuple(columns.items()), source, where, on_conflict, tuple(returning))
    statement = _insert_from_sql(model, len(rows), conn.vendor, shape)
    now = timezone.now()
    params = [
        _value(field, fast, row, now, conn)
        for row in rows
        for field, _, fast in _kinds(model, conn.vendor)
        if field.attname not in columns
    ]
    return statement, params


@lru_cache(maxsize=256)
def _insert_from_sql(
    model: type[models.Model], count: int, vendor: str, shape: tuple[Any, ...]
) -> str:
    column_pairs, source, where, on_conflict, returning = shape
    columns = dict(column_pairs)
    conn = connections[DEFAULT_DB_ALIAS]
    kinds = _kinds(model, vendor)
    values = [
        f"{source}.{quote(columns[field.attname])}"
        if field.attname in columns
        # Typed: in a SELECT list an untyped NULL would be text.
        else f"%s::{field.cast_db_type(conn)}"
        for field, _, _ in kinds
    ]
    select = f"SELECT {', '.join(values)} FROM {source}"
    if where:
        select += f" WHERE {where}"
    names = ", ".join(quote(field.column) for field, _, _ in kinds)
    statement = f"INSERT INTO {table(model)} ({names}) " + " UNION ALL ".join([select] * count)
    if on_conflict:
        statement += f" {on_conflict}"
    if returning:
        statement += " RETURNING " + ", ".join(column(model, name) for name in returning)
    return statement
