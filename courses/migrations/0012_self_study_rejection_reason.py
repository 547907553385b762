"""Rejected self-study says why: the reason staff give when they reject an entry, which the trainee reads
on their dashboard. Entries rejected before keep an empty reason (none was asked for then)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0011_codes_url_safe"),
    ]

    operations = [
        migrations.AddField(
            model_name="selfstudyentry",
            name="decision_note",
            field=models.CharField(blank=True, max_length=500, verbose_name="reason"),
        ),
    ]
