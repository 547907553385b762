"""The catalogue of webhook events: what an endpoint may subscribe to (``WebhookEndpoint.events``).

Each is recorded by a receiver of a domain app's signal (:mod:`hr_api.receivers`):

- ``enrollment.status_changed`` — courses' ``enrolment_state_changed`` (a new enrolment too);
- ``exam.result_published`` — exams' ``result_published``;
- ``certificate.issued`` — certification's ``certificate_issued``, once per certificate and endpoint;
- ``certificate.status_changed`` — certification's ``certificate_status_changed``.
"""

from __future__ import annotations

from hr_api.models import WebhookEndpoint

EVENTS = [e.value for e in WebhookEndpoint.Event]
