"""Certification permissions of the role groups, granted after every migrate (only ever added).

The program office may do everything (suspend, reinstate, revoke: ``change_certificate``);
institution admins see their trainees' certificates, record continuing education, publish their
continuing-education courses and record attendance at them.
"""

from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP
from core.permissions import EVERY_PERMISSION, Grants

INSTITUTION_ADMIN = [
    "view_certificate", "view_certificatestatuschange",
    "view_continuingeducation", "add_continuingeducation", "change_continuingeducation",
    "view_cecourse", "add_cecourse", "change_cecourse", "delete_cecourse",
    "view_ceenrolment", "change_ceenrolment",
]  # fmt: skip

GROUP_PERMISSIONS: Grants = {PROGRAM_OFFICE_GROUP: EVERY_PERMISSION, INSTITUTION_ADMIN_GROUP: INSTITUTION_ADMIN}
