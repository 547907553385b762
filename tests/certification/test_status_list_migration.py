"""Certificates made before issue 21 get their status list index from the migration: each its own,
within the first list, and the constraint holds afterwards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certification import status_list
from certification.models import Certificate
from tests.factories import CertificateFactory

# Transactional (migrations cannot run inside a test's transaction), serialized like the project's
# other migration test (tests/hr_api/test_migration_keeps_rows.py).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("certification", "0006_constraint_messages_and_labels")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_the_migration_gives_every_existing_certificate_its_own_index():
    made = [CertificateFactory().pk for _ in range(4)]
    migrate(BEFORE)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM certification_certificate")
            assert cursor.fetchone()[0] == 4
    finally:
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())
    indexes = dict(Certificate.objects.values_list("pk", "status_list_index"))
    assert sorted(indexes) == sorted(made)
    assert len(set(indexes.values())) == 4
    assert all(0 <= index < status_list.LIST_SIZE for index in indexes.values())
