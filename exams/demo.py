"""Demo exams (idempotent): a small bank and one paper for every course, and sittings of inst-a's
standard-retail cohort open from load time for 30 days for every course of its curriculum."""

from __future__ import annotations

import datetime
import uuid

from django.db import transaction
from django.utils import timezone, translation

from courses.models import Cohort, Course

from .models import BlueprintRow, ExamPaper, KnowledgeArea, Question, QuestionType, Sitting

NAMESPACE = uuid.UUID("6f1c2a52-3b0e-4d1b-9a57-0c4e1d5b2f10")
AREAS = list(KnowledgeArea.values)
# (type, difficulty, area offset, drawn per paper); the bank holds twice as many of each.
BLUEPRINT = [
    (QuestionType.SINGLE, 2, 0, 3),
    (QuestionType.MULTIPLE, 3, 1, 2),
    (QuestionType.TRUE_FALSE, 1, 0, 2),
    (QuestionType.ESSAY, 3, 2, 1),
]


def _question_data(course: Course, kind: str, difficulty: int, area: str, n: int) -> dict:
    label = f"{course.code} {kind} {n}"
    data = {
        "course": course, "knowledge_area": area, "difficulty": difficulty, "question_type": kind,
        "status": Question.Status.ACTIVE, "max_score": 1,
        "text_zh": f"【{course.title_zh}】示範題 {n}（{kind}）：下列何者正確？",
        "text_en": f"[{course.title_en}] Demo question {n} ({kind}): which is right?",
    }  # fmt: skip
    if kind == QuestionType.ESSAY:
        data.update(
            text_zh=f"【{course.title_zh}】申論題 {n}：請說明你如何向客戶解釋本課程的一個重點。",
            text_en=f"[{course.title_en}] Essay {n}: explain one key point of this course to a customer.",
            rubric_zh="觀念正確 4 分；舉例 3 分；表達清楚 3 分。",
            rubric_en="Sound concept 4; an example 3; clear writing 3.",
            max_score=10,
        )
    elif kind == QuestionType.TRUE_FALSE:
        data.update(options=[{"key": "T", "zh": "正確", "en": "True"}, {"key": "F", "zh": "錯誤", "en": "False"}],
                    correct=["T" if n % 2 else "F"])  # fmt: skip
    else:
        data["options"] = [{"key": k, "zh": f"選項{k}（{label}）", "en": f"Option {k} ({label})"} for k in "ABCD"]
        data["correct"] = ["A", "C"] if kind == QuestionType.MULTIPLE else ["B"]
        data["max_score"] = 2 if kind == QuestionType.MULTIPLE else 1
    return data


def _bank_and_paper(course: Course, offset: int) -> ExamPaper:
    paper, _ = ExamPaper.objects.get_or_create(
        course=course, defaults={"time_limit_minutes": 60, "pass_mark": 60, "max_attempts": 3, "retake_wait_days": 7}
    )
    for kind, difficulty, area_offset, count in BLUEPRINT:
        area = AREAS[(offset + area_offset) % len(AREAS)]
        BlueprintRow.objects.get_or_create(
            paper=paper, question_type=kind, difficulty=difficulty, knowledge_area=area, defaults={"count": count}
        )
        for n in range(1, 2 * count + 1):
            family = uuid.uuid5(NAMESPACE, f"{course.code}/{kind}/{n}")
            if not Question.objects.filter(family=family).exists():
                Question.objects.create(family=family, **_question_data(course, kind, difficulty, area, n))
    return paper


@transaction.atomic
def load() -> None:
    papers = {}
    for offset, course in enumerate(Course.objects.order_by("code")):
        papers[course.pk] = _bank_and_paper(course, offset)
    cohort = (
        Cohort.objects.filter(
            institution__code="inst-a", curriculum__tier__code="standard", curriculum__track__code="retail"
        )
        .order_by("pk")
        .first()
    )
    if cohort is None:
        return  # courses' demo made no such cohort (inst-a not authorized today): nothing to sit
    now = timezone.now()
    with translation.override("zh-hant"):  # a sitting's place is typed by staff, in the program's language
        place = str(cohort.get_city_display())
    for entry in cohort.curriculum.entries.select_related("course"):
        paper = papers[entry.course_id]
        if Sitting.objects.filter(cohort=cohort, paper=paper, closes_at__gt=now).exists():
            continue
        Sitting.objects.create(
            cohort=cohort, paper=paper, opens_at=now - datetime.timedelta(minutes=1),
            closes_at=now + datetime.timedelta(days=30), is_online=cohort.is_online or not cohort.city,
            place=place,
        )  # fmt: skip
