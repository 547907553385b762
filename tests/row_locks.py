"""The row locks of locking reads, recorded on any database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from unittest import mock

from django.db import connection


@contextmanager
def recorded_row_locks() -> Iterator[list[list[str]]]:
    """The tables each ``SELECT … FOR UPDATE OF`` in the block locks on PostgreSQL, one list per statement.

    SQLite has no row locks, so Django leaves the clause out; here Django is told the database has
    them, and the clause is compiled as for PostgreSQL (which refuses a lock naming a table the query
    did not read), recorded, and left out of the SQL that is sent.
    """
    taken: list[list[str]] = []

    def for_update_sql(nowait=False, skip_locked=False, of=(), no_key=False):
        taken.append([name.strip('"') for name in of])
        return ""

    features = {"has_select_for_update": True, "has_select_for_update_of": True, "has_select_for_update_nowait": True}
    with (
        mock.patch.multiple(connection.features, **features),
        mock.patch.object(connection.ops, "for_update_sql", for_update_sql),
    ):
        yield taken
