"""What accounts does when people log in, fail to, log out, or are deactivated.

Log-ins start the session clocks of :class:`accounts.middleware.SessionExpiryMiddleware`; every
one of these events goes to the audit trail. A user saved inactive loses every session at once,
whoever deactivated them (admin, a command; the HR API only its placeholders), and the apps above hear of it once it
commits (``accounts.signals.user_deactivated``).
"""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from import_export.signals import post_export, post_import

from core.signals import send_after_commit

from . import audit, signals
from .identifiers import normalize_email
from .middleware import AUTH_AT, SEEN_AT
from .models import TraineeProfile, User
from .services import do_end_sessions


@receiver(user_logged_in, dispatch_uid="accounts_audit_login")
def on_logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[AUTH_AT] = request.session[SEEN_AT] = time.time()
    audit.record(audit.Action.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="accounts_audit_logout")
def on_logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit.record(audit.Action.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="accounts_audit_login_failed")
def on_login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    username = normalize_email(credentials.get("username") or credentials.get("email"))  # as the lock-out counts it
    audit.record(audit.Action.LOGIN_FAILED, actor_label=username or "anonymous", request=request)


@receiver(user_locked_out, dispatch_uid="accounts_audit_locked_out")
def on_locked_out(
    sender: Any, request: Any, username: str | None = None, ip_address: str | None = None, **kwargs: Any
) -> None:
    audit.record(
        audit.Action.LOCKED_OUT,
        actor_label=username or "anonymous",
        request=request,
        detail={"ip_address": ip_address or ""},
    )


@receiver(post_save, sender=User, dispatch_uid="accounts_end_sessions_of_inactive")
def on_user_saved(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    stored = getattr(instance, "_stored_is_active", None)
    if created or instance.is_active:
        instance._stored_is_active = instance.is_active
        if not created and stored is False:
            _mark_employee_row(instance, active=True)
        return
    if stored is False:
        return  # was inactive already: no session to end, nothing new to record
    do_end_sessions(user=instance)
    audit.record(audit.Action.USER_DEACTIVATED, target=instance, summary=instance.email)
    _mark_employee_row(instance, active=False)
    instance._stored_is_active = False
    send_after_commit(signals.user_deactivated, sender=User, user=instance)


def _mark_employee_row(user: User, *, active: bool) -> None:
    """Whoever switched the account (the user admin, a command) says why its trainee profile is inactive, which decides
    who may reactivate it (``TraineeProfile.deactivated_by``, read by accounts.employees.do_reactivate_employee). A
    deactivation the employer's HR system makes has said so before saving the account (accounts.employees), and is left
    as it is; an account switched on again leaves its profile with no reason to be inactive."""
    rows = TraineeProfile.objects.filter(user=user)
    if active:
        rows.exclude(deactivated_by="").update(deactivated_by="", left_by=None)
    else:
        rows.filter(deactivated_by="").update(deactivated_by=TraineeProfile.Deactivation.ACCOUNT)


def _record_admin_transfer(action: audit.Action, model: Any) -> None:
    """An admin export or import in the audit trail, with the model it moved."""
    label = model._meta.label if model else ""
    audit.record(action, summary=label, detail={"model": label})


@receiver(post_export, dispatch_uid="accounts_audit_export")
def on_admin_export(sender: Any, model: Any = None, **kwargs: Any) -> None:
    _record_admin_transfer(audit.Action.ADMIN_EXPORT, model)


@receiver(post_import, dispatch_uid="accounts_audit_import")
def on_admin_import(sender: Any, model: Any = None, **kwargs: Any) -> None:
    _record_admin_transfer(audit.Action.ADMIN_IMPORT, model)
