"""The catalogue of webhook events: what an endpoint may subscribe to (``WebhookEndpoint.events``).

Each is recorded by a receiver of a domain app's signal (:mod:`hr_api.receivers`):

- ``enrollment.status_changed`` — courses' ``enrolment_state_changed`` (a new enrolment too);
- ``exam.result_published`` — exams' ``result_published``;
- ``certificate.issued`` — certification's ``certificate_issued``, once per certificate and endpoint;
- ``certificate.status_changed`` — certification's ``certificate_status_changed``;
- ``manager.compliance_changed`` — career's ``compliance_changed``, once per compliance change (a
  ``ComplianceEvent``) and endpoint: a grade no longer backed by a certificate (``compliant`` false), or
  backed again. Its data: ``compliance_event`` (the change's id), ``employee``, ``employee_number``,
  ``manager_class``, ``level``, ``compliant``, ``occurred_at``.

Each event tells of rows of a REST resource, so it needs that resource's scope besides ``webhooks``
(:data:`EVENT_SCOPES`): an endpoint subscribes to it only with a token that has that scope too, and a
delivery is recorded and sent only while one of the employer's active clients still has it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from hr_api.models import WebhookEndpoint

EVENTS = [e.value for e in WebhookEndpoint.Event]

_Event = WebhookEndpoint.Event

#: The scope of the REST resource whose rows each event reveals (its ``GET``'s): subscribing needs it too
#: (besides ``webhooks``), and so does each delivery. Every event of :data:`EVENTS` has one (a test checks).
EVENT_SCOPES: dict[str, str] = {
    _Event.ENROLLMENT_STATUS_CHANGED.value: "read",  # /api/v1/enrollments/
    _Event.EXAM_RESULT_PUBLISHED.value: "read",  # /api/v1/exam-results/
    _Event.CERTIFICATE_ISSUED.value: "read",  # /api/v1/certificates/
    _Event.CERTIFICATE_STATUS_CHANGED.value: "read",  # /api/v1/certificates/
    _Event.MANAGER_COMPLIANCE_CHANGED.value: "managers",  # /api/v1/managers/
}

#: What each event is called on the program office's pages (admin), in the page's language; the API and the
#: deliveries name an event by its name. Every event of :data:`EVENTS` has one (a test checks).
EVENT_LABELS = {
    _Event.ENROLLMENT_STATUS_CHANGED.value: _("enrolment state changed"),
    _Event.EXAM_RESULT_PUBLISHED.value: _("exam result published"),
    _Event.CERTIFICATE_ISSUED.value: _("certificate issued"),
    _Event.CERTIFICATE_STATUS_CHANGED.value: _("certificate status changed"),
    _Event.MANAGER_COMPLIANCE_CHANGED.value: _("manager compliance changed"),
}
