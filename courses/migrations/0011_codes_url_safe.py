"""Codes in web addresses are letters, digits, hyphens and underscores (``core.codes``): a cohort code
``EVIL/1`` made ``{% url 'training:cohort' code %}`` fail, and the cohort catalogue with it, for everyone.

Cohort and course codes had no rule, so a database may hold codes the new check constraints refuse.
Before adding them, each such code is rewritten, and the rewrite printed (``courses 0011: cohort 12
'EVIL/1' -> 'EVIL-1'``) for the operator to pass on to the institution:

1. NFKC, so full-width letters and digits become plain ones (``ＴＰＥ－１`` -> ``TPE-1``);
2. each run of other characters (a space, ``/``, ``.``, another script) becomes one hyphen, and hyphens
   at either end are dropped (``台北 2026/1`` -> ``2026-1``), cut to the column's length;
3. if nothing is left, the code is ``COHORT``, ``COURSE`` or ``TIER`` (``台北`` -> ``COHORT-12``, by 4);
4. if it is another row's code, ``-<id>`` is added (``EVIL-1-12``; ``-<id>-2``, … while still taken).

Tier codes were slugs already (their admin field checks it); any that is not is rewritten the same way.
Going back keeps the new codes (the old ones are in the printed lines).

On SQLite a constraint is added by rebuilding the table, which the teacher guard's triggers of courses
0010 (they read ``courses_cohort``) refuse: they are dropped around the rebuilds and made again, from
0010's own SQL.
"""

import re
import unicodedata
from importlib import import_module

import core.codes
from django.db import migrations, models

CODE_REGEX = r"\A[A-Za-z0-9_-]+\Z"  # core.codes.CODE_REGEX, as it was when this migration was written
_OTHER = re.compile(r"[^A-Za-z0-9_-]+")


def rewritten(code, pk, taken, *, max_length, kind):
    """``code`` in the allowed characters, not in ``taken`` (steps 1-4 above); ``kind`` names the model."""
    base = _OTHER.sub("-", unicodedata.normalize("NFKC", code)).strip("-")[:max_length]
    candidate, attempt = base, 1
    while not base or candidate in taken:
        base = base or kind.upper()
        suffix = f"-{pk}" if attempt == 1 else f"-{pk}-{attempt}"
        candidate = base[: max_length - len(suffix)] + suffix
        attempt += 1
    return candidate


def rewrite_codes(apps, schema_editor):
    for model_name in ("Tier", "Course", "Cohort"):
        model = apps.get_model("courses", model_name)
        offending = list(model.objects.exclude(code__regex=CODE_REGEX).order_by("pk").values_list("pk", "code"))
        if not offending:
            continue
        max_length = model._meta.get_field("code").max_length
        taken = set(model.objects.values_list("code", flat=True))
        for pk, code in offending:
            new = rewritten(code, pk, taken, max_length=max_length, kind=model_name)
            taken.add(new)
            model.objects.filter(pk=pk).update(code=new)
            print(f"courses 0011: {model_name.lower()} {pk} {code!r} -> {new!r}")


def _teacher_guard_triggers(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            guard = import_module("courses.migrations.0010_session_teacher_institution_guard")
            for statement in getattr(guard, statements):
                schema_editor.execute(statement)

    return run


drop_sqlite_triggers = _teacher_guard_triggers("SQLITE_REVERSE")
create_sqlite_triggers = _teacher_guard_triggers("SQLITE")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0017_teacher_role'),
        ('courses', '0010_session_teacher_institution_guard'),
    ]

    operations = [
        # First, so that the constraints below find no row to refuse.
        migrations.RunPython(rewrite_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='cohort',
            name='code',
            field=models.CharField(max_length=40, unique=True, validators=[core.codes.validate_code], verbose_name='code'),
        ),
        migrations.AlterField(
            model_name='course',
            name='code',
            field=models.CharField(max_length=20, unique=True, validators=[core.codes.validate_code], verbose_name='code'),
        ),
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddConstraint(
            model_name='cohort',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '\\A[A-Za-z0-9_-]+\\Z')), name='cohort_code_url_safe', violation_error_message='Use only the letters A–Z and a–z, digits, hyphens (-) and underscores (_): the code is part of web addresses.'),
        ),
        migrations.AddConstraint(
            model_name='course',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '\\A[A-Za-z0-9_-]+\\Z')), name='course_code_url_safe', violation_error_message='Use only the letters A–Z and a–z, digits, hyphens (-) and underscores (_): the code is part of web addresses.'),
        ),
        migrations.AddConstraint(
            model_name='tier',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '\\A[A-Za-z0-9_-]+\\Z')), name='tier_code_url_safe', violation_error_message='Use only the letters A–Z and a–z, digits, hyphens (-) and underscores (_): the code is part of web addresses.'),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
