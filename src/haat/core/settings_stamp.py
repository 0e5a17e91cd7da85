"""One stamp for the store's settings, so every process sees a change on its next request.

Settings rows (payment settings and rules, currencies, gateway accounts; each context
names its own with `track`) are read on hot paths that cannot afford to read them every
time, so each process keeps a copy (`Stamped`). A copy is only as good as the way it
learns of a change: a cache dropped by signals in the process that saved keeps serving the
old settings in every other process (COD orders were accepted after COD was switched off).

So any save or delete of a tracked row also writes a new stamp, in the same transaction:
the stamp moves exactly when the change commits. A reader compares the current stamp with
the one its copy was loaded under and reloads when it moved. Checkout reads the stamp as
one more column of the lines query it runs anyway (`stamp_sql`), so knowing costs no
statement; other readers ask `current()`. Code that writes tracked rows in bulk (queryset
`update()`, `bulk_update`, no signals) calls `bump()` itself.

The stamp is random, not a counter: a table emptied or restored (tests flush it) can never
bring back a value some process still holds.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models.signals import post_delete, post_save

from haat.core import sql

T = TypeVar("T")

_STAMP_SQL = "(SELECT core_ss.stamp FROM core_settingsstamp core_ss WHERE core_ss.id = 1)"
_BUMP_SQL = (
    "INSERT INTO core_settingsstamp (id, stamp) VALUES (1, %s) "
    "ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp"
)


def stamp_sql() -> str:
    """The current stamp as a scalar subquery (NULL before the first settings change), to
    read as a column of a statement a hot path runs anyway."""
    return _STAMP_SQL


def current() -> int | None:
    """The current stamp: one query."""
    row = sql.fetch_one(f"SELECT {_STAMP_SQL}")
    return row[0] if row else None


def bump(**_: Any) -> int:
    """Write a new stamp (in the caller's transaction, if any) and return it. Also the
    signal receiver of `track`."""
    stamp = secrets.randbelow(2**62) + 1
    sql.execute(_BUMP_SQL, [stamp])
    return stamp


def track(*tracked: type[models.Model]) -> None:
    """Every save or delete of these models' rows moves the stamp (call from
    `AppConfig.ready` of the context that owns them)."""
    for model in tracked:
        label = model._meta.label
        post_save.connect(bump, sender=model, dispatch_uid=f"settings-stamp-save-{label}")
        post_delete.connect(bump, sender=model, dispatch_uid=f"settings-stamp-delete-{label}")


# "The caller has not read the stamp": `Stamped.get` reads it then.
NOT_READ: Any = object()

_pinned: ContextVar[Any] = ContextVar("settings_stamp_pinned", default=NOT_READ)


@contextmanager
def pinned(stamp: int | None) -> Iterator[None]:
    """Inside the block, every `Stamped.get` that is not given a stamp uses `stamp` (read
    once by the caller) instead of reading it again: a batch of a thousand messages costs
    one stamp read, not one per `store()` call. Keep the block short (one transaction)."""
    token = _pinned.set(stamp)
    try:
        yield
    finally:
        _pinned.reset(token)


class Stamped(Generic[T]):
    """A per-process copy of what `load` reads from settings rows, reloaded when the stamp
    moved. Shared by the process's threads: keep what `load` returns immutable."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._held: tuple[int, T] | None = None

    def get(self, *, stamp: int | None = NOT_READ) -> T:
        """The copy for `stamp` (the current stamp, read here when not given; None before
        any settings row was written): the held one when the stamp has not moved, else
        loaded now. A copy is held only under a stamp read before it and again after it
        (loading may itself write a default row), so it is never older than its stamp."""
        if stamp is NOT_READ:
            stamp = _pinned.get()
        if stamp is NOT_READ:
            stamp = current()
        held = self._held
        if held is not None and held[0] == stamp:
            return held[1]
        for _ in range(3):
            value = self._load()
            after = current()
            if after == stamp:
                self._held = (stamp, value)
                break
            stamp = after  # changed while loading: load again
        return value
