"""Why an employee row is inactive, on the row (``TraineeProfile.deactivated_by``), and who left it (``left_by``).

Until now a reactivation through the HR API read the append-only audit trail to decide: the row a person left behind
when they moved to another employer (an ``api_write`` event ``employment_accepted`` naming it as ``former``) was
refused, and so was an inactive account whose last ``user_deactivated`` event was not the employer's HR system's (an
API client of the row's employer, no person). The same rule fills the column once for the rows there are: moved,
else employer, else account; an active row has none. ``left_by`` starts empty: a person the employer deactivated
before keeps their own account on the row, inactive, and a reactivation turns it on again as before (reason
``employer``); only deactivations from now on let the person go on without employer.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

REASONS = [
    ("employer", "the employer"),
    ("departed", "the employer: the person left"),
    ("moved", "the person's move to another employer"),
    ("account", "the deactivation of the account"),
]


def fill_deactivated_by(apps, schema_editor):
    TraineeProfile = apps.get_model("accounts", "TraineeProfile")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    moved = {
        former
        for former in AuditEvent.objects.filter(action="api_write", detail__change="employment_accepted").values_list(
            "detail__former", flat=True
        )
        if isinstance(former, int)
    }
    reasons: dict[str, list[int]] = {"moved": [], "employer": [], "account": []}
    inactive = TraineeProfile.objects.filter(user__is_active=False).values_list("pk", "user_id", "employer_id")
    for pk, user_id, employer_id in inactive.iterator():
        if employer_id is not None and pk in moved:
            reasons["moved"].append(pk)
            continue
        last = (
            AuditEvent.objects.filter(action="user_deactivated", object_type="accounts.User", object_id=str(user_id))
            .order_by("-created_at", "-pk")
            .values("actor_id", "employer_id")
            .first()
        )
        by_employer = (
            employer_id is not None
            and last is not None
            and last["actor_id"] is None
            and last["employer_id"] == employer_id
        )
        reasons["employer" if by_employer else "account"].append(pk)
    for reason, pks in reasons.items():
        if pks:
            TraineeProfile.objects.filter(pk__in=pks).update(deactivated_by=reason)
            print(f"\n  {len(pks)} inactive employee row(s): deactivated by {reason}", end="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0027_institution_codes_case_blind"),
    ]

    operations = [
        migrations.AddField(
            model_name="traineeprofile",
            name="deactivated_by",
            field=models.CharField(
                blank=True, choices=REASONS, editable=False, max_length=20, verbose_name="deactivated by"
            ),
        ),
        migrations.AddField(
            model_name="traineeprofile",
            name="left_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="employments_left",
                to=settings.AUTH_USER_MODEL,
                verbose_name="person who left",
            ),
        ),
        migrations.RunPython(fill_deactivated_by, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name="traineeprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(("deactivated_by__in", ["", "employer", "departed", "moved", "account"])),
                name="trainee_deactivated_by_known",
                violation_error_message="Why the employee is deactivated is not one of the known reasons.",
            ),
        ),
        migrations.AddConstraint(
            model_name="traineeprofile",
            constraint=models.CheckConstraint(
                condition=models.Q(("left_by__isnull", True), ("deactivated_by", "departed"), _connector="OR"),
                name="trainee_left_by_only_when_departed",
                violation_error_message="Only an employee who left the employer names the person who left.",
            ),
        ),
    ]
