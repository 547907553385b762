"""The fifth role: employer HR staff (accounts.scoping.EMPLOYER_HR_GROUP); permissions granted after migrate."""

from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="employer HR staff")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0015_employer_membership")]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
