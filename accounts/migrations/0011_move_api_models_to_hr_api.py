"""The HR API's models leave the accounts app for hr_api (issue 16): state only, the tables stay.

hr_api 0001 takes them into its state with the same tables (``db_table``); this removes them from
accounts' state without touching the database.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0010_webhook_secrets_standard_base64"),
        ("hr_api", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="IdempotencyRecord"),
                migrations.DeleteModel(name="WebhookDelivery"),
                migrations.DeleteModel(name="WebhookEndpoint"),
                migrations.DeleteModel(name="ApiClient"),
            ],
        ),
    ]
