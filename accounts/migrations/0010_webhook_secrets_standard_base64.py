"""Webhook secrets in the Standard Webhooks form: ``whsec_`` and the standard base64 of the key.

Secrets issued before were ``whsec_`` and ``secrets.token_urlsafe(32)``, and the whole string was
the HMAC key. Each is re-encoded so that its key stays the same bytes: the new secret is ``whsec_``
and the base64 of the old secret's UTF-8 bytes. A receiver that kept its old secret ``old`` uses
``"whsec_" + base64.b64encode(old.encode()).decode()`` (README, "Verify a webhook").
"""

import base64

from django.db import migrations

PREFIX = "whsec_"


def standard_form(apps, schema_editor):
    Endpoint = apps.get_model("accounts", "WebhookEndpoint")
    for endpoint in Endpoint.objects.only("pk", "secret").iterator():
        if endpoint.secret:
            secret = PREFIX + base64.b64encode(endpoint.secret.encode()).decode()
            Endpoint.objects.filter(pk=endpoint.pk).update(secret=secret)


def legacy_form(apps, schema_editor):
    Endpoint = apps.get_model("accounts", "WebhookEndpoint")
    for endpoint in Endpoint.objects.only("pk", "secret").iterator():
        if endpoint.secret.startswith(PREFIX):
            secret = base64.b64decode(endpoint.secret[len(PREFIX) :]).decode()
            Endpoint.objects.filter(pk=endpoint.pk).update(secret=secret)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0009_employee_listed_and_pending_email")]

    operations = [migrations.RunPython(standard_form, legacy_form, elidable=True)]
