"""What the shared groups may do with the exchange in admin (which rows: ``exchange.admin``'s scoping).

Institution admins read their cohorts' posts, reports and moderation trail (they hide on the page);
posting, accepting and pinning happen on the site's pages, by the people of the cohort.
"""

from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP
from core.permissions import EVERY_PERMISSION, Grants

GROUP_PERMISSIONS: Grants = {
    PROGRAM_OFFICE_GROUP: EVERY_PERMISSION,
    INSTITUTION_ADMIN_GROUP: [
        "view_thread", "view_post", "view_postreport", "view_moderationevent",
    ],
}  # fmt: skip
