"""Reactions to what certification announces; connected in ``CareerConfig.ready()``.

A certificate issued, suspended, reinstated, revoked, expired or renewed may change whether its holder's
grade is backed: each receiver re-checks the holder's grade (``register.do_recheck_compliance``), which
flags or clears it once. ``certificate_issued`` is a claimed announcement, so the re-check commits with its
claim; ``certificate_status_changed`` is a plain after-commit signal, and a process killed before the
receiver ran is caught by the compliance sweep (``register.do_sweep_compliance``, beat).

A person who leaves their employer leaves its register: their grade there ends (``register.do_end_grades``)
when they move to another bank (``accounts.signals.stand_in_replaced``, in the move's transaction: the grade of
the very profile they leave behind) or their account is deactivated (``accounts.signals.user_deactivated``, after
commit: the employer's HR system or staff, the program office); a process killed before that receiver ran is
caught by the compliance sweep, which ends the grades of inactive holders.
"""

from __future__ import annotations

from typing import Any


def on_certificate_changed(sender: Any, certificate: Any, **kwargs: Any) -> None:
    from .services import register

    register.do_recheck_compliance(trainee_id=certificate.trainee_id)


def on_stand_in_replaced(sender: Any, stand_in: Any, person: Any, former_id: int | None = None, **kwargs: Any) -> None:
    if former_id is None:
        return  # nothing left behind at a former employer
    from .services import register

    register.do_end_grades_of_leaver(profile_id=former_id)


def on_user_deactivated(sender: Any, user: Any, **kwargs: Any) -> None:
    from .services import register

    register.do_end_grades_of_deactivated(user_id=user.pk)


def connect() -> None:
    from django.apps import apps

    from accounts import signals as accounts_signals
    from certification import signals as certification_signals
    from core.permissions import connect_group_permissions

    from .permissions import GROUP_PERMISSIONS

    certification_signals.certificate_issued.connect(
        on_certificate_changed, dispatch_uid="career_on_certificate_issued"
    )
    certification_signals.certificate_status_changed.connect(
        on_certificate_changed, dispatch_uid="career_on_certificate_status_changed"
    )
    accounts_signals.stand_in_replaced.connect(on_stand_in_replaced, dispatch_uid="career_end_grade_of_leaver")
    accounts_signals.user_deactivated.connect(on_user_deactivated, dispatch_uid="career_end_grade_of_deactivated")

    connect_group_permissions(apps.get_app_config("career"), GROUP_PERMISSIONS)
