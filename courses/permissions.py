"""What the shared groups (named in ``accounts.scoping``) may do with training delivery.

Granted after every ``migrate``, only ever added: accounts owns the groups and may grant more.
Which *rows* a member sees is the scoping mixin's business, not these permissions'.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP

CATALOG_READ = ["view_tier", "view_track", "view_course", "view_curriculum", "view_curriculumcourse"]

INSTITUTION_ADMIN = [
    *CATALOG_READ,
    "view_cohort", "add_cohort", "change_cohort",
    "view_enrolment", "change_enrolment",
    "view_trainingsession", "add_trainingsession", "change_trainingsession",
    "view_attendance", "add_attendance", "change_attendance",
    "view_remotemodule", "add_remotemodule", "change_remotemodule",
    "view_remotecompletion", "add_remotecompletion",
    "view_selfstudyentry", "change_selfstudyentry",
]  # fmt: skip


def grant_group_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    courses = Permission.objects.using(using).filter(content_type__app_label="courses")
    office, _ = Group.objects.using(using).get_or_create(name=PROGRAM_OFFICE_GROUP)
    office.permissions.add(*courses)
    institution_admin, _ = Group.objects.using(using).get_or_create(name=INSTITUTION_ADMIN_GROUP)
    institution_admin.permissions.add(*courses.filter(codename__in=INSTITUTION_ADMIN))
