"""What each role may do with accounts' models; granted after every migrate (only ever added).

Which *rows* a member sees is the scoping mixin's business (accounts.scoping), not these
permissions'. Each app grants its own models' permissions the same way.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

from .scoping import INSTITUTION_ADMIN_GROUP, INSTITUTION_GRADER_GROUP, PROGRAM_OFFICE_GROUP, TRAINEE_GROUP

INSTITUTION_ADMIN = [
    "view_user", "change_user",
    "view_traineeprofile", "add_traineeprofile", "change_traineeprofile",
    "view_staffmembership",
    "view_institution",
]  # fmt: skip
INSTITUTION_GRADER = ["view_institution"]


def grant_group_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    own = Permission.objects.using(using).filter(content_type__app_label="accounts")
    office, _ = Group.objects.using(using).get_or_create(name=PROGRAM_OFFICE_GROUP)
    office.permissions.add(*own)
    institution_admin, _ = Group.objects.using(using).get_or_create(name=INSTITUTION_ADMIN_GROUP)
    institution_admin.permissions.add(*own.filter(codename__in=INSTITUTION_ADMIN))
    grader, _ = Group.objects.using(using).get_or_create(name=INSTITUTION_GRADER_GROUP)
    grader.permissions.add(*own.filter(codename__in=INSTITUTION_GRADER))
    Group.objects.using(using).get_or_create(name=TRAINEE_GROUP)
