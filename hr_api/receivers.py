"""Webhook events from the domain apps' signals (connected in ``HrApiConfig.ready()``).

Each receiver finds the employer of the person concerned and records one delivery per endpoint
that wants the event (hr_api.webhooks.events); Celery sends them after commit, so the caller never
waits. A signal may come more than once for the same thing (certification's sweep announces again
a certificate whose announcement it finds unclaimed): ``certificate.issued`` is recorded once per
certificate and endpoint, ``exam.result_published`` once per publication of a result and endpoint,
however often they come.
"""

from __future__ import annotations

import functools
import logging

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


def _profile(user_id: int) -> TraineeProfile | None:
    return TraineeProfile.objects.filter(user_id=user_id).only("pk", "employer_id", "employee_number").first()


def _employee(profile: TraineeProfile) -> dict:
    return {"employee": profile.pk, "employee_number": profile.employee_number}


@_never_fail
def on_enrolment_state_changed(sender, enrolment, old_state, new_state, **kwargs) -> None:
    profile = _profile(enrolment.trainee_id)
    if profile is None:
        return
    emit(
        employer_id=profile.employer_id,
        event="enrollment.status_changed",
        data={
            "enrollment": enrolment.pk,
            **_employee(profile),
            "cohort": enrolment.cohort_id,
            "old_state": old_state or None,  # null on creation: there was no state before
            "new_state": new_state,
        },
    )


@_never_fail
def on_result_published(sender, result, **kwargs) -> None:
    profile = _profile(result.trainee_id)
    if profile is None:
        return
    emit(
        employer_id=profile.employer_id,
        event="exam.result_published",
        data={
            "exam_result": result.pk,
            **_employee(profile),
            "course": result.course.code,
            "passed": result.passed,
            "score": result.score,
            "max_score": result.max_score,
            "published_at": result.published_at,
        },
        # Once per publication: a result published again (a new published_at) is a new event.
        once=Once(key="exam_result", since=result.published_at) if result.published_at else None,
    )


def _certificate_data(certificate, profile) -> dict:
    return {
        "number": certificate.number,
        **_employee(profile),
        "tier": certificate.tier.code,
        "track": certificate.track.code if certificate.track_id else None,
        "status": certificate.status,
        "valid_until": certificate.valid_until,
    }


@_never_fail
def on_certificate_issued(sender, certificate, **kwargs) -> None:
    profile = _profile(certificate.trainee_id)
    if profile is None:
        return
    emit(
        employer_id=profile.employer_id,
        event="certificate.issued",
        data=_certificate_data(certificate, profile),
        once=Once(key="number", since=certificate.created_at),
    )


@_never_fail
def on_certificate_status_changed(sender, certificate, old_status, new_status, **kwargs) -> None:
    profile = _profile(certificate.trainee_id)
    if profile is None:
        return
    data = _certificate_data(certificate, profile)
    data.update(old_status=old_status or None, new_status=new_status, action=kwargs.get("action", ""))
    emit(employer_id=profile.employer_id, event="certificate.status_changed", data=data)


def connect() -> None:
    from certification.signals import certificate_issued, certificate_status_changed
    from courses.signals import enrolment_state_changed
    from exams.signals import result_published

    enrolment_state_changed.connect(on_enrolment_state_changed, dispatch_uid="api_webhook_enrolment")
    result_published.connect(on_result_published, dispatch_uid="api_webhook_result")
    certificate_issued.connect(on_certificate_issued, dispatch_uid="api_webhook_certificate_issued")
    certificate_status_changed.connect(on_certificate_status_changed, dispatch_uid="api_webhook_certificate_status")
