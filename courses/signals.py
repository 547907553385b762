"""What the training app announces. Higher apps (certification, webhooks) connect receivers.

The rule of every app (``core.signals``): both signals are sent after the transaction that made the
change commits (``send_after_commit``), with ``send_robust``: a receiver sees committed rows, nothing
is announced for a transaction that rolled back, and a failing receiver is logged and never undoes
the change. Neither is a claimed announcement (``core.signals``, rule 3): a process killed between the
commit and the sending loses it. ``sender`` is ``courses.models.Enrolment``.

* ``enrolment_state_changed(enrolment, old_state, new_state)`` — every state transition.
* ``training_progress_changed(enrolment)`` — attendance, a remote module or confirmed
  self-study changed the hours done (ask ``courses.selectors.training_complete``).
"""

from django.dispatch import Signal

enrolment_state_changed = Signal()
training_progress_changed = Signal()
