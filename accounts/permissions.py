"""What each role may do with accounts' models; granted after every migrate (only ever added).

Which *rows* a member sees is the scoping mixin's business (accounts.scoping), not these
permissions'. Each app grants its own models' permissions the same way.
"""

from core.permissions import EVERY_PERMISSION, Grants

from . import scoping

INSTITUTION_ADMIN = [
    "view_user", "change_user",
    "view_traineeprofile", "add_traineeprofile", "change_traineeprofile",
    "view_staffmembership",
    "view_institution",
]  # fmt: skip
INSTITUTION_GRADER = ["view_institution"]

GROUP_PERMISSIONS: Grants = {
    scoping.PROGRAM_OFFICE_GROUP: EVERY_PERMISSION,
    scoping.INSTITUTION_ADMIN_GROUP: INSTITUTION_ADMIN,
    scoping.INSTITUTION_GRADER_GROUP: INSTITUTION_GRADER,
    # A teacher sees sessions and cohorts only (courses.permissions); an institution list they
    # could open would be empty (accounts.scoping: an admin without teacher paths shows them nothing).
    scoping.INSTITUTION_TEACHER_GROUP: [],
    scoping.EMPLOYER_HR_GROUP: ["view_employermembership"],
    scoping.TRAINEE_GROUP: [],  # the group exists for sign-up to join; it has no admin permission
}
