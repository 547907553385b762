"""A face-to-face session names its place: its trainees are told where to go. The service refuses one without
(``courses.services.check_session_place``, as a sitting's place), and so does this check constraint.

A database may hold face-to-face sessions saved without a place before (the demo's all have one). Nothing in the
database says where they were held (an institution has no address, and another session's classroom may not be
this one's), so no place is made up: each gets "place to be announced" naming its institution, in both languages,
which trainees read as "ask the institution", and the change is printed (``courses 0014: session 12 (cohort
TPE-1, 2026-03-02): no place; now 'to be announced'``) for the operator to pass on to the institution, which then
gives the place. A session whose place was given in English only keeps it, now in both fields.
Going back keeps the placeholders (the sessions had no place; the printed lines say which).

On SQLite a constraint is added by rebuilding the table, which drops the teacher guard's triggers of courses
0010: they are dropped around the rebuild and made again, from 0010's own SQL (as 0011 does).
"""

from importlib import import_module

from django.db import migrations, models

PLACEHOLDER_ZH = "地點待公布，請洽{institution}"
PLACEHOLDER_EN = "Place to be announced: please ask {institution}"


def name_the_missing_places(apps, schema_editor):
    TrainingSession = apps.get_model("courses", "TrainingSession")
    placeless = (
        TrainingSession.objects.filter(mode="face_to_face", location="")
        .select_related("cohort__institution")
        .order_by("pk")
    )
    max_length = TrainingSession._meta.get_field("location").max_length
    for session in placeless:
        where = f"courses 0014: session {session.pk} (cohort {session.cohort.code}, {session.held_on})"
        if session.location_en.strip():  # the place is known, in English only: Chinese pages show it too
            TrainingSession.objects.filter(pk=session.pk).update(location=session.location_en)
            print(f"{where}: place {session.location_en!r} given in English only, now in both")
            continue
        institution = session.cohort.institution
        TrainingSession.objects.filter(pk=session.pk).update(
            location=PLACEHOLDER_ZH.format(institution=institution.name_zh)[:max_length],
            location_en=PLACEHOLDER_EN.format(institution=institution.name_en)[:max_length],
        )
        print(f"{where}: no place; now 'to be announced'")


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
        ("courses", "0013_catalog_titles_guanxi"),
    ]

    operations = [
        # First, so that the constraint below finds no row to refuse.
        migrations.RunPython(name_the_missing_places, migrations.RunPython.noop),
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddConstraint(
            model_name="trainingsession",
            constraint=models.CheckConstraint(
                condition=models.Q(("mode", "live_remote"), models.Q(("location", ""), _negated=True), _connector="OR"),
                name="session_face_to_face_has_location",
                violation_error_message="Give the place of a face-to-face session, or make it live remote.",
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
