"""A cohort offers at least one delivery mode; an enrolment the institution withdraws keeps when and why.

1. ``cohort_offers_a_mode``: a cohort whose three modes were all unticked (its change form did not check them)
   showed an empty "delivery" on its public page and was in no mode's filter. Before the constraint, each such
   cohort gets back the modes its records show it uses (face-to-face sessions: face-to-face, unless it is online;
   live remote sessions or recorded modules: remote learning; self-study entries: self-study), or, with no
   record, the modes a new cohort starts with (self-study, and face-to-face unless online). Each change is
   printed (``courses 0016: cohort 12 (TPE-1) offered no mode; now: face_to_face, self_study``) for the operator
   to pass on to the institution. Going back keeps the modes.
2. ``Enrolment.withdrawn_at`` and ``withdrawal_reason`` (the institution's reason, which the trainee is mailed and
   reads on the dashboard; only a withdrawn enrolment has one).

On SQLite a constraint is added by rebuilding the table, which the teacher guard's triggers of courses 0010 (they
read ``courses_cohort``) refuse: they are dropped around the rebuild and made again, from 0010's own SQL (as 0011
and 0014 do).
"""

from importlib import import_module

from django.db import migrations, models


def give_each_cohort_a_mode(apps, schema_editor):
    Cohort = apps.get_model("courses", "Cohort")
    TrainingSession = apps.get_model("courses", "TrainingSession")
    RemoteModule = apps.get_model("courses", "RemoteModule")
    SelfStudyEntry = apps.get_model("courses", "SelfStudyEntry")
    modeless = Cohort.objects.filter(offers_face_to_face=False, offers_remote=False, offers_self_study=False)
    for cohort in modeless.order_by("pk"):
        sessions = TrainingSession.objects.filter(cohort_id=cohort.pk)
        modes = {
            "offers_face_to_face": not cohort.is_online and sessions.filter(mode="face_to_face").exists(),
            "offers_remote": sessions.filter(mode="live_remote").exists()
            or RemoteModule.objects.filter(cohort_id=cohort.pk).exists(),
            "offers_self_study": SelfStudyEntry.objects.filter(enrolment__cohort_id=cohort.pk).exists(),
        }
        if not any(modes.values()):  # no record says: what a new cohort offers
            modes = {"offers_face_to_face": not cohort.is_online, "offers_remote": False, "offers_self_study": True}
        Cohort.objects.filter(pk=cohort.pk).update(**modes)
        offered = ", ".join(name.removeprefix("offers_") for name, on in modes.items() if on)
        print(f"courses 0016: cohort {cohort.pk} ({cohort.code}) offered no mode; now: {offered}")


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
        ("courses", "0015_owed_receipt"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="withdrawal_reason",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=500, verbose_name="reason for withdrawal"
            ),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
        ),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.CheckConstraint(
                condition=models.Q(("state", "withdrawn"), ("withdrawal_reason", ""), _connector="OR"),
                name="enrolment_withdrawal_reason_when_withdrawn",
                violation_error_message="Only a withdrawn enrolment has a reason for withdrawal.",
            ),
        ),
        # First, so that the constraint below finds no row to refuse.
        migrations.RunPython(give_each_cohort_a_mode, migrations.RunPython.noop),
        migrations.RunPython(drop_sqlite_triggers, create_sqlite_triggers),
        migrations.AddConstraint(
            model_name="cohort",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("offers_face_to_face", True), ("offers_remote", True), ("offers_self_study", True), _connector="OR"
                ),
                name="cohort_offers_a_mode",
                violation_error_message="A cohort offers at least one delivery mode.",
            ),
        ),
        migrations.RunPython(create_sqlite_triggers, drop_sqlite_triggers),
    ]
