"""Issue 21: every certificate gets a status list index (its entries in the credentials' Bitstring Status
Lists): unique, random, and given to the certificates that exist before the constraint is added."""

import random

from django.db import migrations, models

LIST_SIZE = 131_072  # certification.status_list.LIST_SIZE when this was written


def backfill(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    ids = list(Certificate.objects.filter(status_list_index__isnull=True).values_list("pk", flat=True))
    if not ids:
        return
    taken = set(Certificate.objects.filter(status_list_index__isnull=False).values_list("status_list_index", flat=True))
    # At most half full, as status_list.free_index keeps the lists.
    lists = max(1, -(-2 * (len(ids) + len(taken)) // LIST_SIZE))
    free = (index for index in random.SystemRandom().sample(range(lists * LIST_SIZE), len(ids) + len(taken))
            if index not in taken)  # fmt: skip
    rows = [Certificate(pk=pk, status_list_index=next(free)) for pk in ids]
    Certificate.objects.bulk_update(rows, ["status_list_index"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("certification", "0006_constraint_messages_and_labels")]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="status_list_index",
            field=models.PositiveIntegerField(null=True, editable=False, verbose_name="status list index"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="status_list_index",
            field=models.PositiveIntegerField(editable=False, unique=True, verbose_name="status list index"),
        ),
    ]
