"""What the exams app announces. Higher apps (certification, the HR API) connect receivers.

The rule of every app (``core.signals``): a signal is sent after the transaction that made the change
commits, with ``send_robust`` (a failing receiver is logged and never undoes the change).

* ``result_published(result)`` — a ``CourseResult`` became final (``passed`` is set); ``sender`` is
  ``CourseResult``. A receiver must not miss it, so it is a *claimed announcement*
  (``services.grading.RESULT_PUBLISHED``): after the grading commits, one transaction locks the
  result, sends the signal and sets ``CourseResult.announced_at``, so what receivers write commits
  with the claim. ``services.grading.do_sweep_grading`` announces again the published results whose
  claim is still empty, so receivers must be idempotent; they enqueue their work with
  ``core.tasks.enqueue_on_commit``.
"""

from django.dispatch import Signal

result_published = Signal()
