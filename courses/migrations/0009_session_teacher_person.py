"""Teachers as people (issue 22): a session names its teacher's account, and the free-text names
written before are linked to an account where one matches, without losing a name.

A session's name is linked when exactly one teacher of the session's cohort's institution has
that exact name (their account's display name); otherwise it stays text only. The name fields are
kept either way, so nothing is lost, and going back fills the name of a session that named only
an account from that account.
"""

import django.db.models.deletion
from django.db import migrations, models


def link_teacher_names(apps, schema_editor):
    StaffMembership = apps.get_model("accounts", "StaffMembership")
    TrainingSession = apps.get_model("courses", "TrainingSession")
    teachers: dict[tuple[int, str], list[int]] = {}
    for pk, institution_id, name in StaffMembership.objects.filter(role="teacher").values_list(
        "pk", "institution_id", "user__display_name"
    ):
        teachers.setdefault((institution_id, name), []).append(pk)
    sessions = TrainingSession.objects.filter(teacher_person__isnull=True).exclude(teacher="")
    for pk, institution_id, name in sessions.values_list("pk", "cohort__institution_id", "teacher").iterator():
        matches = teachers.get((institution_id, name), [])
        if len(matches) == 1:  # two teachers of one name: which one is not ours to guess
            TrainingSession.objects.filter(pk=pk).update(teacher_person_id=matches[0])


def keep_names_going_back(apps, schema_editor):
    TrainingSession = apps.get_model("courses", "TrainingSession")
    for session in TrainingSession.objects.filter(teacher="", teacher_person__isnull=False).select_related(
        "teacher_person__user"
    ):
        TrainingSession.objects.filter(pk=session.pk).update(teacher=session.teacher_person.user.display_name[:150])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0017_teacher_role"),
        ("courses", "0008_course_class_hours"),
    ]

    operations = [
        migrations.AddField(
            model_name="trainingsession",
            name="teacher_person",
            field=models.ForeignKey(
                blank=True,
                help_text="a teacher of the cohort's institution; leave empty for a teacher without an account",
                limit_choices_to={"role": "teacher"},
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="sessions_taught",
                to="accounts.staffmembership",
                verbose_name="teacher's account",
            ),
        ),
        migrations.AlterField(
            model_name="trainingsession",
            name="teacher",
            field=models.CharField(
                blank=True,
                help_text="the name shown when no teacher's account is named",
                max_length=150,
                verbose_name="teacher",
            ),
        ),
        migrations.AddConstraint(
            model_name="trainingsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("teacher_person__isnull", False), models.Q(("teacher", ""), _negated=True), _connector="OR"
                ),
                name="session_names_its_teacher",
                violation_error_message="Name the session's teacher: their account, or their name.",
            ),
        ),
        # Last: on PostgreSQL, rows updated with a deferred foreign key forbid a later ALTER TABLE.
        migrations.RunPython(link_teacher_names, keep_names_going_back),
    ]
