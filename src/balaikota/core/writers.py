"""Turns for SQLite's one writer, queued in the kernel instead of in SQLite's busy handler.

SQLite lets one transaction write at a time. A writer that finds the lock taken sleeps and
tries again, up to 100 ms between tries: under load a waiting writer often sleeps while
the lock is free, and an unlucky one waits seconds while later ones get in (a long p99).
The busiest writers (new complaints, the rate counters, the audit chainer) therefore queue
first on an exclusive `flock` of a file beside the database, which the kernel hands on the
moment it is released; SQLite's own lock is then free when they reach it.

Only for a SQLite file outside any transaction (a nested call takes no second turn); on
PostgreSQL, writers lock rows, not the database, and need no turns.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.db.models import Field, Model

M = TypeVar("M", bound=Model)


@contextmanager
def turn(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Wait for the writers' turn (SQLite; elsewhere nothing), hold it until the block ends."""
    descriptor = _take_turn(using)
    try:
        yield
    finally:
        if descriptor is not None:
            os.close(descriptor)


@contextmanager
def atomic(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """`transaction.atomic()` in the writers' turn, which is handed on as soon as the
    transaction commits: the commit's hooks (queueing the worker, marking public answers out
    of date) run after the next writer got its turn, not before."""
    descriptor = _take_turn(using)
    if descriptor is None:
        with transaction.atomic(using=using):
            yield
        return
    held = [descriptor]

    def hand_on() -> None:
        if held:
            os.close(held.pop())

    try:
        with transaction.atomic(using=using):
            # Registered first, so it runs first of the commit's hooks.
            transaction.on_commit(hand_on, using=using)
            yield
    finally:
        hand_on()


def _take_turn(using: str) -> int | None:
    """An open descriptor holding the writers' `flock` (released when it is closed), or None
    where no turn is needed."""
    connection = connections[using]
    if (
        not isinstance(connection, SQLiteWrapper)
        or connection.in_atomic_block
        or connection.is_in_memory_db()
    ):
        return None
    descriptor = os.open(f"{connection.settings_dict['NAME']}-writers", os.O_RDWR | os.O_CREAT)
    try:
        # Blocks until the holder's transaction ends (and the kernel drops a dead one's).
        fcntl.flock(descriptor, fcntl.LOCK_EX)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


# --- Rows written without the ORM's query compiler ------------------------------------------
#
# The ORM builds an INSERT or UPDATE anew for every call: for a complaint's 90-odd columns that
# is most of a POST's CPU. The statements below are built once per model and columns, and only
# the values are prepared per row (by the fields themselves, as `save()` prepares them). They
# send no model signals: a caller that needs what a `post_save` receiver does calls it itself.

_Column = tuple["Field[Any, Any]", "type | None"]
_INSERTS: dict[tuple[str, type[Model]], tuple[str, list[_Column]]] = {}
# Fields whose value of this exact type (or None) Django passes to the driver as it is: their
# classes use these methods unchanged, so preparing the value would only cost time.
_AS_IS = {
    models.CharField.get_prep_value: str,
    models.TextField.get_prep_value: str,
    models.IntegerField.get_prep_value: int,
    models.BooleanField.get_prep_value: bool,
    models.FloatField.get_prep_value: float,
}


def _as_is(field: Field[Any, Any]) -> type | None:
    """The type of value `field` stores unprepared, or None: prepare every value."""
    kind = type(field)
    if kind.pre_save is not Field.pre_save:  # auto_now_add and the like
        return None
    if field.is_relation:
        # A foreign key to an automatic integer key stores that integer.
        target = getattr(field, "target_field", None)
        return int if type(target) in {models.AutoField, models.BigAutoField} else None
    if (
        kind.get_db_prep_save is not Field.get_db_prep_save
        or kind.get_db_prep_value is not Field.get_db_prep_value
    ):
        return None
    return _AS_IS.get(kind.get_prep_value)


def _insert_statement(
    connection: BaseDatabaseWrapper, model: type[Model]
) -> tuple[str, list[_Column]]:
    key = (connection.vendor, model)
    if key not in _INSERTS:
        meta = model._meta
        fields = [f for f in meta.concrete_fields if not f.primary_key]
        quote = connection.ops.quote_name
        # Names from the model's own metadata, quoted; every value is a parameter.
        columns = ", ".join(quote(str(f.column)) for f in fields)
        _INSERTS[key] = (
            f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ",  # noqa: S608
            [(f, _as_is(f)) for f in fields],
        )
    return _INSERTS[key]


class Insert:
    """New rows of one model (with an automatic primary key), their values prepared as
    `save()` prepares them (defaults, `auto_now_add`, JSON): `run()` writes them, in one
    statement or one per batch where the database limits a statement's parameters (999 on
    SQLite), and gives each its primary key, as `bulk_create` does. Prepared apart from
    the writing so that a writer can do it before it waits for its turn."""

    def __init__(self, objs: Sequence[Model], using: str = DEFAULT_DB_ALIAS) -> None:
        self.objs = objs
        self.using = using
        self._batches: list[tuple[str, list[Any], Sequence[Model]]] = []
        if not objs:
            return
        connection = connections[using]
        model = type(objs[0])
        head, fields = _insert_statement(connection, model)
        pk = model._meta.pk
        assert pk is not None
        self._pk = pk
        returning = f" RETURNING {connection.ops.quote_name(str(pk.column))}"
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        size = max(1, connection.ops.bulk_batch_size([f for f, _as in fields], objs))
        for start in range(0, len(objs), size):
            batch = objs[start : start + size]
            params: list[Any] = []
            for obj in batch:
                for f, as_is in fields:
                    value = getattr(obj, f.attname) if as_is else f.pre_save(obj, True)
                    if value is None or type(value) is not as_is:
                        value = f.get_db_prep_save(value, connection)
                    params.append(value)
            self._batches.append((head + ", ".join([row] * len(batch)) + returning, params, batch))

    def run(self) -> None:
        if not self._batches:
            return
        with connections[self.using].cursor() as cursor:
            for sql, params, batch in self._batches:
                cursor.execute(sql, params)
                keys = [r[0] for r in cursor.fetchall()]
                for obj, value in zip(batch, keys, strict=True):
                    setattr(obj, self._pk.attname, value)
                    obj._state.adding = False
                    obj._state.db = self.using


def insert(objs: Sequence[M], using: str = DEFAULT_DB_ALIAS) -> Sequence[M]:
    """Insert `objs` (new rows of one model with an automatic primary key) and give each its
    primary key: `Insert(objs).run()`."""
    Insert(objs, using).run()
    return objs


def update_rows(objs: Sequence[Model], names: Sequence[str], using: str = DEFAULT_DB_ALIAS) -> None:
    """Write `names` of each of `objs` (rows of one model, each with its own values) with one
    prepared UPDATE executed once per row: what `bulk_update` does with a CASE per column,
    which the ORM compiles at a cost that grows with rows × columns."""
    if not objs:
        return
    connection = connections[using]
    meta = type(objs[0])._meta
    fields: list[Field[Any, Any]] = [meta.get_field(name) for name in names]  # type: ignore[misc]
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None
    # Names from the model's own metadata, quoted; every value is a parameter.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET "  # noqa: S608
        + ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
        + f" WHERE {quote(str(pk.column))} = %s"
    )
    rows = [
        [
            *(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields),
            pk.get_db_prep_value(obj.pk, connection),
        ]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
