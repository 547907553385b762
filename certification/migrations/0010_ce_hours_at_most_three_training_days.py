"""One continuing-education activity counts at most 24 hours, unless recorded above it before the cap (0009)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0009_ce_rows_above_the_hours_cap"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="continuingeducation",
            constraint=models.CheckConstraint(
                condition=models.Q(("hours__lte", 24), ("recorded_before_cap", True), _connector="OR"),
                name="ce_hours_at_most_three_training_days",
                violation_error_message="One continuing-education activity counts at most 24 hours.",
            ),
        ),
    ]
