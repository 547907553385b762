"""On a phone (390 px) dates and the stacked tables' labels do not break inside a date or a word: each date of a
cohort's period is kept on one line (the period breaks between its two dates), a stacked table's label breaks
between words only ("Exam preparation / owed", never "preparatio/n"), and a cohort's Chinese name on the
catalog's cards breaks at the spaces around its "·", never inside its month ("2026年/12月"). Looked at in
Chromium at 390 px, in both languages, with no horizontal scrolling; here the markup and the CSS that do it."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from courses import services
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "portal.css").read_text()
START, END = datetime.date(2027, 2, 3), datetime.date(2027, 3, 10)


def rule(selector: str) -> str:
    """The declarations of the portal's CSS rule for ``selector`` (exactly that selector)."""
    found = re.search(re.escape(selector) + r"\s*\{([^}]*)\}", CSS)
    assert found, f"no rule for {selector}"
    return found.group(1)


@pytest.fixture
def cohort():
    return CohortFactory(code="LONG-1", starts_on=START, ends_on=END)


@pytest.mark.parametrize(
    ("language", "first", "last"),
    [("zh-hant", "2027年2月3日", "2027年3月10日"), ("en", "3 February 2027", "10 March 2027")],
)
@pytest.mark.parametrize("page", ["/cohorts/", "/cohorts/LONG-1/", "/cohorts/LONG-1/enrol/"])
def test_each_date_of_a_cohorts_period_stays_on_one_line(cohort, language, first, last, page):
    html = logged_in(UserFactory()).get(f"/{language}{page}").content.decode()
    assert f'<span class="text-nowrap">{first}</span> – <span class="text-nowrap">{last}</span>' in html


def test_a_stacked_tables_labels_break_between_words_only():
    label = rule("table.table-stack td::before")
    assert "overflow-wrap: normal" in label  # the cell's "anywhere" is for its value, not its label
    assert "flex-basis: 7.5rem" in rule("table.table-stack:lang(zh) td::before")  # 開放報名的梯次 on one line


def test_a_cohorts_chinese_name_breaks_at_its_separators_not_inside_its_month(cohort):
    assert "word-break: keep-all" in rule("#cohorts .card-title:lang(zh)")
    html = logged_in(UserFactory()).get("/zh-hant/cohorts/").content.decode()
    assert re.search(
        r'<div class="row g-3" id="cohorts">\s*<div[^>]*>\s*<div class="card h-100">\s*'
        r'<div class="card-body">\s*<h2 class="h5 card-title"><a [^>]+>[^<]+ · 2027年2月</a>',
        html,
    )


def test_the_dashboards_self_study_dates_stay_on_one_line():
    trainee = UserFactory()
    cohort = CohortFactory(offers_self_study=True)
    enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))
    services.do_log_self_study(
        trainee=trainee, enrolment=enrolment, course=enrolment.curriculum.entries.first().course,
        studied_on=timezone.localdate(), hours=2, note="第三章",
    )  # fmt: skip
    html = logged_in(trainee).get("/zh-hant/dashboard/").content.decode()
    assert re.search(r'<td data-label="日期" class="text-nowrap">\d{4}年\d{1,2}月\d{1,2}日</td>', html)
