"""Migration hr_api 0007: webhook URLs stored before the API took an internationalised host in its IDNA form (0006 left
https://hr.bänk.example/hook so) are brought to the form the API stores now (https://hr.xn--bnk-qla.example/hook), so
an old active row blocks its twin as the constraint means; a twin already there is settled as 0006 settles one (the
later one deactivated, its pending deliveries failed with the reason, nothing deleted).

Run through Django's migration executor, back to 0006 and forward again, as the project's other migration tests
(tests/certification/test_status_list_migration.py); the pure step is also compared with the API's own
(hr_api.webhooks.endpoints.stored_url) over URLs as 0006 left them."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from hr_api.models import WebhookDelivery, WebhookEndpoint
from hr_api.webhooks.endpoints import stored_url
from tests.api.conftest import assert_problem, http

BEFORE = [("hr_api", "0006_webhook_url_once_per_employer")]
LATER = "0007_webhook_url_idna_hosts"
ALL = [e for e, _label in WebhookEndpoint.Event.choices]
migration_0006 = importlib.import_module("hr_api.migrations.0006_webhook_url_once_per_employer")
migration_0007 = importlib.import_module(f"hr_api.migrations.{LATER}")
MAX_LENGTH = WebhookEndpoint._meta.get_field("url").max_length


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


#: URLs an employer may have registered (each passes the rule today), the API's stored form of each being its IDNA
#: host in lower case.
REGISTERED = [
    "https://HR.Bänk.example/hook?Q=A",
    "https://bücher.example:8443/x/Y",
    "HTTPS://Straße.DE/",
    "https://ℌ.example/h",
    "https://例え.テスト/path?Q",
    "https://bücher.example./trailing-dot",
    "https://hr.bank.example/ascii",
]


@pytest.mark.parametrize("url", REGISTERED)
def test_the_migration_stores_what_0006_left_as_the_api_stores_the_url(url):
    as_0006_left_it = migration_0006._address(url)
    assert migration_0007.stored_form(as_0006_left_it, MAX_LENGTH) == stored_url(url)


def test_what_the_rule_refuses_keeps_what_follows_its_host_or_its_whole_host():
    stored = migration_0007.stored_form
    # Stored before the rule: a space after the host is not percent-encoded behind the employer's back.
    assert stored("https://hr.bänk.example/a b", MAX_LENGTH) == "https://hr.xn--bnk-qla.example/a b"
    for url in ("https://a..b.例/", "https://user@bänk.example/"):  # no IDNA name, a user name: as they were
        assert stored(url, MAX_LENGTH) == url
    long_url = "https://bänk.example/" + "p" * (MAX_LENGTH - 22)
    assert len(long_url) == MAX_LENGTH - 1 and stored(long_url, MAX_LENGTH) == long_url  # the IDNA form is longer


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stores_idna_hosts_and_settles_the_twins_it_finds(employer, other_employer, hr_client):
    migrate(BEFORE)
    try:
        long_ago = timezone.now() - datetime.timedelta(days=30)

        def endpoint(owner, url, **extra):
            row = WebhookEndpoint.objects.create(employer=owner, url=url, events=ALL, secret="s", **extra)
            WebhookEndpoint.objects.filter(pk=row.pk).update(updated_at=long_ago)
            return row

        # As 0006 left them: bank A's old row with a Unicode host, and the same address registered since in the API's
        # form beside it (the constraint compared two strings); other rows the migration reads.
        old = endpoint(employer, "https://hr.bänk.example/hook")
        twin = endpoint(employer, stored_url("https://hr.bänk.example/hook"))
        resting = endpoint(employer, "https://bücher.example:8443/x?Q=A", is_active=False)
        before_rule = endpoint(employer, "https://hr.bänk.example/a b")
        no_idna = endpoint(employer, "https://a..b.例/")
        ascii_row = endpoint(employer, "https://hr.alpha.example/hook")
        theirs = endpoint(other_employer, "https://hr.bänk.example/hook")
        pending = WebhookDelivery.objects.create(endpoint=twin, event=ALL[0], payload={})
        delivered = WebhookDelivery.objects.create(
            endpoint=twin, event=ALL[0], payload={}, status="delivered", delivered_at=long_ago
        )
        old_pending = WebhookDelivery.objects.create(endpoint=old, event=ALL[0], payload={})
    finally:
        migrate(latest())

    found = {row.pk: (row.url, row.is_active) for row in WebhookEndpoint.objects.all()}
    idna_hook = "https://hr.xn--bnk-qla.example/hook"
    assert found == {
        old.pk: (idna_hook, True),  # the oldest stays active, in the API's form
        twin.pk: (idna_hook, False),  # the later one deactivated, not deleted
        resting.pk: ("https://xn--bcher-kva.example:8443/x?Q=A", False),
        before_rule.pk: ("https://hr.xn--bnk-qla.example/a b", True),
        no_idna.pk: ("https://a..b.例/", True),
        ascii_row.pk: ("https://hr.alpha.example/hook", True),
        theirs.pk: (idna_hook, True),  # another employer's own row
    }
    changed = set(WebhookEndpoint.objects.filter(updated_at__gt=long_ago).values_list("pk", flat=True))
    assert changed == {old.pk, twin.pk, resting.pk, before_rule.pk, theirs.pk}  # their employers' syncs see it
    pending.refresh_from_db()
    delivered.refresh_from_db()
    old_pending.refresh_from_db()
    assert (pending.status, pending.next_attempt_at) == ("failed", None)
    assert pending.last_error == (
        f"Refused: the endpoint was deactivated as a later duplicate of endpoint {old.pk} (same URL)"
    )
    assert delivered.status == "delivered" and old_pending.status == "pending"

    # The old row now blocks its twin: in the API (any spelling of the host) and in the database.
    api = http(hr_client)
    response = api.post("/api/v1/webhooks/", {"url": "https://HR.Bänk.example/hook", "events": ALL}, format="json")
    assert assert_problem(response, 409)["type"].endswith("/url_taken")
    with pytest.raises(IntegrityError), transaction.atomic():
        WebhookEndpoint.objects.create(employer=employer, url=idna_hook, events=ALL, secret="s")
