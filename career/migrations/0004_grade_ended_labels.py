"""A grade ends when its holder leaves the employer (``ManagerGrade.ended_at``); translatable labels.

Grades already held by a deactivated account (an employee the bank deactivated, or the row a person left
behind when they moved to another bank, before grades ended with it) end now: every other grade stays current.
"""

import django.db.models.manager
from django.db import migrations, models
from django.utils import timezone


def end_grades_of_leavers(apps, schema_editor):
    grades = apps.get_model("career", "ManagerGrade").objects.filter(
        ended_at__isnull=True, employee__user__is_active=False
    )
    now = timezone.now()
    grades.update(ended_at=now, updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("career", "0003_evaluations"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="managergrade",
            options={
                "base_manager_name": "with_ended",
                "ordering": ["employer", "employee__employee_number"],
                "verbose_name": "manager grade",
                "verbose_name_plural": "manager grades",
            },
        ),
        migrations.AlterModelManagers(
            name="managergrade",
            managers=[
                ("objects", django.db.models.manager.Manager()),
                ("with_ended", django.db.models.manager.Manager()),
            ],
        ),
        migrations.AddField(
            model_name="managergrade",
            name="ended_at",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="the employee left the bank: the grade is no longer in its register",
                null=True,
                verbose_name="grade ended at",
            ),
        ),
        migrations.AlterField(
            model_name="complianceevent",
            name="episode",
            field=models.PositiveIntegerField(verbose_name="compliance change no."),
        ),
        migrations.AlterField(
            model_name="digestsent",
            name="day",
            field=models.DateField(verbose_name="day"),
        ),
        migrations.AlterField(
            model_name="managergrade",
            name="compliance_episode",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="compliance changes"),
        ),
        migrations.RunPython(end_grades_of_leavers, migrations.RunPython.noop),
    ]
