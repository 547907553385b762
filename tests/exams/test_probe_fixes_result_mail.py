"""Probe findings on the result: its breakdown listed the knowledge areas in the order the questions were drawn
(金融, 法律, 經濟 …) while the exam's start page lists them in the catalog's order (經濟 first); the page, the mail's
text and its HTML now list them as the start page does. And the mail's Chinese text wrote its labels with an ASCII
colon ("下一步:"): each label is one message with its colon, which Chinese writes full-width (：)."""

from __future__ import annotations

import re

import pytest
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext

from exams import selectors
from exams.models import AttemptQuestion, CourseResult

from .conftest import login
from .test_result_display import url
from .test_result_mail_wording import mailed, result  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db

CATALOG_ORDER = ["economics", "finance", "law"]  # courses.knowledge.KnowledgeArea, as the start page lists them


def drawn_in(published: CourseResult, areas: list[str]) -> None:
    """The attempt's questions placed so that their areas come in the order ``areas``."""
    items = {item.question.knowledge_area: item for item in selectors.attempt_items(published.attempt_id)}
    AttemptQuestion.objects.filter(attempt_id=published.attempt_id).update(position=F("position") + 100)
    for position, area in enumerate(areas, start=1):
        AttemptQuestion.objects.filter(pk=items[area].pk).update(position=position)


def test_the_start_page_lists_the_areas_in_the_catalogs_order(world, result):  # noqa: F811
    _syllabus, coverage = selectors.exam_coverage(
        paper_id=world.paper.pk, course_id=world.course.pk, on=world.cohort.starts_on
    )
    assert [row.area for row in coverage] == CATALOG_ORDER


@pytest.mark.parametrize("drawn", [["law", "finance", "economics"], ["finance", "law", "economics"]])
def test_the_breakdown_lists_the_areas_as_the_start_page_does_whatever_the_draw(world, result, drawn):  # noqa: F811
    drawn_in(result, drawn)

    assert [row["key"] for row in selectors.breakdown_of_attempt(result.attempt_id)] == CATALOG_ORDER
    items = list(selectors.attempt_items(result.attempt_id))
    assert [item.question.knowledge_area for item in items] == drawn
    assert [row["key"] for row in selectors.breakdown_by_area(items)] == CATALOG_ORDER

    page = login(world.alice).get(url("exams:result", "en", result.attempt_id)).content.decode()
    assert re.findall(r'<tr id="area-([a-z_]+)"', page) == CATALOG_ORDER


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_result_mail_lists_the_areas_in_the_same_order(result, language):  # noqa: F811
    drawn_in(result, ["law", "finance", "economics"])

    text, html = mailed(result, language)

    assert re.findall(r'<tr id="area-([a-z_]+)"', html) == CATALOG_ORDER
    with translation.override(language):
        names = [gettext(area).capitalize() if language == "en" else gettext(area) for area in CATALOG_ORDER]
    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert [line[2:].split(":")[0].split("：")[0] for line in lines] == names


#: The result mail's labels, each one message with its colon; what follows is a link or the next line.
LABELS = ["What's next:", "By knowledge area:", "My certificates:", "See the sittings on My exams:", "My exams:"]
ROW = "%(area)s: %(questions)s · %(points)s"  # a row of the breakdown


def test_the_chinese_result_mail_writes_its_labels_with_their_colon_in_one_message(result):  # noqa: F811
    text, html = mailed(result, "zh-hant")  # passed: "My certificates:" labels the link

    with translation.override("zh-hant"):
        for label in [*LABELS, ROW]:
            translated = gettext(label)
            if translated != label:  # translated: Chinese writes the colon full-width
                assert "：" in translated and ":" not in translated, (label, translated)
        for label in ["What's next:", "By knowledge area:", "My certificates:"]:
            assert gettext(label) in text
        assert gettext("My certificates:") in html
        for bare in ["What's next", "By knowledge area", "My certificates"]:
            assert f"{gettext(bare)}:" not in text + html  # "下一步:": a colon written after the label
        economics = gettext(ROW) % {"area": gettext("economics"), "questions": "1 題", "points": "1 / 1 分"}
    assert f"- {economics}\n" in text


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_result_to_retake_labels_its_link_the_same_way(result, language):  # noqa: F811
    CourseResult.objects.filter(pk=result.pk).update(passed=False)
    text, html = mailed(result, language)

    with translation.override(language):
        assert f"{gettext('See the sittings on My exams:')} http" in text
        if language != "en":
            assert f"{gettext('See the sittings on My exams')}:" not in text + html
