"""Webhook events from the domain apps' signals (connected in ``HrApiConfig.ready()``).

Each receiver finds the employer of the person concerned and records one delivery per endpoint
that wants the event (hr_api.webhooks.events); Celery sends them after commit, so the caller never
waits. A signal may come more than once for the same thing (certification's sweep announces again
a certificate whose announcement it finds unclaimed): ``certificate.issued`` is recorded once per
certificate and endpoint, ``exam.result_published`` once per publication of a result and endpoint,
however often they come; ``manager.compliance_changed`` once per compliance change of a grade (career's
``ComplianceEvent``, which its sweep may announce again) and endpoint.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from accounts.models import TraineeProfile

from . import tasks  # noqa: F401 - registers the delivery task in every process
from .webhooks.deliveries import Once, emit

log = logging.getLogger(__name__)


def _never_fail(receiver):
    """A webhook problem must not turn the caller's committed change into an error answer."""

    @functools.wraps(receiver)
    def wrapper(*args, **kwargs):
        try:
            receiver(*args, **kwargs)
        except Exception:
            log.exception("Could not record webhook deliveries in %s", receiver.__name__)

    return wrapper


def _emit_about_trainee(
    trainee_id: int, event: str, data: Callable[[dict[str, Any]], dict[str, Any]], once: Once | None = None
) -> None:
    """Record ``event`` for the employer of the trainee; nothing when the user has no trainee profile.

    ``data`` builds the payload from the employee's fields (``employee``, ``employee_number``).
    """
    profile = TraineeProfile.objects.filter(user_id=trainee_id).only("pk", "employer_id", "employee_number").first()
    if profile is None:
        return
    employee = {"employee": profile.pk, "employee_number": profile.employee_number}
    emit(employer_id=profile.employer_id, event=event, data=data(employee), once=once)


@_never_fail
def on_enrolment_state_changed(sender, enrolment, old_state, new_state, **kwargs) -> None:
    _emit_about_trainee(
        enrolment.trainee_id,
        "enrollment.status_changed",
        lambda employee: {
            "enrollment": enrolment.pk,
            **employee,
            "cohort": enrolment.cohort_id,
            "old_state": old_state or None,  # null on creation: there was no state before
            "new_state": new_state,
        },
    )


@_never_fail
def on_result_published(sender, result, **kwargs) -> None:
    _emit_about_trainee(
        result.trainee_id,
        "exam.result_published",
        lambda employee: {
            "exam_result": result.pk,
            **employee,
            "course": result.course.code,
            "passed": result.passed,
            "score": result.score,
            "max_score": result.max_score,
            "published_at": result.published_at,
        },
        # Once per publication: a result published again (a new published_at) is a new event.
        once=Once(key="exam_result", since=result.published_at) if result.published_at else None,
    )


def _certificate_data(certificate, employee: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "number": certificate.number,
        **employee,
        "tier": certificate.tier.code,
        "track": certificate.track.code if certificate.track_id else None,
        "status": certificate.status,
        "valid_until": certificate.valid_until,
        **changes,
    }


@_never_fail
def on_certificate_issued(sender, certificate, **kwargs) -> None:
    _emit_about_trainee(
        certificate.trainee_id,
        "certificate.issued",
        lambda employee: _certificate_data(certificate, employee),
        once=Once(key="number", since=certificate.created_at),
    )


@_never_fail
def on_certificate_status_changed(sender, certificate, old_status, new_status, **kwargs) -> None:
    _emit_about_trainee(
        certificate.trainee_id,
        "certificate.status_changed",
        lambda employee: _certificate_data(
            certificate,
            employee,
            old_status=old_status or None,
            new_status=new_status,
            action=kwargs.get("action", ""),
        ),
    )


@_never_fail
def on_compliance_changed(sender, event, **kwargs) -> None:
    """To the employer whose register holds the grade (``event.grade`` comes with its employee)."""
    grade = event.grade
    emit(
        employer_id=grade.employer_id,
        event="manager.compliance_changed",
        data={
            "compliance_event": event.pk,
            "employee": grade.employee.pk,
            "employee_number": grade.employee.employee_number,
            "manager_class": event.manager_class,
            "level": event.level,
            "compliant": event.compliant,
            "occurred_at": event.occurred_at,
        },
        once=Once(key="compliance_event", since=event.occurred_at),
    )


def connect() -> None:
    from career.signals import compliance_changed
    from certification.signals import certificate_issued, certificate_status_changed
    from courses.signals import enrolment_state_changed
    from exams.signals import result_published

    enrolment_state_changed.connect(on_enrolment_state_changed, dispatch_uid="api_webhook_enrolment")
    result_published.connect(on_result_published, dispatch_uid="api_webhook_result")
    certificate_issued.connect(on_certificate_issued, dispatch_uid="api_webhook_certificate_issued")
    certificate_status_changed.connect(on_certificate_status_changed, dispatch_uid="api_webhook_certificate_status")
    compliance_changed.connect(on_compliance_changed, dispatch_uid="api_webhook_manager_compliance")
