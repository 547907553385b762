"""The four roles as Django groups; their permissions are granted after migrate (accounts.permissions)."""

from django.db import migrations

GROUPS = ["program office staff", "institution admin", "institution grader", "trainee"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_trainee_registered_by_and_verification"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
