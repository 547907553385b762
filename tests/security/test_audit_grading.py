"""An essay grade given in admin is in the audit trail: grader, institution, old and new score."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from exams.models import EssayAnswer
from exams.services import attempts
from tests.exams.test_grading import answer_all, submit

pytestmark = pytest.mark.django_db


def test_an_essay_grade_is_recorded_with_grader_institution_and_scores(
    essay_world,
    grader_a,
    django_capture_on_commit_callbacks,
):
    attempt = attempts.do_start_attempt(trainee=essay_world.alice, sitting=essay_world.essay_sitting)
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    essay = EssayAnswer.objects.get(attempt=attempt)
    with django_capture_on_commit_callbacks(execute=True):
        response = grader_a.post(
            reverse("admin:exams_essayanswer_change", args=[essay.pk]), {"score": "7", "grader_note": ""}
        )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="grade_changed")
    assert event.actor_id == grader_a.user.pk and event.institution_id == essay_world.inst_a.pk
    assert event.detail["attempt_id"] == attempt.pk
    assert event.detail["old_score"] is None and event.detail["new_score"] == "7"
    assert event.request_id
