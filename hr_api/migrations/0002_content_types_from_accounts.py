"""The moved models' content types follow them from accounts to hr_api (issue 16).

Permissions (and so the program office's group permissions), admin log entries and anything else
that points at a content type point at its row id: renaming the row's ``app_label`` keeps them all
attached. A database that never had the accounts rows (a fresh one) has nothing to rename; the
content types are then created after migrate, as for any new model.
"""

from django.db import migrations

MODELS = ["apiclient", "idempotencyrecord", "webhookendpoint", "webhookdelivery"]


def relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if ContentType.objects.filter(app_label=new, model=model).exists():
            continue  # already there (created after a migrate that ran without this): keep the row it has
        ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def to_hr_api(apps, schema_editor):
    relabel(apps, "accounts", "hr_api")


def to_accounts(apps, schema_editor):
    relabel(apps, "hr_api", "accounts")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("accounts", "0011_move_api_models_to_hr_api"),
        ("hr_api", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_hr_api, to_accounts)]
