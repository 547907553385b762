"""Log-ins and roles, as the second factor sees them (connected in ``AccountsConfig.ready``).

django-axes forgets an account's failures at a successful log-in only once it is complete:
at the password for people without a second factor, at the code for staff (the views), so that
logging in again with the password does not give six more guesses at the code
(``AXES_RESET_ON_SUCCESS`` is off). A staff role granted to someone without staff status ends their sessions, so that
their next request is a log-in that asks for the second factor.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import m2m_changed, post_save
from django.dispatch import receiver

from accounts.models import EmployerMembership, StaffMembership, User
from accounts.services import do_end_sessions

from . import services
from .middleware import REQUIRED


@receiver(user_logged_in, dispatch_uid="second_factor_on_logged_in")
def on_logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    required = services.needs_second_factor(user)
    if request is not None and hasattr(request, "session"):
        request.session[REQUIRED] = required
    if not required:
        AxesProxyHandler.reset_attempts(username=services.lockout_credentials(user)["username"])


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="second_factor_on_groups_changed")
def on_groups_changed(
    sender: Any, instance: Any, action: str, pk_set: set | None, reverse: bool, **kwargs: Any
) -> None:
    if action != "post_add" or not pk_set:
        return
    from django.contrib.auth.models import Group

    if reverse:  # group.user_set.add(...)
        if instance.name in services.STAFF_GROUPS:
            for user in User.objects.filter(pk__in=pk_set, is_staff=False, is_superuser=False):
                do_end_sessions(user=user)
    elif (
        not (instance.is_staff or instance.is_superuser)
        and Group.objects.filter(pk__in=pk_set, name__in=services.STAFF_GROUPS).exists()
    ):
        do_end_sessions(user=instance)


@receiver(post_save, sender=StaffMembership, dispatch_uid="second_factor_on_staff_membership")
def on_staff_membership(sender: Any, instance: StaffMembership, created: bool, **kwargs: Any) -> None:
    # Staff status is read on every request; only people without it hold a session that would not ask.
    if created and not (instance.user.is_staff or instance.user.is_superuser):
        do_end_sessions(user=instance.user)


@receiver(post_save, sender=EmployerMembership, dispatch_uid="second_factor_on_employer_membership")
def on_employer_membership(sender: Any, instance: EmployerMembership, created: bool, **kwargs: Any) -> None:
    # The same for employer HR staff: a membership given to someone without staff status ends their sessions.
    if created and not (instance.user.is_staff or instance.user.is_superuser):
        do_end_sessions(user=instance.user)
