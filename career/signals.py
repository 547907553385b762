"""What the career register announces; ``sender`` is ``ComplianceEvent``. Higher apps (the HR API) connect
receivers.

* ``compliance_changed(event)`` — a manager's grade became non-compliant (its certificate no longer
  backs it) or compliant again. ``event`` is the :class:`~career.models.ComplianceEvent` row: ``event.grade``
  (with ``employer`` and ``employee``), ``event.compliant``, ``event.occurred_at``. A bank must not miss
  it, so it is a *claimed announcement* (``core.signals``; ``services.COMPLIANCE_CHANGED``): after the
  change commits, one transaction locks the event, sends the signal and sets ``ComplianceEvent.announced_at``;
  the compliance sweep (``services.do_sweep_compliance``) announces again the events whose claim is still
  empty. Receivers must be idempotent (key on ``event.pk``).
"""

from django.dispatch import Signal

compliance_changed = Signal()
