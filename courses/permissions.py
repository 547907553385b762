"""What the shared groups (named in ``accounts.scoping``) may do with training delivery.

Granted after every ``migrate``, only ever added: accounts owns the groups and may grant more.
Which *rows* a member sees is the scoping mixin's business, not these permissions'.
"""

from accounts.scoping import INSTITUTION_ADMIN_GROUP, INSTITUTION_TEACHER_GROUP, PROGRAM_OFFICE_GROUP
from core.permissions import EVERY_PERMISSION, Grants

CATALOG_READ = ["view_tier", "view_track", "view_course", "view_curriculum", "view_curriculumcourse",
                "view_syllabusversion", "view_syllabustopic"]  # fmt: skip

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

# A teacher reads their sessions and the cohorts of those, and records attendance:
# "change" of a session is what saves its attendance rows; the session's own fields stay read-only
# for them (courses.admin.training_sessions). Which rows: only their own (``teacher_paths``).
INSTITUTION_TEACHER = [
    *CATALOG_READ,
    "view_cohort",
    "view_trainingsession", "change_trainingsession",
    "view_attendance", "add_attendance", "change_attendance",
]  # fmt: skip

GROUP_PERMISSIONS: Grants = {
    PROGRAM_OFFICE_GROUP: EVERY_PERMISSION,
    INSTITUTION_ADMIN_GROUP: INSTITUTION_ADMIN,
    INSTITUTION_TEACHER_GROUP: INSTITUTION_TEACHER,
}
