"""Certification permissions of the role groups, granted after every migrate (only ever added).

The program office may do everything (suspend, reinstate, revoke: ``change_certificate``);
institution admins see their trainees' certificates and record continuing education.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP

INSTITUTION_ADMIN = [
    "view_certificate", "view_certificatestatuschange",
    "view_continuingeducation", "add_continuingeducation", "change_continuingeducation",
]  # fmt: skip


def grant_group_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    own = Permission.objects.using(using).filter(content_type__app_label="certification")
    office, _ = Group.objects.using(using).get_or_create(name=PROGRAM_OFFICE_GROUP)
    office.permissions.add(*own)
    institution_admin, _ = Group.objects.using(using).get_or_create(name=INSTITUTION_ADMIN_GROUP)
    institution_admin.permissions.add(*own.filter(codename__in=INSTITUTION_ADMIN))
