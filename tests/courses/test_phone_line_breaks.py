"""On a 390 px phone a figure stays with its unit and a cohort's month with its year.

"1 day / 8 h" ("1 天 / 8 課時") on the progress partial broke between "1" and "day"; "Retail banking · December
2026" between "December" and "2026". Each figure a trainee page writes with its unit is kept on one line in a
``text-nowrap`` span, as ``date_span_nowrap`` keeps a date (``|nowrap`` for a figure a filter or tag writes,
``keep_figures`` for a figure inside a translated sentence: "8 課時" whole, not "8 課" and "時"); a cohort's English
month is joined by a no-break space wherever its name is shown to a trainee, and its Chinese month ("2026年12月")
is not broken inside (``word-break: keep-all``, as on the catalog's cards). Measured in Chromium at 390 px in both
languages: tests/browser/test_phone_line_breaks.py."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.safestring import mark_safe

from core.templatetags.nowrap import keep_figures, keep_together, nowrap
from courses import services
from courses.models import Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
CSS = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()

# The units trainee pages write after a figure, in each language ("3 open cohorts": "open" goes with it).
UNITS = {
    "en": r"h|hours?|class|days?|seats?|cohorts?|courses?|open|minutes?|questions?|points?",
    "zh-hant": r"課時|小時|天|個|人|分鐘|題|分",
}


def breakable_figures(html: str, language: str) -> list[str]:
    """The figures of a page's body that a line may break away from their unit: a figure, an ordinary space
    and a unit, outside any ``text-nowrap`` element."""
    body = html.split("<body", 1)[1]
    body = re.sub(r"<script\b.*?</script>", "", body, flags=re.S)
    body = re.sub(r'<(\w+)\b[^>]*\bclass="[^"]*\btext-nowrap\b[^"]*"[^>]*>[^<]*</\1>', "", body)
    text = re.sub(r"<[^>]*>", "", body)
    return re.findall(rf"\S*\d[ \t\r\n]+(?:{UNITS[language]})(?![^\W_])", text)


def approved(trainee, cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


def completed_assistant_training(trainee) -> None:
    assistant = CohortFactory(curriculum=curriculum_of("assistant"))
    done = approved(trainee, assistant)
    services.do_record_attendance(session=TrainingSessionFactory(cohort=assistant, hours=16), enrolment=done, hours=16)
    prep = TrainingSessionFactory(cohort=assistant, purpose="exam_prep", hours=8)
    services.do_record_attendance(session=prep, enrolment=done, hours=8)
    services.do_complete_enrolment(enrolment=done)


@pytest.fixture
def in_training():
    """The worked figure (assistant training completed, then standard retail under way), with hours of
    teaching and of exam preparation done, and a session to come."""
    trainee = UserFactory()
    completed_assistant_training(trainee)
    cohort = CohortFactory(code="STD-R-1", offers_remote=True)
    enrolment = approved(trainee, cohort)
    course = cohort.curriculum.entries.get(course__code="BCM-201").course
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    past = TrainingSessionFactory(cohort=cohort, hours=8, held_on=yesterday, course=course)
    services.do_record_attendance(session=past, enrolment=enrolment, hours=6)
    prep = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", hours=3, held_on=yesterday)
    services.do_record_attendance(session=prep, enrolment=enrolment, hours=3)
    TrainingSessionFactory(cohort=cohort, held_on=timezone.localdate() + datetime.timedelta(days=3))
    return trainee, enrolment


# ---------------------------------------------------------------- the two ways


def test_nowrap_keeps_a_text_on_one_line_and_escapes_it():
    assert nowrap("8 h") == '<span class="text-nowrap">8 h</span>'
    assert nowrap("<b>") == '<span class="text-nowrap">&lt;b&gt;</span>'


def kept(text: str) -> str:
    return f'<span class="text-nowrap">{text}</span>'


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("10 of 56 hours done", f"10 of {kept('56 hours')} done"),  # "of" is no unit
        ("應修 56 課時，已完成 10 課時", f"應修 {kept('56 課時')}，已完成 {kept('10 課時')}"),
        ("考前輔導已完成 0／8 課時：兩者", f"考前輔導已完成 0／{kept('8 課時')}：兩者"),  # the unit whole
        ("名額 30 個，已報名 0 人", f"名額 {kept('30 個')}，已報名 {kept('0 人')}"),
        ("查看 3 個開放報名的梯次", f"查看 {kept('3 個')}開放報名的梯次"),
        ("teaching · 64 class hours", f"teaching · {kept('64 class hours')}"),
        ("1.5 days / 12 h + 3 · 4", f"{kept('1.5 days')} / {kept('12 h')} + 3 · 4"),  # a separator is no unit
        ("BCM-201 Business continuity", "BCM-201 Business continuity"),  # a code is no figure
        (mark_safe('<a href="/x/1 y">3 cohorts</a>'), f'<a href="/x/1 y">{kept("3 cohorts")}</a>'),  # tags kept
        ("<b>3 h</b>", f"&lt;b&gt;{kept('3 h')}&lt;/b&gt;"),  # a text not safe is escaped
    ],
)
def test_keep_figures_keeps_each_figure_with_its_unit(sentence, expected):
    assert keep_figures(sentence) == expected


def test_keep_figures_in_a_template():
    rendered = Template("{% load nowrap %}{% filter keep_figures %}<b>{{ n }} h</b>{% endfilter %}").render(
        Context({"n": 8})
    )
    assert rendered == f"<b>{kept('8 h')}</b>"


def test_keep_together_joins_the_words_of_the_last_part_only():
    assert keep_together("May 1 · Retail · May 2026", "May 2026") == f"May 1 · Retail · May{NBSP}2026"
    assert keep_together("Retail · 2026年12月", "2026年12月") == "Retail · 2026年12月"
    assert keep_together("Retail", "May 2026") == "Retail"


# ---------------------------------------------------------------- figures and their units


@pytest.mark.parametrize(
    ("language", "owed", "done", "mode_hours"),
    [
        (
            "en",
            '<span class="text-nowrap">6 days</span> / <span class="text-nowrap">48 h</span> + exam preparation '
            '<span class="text-nowrap">1 day</span> / <span class="text-nowrap">8 h</span>',
            f"9 of {kept('56 hours')} done",
            '<td class="text-end"><span class="text-nowrap">6 h</span></td>',
        ),
        (
            "zh-hant",
            '<span class="text-nowrap">6 天</span> / <span class="text-nowrap">48 課時</span> + 考前輔導 '
            '<span class="text-nowrap">1 天</span> / <span class="text-nowrap">8 課時</span>',
            f"應修 {kept('56 課時')}，已完成 {kept('9 課時')}",
            '<td class="text-end"><span class="text-nowrap">6 課時</span></td>',
        ),
    ],
)
def test_the_progress_partial_keeps_each_figure_with_its_unit(in_training, language, owed, done, mode_hours):
    trainee, _enrolment = in_training
    html = logged_in(trainee).get(f"/{language}/dashboard/").content.decode()
    assert owed in html
    assert done in html
    assert mode_hours in html
    assert breakable_figures(html, language) == []


def test_the_progress_partials_sentences_bind_their_figures():
    trainee = UserFactory()
    completed_assistant_training(trainee)
    approved(trainee, CohortFactory())
    en = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert f"{kept('16 h')} credited for earlier training" in en
    assert f"Teaching 0 of {kept('48 h')} and exam preparation 0 of {kept('8 h')}" in en
    zh = logged_in(trainee).get("/zh-hant/dashboard/").content.decode()
    assert f"先前培訓抵免 {kept('16 課時')}" in zh
    assert f"授課已完成 0／{kept('48 課時')}，考前輔導已完成 0／{kept('8 課時')}" in zh


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_next_step_keeps_each_figure_with_its_unit(language):
    trainee = UserFactory()
    completed_assistant_training(trainee)
    CohortFactory()  # a standard retail cohort open
    html = logged_in(trainee).get(f"/{language}/dashboard/").content.decode()
    assert 'id="next-tier-options"' in html
    day = "6 days" if language == "en" else "6 天"
    assert f'<span class="text-nowrap">{day}</span> / <span class="text-nowrap">' in html
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("tier", ["assistant", "standard", "senior"])
def test_the_tier_pages_keep_each_figure_with_its_unit(client, language, tier):
    CohortFactory(curriculum=curriculum_of("standard", "retail"))
    html = client.get(f"/{language}/catalog/{tier}/").content.decode()
    days = "8 days" if language == "en" else "8 天"
    if tier == "standard":
        assert f'<div class="hours-figure"><span class="text-nowrap">{days}</span></div>' in html
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_course_page_keeps_each_figure_with_its_unit(client, language):
    html = client.get(f"/{language}/catalog/courses/BCM-201/").content.decode()
    hours = "16 h" if language == "en" else "16 課時"
    assert f'<span class="text-nowrap">{hours}</span>' in html
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_cohort_pages_keep_each_figure_with_its_unit(language):
    CohortFactory(code="SEATS-1", capacity=30)
    client = logged_in(UserFactory())
    for page in ("/cohorts/", "/cohorts/SEATS-1/", "/cohorts/SEATS-1/enrol/"):
        html = client.get(f"/{language}{page}").content.decode()
        assert breakable_figures(html, language) == [], page
    seats = f"0 of {kept('30 seats')} taken" if language == "en" else f"名額 {kept('30 個')}，已報名 {kept('0 人')}"
    assert seats in client.get(f"/{language}/cohorts/SEATS-1/").content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_withdraw_page_keeps_its_hours_with_their_unit(in_training, language):
    trainee, enrolment = in_training
    html = logged_in(trainee).get(f"/{language}/enrolments/{enrolment.pk}/withdraw/").content.decode()
    assert (f"The {kept('9 class hours')}" if language == "en" else f"已記錄的 {kept('9 課時')}") in html
    assert breakable_figures(html, language) == []


# ---------------------------------------------------------------- a cohort's month


def month_of(cohort, language: str) -> str:
    with translation.override(language):
        return date_format(cohort.starts_on, "YEAR_MONTH_FORMAT")


def shown(html: str) -> str:
    """The page's wrapping text: the window's title and a select's options (one line each, never wrapped) may
    name the cohort as it is."""
    return re.sub(r"<option\b.*?</option>", "", html.split("<body", 1)[1], flags=re.S)


def test_an_english_cohort_names_month_stays_with_its_year_wherever_a_trainee_sees_it(in_training):
    trainee, enrolment = in_training
    cohort = enrolment.cohort
    month = month_of(cohort, "en")
    assert " " in month  # "December 2026"
    joined, loose = f" · {month.replace(' ', NBSP)}", f" · {month}"
    client = logged_in(trainee)
    other = CohortFactory(code="OPEN-1", starts_on=cohort.starts_on)
    pages = {
        "/en/cohorts/": 1,  # the catalog's card (OPEN-1; STD-R-1 as well)
        "/en/cohorts/OPEN-1/": 2,  # breadcrumb and heading
        "/en/cohorts/OPEN-1/enrol/": 2,  # breadcrumb and the cohort applied for
        "/en/dashboard/": 2,  # the enrolment's head and the upcoming session
        f"/en/enrolments/{enrolment.pk}/withdraw/": 1,  # the question
    }
    for page, at_least in pages.items():
        body = shown(client.get(page).content.decode())
        assert body.count(joined) >= at_least, page
        assert loose not in body, page
    assert other.name.endswith(month)  # the stored name is as it was
    assert NBSP not in cohort.name


def test_a_chinese_cohort_names_month_is_not_broken_inside_wherever_a_trainee_sees_it(in_training):
    trainee, enrolment = in_training
    assert re.search(r"(^|[,}]\s*)\.cohort-name:lang\(zh\)[^{]*\{[^}]*word-break: keep-all", CSS, re.M)
    month = month_of(enrolment.cohort, "zh-hant")
    CohortFactory(code="OPEN-1", starts_on=enrolment.cohort.starts_on)
    client = logged_in(trainee)
    named = re.compile(r'class="[^"]*\bcohort-name\b[^"]*"[^>]*>[^<]* · ' + re.escape(month) + "[^<]*<")
    for page, at_least in {
        "/zh-hant/cohorts/OPEN-1/": 2,
        "/zh-hant/cohorts/OPEN-1/enrol/": 2,
        "/zh-hant/dashboard/": 2,
        f"/zh-hant/enrolments/{enrolment.pk}/withdraw/": 1,
    }.items():
        assert len(named.findall(client.get(page).content.decode())) >= at_least, page
