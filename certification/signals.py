"""What certification announces (after the change commits; sender is ``Certificate``).

* ``certificate_issued(certificate)`` — a new certificate. Sent by ``services.do_announce_issued``
  after the issue commits, inside its own transaction holding the certificate's row lock; sent
  again (by the follow-up sweep) only when that was lost and no ``certificate.issued`` webhook
  delivery of it was recorded.
* ``certificate_status_changed(certificate, old_status, new_status, action, reason)`` — suspension,
  reinstatement, revocation, expiry, renewal (renewal keeps ``active`` but moves ``valid_until``).
"""

from django.dispatch import Signal

certificate_issued = Signal()
certificate_status_changed = Signal()
