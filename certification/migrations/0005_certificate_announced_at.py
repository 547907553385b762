"""Certificate.announced_at: the claim of the certificate_issued announcement (core.signals).

It replaces reading the HR API's webhook deliveries to learn whether a certificate was announced.
Certificates issued before the claim existed were announced by the code of their day (or were never
owed it), so they are marked announced (when they were made): the follow-up sweep announces none of
them again.
"""

from django.db import migrations, models
from django.db.models import F


def mark_certificates_announced(apps, schema_editor):
    Certificate = apps.get_model("certification", "Certificate")
    Certificate.objects.filter(announced_at__isnull=True).update(announced_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_beat_sweep_follow_ups"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="announced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="announced at"),
        ),
        migrations.RunPython(mark_certificates_announced, migrations.RunPython.noop, elidable=True),
    ]
