"""Reactions to what certification announces; connected in ``CareerConfig.ready()``.

A certificate issued, suspended, reinstated, revoked, expired or renewed may change whether its holder's
grade is backed: each receiver re-checks the holder's grade (``register.do_recheck_compliance``), which
flags or clears it once. ``certificate_issued`` is a claimed announcement, so the re-check commits with its
claim; ``certificate_status_changed`` is a plain after-commit signal, and a process killed before the
receiver ran is caught by the compliance sweep (``register.do_sweep_compliance``, beat).
"""

from __future__ import annotations

from typing import Any


def on_certificate_changed(sender: Any, certificate: Any, **kwargs: Any) -> None:
    from .services import register

    register.do_recheck_compliance(trainee_id=certificate.trainee_id)


def connect() -> None:
    from django.apps import apps

    from certification import signals as certification_signals
    from core.permissions import connect_group_permissions

    from .permissions import GROUP_PERMISSIONS

    certification_signals.certificate_issued.connect(
        on_certificate_changed, dispatch_uid="career_on_certificate_issued"
    )
    certification_signals.certificate_status_changed.connect(
        on_certificate_changed, dispatch_uid="career_on_certificate_status_changed"
    )
    connect_group_permissions(apps.get_app_config("career"), GROUP_PERMISSIONS)
