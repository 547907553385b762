"""Granting an app's model permissions to the shared role groups, after every ``migrate``.

Each app says, in its own ``permissions.py``, which of its permissions each group gets
(``EVERY_PERMISSION`` for all of them) and connects that once in its ``AppConfig.ready``
with :func:`connect_group_permissions`. Grants are only ever added, never taken away, so an
app may grant a group more than another app does. Which *rows* a member sees is each app's
scoping, not these permissions'. The kernel knows no group by name: the names are the
caller's (``accounts.scoping``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, Final

from django.apps import AppConfig
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate

EVERY_PERMISSION: Final = "__every_permission__"

# Group name -> the codenames of the app's permissions it gets (empty: the group exists, with none
# of them), or ``EVERY_PERMISSION``.
Grants = Mapping[str, Collection[str]]


def grant_group_permissions(app_label: str, grants: Grants, *, using: str = "default") -> None:
    """Make each group of ``grants`` (if missing) and add the permissions of ``app_label`` it lists."""
    own = Permission.objects.using(using).filter(content_type__app_label=app_label)
    for group_name, codenames in grants.items():
        group, _created = Group.objects.using(using).get_or_create(name=group_name)
        if codenames == EVERY_PERMISSION:
            group.permissions.add(*own)
        elif codenames:
            group.permissions.add(*own.filter(codename__in=list(codenames)))


def connect_group_permissions(app_config: AppConfig, grants: Grants) -> None:
    """Grant after every ``migrate`` of ``app_config``: permissions exist only then, on a fresh database too."""

    def grant(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
        grant_group_permissions(app_config.label, grants, using=using)

    # weak=False: the receiver is a closure that nothing else keeps alive.
    post_migrate.connect(grant, sender=app_config, weak=False, dispatch_uid=f"{app_config.label}_group_permissions")
