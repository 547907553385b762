"""On a 390 px phone the discussions keep a count with its unit ("3 questions", "3 個提問") and a cohort's month
with its year ("December 2026" by a no-break space; "2026年12月" not broken inside, ``.cohort-name``), as the
training pages do (tests/courses/test_phone_line_breaks.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from django.utils.formats import date_format

from tests.conftest import logged_in
from tests.page_text import NBSP, breakable_figures

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]


def kept(text: str) -> str:
    return f'<span class="text-nowrap">{text}</span>'


def pages(scene, language: str) -> dict[str, str]:
    code = scene.cohort.code
    return {
        "index": f"/{language}/exchange/",
        "cohort": f"/{language}/exchange/{code}/",
        "thread": f"/{language}/exchange/{code}/{scene.course.code}/",
    }


def shown(html: str) -> str:
    """The page's wrapping text (the window's title does not wrap)."""
    return html.split("<body", 1)[1]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_discussions_keep_each_count_with_its_unit(scene, language):
    client = logged_in(scene.peer)
    for name, page in pages(scene, language).items():
        html = client.get(page).content.decode()
        assert breakable_figures(html, language) == [], name
    cohort = client.get(pages(scene, language)["cohort"]).content.decode()
    thread = client.get(pages(scene, language)["thread"]).content.decode()
    if language == "en":
        assert kept("2 questions") in cohort  # the asker's question and the former member's
        assert f'<h2 class="h5">{kept("2 questions")}</h2>' in thread
    else:
        assert kept("2 個") in cohort
        assert f'<h2 class="h5">{kept("2 個")}提問</h2>' in thread


def test_an_english_cohort_names_month_stays_with_its_year(scene):
    with translation.override("en"):
        month = date_format(scene.cohort.starts_on, "YEAR_MONTH_FORMAT")
    assert " " in month
    client = logged_in(scene.peer)
    for name, at_least in {"index": 1, "cohort": 2, "thread": 1}.items():
        body = shown(client.get(pages(scene, "en")[name]).content.decode())
        assert body.count(f" · {month.replace(' ', NBSP)}") >= at_least, name
        assert f" · {month}" not in body, name


def test_a_chinese_cohort_names_month_is_not_broken_inside(scene):
    with translation.override("zh-hant"):
        month = date_format(scene.cohort.starts_on, "YEAR_MONTH_FORMAT")
    named = re.compile(r'class="[^"]*\bcohort-name\b[^"]*"[^>]*>[^<]* · ' + re.escape(month) + "<")
    client = logged_in(scene.asker)
    for name, at_least in {"index": 1, "cohort": 2, "thread": 1}.items():
        html = client.get(pages(scene, "zh-hant")[name]).content.decode()
        assert len(named.findall(html)) >= at_least, name
