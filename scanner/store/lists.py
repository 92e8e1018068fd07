"""``column IN (a list)`` written once, whatever the list's length.

SQLAlchemy's expanding ``IN`` renders a new SQL string for every length of the list: the string is
re-rendered on every execution (≈ 10 % of a re-scan worker's CPU) and the driver sees a different
query each time, so it can neither reuse its parsed form nor prepare it on the server.  On
PostgreSQL the list is bound as one array, ``column = ANY(%(name)s)``: one SQL text, prepared once
per connection.  SQLite has no arrays and keeps the expanding ``IN``.
"""

from __future__ import annotations

from sqlalchemy import any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def dialect_of(bind) -> str:
    """The dialect name of an engine, a Core connection or an ORM session."""
    return (bind.dialect if hasattr(bind, "dialect") else bind.get_bind().dialect).name


def in_list(column, name: str, dialect: str):
    """``column`` is one of the values bound as ``name`` (a list) — a clause for ``dialect``; the statement
    using it must be cached per dialect."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))
