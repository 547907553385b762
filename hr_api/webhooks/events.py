"""The catalogue of webhook events: what an endpoint may subscribe to (``WebhookEndpoint.events``).

Each is recorded by a receiver of a domain app's signal (:mod:`hr_api.receivers`):

- ``enrollment.status_changed`` — courses' ``enrolment_state_changed`` (a new enrolment too);
- ``exam.result_published`` — exams' ``result_published``;
- ``certificate.issued`` — certification's ``certificate_issued``, once per certificate and endpoint;
- ``certificate.status_changed`` — certification's ``certificate_status_changed``;
- ``manager.compliance_changed`` — career's ``compliance_changed``, once per compliance change (a
  ``ComplianceEvent``) and endpoint: a grade no longer backed by a certificate (``compliant`` false), or
  backed again. Its data: ``compliance_event`` (the change's id), ``employee``, ``employee_number``,
  ``manager_class``, ``level``, ``compliant``, ``occurred_at``. An endpoint subscribes to it only with a
  token that also has the scope ``managers`` (:data:`EVENT_SCOPES`).
"""

from __future__ import annotations

from hr_api.models import WebhookEndpoint

EVENTS = [e.value for e in WebhookEndpoint.Event]

# Events about rows a scope of their own guards: subscribing needs that scope too (besides ``webhooks``).
EVENT_SCOPES = {WebhookEndpoint.Event.MANAGER_COMPLIANCE_CHANGED.value: "managers"}
