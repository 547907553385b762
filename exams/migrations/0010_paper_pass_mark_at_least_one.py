"""A paper's pass mark is a percentage from 1 to 100 (was 0 to 100): at 0% every attempt passed, a blank one too.

A paper stored with a pass mark of 0 is not given another: what it should be is the program office's decision, and
trainees may have passed it already. The migration stops before changing anything and names each such paper; the
office sets its pass mark in admin and migrates again.
"""

from django.db import migrations, models


def refuse_a_pass_mark_of_zero(apps, schema_editor):
    ExamPaper = apps.get_model("exams", "ExamPaper")
    zero = ExamPaper.objects.filter(pass_mark__lt=1).order_by("pk").values_list("pk", "course__code")
    if zero:
        lines = [f"exam paper {pk} (course {code})" for pk, code in zero]
        raise RuntimeError(
            "Exam papers with a pass mark of 0%, which every attempt passes: set each one's pass mark (from 1 to "
            "100) in admin first, then migrate again:\n" + "\n".join(lines)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("exams", "0009_sitting_place_refuses_control_characters"),
    ]

    operations = [
        migrations.RunPython(refuse_a_pass_mark_of_zero, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name="exampaper",
            name="paper_pass_mark_percent",
        ),
        migrations.AddConstraint(
            model_name="exampaper",
            constraint=models.CheckConstraint(
                condition=models.Q(("pass_mark__gte", 1), ("pass_mark__lte", 100)),
                name="paper_pass_mark_percent",
                violation_error_message="The pass mark is a percentage from 1 to 100.",
            ),
        ),
    ]
