"""On a 390 px phone supervision's exam and item pages keep a figure with its unit in what their templates write
("5 days", "27 %", "0.42 points", "30 responses", "Page 1 of 2"), as the training pages do
(tests/courses/test_phone_line_breaks.py). The tables' own cells and headings are the tables' tags' to write."""

from __future__ import annotations

import re

import pytest

from supervision.figures import items as figures
from tests.conftest import logged_in
from tests.page_text import breakable_figures, text_of

from .items_support import KEY, paper_of, sit_matrix
from .test_items import MATRIX, WRONG

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]


def kept(text: str) -> str:
    return f'<span class="text-nowrap">{text}</span>'


def outside_tables(html: str) -> str:
    return re.sub(r"<table\b.*?</table>", "", html, flags=re.S)


@pytest.fixture
def sat(settings, django_capture_on_commit_callbacks):
    settings.SUPERVISION_MIN_RESPONSES = 5
    cohort, paper, questions = paper_of(5)
    answers = [[KEY if right else WRONG for right in row] for row in MATRIX]
    sit_matrix(answers, questions, paper, cohort, django_capture_on_commit_callbacks)
    figures.recompute()
    return paper


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_exams_page_keeps_its_days_and_percent(program_office, language, settings):
    settings.EXAM_ESSAY_MARKING_DAYS = 5
    html = logged_in(program_office).get(f"/{language}/supervision/exams/").content.decode()
    assert kept("5 days" if language == "en" else "5 天") in html
    assert kept("100 %") in html
    assert breakable_figures(outside_tables(html), language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_items_page_keeps_its_figures_with_their_units(sat, program_office, language, monkeypatch):
    monkeypatch.setattr("supervision.views_items.ITEMS_PER_PAGE", 2)  # three pages of question versions
    html = logged_in(program_office).get(f"/{language}/supervision/items/", {"paper": sat.pk}).content.decode()
    assert kept("27 %") in html
    assert kept("5 responses" if language == "en" else "5 次") in html
    assert re.search(r'<span class="text-nowrap">\d+\.\d+ (points|分)</span>', html)
    assert "2 of 5 question versions" in text_of(html) or "本頁顯示 2 個題目版本（共 5 個）" in text_of(html)
    assert breakable_figures(outside_tables(html), language) == []
