"""Institution codes in one form, lower case (accounts.models.normalize_organisation_code), then checked by the
database, as migration 0026 did for employers.

A code stored before in another form (``INST-C``, `` inst-c``) is rewritten, each printed. Nothing refers to an
institution's code as text but the demo's lower-case codes (its loaders and the test fixtures); the admin's search
reads codes without regard to case, and pages, exports and the HR API show the code as stored, from the row. Two
institutions whose codes become the same (``inst-a`` and ``INST-A``) are one institution entered twice, or two the
codes tell apart by case alone: the migration cannot know which, so it stops before writing anything and names them;
the program office merges them (or gives one another code) in admin and migrates again. The rule is frozen here
(trim, full-width forms folded, lower-case): a later change to the normaliser leaves stored codes as they are.
"""

import unicodedata
from collections import defaultdict

import django.db.models.functions.text
from django.db import migrations, models


def normalize_codes(apps, schema_editor):
    Institution = apps.get_model("accounts", "Institution")
    taken = defaultdict(list)
    for pk, code in Institution.objects.order_by("pk").values_list("pk", "code"):
        taken[unicodedata.normalize("NFKC", code).strip().lower()].append((pk, code))
    clashes = {normal: rows for normal, rows in taken.items() if len(rows) > 1}
    if clashes:
        lines = [f"{normal!r}: {', '.join(f'institution {pk} {code!r}' for pk, code in rows)}"
                 for normal, rows in clashes.items()]  # fmt: skip
        raise RuntimeError(
            "Institution codes that differ only in case name one institution; merge them (or give one another code) "
            "in admin first, then migrate again:\n" + "\n".join(lines)
        )
    for normal, [(pk, code)] in taken.items():
        if code != normal:
            print(f"accounts 0027: institution {pk} code {code!r} -> {normal!r}")
            Institution.objects.filter(pk=pk).update(code=normal)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0026_employer_codes_case_blind"),
    ]

    operations = [
        migrations.RunPython(normalize_codes, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="institution",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("code"),
                name="institution_code_ci_unique",
                violation_error_message=(
                    "Another institution has this code. Codes are read without regard to case (INST-A is inst-a), "
                    "so choose another code."
                ),
            ),
        ),
        migrations.AddConstraint(
            model_name="institution",
            constraint=models.CheckConstraint(
                condition=models.Q(("code", django.db.models.functions.text.Lower("code"))),
                name="institution_code_lower_case",
                violation_error_message="An institution's code is stored in lower case.",
            ),
        ),
    ]
