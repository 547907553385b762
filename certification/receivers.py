"""Reactions to what the lower apps announce; connected in ``CertificationConfig.ready()``.

The lower apps send their signals from ``transaction.on_commit``, so the check task is enqueued
after the change is visible; ``delay_on_commit`` still defers it when a sender is inside an
outer transaction.
"""

from __future__ import annotations

from typing import Any


def on_enrolment_state_changed(sender: Any, enrolment: Any, old_state: str, new_state: str, **kwargs: Any) -> None:
    from . import tasks

    if new_state in ("approved", "in_training", "completed"):
        tasks.check_certification.delay_on_commit(enrolment.trainee_id)


def on_training_progress_changed(sender: Any, enrolment: Any, **kwargs: Any) -> None:
    from . import tasks

    tasks.check_certification.delay_on_commit(enrolment.trainee_id)


def on_result_published(sender: Any, result: Any, **kwargs: Any) -> None:
    from . import tasks

    from django.db import transaction

    # The result e-mail itself is the exams app's (with the breakdown): one mail per result, not two.
    # Sent inside the grading transaction: robust, so a broker outage at commit never stops the
    # grade's other after-commit work (its mail, its webhook deliveries).
    check = tasks.check_certification
    transaction.on_commit(lambda: check.delay(result.trainee_id), robust=not check.app.conf.task_always_eager)


def connect() -> None:
    from django.apps import apps
    from django.db.models.signals import post_migrate

    from courses import signals as course_signals
    from exams import signals as exam_signals

    from .permissions import grant_group_permissions

    post_migrate.connect(
        grant_group_permissions, sender=apps.get_app_config("certification"), dispatch_uid="cert-permissions"
    )

    course_signals.enrolment_state_changed.connect(on_enrolment_state_changed, dispatch_uid="cert-enrolment-state")
    course_signals.training_progress_changed.connect(on_training_progress_changed, dispatch_uid="cert-progress")
    exam_signals.result_published.connect(on_result_published, dispatch_uid="cert-result-published")
