"""Employee numbers stored before the rule of ``accounts.identifiers.clean_employee_number``, in its form.

0019 put every number in capitals, but rows written past the forms since (an update, a script, an old
import) may still hold full-width characters (``Ａ－１００１``, which the database's capitals check lets
through) or spaces around the number; the admin's form then refused to save such a profile for a field
nobody touched. Each number the rule takes is rewritten in the form the rule gives it (``updated_at`` too:
the HR API's sync shows the number as it is now). A number the rule refuses (a space or a ``#`` inside, a
separator at an end, a control character, too long) stays as it is, and so do two numbers of one employer
that would become the same (the unique constraint allows one): the migration cannot know which number is
meant, so it prints how many of each, with the profiles, for the program office to correct in admin.

The rule is copied below as it stands at this migration (``_stored_form``), not imported: a migration
must do the same on every database it ever runs on, whatever the rule becomes later.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone

# Frozen from accounts.identifiers and accounts.validators at this migration: do not import them here.
MAX_LENGTH = 50
SEPARATORS = "-_./"
CONTROL_CATEGORIES = frozenset({"Cc", "Cf"})


def _letter_or_digit(char: str) -> bool:
    return unicodedata.category(char).startswith("L") or unicodedata.category(char) == "Nd"


def _stored_form(value: str) -> str | None:
    """The form ``clean_employee_number`` stores ``value`` in, or None where it refuses it."""
    if any(unicodedata.category(char) in CONTROL_CATEGORIES for char in value):
        return None
    number = unicodedata.normalize("NFKC", value).strip().upper()
    if not number:
        return ""
    if len(number) > MAX_LENGTH:
        return None
    if not (
        all(_letter_or_digit(char) or char in SEPARATORS for char in number)
        and _letter_or_digit(number[0])
        and _letter_or_digit(number[-1])
    ):
        return None
    return number


def _listed(rows: Iterable[tuple[int, str]]) -> str:
    return ", ".join(f"profile {pk} {number!r}" for pk, number in rows)


def numbers_to_the_rule(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    TraineeProfile = apps.get_model("accounts", "TraineeProfile")
    numbers = TraineeProfile.objects.exclude(employee_number="").order_by("pk")
    refused: list[tuple[int, str]] = []
    # (employer, number in the rule's form) -> the rows that would hold it, as (pk, number as stored).
    holders: defaultdict[tuple[int, str], list[tuple[int, str]]] = defaultdict(list)
    for pk, employer_id, stored in numbers.values_list("pk", "employer_id", "employee_number"):
        new = _stored_form(stored)
        if new is None:
            refused.append((pk, stored))
        else:
            holders[(employer_id, new)].append((pk, stored))
    clashes: list[tuple[str, list[tuple[int, str]]]] = []
    rewritten = 0
    now = timezone.now()
    for (_employer, new), rows in holders.items():
        if len(rows) > 1:  # the unique constraint held them apart, so at least one would change
            clashes.append((new, rows))
            continue
        [(pk, stored)] = rows
        if stored != new:
            TraineeProfile.objects.filter(pk=pk).update(employee_number=new, updated_at=now)
            rewritten += 1
    print(f"accounts 0020: {rewritten} employee numbers rewritten in the rule's form")
    if refused:
        print(f"accounts 0020: {len(refused)} employee numbers the rule refuses, left as stored: {_listed(refused)}")
    if clashes:
        left = sum(len(rows) for _new, rows in clashes)
        print(f"accounts 0020: {left} employee numbers left as stored, as they would become the same number:")
        for new, rows in clashes:
            print(f"  {_listed(rows)} -> {new!r}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0019_employee_numbers_normalized"),
    ]

    operations = [
        migrations.RunPython(numbers_to_the_rule, migrations.RunPython.noop, elidable=False),
    ]
