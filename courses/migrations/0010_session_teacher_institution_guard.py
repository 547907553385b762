"""The database's own guard on a session's teacher (issue 22): the account named on a session belongs to the
institution of the session's cohort. ``courses.services.check_session_teacher`` refuses it first with a
translated message (``foreign_teacher``); this trigger catches a write that bypasses the service (a shell,
``QuerySet.update``, a bulk load), as an IntegrityError. A check constraint cannot read other tables.

On SQLite (development and tests) a later migration that rebuilds ``courses_trainingsession`` drops the
triggers: such a migration recreates them (the SQL below).
"""

from django.db import migrations

FUNCTION = "courses_session_teacher_same_institution"
# A teacher named, and no membership of the cohort's institution with that id.
FOREIGN = """NEW.teacher_person_id IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM accounts_staffmembership m JOIN courses_cohort c ON c.institution_id = m.institution_id
    WHERE m.id = NEW.teacher_person_id AND c.id = NEW.cohort_id)"""

POSTGRES = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    IF {FOREIGN} THEN
        RAISE EXCEPTION 'a session names a teacher of another institution' USING ERRCODE = '23514';
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {FUNCTION} BEFORE INSERT OR UPDATE OF teacher_person_id, cohort_id ON courses_trainingsession
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""
POSTGRES_REVERSE = f"""
DROP TRIGGER IF EXISTS {FUNCTION} ON courses_trainingsession;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""
SQLITE = [
    f"""CREATE TRIGGER {FUNCTION}_{event.split()[0].lower()} BEFORE {event} ON courses_trainingsession
    WHEN {FOREIGN}
    BEGIN SELECT RAISE(ABORT, 'a session names a teacher of another institution'); END"""
    for event in ("INSERT", "UPDATE OF teacher_person_id, cohort_id")
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS {FUNCTION}_{event}" for event in ("insert", "update")]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("courses", "0009_session_teacher_person")]

    operations = [migrations.RunPython(create, drop)]
