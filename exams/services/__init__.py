"""Every write of the exams app, one module per concern; views, admin, tasks and the demo call them.

* :mod:`~exams.services.question_bank` — questions and their versions;
* :mod:`~exams.services.attempts` — sittings, attempts, answers, submitting;
* :mod:`~exams.services.grading` — scores, results and their publication, essays, the grading sweep.

Each refusal raises :class:`ExamError` with a stable ``code`` (views map it to an HTTP status) and a
translatable message.

Locks: submitting locks the attempt row (``select_for_update``); grading claims the attempt
with a conditional ``UPDATE … WHERE state='submitted'`` so a re-delivered or concurrent task
finds nothing to do; an essay grade locks the attempt row before it may finalize the result.
The server's clock is the only clock: every deadline comparison uses ``timezone.now()``.
"""

from __future__ import annotations

from core.errors import DomainError


class ExamError(DomainError):
    """An exam rule refused the request.

    Codes: bad_question, retired, not_authorized, foreign_cohort, course_not_in_curriculum,
    bad_window, not_eligible, not_open_yet, window_closed, already_passed, attempts_used_up,
    retake_wait, result_pending, bank_short, not_found, not_in_attempt, bad_answer, too_long,
    time_up, already_submitted, not_essay, bad_score, not_yours, final, cohort_finished, bad_place,
    duplicate, has_attempts, control_character, publishes, short_window, bad_json, not_an_object, bad_position,
    not_time_up.
    """
