"""The batch writer sync and imports share: many records written at once, one at a time only
after the database refused some of them.

The fast way stages a whole batch (each record checked and built by its feature's operation,
which changes nothing until it is added) and writes it in one savepoint, a few multi-row
statements instead of a savepoint and several statements per record. A unique key that refuses
any of it (a NIK registered meanwhile, a random number drawn twice) rolls that savepoint back,
and the careful way then writes each record in its own savepoint, which gives each its own
answer. The domain operations know nothing of this: they build, the caller persists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import FlushError

T = TypeVar("T")
REFUSALS: tuple[type[Exception], ...] = (IntegrityError, FlushError)


def together_or_alone(
    session: Session,
    together: Callable[[], T],
    alone: Callable[[], T],
    *,
    refusals: tuple[type[Exception], ...] = (),
) -> T:
    """`together()` inside one savepoint (it stages and flushes the batch); if the database
    refuses it (or it raises one of `refusals`, for what it could not finish), the savepoint
    undoes all of it and `alone()` writes the batch one record at a time."""
    try:
        with session.begin_nested():
            with session.no_autoflush:
                result = together()
            session.flush()
            return result
    except REFUSALS + refusals:
        return alone()
