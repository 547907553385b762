"""What the exams app announces. Higher apps (certification, the HR API) connect receivers.

* ``result_published(result)`` — a ``CourseResult`` became final (``passed`` is set). Sent from
  ``transaction.on_commit``, so receivers see the committed row; ``sender`` is ``CourseResult``.
"""

from django.dispatch import Signal

result_published = Signal()
