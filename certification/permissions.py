"""Certification permissions of the role groups, granted after every migrate (only ever added).

The program office may do everything (suspend, reinstate, revoke: ``change_certificate``);
institution admins see their trainees' certificates and record continuing education.
"""

from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP
from core.permissions import EVERY_PERMISSION, Grants

INSTITUTION_ADMIN = [
    "view_certificate", "view_certificatestatuschange",
    "view_continuingeducation", "add_continuingeducation", "change_continuingeducation",
]  # fmt: skip

GROUP_PERMISSIONS: Grants = {PROGRAM_OFFICE_GROUP: EVERY_PERMISSION, INSTITUTION_ADMIN_GROUP: INSTITUTION_ADMIN}
