"""The bank holds questions in the knowledge areas of their course's syllabus, and the exam's
instructions link an area to the course page only where that page has its anchor (``#area-<area>``)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
import tablib
from django.urls import reverse
from django.utils import timezone, translation

import accounts.demo
import courses.demo
import exams.demo
from accounts.models import User
from courses import demo_syllabi
from courses.models import Course
from courses.services import TopicData
from exams import imports, selectors
from exams.demo_questions import BY_COURSE
from exams.models import AttemptQuestion, Question, QuestionType, Sitting
from exams.services import attempts, question_bank

from .conftest import login, save_syllabus
from .test_bank_and_admin import csv_upload, row

pytestmark = pytest.mark.django_db


def syllabus(course, areas: list[str], start: datetime.date, end: datetime.date | None = None):
    """A syllabus version of ``course`` with one topic a knowledge area (the hours add up to the course's)."""
    hours = [course.class_hours - len(areas) + 1] + [Decimal(1)] * (len(areas) - 1)
    topics = [
        TopicData(f"主題{n}", f"Topic {n}", area, h) for n, (area, h) in enumerate(zip(areas, hours, strict=True), 1)
    ]
    return save_syllabus(course, topics, start, end)


def question_data(course, area: str, **kw) -> dict:
    return {
        "course_id": course.pk, "knowledge_area": area, "difficulty": 2, "question_type": "single",
        "status": "active", "text_zh": "題", "text_en": "Q",
        "options": [{"key": "A", "zh": "甲", "en": "a"}, {"key": "B", "zh": "乙", "en": "b"}], "correct": ["A"],
        "max_score": 1,
    } | kw  # fmt: skip


def coverage_section(client, sitting, language: str) -> str:
    with translation.override(language):
        page = client.get(reverse("exams:start", args=[sitting.pk])).content.decode()
    return page.split('id="exam-coverage"')[1].split("</section>")[0]


# --- the instructions page ---------------------------------------------------------------------


@pytest.mark.parametrize(("language", "law"), [("en", "Law"), ("zh-hant", "法律")])
def test_an_area_the_syllabus_does_not_list_is_plain_text_on_the_instructions(world, language, law):
    # The paper draws economics, finance and law (tests/exams/conftest.make_paper); the syllabus has no law.
    starts = world.cohort.starts_on
    syllabus(world.course, ["economics", "finance"], starts - datetime.timedelta(days=10))
    section = coverage_section(login(world.alice), world.sitting, language)
    anchors = re.findall(r'href="[^"]*#area-([a-z_]+)"', section)
    assert sorted(anchors) == ["economics", "finance"]
    law_item = section.split('id="covers-law"')[1].split("</li>")[0]
    assert f"<strong>{law}</strong>" in law_item and "<a " not in law_item


def test_without_a_syllabus_no_area_links_to_the_course_page(world):
    section = coverage_section(login(world.alice), world.sitting, "en")
    assert "#area-" not in section
    assert "<strong>Law</strong>" in section and "The whole syllabus" not in section


def test_every_area_link_of_the_demo_instructions_finds_its_anchor_on_the_course_page(client):
    accounts.demo.load()
    courses.demo.load()
    exams.demo.load()
    trainee01 = login(User.objects.get(email="trainee01@demo.test"))
    sittings = Sitting.objects.filter(cohort__code="INST-A-STANDARD-RETAIL").select_related("paper__course")
    assert sittings.filter(paper__course__code="BCM-101").exists()
    for sitting in sittings:
        for language in ("en", "zh-hant"):
            section = coverage_section(trainee01, sitting, language)
            links = re.findall(r'href="([^"#]*)#area-([a-z_]+)"', section)
            assert links, (sitting.paper.course.code, language)
            for page_url, area in links:
                assert f'id="area-{area}"' in client.get(page_url.replace("&amp;", "&")).content.decode(), (
                    sitting.paper.course.code,
                    area,
                )
            assert section.count("<strong>") == len(links), "every area of a demo paper is in its syllabus"


# --- the bank: where questions are written -----------------------------------------------------


def test_the_demo_bank_holds_only_areas_of_its_courses_syllabus():
    for code, questions in BY_COURSE.items():
        areas = {str(topic.area) for topic in demo_syllabi.SYLLABI[code].topics}
        outside = [(str(q.area), q.text_en[:50]) for q in questions if str(q.area) not in areas]
        assert not outside, (code, outside)


def test_the_loaded_demo_bank_has_no_question_outside_its_syllabus():
    accounts.demo.load()
    courses.demo.load()
    exams.demo.load()
    assert Question.objects.filter(course__code="BCM-101", status="active").exists()
    assert not selectors.questions_outside_syllabus().exists()


def test_it_refuses_a_question_in_an_area_the_syllabus_does_not_list(world):
    syllabus(world.course, ["economics", "finance"], world.cohort.starts_on - datetime.timedelta(days=10))
    with pytest.raises(question_bank.QuestionRefused) as refused, translation.override("en"):
        question_bank.do_create_question(data=question_data(world.course, "psychology"))
    assert refused.value.code == "bad_question"
    assert "psychology" in str(refused.value.messages[-1]) and "economics, finance" in str(refused.value.messages[-1])
    assert question_bank.do_create_question(data=question_data(world.course, "finance")).knowledge_area == "finance"


def test_an_area_of_an_upcoming_version_is_welcome_and_one_of_an_ended_version_is_not(world):
    today = timezone.localdate()
    syllabus(
        world.course, ["economics", "law"], today - datetime.timedelta(days=400), today - datetime.timedelta(days=1)
    )
    syllabus(world.course, ["economics", "finance"], today, today + datetime.timedelta(days=99))
    syllabus(world.course, ["economics", "taxation"], today + datetime.timedelta(days=100))
    assert selectors.syllabus_areas(world.course.pk) == {"economics", "finance", "taxation"}
    question_bank.do_create_question(data=question_data(world.course, "taxation"))
    with pytest.raises(question_bank.QuestionRefused):
        question_bank.do_create_question(data=question_data(world.course, "law"))


def test_a_course_without_a_syllabus_takes_any_area(world):
    assert selectors.syllabus_areas(world.course.pk) is None
    assert question_bank.do_create_question(data=question_data(world.course, "psychology")).pk


def test_a_question_written_before_the_rule_is_kept_and_may_be_moved_or_retired(world):
    # The paper's bank (conftest) holds two law questions, one of which an attempt draws; then a
    # syllabus comes without law.
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    syllabus(world.course, ["economics", "finance"], world.cohort.starts_on - datetime.timedelta(days=10))
    old = list(Question.objects.filter(course=world.course, knowledge_area="law"))
    assert set(selectors.questions_outside_syllabus()) == set(old) and len(old) == 2
    drawn = set(attempt.items.values_list("question_id", flat=True))
    shown, unshown = sorted(old, key=lambda q: q.pk not in drawn)
    with pytest.raises(question_bank.QuestionRefused):  # a new wording that stays outside is refused
        question_bank.do_revise_question(question_id=unshown.pk, changes={"text_en": "Reworded"})
    retired = question_bank.do_revise_question(question_id=unshown.pk, changes={"status": "retired"})
    assert retired.pk == unshown.pk and retired.status == "retired"
    moved = question_bank.do_revise_question(question_id=shown.pk, changes={"knowledge_area": "finance"})
    assert moved.pk != shown.pk and moved.family == shown.family and moved.knowledge_area == "finance"
    shown.refresh_from_db()
    assert shown.status == "retired" and shown.knowledge_area == "law"  # the attempt keeps what it showed
    assert AttemptQuestion.objects.filter(attempt=attempt, question=shown).exists()
    assert not selectors.questions_outside_syllabus().exists()


def test_the_admin_refuses_an_area_outside_the_syllabus_and_lists_the_old_ones(world, office):
    syllabus(world.course, ["economics", "finance"], world.cohort.starts_on - datetime.timedelta(days=10))
    form = {
        "course": world.course.pk, "knowledge_area": "psychology", "difficulty": 2, "question_type": "single",
        "status": "draft", "text_zh": "心理題", "text_en": "A psychology question",
        "options_zh": "甲\n乙", "options_en": "a\nb", "correct": "A", "rubric_zh": "", "rubric_en": "",
        "max_score": "1",
    }  # fmt: skip
    with translation.override("en"):
        add, changelist = reverse("admin:exams_question_add"), reverse("admin:exams_question_changelist")
    refused = office.post(add, form)
    assert refused.status_code == 200 and "does not list the knowledge area psychology" in refused.content.decode()
    assert not Question.objects.filter(text_en="A psychology question").exists()
    assert office.post(add, form | {"knowledge_area": "finance"}).status_code == 302
    law = Question.objects.filter(course=world.course, knowledge_area="law")
    page = office.get(changelist, {"syllabus": "outside"}).content.decode()
    listed = page.split('id="result_list"')[1]  # (the page above it says the finance question was added)
    for question in Question.objects.filter(course=world.course):
        change = reverse("admin:exams_question_change", args=[question.pk]).removeprefix("/zh-hant").removeprefix("/en")
        assert (change in listed) == (question in law), question.knowledge_area


@translation.override("en")
def test_an_import_row_outside_the_syllabus_refuses_the_file(world, office):
    syllabus(world.course, ["economics", "law"], world.cohort.starts_on - datetime.timedelta(days=10))
    before = Question.objects.count()
    data = tablib.Dataset(headers=imports.HEADERS)
    data.append(row(world.course.code))
    data.append(row(world.course.code, knowledge_area="marketing"))
    with pytest.raises(imports.ImportRefused) as refused:
        imports.import_questions(data)
    assert [number for number, _message in refused.value.errors] == [3]
    assert "marketing" in refused.value.errors[0][1]
    upload = csv_upload([row(world.course.code), row(world.course.code, knowledge_area="marketing")])
    response = office.post(reverse("admin:exams_question_import"), {"file": upload})
    assert response.status_code == 200 and 'id="import-errors"' in response.content.decode()
    assert Question.objects.count() == before


def test_the_demo_retags_an_earlier_psychology_question_of_bcm_101_without_losing_it():
    accounts.demo.load()
    courses.demo.load()
    exams.demo.load()
    course = Course.objects.get(code="BCM-101")
    key = ("BCM-101", QuestionType.SINGLE, 5)  # the recency-bias question, once tagged psychology
    earlier = Question.objects.get(family=exams.demo.family(key), status="active")
    Question.objects.filter(pk=earlier.pk).update(knowledge_area="psychology")
    assert list(selectors.questions_outside_syllabus()) == [earlier]
    exams.demo.load()
    assert Question.objects.filter(pk=earlier.pk).exists()
    assert Question.objects.get(family=earlier.family, status="active").knowledge_area == "public_relations"
    assert not selectors.questions_outside_syllabus().exists()
    assert not course.exam_paper.blueprint.filter(knowledge_area="psychology").exists()
