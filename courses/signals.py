"""What the training app announces. Higher apps (certification, webhooks) connect receivers.

Both signals are sent from ``transaction.on_commit``, so a receiver sees committed rows and
nothing is announced for a transaction that rolled back. ``sender`` is ``courses.models.Enrolment``.

* ``enrolment_state_changed(enrolment, old_state, new_state)`` — every state transition.
* ``training_progress_changed(enrolment)`` — attendance, a remote module or confirmed
  self-study changed the hours done (ask ``courses.selectors.training_complete``).
"""

from django.dispatch import Signal

enrolment_state_changed = Signal()
training_progress_changed = Signal()
