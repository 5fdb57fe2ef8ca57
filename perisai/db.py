"""Declarative base, naming convention, and the column types every feature shares."""

from __future__ import annotations

import uuid
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import CHAR, DateTime, Index, MetaData, String, TypeDecorator, func, inspect, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from perisai import clock
from perisai.months import Month

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def partial_index(name: str, *columns: str, where: str, **kwargs) -> Index:
    """An index over the rows matching the SQL condition `where`, on PostgreSQL and SQLite."""
    condition = text(where)
    return Index(name, *columns, postgresql_where=condition, sqlite_where=condition, **kwargs)


def include_object_for(dialect_name: str):
    """Alembic's `include_object` for one backend: a schema item the models make on another
    backend only (`.ddl_if(dialect=...)`, e.g. a PostgreSQL trigram index) is not expected."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        only = getattr(obj, "_ddl_if", None)
        if reflected or only is None or only.dialect is None:
            return True
        wanted = (only.dialect,) if isinstance(only.dialect, str) else tuple(only.dialect)
        return dialect_name in wanted

    return include_object


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC timestamps on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class MonthType(TypeDecorator):
    """A calendar month stored as 'YYYY-MM' text: sortable, readable, indexable."""

    impl = CHAR(7)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return str(Month.parse(value) if isinstance(value, str) else value)

    def process_result_value(self, value, dialect):
        return Month.parse(value) if value is not None else None


class UUIDType(TypeDecorator):
    """UUIDs as 36-character text so SQLite and PostgreSQL behave the same."""

    impl = String(36)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return str(uuid.UUID(str(value))) if value is not None else None

    def process_result_value(self, value, dialect):
        return uuid.UUID(value) if value is not None else None


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, server_default=func.current_timestamp()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=clock.now, onupdate=clock.now, server_default=func.current_timestamp()
    )


def in_session(session, model, key):
    """The object with this primary key if the session already holds it, else None: unlike
    `session.get`, never a query (for callers that loaded what exists beforehand)."""
    return session.identity_map.get(inspect(model).identity_key_from_primary_key([key]))


@contextmanager
def unique_insert(session):
    """Around an insert a unique key may refuse: a savepoint, so the caller can catch the
    IntegrityError and go on."""
    with session.begin_nested():
        yield
