"""CourseResult.announced_at: the claim of the result_published announcement (core.signals).

Results published before the claim existed were announced inside their grading transaction, so they
are marked announced (at their publication): the grading sweep announces none of them again.
"""

from django.db import migrations, models
from django.db.models import F


def mark_published_results_announced(apps, schema_editor):
    CourseResult = apps.get_model("exams", "CourseResult")
    CourseResult.objects.filter(published_at__isnull=False, announced_at__isnull=True).update(
        announced_at=F("published_at")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0003_beat_sweep_grading"),
    ]

    operations = [
        migrations.AddField(
            model_name="courseresult",
            name="announced_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="announced at"),
        ),
        migrations.RunPython(mark_published_results_announced, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="courseresult",
            index=models.Index(
                condition=models.Q(("announced_at__isnull", True), ("published_at__isnull", False)),
                fields=["published_at"],
                name="result_unannounced_idx",
            ),
        ),
    ]
