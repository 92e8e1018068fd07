"""Alembic environment: run with a connection handed over by scanner.store.db.migrate."""

from __future__ import annotations

from alembic import context

from scanner.store.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic` on the command line with -x url=...
        from scanner.store.db import make_engine

        url = context.get_x_argument(as_dictionary=True).get("url")
        with make_engine(url).begin() as conn:
            context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
            context.run_migrations()
        return
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
