"""Webhooks: signed events for the employers' systems, recorded per endpoint, delivered from Celery.

- :mod:`.events` the catalogue of events an endpoint may subscribe to;
- :mod:`.signing` secrets and signatures (Standard Webhooks);
- :mod:`.endpoints` registering an endpoint and vetting its URL;
- :mod:`.deliveries` recording an event per endpoint and each attempt to deliver it, with back-off;
- :mod:`.sweep` the beat job that enqueues again the deliveries the broker lost.

The receivers of the domain apps' signals that record events are :mod:`hr_api.receivers`.

Signed by the Standard Webhooks specification (https://www.standardwebhooks.com/), so a receiver
can check a delivery with that specification's libraries (``standardwebhooks`` on PyPI, npm …):
the body is the JSON of ``{"id", "type", "created_at", "data"}``; ``Webhook-Id`` is the event id
(for de-duplication), ``Webhook-Timestamp`` Unix seconds, and ``Webhook-Signature`` is
``v1,<base64>`` of the HMAC-SHA256 of ``"<id>.<timestamp>.<body>"``, keyed with the bytes that
the endpoint's secret ``whsec_<base64>`` encodes. Receivers refuse a timestamp more than five
minutes from their clock (the libraries do). README.md, "Verify a webhook", shows the check.

Endpoint URLs are vetted by :mod:`accounts.outbound` when they are registered or changed and again
before every attempt (DNS changes), and each attempt connects to the address just vetted. A URL the
rule refuses fails its delivery at once, without retries, with the reason in ``last_error``.

Delivery is at least once: every attempt of one event carries the same ``Webhook-Id``. Attempts
time out after ``WEBHOOK_TIMEOUT_SECONDS`` and back off exponentially; they run on their own
``webhooks`` queue so that a receiver that hangs never holds up grading; a pending delivery whose
queued retry the broker lost is enqueued again by :func:`hr_api.webhooks.sweep.do_sweep_deliveries` (beat).
"""
