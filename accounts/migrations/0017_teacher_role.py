"""The teacher role (issue 22): institution staff named on the sessions they teach
(accounts.scoping.INSTITUTION_TEACHER_GROUP); permissions granted after migrate."""

from django.db import migrations, models


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="institution teacher")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0016_employer_hr_group")]

    operations = [
        migrations.AlterField(
            model_name="staffmembership",
            name="role",
            field=models.CharField(
                choices=[
                    ("admin", "institution admin"),
                    ("grader", "institution grader"),
                    ("teacher", "institution teacher"),
                ],
                max_length=20,
                verbose_name="role",
            ),
        ),
        migrations.RunPython(create_group, migrations.RunPython.noop),
    ]
