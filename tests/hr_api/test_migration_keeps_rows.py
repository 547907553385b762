"""No row is lost when the HR API's models move from accounts to hr_api (issue 16, "Constraints").

A database filled with the demo (and the rows the demo does not make: webhook endpoints and
deliveries, idempotency records, an admin log entry) is migrated back to the migrations of before
the move, where the models are accounts' (more rows go in there, through those historical models),
then forward to the latest migrations. The oracle reads the tables with raw SQL, never through the
models: every table, column and row still there (migrations that came after the move, unapplied with
it, add tables, columns and rows of their own on the way forward); every row of the moved tables and
their content types, and a sample of every other table, the same values. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

# Transactional (migrations cannot run inside a test's transaction), and serialized like the project's
# other transactional tests: the flush after it leaves the database to the next one's restore.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MOVED_TABLES = [
    "accounts_apiclient",
    "accounts_idempotencyrecord",
    "accounts_webhookendpoint",
    "accounts_webhookdelivery",
]
MOVED_MODELS = ["apiclient", "idempotencyrecord", "webhookendpoint", "webhookdelivery"]
# Read whole: the moved rows, and what points at them by content type (permissions, group grants, admin log).
WHOLE_TABLES = [*MOVED_TABLES, "django_content_type", "auth_permission", "auth_group_permissions", "django_admin_log"]
SAMPLE_ROWS = 25
# Before the move: hr_api had no migration; unapplying its first also unapplies accounts 0011 (which
# depends on it) and anything after.
BEFORE_THE_MOVE = [("hr_api", None)]


def migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def historical_apps() -> Any:
    """The models as the migrations applied to the database now define them."""
    loader = MigrationLoader(connection)
    # A squashed migration is recorded with the ones it replaces, which are not nodes of the graph.
    applied = [key for key in loader.applied_migrations if key in loader.graph.nodes]
    return loader.project_state(applied).apps


def tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t != "django_migrations")


def columns(table: str) -> list[str]:
    with connection.cursor() as cursor:
        return [c.name for c in connection.introspection.get_table_description(cursor, table)]


def rows(table: str, limit: int | None = None) -> list[tuple]:
    """The rows in primary-key order (by every column where there is no key)."""
    with connection.cursor() as cursor:
        key = connection.introspection.get_primary_key_columns(cursor, table)
    order = ", ".join(connection.ops.quote_name(c) for c in (key or columns(table)))
    sql = f"SELECT * FROM {connection.ops.quote_name(table)} ORDER BY {order}" + (
        f" LIMIT {int(limit)}" if limit else ""
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, (_comparable(v) for v in row), strict=True)) for row in cursor.fetchall()]


def kept(table: str, before: dict[str, Any], after: dict[str, Any]) -> bool:
    """Every row the table had before is there after, as it was (columns added since aside)."""
    then = before[table]["rows"]
    columns_then = before[table]["columns"]
    now = [{c: row[c] for c in columns_then} for row in after[table]["rows"]]
    return all(row in now for row in then)


def _comparable(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def snapshot() -> dict[str, Any]:
    """Every table's columns and row count; the whole of WHOLE_TABLES, a sample of the rest."""
    found = {}
    for table in tables():
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            count = cursor.fetchone()[0]
        found[table] = {
            "columns": columns(table),
            "count": count,
            "rows": rows(table, None if table in WHOLE_TABLES else SAMPLE_ROWS),
        }
    return found


def content_types() -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, app_label, model FROM django_content_type")
        return {pk: (app, model) for pk, app, model in cursor.fetchall()}


def office_grants() -> set[tuple[str, str]]:
    """(app label, codename) of every permission granted to the program office group."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ct.app_label, p.codename FROM auth_group_permissions gp"
            " JOIN auth_group g ON g.id = gp.group_id"
            " JOIN auth_permission p ON p.id = gp.permission_id"
            " JOIN django_content_type ct ON ct.id = p.content_type_id"
            " WHERE g.name = %s",
            ["program office staff"],
        )
        return set(cursor.fetchall())


def fill_through_historical_models() -> dict[str, int]:
    """Rows of every moved model, made with the accounts app's models of before the move."""
    apps = historical_apps()
    ApiClient = apps.get_model("accounts", "ApiClient")
    WebhookEndpoint = apps.get_model("accounts", "WebhookEndpoint")
    WebhookDelivery = apps.get_model("accounts", "WebhookDelivery")
    IdempotencyRecord = apps.get_model("accounts", "IdempotencyRecord")
    ContentType = apps.get_model("contenttypes", "ContentType")
    LogEntry = apps.get_model("admin", "LogEntry")
    User = apps.get_model("accounts", "User")

    client = ApiClient.objects.select_related("employer").order_by("pk").first()
    assert client is not None, "the demo makes API clients"
    endpoint = WebhookEndpoint.objects.create(
        employer_id=client.employer_id,
        url="https://hr.bank-a.example/hooks",
        events=["certificate.issued", "enrollment.status_changed"],
        secret="whsec_" + "QUJD" * 8,
        description="HR system (before the move)",
    )
    event_id = uuid.uuid4()
    now = timezone.now()
    for status, attempts in (("delivered", 1), ("pending", 0), ("failed", 8)):
        WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id if status == "delivered" else uuid.uuid4(),
            event="certificate.issued",
            payload={"id": str(event_id), "type": "certificate.issued", "data": {"number": "BCM-0001", "名": "王"}},
            status=status,
            attempts=attempts,
            last_status_code=200 if status == "delivered" else 503,
            next_attempt_at=now + datetime.timedelta(minutes=5) if status == "pending" else None,
            delivered_at=now if status == "delivered" else None,
        )
    for n in range(2):
        IdempotencyRecord.objects.create(
            client=client,
            key=f"key-{n}",
            fingerprint="f" * 64,
            status_code=201,
            body={"id": n, "email": f"e{n}@bank-a.example"},
            location=f"/api/v1/employees/{n}/",
        )
    office = User.objects.filter(is_staff=True).order_by("pk").first()
    client_type = ContentType.objects.get(app_label="accounts", model="apiclient")
    LogEntry.objects.create(
        user_id=office.pk,
        content_type_id=client_type.pk,
        object_id=str(client.pk),
        object_repr="demo client",
        action_flag=2,
        change_message="[]",
        action_time=now,
    )
    return {"client_type": client_type.pk}


def test_the_move_keeps_every_row_and_what_points_at_it():
    # The database as migrate leaves it (content types, permissions, the groups' grants), then the demo.
    emit_post_migrate_signal(0, False, connection.alias)
    call_command("load_demo", force=True, verbosity=0)
    migrate(BEFORE_THE_MOVE)
    try:
        assert {m for (app, m) in content_types().values() if app == "accounts"} >= set(MOVED_MODELS)
        assert not {m for (app, m) in content_types().values() if app == "hr_api"}
        made = fill_through_historical_models()
        grants_before = office_grants()
        assert {
            ("accounts", f"{verb}_{model}") for verb in ("view", "change") for model in MOVED_MODELS
        } <= grants_before
        before = snapshot()
        types_before = content_types()
    finally:
        migrate(latest())
    after = snapshot()
    types_after = content_types()

    # Tables of migrations that came after the move (and depend on it, so were unapplied with it) appear
    # again; none that was there before the move may be missing.
    assert set(before) <= set(after), f"tables disappeared: {sorted(set(before) - set(after))}"
    for table, seen in before.items():
        assert set(seen["columns"]) <= set(after[table]["columns"]), table  # later migrations may add some
        assert after[table]["count"] >= seen["count"], table  # later data migrations may add rows
    for table in MOVED_TABLES:
        assert before[table]["count"] > 0, f"{table} was empty: the test proves nothing about it"
        assert kept(table, before, after), table

    # The content types follow the models, keeping their ids; nothing else changes.
    relabelled = {pk: ("hr_api", model) if app == "accounts" and model in MOVED_MODELS else (app, model)
                  for pk, (app, model) in types_before.items()}  # fmt: skip
    assert relabelled.items() <= types_after.items()
    assert types_after[made["client_type"]] == ("hr_api", "apiclient")
    # So the permissions, the group's grants and the admin log still point at the same rows.
    for table in ("auth_permission", "auth_group_permissions", "django_admin_log"):
        assert kept(table, before, after), table
    assert office_grants() == {
        ("hr_api", codename) if app == "accounts" and codename.split("_", 1)[1] in MOVED_MODELS else (app, codename)
        for app, codename in grants_before
    }
    for table in set(before) - set(WHOLE_TABLES):
        assert kept(table, before, after), table
