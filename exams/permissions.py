"""What the shared groups (named in ``accounts.scoping``) may do with the exams.

Granted after every ``migrate``, only ever added. The program office owns the bank and papers;
institution admins schedule sittings (and delete one nobody has started an attempt at) and
see attempts, essays and results; graders grade essays.
Which *rows* a member sees is the scoping mixin's business. Institution staff get no permission
on questions or papers: the bank holds the answer keys.
"""

from accounts.scoping import INSTITUTION_ADMIN_GROUP, INSTITUTION_GRADER_GROUP, PROGRAM_OFFICE_GROUP
from core.permissions import EVERY_PERMISSION, Grants

INSTITUTION_ADMIN = [
    "view_sitting", "add_sitting", "change_sitting", "delete_sitting",
    "view_attempt", "view_courseresult",
    "view_essayanswer", "change_essayanswer",
]  # fmt: skip
GRADER = ["view_essayanswer", "change_essayanswer"]

GROUP_PERMISSIONS: Grants = {
    PROGRAM_OFFICE_GROUP: EVERY_PERMISSION,
    INSTITUTION_ADMIN_GROUP: INSTITUTION_ADMIN,
    INSTITUTION_GRADER_GROUP: GRADER,
}
