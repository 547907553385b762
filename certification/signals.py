"""What certification announces (sent from ``transaction.on_commit``; sender is ``Certificate``).

* ``certificate_issued(certificate)`` — a new certificate.
* ``certificate_status_changed(certificate, old_status, new_status, action, reason)`` — suspension,
  reinstatement, revocation, expiry, renewal (renewal keeps ``active`` but moves ``valid_until``).
"""

from django.dispatch import Signal

certificate_issued = Signal()
certificate_status_changed = Signal()
