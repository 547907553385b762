"""Reactions to what the lower apps announce; connected in ``CertificationConfig.ready()``.

Every signal arrives after the change committed (``core.signals``). ``result_published`` is a claimed
announcement: it may come again for the same result (the grading sweep announces one whose claim was
lost), so ``on_result_published`` is idempotent. A passed result leaves a ``PendingCheck`` row in the
announcing transaction, committed with its claim, for the follow-up sweep
(``services.do_sweep_follow_ups``) when the enqueued check is lost.
"""

from __future__ import annotations

from typing import Any

from core.tasks import enqueue_on_commit


def on_enrolment_state_changed(sender: Any, enrolment: Any, old_state: str, new_state: str, **kwargs: Any) -> None:
    from courses.models import Enrolment

    from . import tasks

    if new_state in Enrolment.ADMITTED_STATES:
        enqueue_on_commit(tasks.check_certification, enrolment.trainee_id)


def on_training_progress_changed(sender: Any, enrolment: Any, **kwargs: Any) -> None:
    from . import tasks

    enqueue_on_commit(tasks.check_certification, enrolment.trainee_id)


def on_result_published(sender: Any, result: Any, **kwargs: Any) -> None:
    from core.tasks import enqueue_on_commit

    from . import tasks
    from .models import PendingCheck

    # The result e-mail itself is the exams app's (with the breakdown): one mail per result, not two.
    # Enqueued with core's enqueue_on_commit: a broker outage at commit is logged, never raised into the
    # announcing transaction's caller; the PendingCheck row is what the sweep finds again. Only a
    # pass can earn a certificate: a failed result enqueues no check (a task and a broker round trip
    # per failed grade, issue 9) and leaves no row for the sweep.
    if not result.passed:
        return
    # One statement, no savepoint; a second announcement of the same result finds the row there.
    PendingCheck.objects.bulk_create(
        [PendingCheck(result_id=result.pk, trainee_id=result.trainee_id)], ignore_conflicts=True
    )
    enqueue_on_commit(tasks.check_certification, result.trainee_id)


def connect() -> None:
    from django.apps import apps

    from core.permissions import connect_group_permissions
    from courses import signals as course_signals
    from exams import signals as exam_signals

    from .permissions import GROUP_PERMISSIONS

    connect_group_permissions(apps.get_app_config("certification"), GROUP_PERMISSIONS)

    course_signals.enrolment_state_changed.connect(on_enrolment_state_changed, dispatch_uid="cert-enrolment-state")
    course_signals.training_progress_changed.connect(on_training_progress_changed, dispatch_uid="cert-progress")
    exam_signals.result_published.connect(on_result_published, dispatch_uid="cert-result-published")
