"""An essay grade given in admin is in the audit trail: grader, institution, old and new score."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from exams.models import AttemptQuestion, EssayAnswer, QuestionType
from exams.services import attempts, grading
from tests.exams.conftest import make_paper, open_sitting
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


def test_a_grade_changed_again_is_recorded_with_its_old_score_for_the_sittings_institution(
    world, program_office, django_capture_on_commit_callbacks
):
    """The program office grades an essay of inst-a's sitting (it belongs to no institution), then
    changes the grade before the other essay is graded: each change is in the trail, under inst-a."""
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[2].course, essay=True, per_row=2)
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=open_sitting(paper, world.cohort))
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    essay = attempt.items.filter(question__question_type=QuestionType.ESSAY).order_by("position").first()
    grading.do_grade_essay(item_id=essay.pk, grader=program_office, score=Decimal(4))
    grading.do_grade_essay(item_id=essay.pk, grader=program_office, score=Decimal("6.5"))
    first, changed = AuditEvent.objects.filter(action="grade_changed").order_by("pk")
    for event in (first, changed):
        assert (event.actor_id, event.actor_label) == (program_office.pk, program_office.email)
        assert event.institution_id == world.inst_a.pk
        assert (event.object_type, event.object_id) == (AttemptQuestion._meta.label, str(essay.pk))
    assert first.summary == f"attempt {attempt.pk}: None -> 4"
    assert first.detail == {"attempt_id": attempt.pk, "old_score": None, "new_score": "4"}
    assert changed.summary == f"attempt {attempt.pk}: 4.00 -> 6.5"
    assert changed.detail == {"attempt_id": attempt.pk, "old_score": "4.00", "new_score": "6.5"}
