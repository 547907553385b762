"""Employee numbers in one form (accounts.identifiers.normalize_employee_number), then checked by the database.

Numbers stored before in another form (``a-1001``, ``Ａ－１００１``) are rewritten, each printed. Two
employees of one employer whose numbers become the same (``a-1`` and ``A-1``) are one person entered
twice, or two people the bank tells apart by case alone: the migration cannot know which, so it stops
before writing anything and names them; the program office resolves them in admin and migrates again.
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models

import accounts.identifiers
import accounts.validators


def normalize_numbers(apps, schema_editor):
    TraineeProfile = apps.get_model("accounts", "TraineeProfile")
    normalize = accounts.identifiers.normalize_employee_number
    taken = defaultdict(list)
    for pk, employer_id, number in TraineeProfile.objects.exclude(employee_number="").values_list(
        "pk", "employer_id", "employee_number"
    ):
        taken[(employer_id, normalize(number))].append((pk, number))
    clashes = {key: rows for key, rows in taken.items() if len(rows) > 1}
    if clashes:
        lines = [f"employer {employer}: {', '.join(f'profile {pk} {number!r}' for pk, number in rows)} → {normal!r}"
                 for (employer, normal), rows in clashes.items()]  # fmt: skip
        raise RuntimeError("Employee numbers that become the same; resolve them in admin first:\n" + "\n".join(lines))
    for (_employer, normal), [(pk, number)] in taken.items():
        if number != normal:
            print(f"accounts 0019: trainee profile {pk} employee number {number!r} -> {normal!r}")
            TraineeProfile.objects.filter(pk=pk).update(employee_number=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0018_phone_numbers"),
    ]

    operations = [
        migrations.AlterField(
            model_name="traineeprofile",
            name="employee_number",
            field=accounts.identifiers.EmployeeNumberField(
                blank=True,
                max_length=50,
                validators=[accounts.validators.refuse_control_characters],
                verbose_name="employee number",
            ),
        ),
        migrations.RunPython(normalize_numbers, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="traineeprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(("employee_number", django.db.models.functions.text.Upper("employee_number"))),
                name="trainee_employee_number_normalized",
                violation_error_message="An employee number is stored in capitals.",
            ),
        ),
    ]
