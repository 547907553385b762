"""HR API permissions of the role groups, granted after every migrate (only ever added).

Only the program office manages API clients, webhook endpoints and deliveries (their admin pages
also check it, hr_api.admin); no other role gets any of these permissions.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission

from accounts.scoping import PROGRAM_OFFICE_GROUP


def grant_group_permissions(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    own = Permission.objects.using(using).filter(content_type__app_label="hr_api")
    office, _ = Group.objects.using(using).get_or_create(name=PROGRAM_OFFICE_GROUP)
    office.permissions.add(*own)
