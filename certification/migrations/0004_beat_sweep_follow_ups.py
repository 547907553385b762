"""The beat job that enqueues again the certification follow-ups the broker lost, every five minutes.

Certification checks, issued mails and ``certificate.issued`` webhook events: rare (only after an
outage or a killed worker), and a few minutes late is still on time for a certificate.
"""

from django.db import migrations

TASK = "certification.tasks.sweep_follow_ups"
NAME = "certification: sweep follow-ups the broker lost"


def install(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = IntervalSchedule.objects.get_or_create(every=300, period="seconds")
    PeriodicTask.objects.update_or_create(
        name=NAME, defaults={"task": TASK, "interval": every_five_minutes, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0003_pending_check"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, remove)]
