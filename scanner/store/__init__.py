"""Storage: SQLAlchemy 2 models (:mod:`scanner.store.models`), engine/session set-up and
migrations (:mod:`scanner.store.db`), idempotent writes (:mod:`scanner.store.upsert`)."""

from scanner.store.db import Database, database_url, make_engine, migrate, open_db

__all__ = ["Database", "database_url", "make_engine", "migrate", "open_db"]
