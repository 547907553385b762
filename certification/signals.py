"""What certification announces; ``sender`` is ``Certificate``. Higher apps (the HR API) connect receivers.

The rule of every app (``core.signals``): a signal is sent after the transaction that made the change
commits, with ``send_robust`` (a failing receiver is logged and never undoes the change).

* ``certificate_issued(certificate)`` — a new certificate. A receiver must not miss it, so it is a
  *claimed announcement* (``services.CERTIFICATE_ISSUED``): after the issue commits, one transaction
  locks the certificate, sends the signal and sets ``Certificate.announced_at``, so what receivers
  write commits with the claim. The follow-up sweep (``services.do_sweep_follow_ups``) announces
  again the active certificates issued within its horizon whose claim is still empty, so receivers
  must be idempotent.
* ``certificate_status_changed(certificate, old_status, new_status, action, reason)`` — suspension,
  reinstatement, revocation, expiry, renewal (renewal keeps ``active`` but moves ``valid_until``).
  Sent after commit, not claimed.
"""

from django.dispatch import Signal

certificate_issued = Signal()
certificate_status_changed = Signal()
