"""On a 390 px phone the exam pages keep a figure with its unit ("60 minutes", "60 分鐘", "the 60-minute clock",
"7 days", "3 questions", "2 / 2 points") and a cohort's month with its year, as the training pages do
(tests/courses/test_phone_line_breaks.py): ``|nowrap`` or ``{% filter keep_figures %}`` in the templates,
``nowrap`` and ``keep_together`` on My exams, whose sitting cards are built in Python (exams/home_html.py)."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from core.templatetags.nowrap import keep_figures
from exams.services import attempts
from tests.page_text import NBSP, breakable_figures, text_of

from .conftest import login, open_sitting
from .test_essay_marking import essays, sit  # noqa: F401 (a fixture)
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]


def kept(text: str) -> str:
    return f'<span class="text-nowrap">{text}</span>'


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The 60-minute clock starts", f"The {kept('60-minute')} clock starts"),  # Chromium breaks after "-"
        ("among the best 27 % of attempts", f"among the best {kept('27 %')} of attempts"),  # and before "%"
        ("總分最高 27 % 作答", f"總分最高 {kept('27 %')} 作答"),
        ("BCM-201 · KR-20 when", "BCM-201 · KR-20 when"),  # a code is still no figure
        ("70% · a 1-day wait · 10–15 days", f"70% · a {kept('1-day')} wait · 10–{kept('15 days')}"),
    ],
)
def test_keep_figures_keeps_a_hyphened_unit_and_a_spaced_percent(sentence, expected):
    assert keep_figures(sentence) == expected


def month_of(cohort, language: str) -> str:
    with translation.override(language):
        return date_format(cohort.starts_on, "YEAR_MONTH_FORMAT")


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_exams_keeps_the_minutes_the_dates_and_the_cohorts_month_whole(world, language):
    html = login(world.alice).get(f"/{language}/exams/").content.decode()
    card = html.split(f'id="sitting-{world.sitting.pk}"')[1].split('class="btn')[0]
    assert kept("60 minutes" if language == "en" else "60 分鐘") in card
    opens = timezone.localtime(world.sitting.opens_at)
    with translation.override(language):
        assert kept(date_format(opens, "DATETIME_FORMAT")) in card
        name = world.cohort.name
    month = month_of(world.cohort, language)
    shown = name.removesuffix(month) + month.replace(" ", NBSP)
    assert f'<span class="cohort-name">{shown}</span>' in card
    assert breakable_figures(html, language) == []


def test_my_exams_joins_an_english_month_to_its_year(world):
    html = login(world.alice).get("/en/exams/").content.decode()
    month = month_of(world.cohort, "en")
    assert " " in month  # "December 2026"
    assert f" · {month.replace(' ', NBSP)}" in html and f" · {month}" not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_instructions_keep_each_figure_with_its_unit(world, language):
    world.paper.max_attempts = 3
    world.paper.save()
    html = login(world.alice).get(f"/{language}/exams/sittings/{world.sitting.pk}/start/").content.decode()
    if language == "en":
        for words in ("60-minute", "60 minutes", "7 days", "1 question"):
            assert kept(words) in html, words
        assert f"The {kept('60-minute')} clock starts" in html
        assert f"Start now: the {kept('60-minute')} clock begins" in html
    else:
        for words in ("60 分鐘", "7 天", "1 題", "1 次", "3 次"):
            assert kept(words) in html, words
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_instructions_keep_the_minutes_left_when_the_sitting_closes_first(world, language):
    sitting = open_sitting(world.paper, world.cohort, closes_at=timezone.now() + datetime.timedelta(minutes=20))
    html = login(world.alice).get(f"/{language}/exams/sittings/{sitting.pk}/start/").content.decode()
    assert re.search(r'<span class="text-nowrap">(19|20)[ -](minutes|分鐘)</span>', html)
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refusal_keeps_its_figures(world, language, django_capture_on_commit_callbacks):
    world.paper.max_attempts = 1
    world.paper.save()
    with django_capture_on_commit_callbacks(execute=True):
        attempts.do_submit_attempt(attempt_id=attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting).pk)
    client = login(world.alice)
    for page in (f"/{language}/exams/", f"/{language}/exams/sittings/{world.sitting.pk}/start/"):
        html = client.get(page).content.decode()
        assert breakable_figures(html, language) == [], page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_submit_page_keeps_its_counts_with_their_unit(world, language):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    client = login(world.alice)
    client.post(
        f"/en/exams/attempts/{attempt.pk}/answer/", json.dumps({"question": 2, "choices": [0]}),
        content_type="application/json",
    )  # fmt: skip
    html = client.get(f"/{language}/exams/attempts/{attempt.pk}/submit/").content.decode()
    if language == "en":
        assert f"You answered 1 of {kept('3 questions')}." in html
        assert f"These {kept('2 questions')} have no answer yet:" in html
    else:
        assert f"您已作答 {kept('3 題')}中的 {kept('1 題')}。" in html
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_result_page_keeps_the_breakdown_and_the_attempt_whole(world, language, django_capture_on_commit_callbacks):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    html = login(world.alice).get(f"/{language}/exams/attempts/{attempt.pk}/result/").content.decode()
    finance = html.split('id="area-finance"')[1].split("</tr>", maxsplit=1)[0]
    points = "2 / 2 points" if language == "en" else "2 / 2 分"
    assert f'<td class="text-end text-nowrap">{points}</td>' in finance
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pending_result_keeps_its_days(essays, language, settings, django_capture_on_commit_callbacks):  # noqa: F811
    settings.EXAM_ESSAY_MARKING_DAYS = 4
    attempt = sit(essays.alice, essays.essay_sitting, django_capture_on_commit_callbacks)
    html = login(essays.alice).get(f"/{language}/exams/attempts/{attempt.pk}/result/").content.decode()
    assert kept("4 days" if language == "en" else "4 天") in html
    assert "(within 4 days of submitting)" in text_of(html) or "交卷後 4 天內" in text_of(html)
    assert breakable_figures(html, language) == []
