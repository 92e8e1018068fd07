"""Idempotent writes: INSERT … ON CONFLICT for SQLite and PostgreSQL alike.

Delivery is at-least-once, so every write a worker makes is keyed on a natural
unique constraint and either inserts or updates in one statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session


def _insert(session: Session, model: type):
    """The dialect's INSERT for ``model``; ``session`` may also be a Core connection."""
    dialect = (session.dialect if hasattr(session, "dialect") else session.get_bind().dialect).name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - other databases are not supported
        raise RuntimeError(f"unsupported database {dialect}")
    return insert(model)


def upsert(session: Session, model: type, values: Mapping[str, Any], keys: Sequence[str],
           update: Sequence[str] | None = None) -> int:
    """Insert ``values`` or, when a row with the same ``keys`` exists, update ``update`` columns
    (all non-key columns given, by default; none: leave the row alone).  Returns the row's id."""
    stmt = _insert(session, model).values(**values)
    cols = [c for c in values if c not in keys] if update is None else list(update)
    if cols:
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_={c: stmt.excluded[c] for c in cols})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(keys))
    pk = model.__mapper__.primary_key[0]
    row = session.execute(stmt.returning(pk)).first()
    if row is not None:
        return row[0]
    where = [getattr(model, k) == values[k] for k in keys]
    return session.execute(select(pk).where(*where)).scalar_one()


def insert_ignore(session: Session, model: type, values: Mapping[str, Any], keys: Sequence[str]) -> bool:
    """Insert unless the key exists; True when a row was inserted."""
    stmt = _insert(session, model).values(**values).on_conflict_do_nothing(index_elements=list(keys))
    return bool(session.execute(stmt).rowcount)
