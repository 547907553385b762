"""What the shared groups (named in ``accounts.scoping``) may do with the exams.

Granted after every ``migrate``, only ever added. The program office owns the bank and papers;
institution admins schedule sittings and see attempts, essays and results; graders grade essays.
Which *rows* a member sees is the scoping mixin's business. Institution staff get no permission
on questions or papers: the bank holds the answer keys.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

from accounts.scoping import INSTITUTION_ADMIN_GROUP, INSTITUTION_GRADER_GROUP, PROGRAM_OFFICE_GROUP

INSTITUTION_ADMIN = [
    "view_sitting", "add_sitting", "change_sitting",
    "view_attempt", "view_courseresult",
    "view_essayanswer", "change_essayanswer",
]  # fmt: skip
GRADER = ["view_essayanswer", "change_essayanswer"]


def grant_group_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    exams = Permission.objects.using(using).filter(content_type__app_label="exams")
    office, _ = Group.objects.using(using).get_or_create(name=PROGRAM_OFFICE_GROUP)
    office.permissions.add(*exams)
    institution_admin, _ = Group.objects.using(using).get_or_create(name=INSTITUTION_ADMIN_GROUP)
    institution_admin.permissions.add(*exams.filter(codename__in=INSTITUTION_ADMIN))
    grader, _ = Group.objects.using(using).get_or_create(name=INSTITUTION_GRADER_GROUP)
    grader.permissions.add(*exams.filter(codename__in=GRADER))
