"""What a trainee can do after a published result: the next step the result page and the result e-mail name.

Whether and when the trainee may sit the paper again is the rule of the trainee's standing that My exams applies to
each sitting (``attempts.check_standing``, part of ``attempts.check_start_attempt``), in its words ("You may retake
this exam from …", "You have used all 3 attempts."): one rule, one wording, the date in the portal's time zone as My
exams writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Institution

from ..models import Attempt
from . import ExamError, attempts

#: ``NextStep.code`` besides ``attempts.check_standing``'s refusal codes (``retake_wait``, ``attempts_used_up``,
#: ``already_passed``, ``result_pending``).
PASSED = "passed"
MAY_RETAKE = "may_retake"


@dataclass(frozen=True)
class NextStep:
    """``code``: :data:`PASSED`, :data:`MAY_RETAKE` or the start rule's refusal code; ``rule``: that refusal in
    the active language ("" without one); ``attempts_left``: finished attempts not yet counted against the paper's
    maximum; ``institution``: the attempt's training institution, whom a trainee without attempts asks."""

    code: str
    rule: str = ""
    attempts_left: int = 0
    institution: Institution | None = None

    @property
    def passed(self) -> bool:
        """The course is passed (by this attempt or a later one): the certificate is what comes next."""
        return self.code in (PASSED, "already_passed")

    @property
    def may_retake(self) -> bool:
        """Another attempt is allowed, now or from the date ``rule`` names."""
        return self.code in (MAY_RETAKE, "retake_wait")


def after_result(*, attempt_id: int, passed: bool, now: datetime.datetime | None = None) -> NextStep:
    """The next step after the published result of the attempt, as things stand ``now``; texts in the active
    language (call it under ``translation.override`` for a mail)."""
    if passed:
        return NextStep(PASSED)
    now = now or timezone.now()
    attempt = Attempt.objects.select_related("paper", "sitting__cohort__institution").get(pk=attempt_id)
    paper = attempt.paper
    standing = attempts.standing_of(trainee_id=attempt.trainee_id, paper_id=paper.pk)
    left = attempts.attempts_left(paper=paper, standing=standing)  # as the instructions count them
    # The trainee's standing alone: a closed window or an ended enrolment is about one sitting, not about when the
    # paper may be sat again (My exams says so per sitting).
    try:
        attempts.check_standing(paper=paper, standing=standing, now=now)
    except ExamError as error:
        return NextStep(error.code, str(error), left, attempt.sitting.cohort.institution)
    return NextStep(MAY_RETAKE, "", left, attempt.sitting.cohort.institution)
