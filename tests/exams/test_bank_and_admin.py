"""The program office's bank (versions, import/export) and the institutions' sittings in admin."""

from __future__ import annotations

import datetime

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exams import imports
from exams.models import AttemptQuestion, Question, QuestionType, Sitting
from exams.services import ExamError, attempts, question_bank
from tests.imports.rows import question_row

from .conftest import make_question

pytestmark = pytest.mark.django_db


def test_it_refuses_a_choice_question_without_a_correct_option(world):
    with pytest.raises(ExamError) as refused:
        question_bank.do_create_question(data={
            "course_id": world.course.pk, "knowledge_area": "law", "difficulty": 2, "question_type": "single",
            "text_zh": "題", "text_en": "Q",
            "options": [{"key": "A", "zh": "甲", "en": "a"}, {"key": "B", "zh": "乙", "en": "b"}],
            "correct": [], "max_score": 1,
        })  # fmt: skip
    assert refused.value.code == "bad_question"


def test_editing_an_unshown_question_changes_it_in_place(world):
    question = make_question(world.course)
    saved = question_bank.do_revise_question(question_id=question.pk, changes={"text_en": "Better wording"})
    assert saved.pk == question.pk and saved.version == 1 and saved.text_en == "Better wording"


def test_editing_a_shown_question_makes_a_new_version_and_the_attempt_keeps_the_old(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    shown = AttemptQuestion.objects.filter(attempt=attempt).select_related("question").first().question
    saved = question_bank.do_revise_question(question_id=shown.pk, changes={"text_en": "Changed after it was shown"})
    assert saved.pk != shown.pk and saved.family == shown.family and saved.version == shown.version + 1
    shown.refresh_from_db()
    assert shown.text_en != "Changed after it was shown" and shown.status == Question.Status.RETIRED
    assert AttemptQuestion.objects.filter(attempt=attempt, question=shown).exists()


def test_the_admin_save_of_a_shown_question_makes_a_new_version(world, office):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    shown = attempt.items.select_related("question").get(question__question_type=QuestionType.SINGLE).question
    url = reverse("admin:exams_question_change", args=[shown.pk])
    form = {
        "course": shown.course_id, "knowledge_area": shown.knowledge_area, "difficulty": shown.difficulty,
        "question_type": shown.question_type, "status": shown.status, "text_zh": "新題目", "text_en": shown.text_en,
        "options_zh": "\n".join(o["zh"] for o in shown.options),
        "options_en": "\n".join(o["en"] for o in shown.options), "correct": "B",
        "rubric_zh": "", "rubric_en": "", "max_score": "1",
    }  # fmt: skip
    assert office.post(url, form).status_code == 302
    shown.refresh_from_db()
    assert shown.text_zh == "題目0" or shown.text_zh.startswith("題目")
    assert Question.objects.get(family=shown.family, version=shown.version + 1).text_zh == "新題目"


def csv_upload(rows: list[list]) -> SimpleUploadedFile:
    data = tablib.Dataset(headers=imports.HEADERS)
    for row in rows:
        data.append(row)
    return SimpleUploadedFile("questions.csv", data.export("csv").encode("utf-8"), content_type="text/csv")


def row(course_code, **kw) -> list:
    """The import tests' valid question row (tests/imports/rows.py), named "Imported", as a file's cells."""
    values = question_row(course_code, text_zh="匯入題", text_en="Imported", correct="B") | kw
    return [values[h] for h in imports.HEADERS]


def test_the_import_is_all_or_nothing_with_row_errors(world, office):
    before = Question.objects.count()
    upload = csv_upload([row(world.course.code), row("NOPE"), row(world.course.code, correct="Z")])
    response = office.post(reverse("admin:exams_question_import"), {"file": upload})
    body = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in body
    assert Question.objects.count() == before
    data = tablib.Dataset(headers=imports.HEADERS)
    for r in (row(world.course.code), row("NOPE"), row(world.course.code, correct="Z")):
        data.append(r)
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_questions(data)
    assert [number for number, _message in refused.value.errors] == [3, 4]
    assert "NOPE" in refused.value.errors[0][1]
    assert Question.objects.count() == before


def test_the_import_creates_questions_and_an_export_round_trips(world, office):
    upload = csv_upload(
        [
            row(world.course.code),
            row(
                world.course.code,
                type="essay",
                options_zh="",
                options_en="",
                correct="",
                rubric_zh="評分",
                rubric_en="Rubric",
                max_score=5,
            ),
        ]
    )
    response = office.post(reverse("admin:exams_question_import"), {"file": upload})
    assert response.status_code == 302
    created = Question.objects.filter(text_en="Imported")
    assert created.count() == 2
    exported = imports.export_questions(created)
    assert exported.dict[0]["options_en"] == "a | b" and exported.dict[0]["correct"] == "B"
    # Re-importing an exported row with a change revises the family's live version.
    changed = exported.dict[0] | {"text_en": "Imported, reworded"}
    data = tablib.Dataset(headers=imports.HEADERS)
    data.append([changed[h] for h in imports.HEADERS])
    report = imports.import_questions(data)
    assert report.revised == 1 and Question.objects.filter(text_en="Imported, reworded").count() == 1


def test_an_xlsx_file_imports_too(world, office):
    data = tablib.Dataset(headers=imports.HEADERS)
    data.append(row(world.course.code, text_en="From Excel"))
    upload = SimpleUploadedFile("q.xlsx", data.export("xlsx"), content_type="application/octet-stream")
    assert office.post(reverse("admin:exams_question_import"), {"file": upload}).status_code == 302
    assert Question.objects.filter(text_en="From Excel").exists()


def test_the_export_action_answers_a_file(world, office):
    question = make_question(world.course)
    response = office.post(reverse("admin:exams_question_changelist"),
                           {"action": "export_csv", "_selected_action": [question.pk]})  # fmt: skip
    assert response.status_code == 200 and str(question.family) in response.content.decode()


def test_institution_staff_cannot_reach_the_bank_or_its_import(admin_a, grader_a):
    for client in (admin_a, grader_a):
        assert client.get(reverse("admin:exams_question_changelist")).status_code == 403
        assert client.get(reverse("admin:exams_question_import")).status_code == 403
        assert client.get(reverse("admin:exams_exampaper_changelist")).status_code == 403


def sitting_form(world, cohort, **kw) -> dict:
    now = timezone.localtime()
    later = now + datetime.timedelta(days=3)
    return {"paper": world.paper.pk, "cohort": cohort.pk, "opens_at_0": now.strftime("%Y-%m-%d"),
            "opens_at_1": now.strftime("%H:%M:%S"), "closes_at_0": later.strftime("%Y-%m-%d"),
            "closes_at_1": later.strftime("%H:%M:%S"), "place": "臺北市"} | kw  # fmt: skip


def test_an_institution_admin_schedules_a_sitting_for_an_own_cohort(world, admin_a):
    before = Sitting.objects.count()
    response = admin_a.post(reverse("admin:exams_sitting_add"), sitting_form(world, world.cohort))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Sitting.objects.count() == before + 1


def test_an_institution_admin_cannot_schedule_for_another_institutions_cohort(world, admin_a):
    before = Sitting.objects.count()
    response = admin_a.post(reverse("admin:exams_sitting_add"), sitting_form(world, world.other_cohort))
    assert response.status_code == 200 and Sitting.objects.count() == before


def test_an_institution_whose_authorization_lapsed_cannot_schedule(world, admin_a):
    world.inst_a.status = "suspended"
    world.inst_a.save()
    with pytest.raises(ExamError) as refused:
        attempts.do_schedule_sitting(by=admin_a.user, cohort=world.cohort, paper=world.paper,
                                     opens_at=timezone.now(), closes_at=timezone.now() + datetime.timedelta(days=1),
                                     place="臺北市")  # fmt: skip
    assert refused.value.code == "not_authorized"


def test_a_sitting_needs_a_place_or_online(world, office):
    with pytest.raises(ExamError):
        attempts.do_schedule_sitting(by=office.user, cohort=world.cohort, paper=world.paper, opens_at=timezone.now(),
                                     closes_at=timezone.now() + datetime.timedelta(days=1))  # fmt: skip


def test_institution_admins_see_only_their_sittings_and_attempts(
    world, admin_a, admin_b, django_assert_max_num_queries
):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    with django_assert_max_num_queries(20):
        mine = admin_a.get(reverse("admin:exams_sitting_changelist")).content.decode()
    assert reverse("admin:exams_sitting_change", args=[world.sitting.pk]) in mine
    assert reverse("admin:exams_sitting_change", args=[world.other_sitting.pk]) not in mine
    assert admin_b.get(reverse("admin:exams_sitting_change", args=[world.sitting.pk])).status_code == 404
    assert admin_b.get(reverse("admin:exams_attempt_change", args=[attempt.pk])).status_code == 404
    assert admin_a.get(reverse("admin:exams_attempt_change", args=[attempt.pk])).status_code == 200


def test_an_anonymous_visitor_is_sent_to_log_in(world):
    from django.test import Client

    for url in (reverse("exams:home"), reverse("exams:attempt", args=[1]), reverse("exams:result", args=[1])):
        response = Client().get(url)
        assert response.status_code == 302 and "login" in response["Location"]
    # The exam page's answers are refused in words instead (tests/exams/test_answer_logged_out.py).
    answer = Client().post(reverse("exams:answer", args=[1]), "{}", content_type="application/json")
    assert answer.status_code == 403 and answer.json()["code"] == "logged_out"


def test_the_program_office_adds_an_essay_question_in_admin(world, office):
    form = {
        "course": world.course.pk, "knowledge_area": "taxation", "difficulty": 4, "question_type": "essay",
        "status": "draft", "text_zh": "說明稅制", "text_en": "Explain the tax system", "options_zh": "",
        "options_en": "", "correct": "", "rubric_zh": "完整 10 分", "rubric_en": "Complete: 10", "max_score": "10",
    }  # fmt: skip
    assert office.post(reverse("admin:exams_question_add"), form).status_code == 302
    added = Question.objects.get(text_en="Explain the tax system")
    assert added.version == 1 and added.family is not None
    refused = office.post(reverse("admin:exams_question_add"), form | {"rubric_zh": "", "rubric_en": ""})
    assert refused.status_code == 200 and Question.objects.filter(text_en="Explain the tax system").count() == 1
