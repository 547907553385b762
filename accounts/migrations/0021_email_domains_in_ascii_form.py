"""Addresses stored with an internationalised domain, in the form ``accounts.identifiers.normalize_email`` now
gives them: the domain in ASCII (IDNA), ``x@示範.test`` as ``x@xn--bizz5c.test``.

Before, the domain was kept as typed, so ``示範.test`` and ``xn--bizz5c.test`` made two accounts of one
mailbox; a log-in now looks up the ASCII form, which would miss an account stored the old way. Only an
address whose domain holds a character beyond ASCII changes: every other was stored in the new form
already. A log-in address that would become another account's stays as it is (the unique constraint
allows one, and the migration cannot know which account is meant): it is printed, with the accounts,
for the program office to settle in admin. The addresses an employer gave (``listed_email``) and asked for
(``pending_email``) are rewritten with the profile's ``updated_at``, as the HR API shows them.

The normalisation is copied below as it stands at this migration (``_stored_form``), not imported: a
migration must do the same on every database it ever runs on, whatever the rule becomes later.
"""

import unicodedata

import idna
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps
from django.utils import timezone


def _ascii_label(label: str) -> str:
    if label.isascii() and not label.startswith("xn--"):
        return label
    try:
        return idna.encode(label, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return label


def _stored_form(email: str) -> str:
    """The form ``normalize_email`` stores ``email`` in (frozen from accounts.identifiers at this migration)."""
    text = unicodedata.normalize("NFKC", email).strip().casefold()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    return f"{local}@{'.'.join(_ascii_label(label) for label in domain.split('.'))}"


def _changes(rows: list[tuple[int, str]]) -> dict[int, tuple[str, str]]:
    """Each row whose address has a domain beyond ASCII and a new form: pk -> (stored, new)."""
    found = {}
    for pk, stored in rows:
        if stored and not stored.rpartition("@")[2].isascii() and (new := _stored_form(stored)) != stored:
            found[pk] = (stored, new)
    return found


def domains_in_ascii_form(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    User = apps.get_model("accounts", "User")
    TraineeProfile = apps.get_model("accounts", "TraineeProfile")

    users = _changes(list(User.objects.order_by("pk").values_list("pk", "email")))
    wanted: dict[str, list[int]] = {}
    for pk, (_stored, new) in users.items():
        wanted.setdefault(new, []).append(pk)
    held = dict(User.objects.filter(email__in=list(wanted)).values_list("email", "pk"))
    clashes = []
    for pk, (stored, new) in users.items():
        if new in held or len(wanted[new]) > 1:
            clashes.append((pk, stored, new))
        else:
            User.objects.filter(pk=pk).update(email=new)
    print(f"accounts 0021: {len(users) - len(clashes)} log-in addresses rewritten with the domain in ASCII")
    if clashes:
        print(f"accounts 0021: {len(clashes)} log-in addresses left as stored, as another account has the new form:")
        for pk, stored, new in clashes:
            other = ", ".join(str(o) for o in [held.get(new), *wanted[new]] if o is not None and o != pk)
            print(f"  user {pk} {stored!r} -> {new!r} (user {other})")

    rewritten = 0
    now = timezone.now()
    profiles = list(TraineeProfile.objects.order_by("pk").values_list("pk", "listed_email", "pending_email"))
    listed = _changes([(pk, email) for pk, email, _pending in profiles])
    pending = _changes([(pk, email) for pk, _listed, email in profiles])
    for pk in sorted(listed.keys() | pending.keys()):
        fields: dict[str, object] = {"updated_at": now}
        if pk in listed:
            fields["listed_email"] = listed[pk][1]
        if pk in pending:
            fields["pending_email"] = pending[pk][1]
        TraineeProfile.objects.filter(pk=pk).update(**fields)
        rewritten += 1
    print(f"accounts 0021: {rewritten} employees' given or requested addresses rewritten with the domain in ASCII")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0020_employee_numbers_to_the_rule"),
    ]

    operations = [
        migrations.RunPython(domains_in_ascii_form, migrations.RunPython.noop, elidable=False),
    ]
