"""What the exams app announces. Higher apps (certification, the HR API) connect receivers.

* ``result_published(result)`` — a ``CourseResult`` became final (``passed`` is set). Sent inside
  the grading transaction (``send_robust``: a failing receiver is logged), so rows a receiver writes
  commit with the result; receivers enqueue work with ``delay_on_commit``. ``sender`` is ``CourseResult``.
"""

from django.dispatch import Signal

result_published = Signal()
