"""Employer codes in one form, lower case (accounts.models.normalize_employer_code), then checked by the database.

A code stored before in another form (``BANK-C``, `` bank-c``) is rewritten, each printed. Nothing refers to an
employer's code as text but the trainee import's ``employer`` column and the demo's lower-case codes, and the import
reads codes without regard to case, so a bank's file that writes ``BANK-C`` still names it. Two employers whose
codes become the same (``bank-a`` and ``BANK-A``) are one bank entered twice, or two the codes tell apart by case
alone: the migration cannot know which, so it stops before writing anything and names them; the program office
merges them (or gives one another code) in admin and migrates again. The rule is frozen here (trim, lower-case):
a later change to the normaliser leaves stored codes as they are.
"""

from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models


def normalize_codes(apps, schema_editor):
    Employer = apps.get_model("accounts", "Employer")
    taken = defaultdict(list)
    for pk, code in Employer.objects.order_by("pk").values_list("pk", "code"):
        taken[code.strip().lower()].append((pk, code))
    clashes = {normal: rows for normal, rows in taken.items() if len(rows) > 1}
    if clashes:
        lines = [f"{normal!r}: {', '.join(f'employer {pk} {code!r}' for pk, code in rows)}"
                 for normal, rows in clashes.items()]  # fmt: skip
        raise RuntimeError(
            "Employer codes that differ only in case name one employer in the trainee import; merge them (or give "
            "one another code) in admin first, then migrate again:\n" + "\n".join(lines)
        )
    for normal, [(pk, code)] in taken.items():
        if code != normal:
            print(f"accounts 0026: employer {pk} code {code!r} -> {normal!r}")
            Employer.objects.filter(pk=pk).update(code=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0025_audit_question_revised"),
    ]

    operations = [
        migrations.RunPython(normalize_codes, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="employer",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"),
                name="employer_code_ci_unique",
                violation_error_message=(
                    "Another employer has this code. Codes are read without regard to case (BANK-A is bank-a), "
                    "so choose another code."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="employer",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", django.db.models.functions.text.Lower("code"))),
                name="employer_code_lower_case",
                violation_error_message="An employer's code is stored in lower case.",
            ),
        ),
    ]
