"""On a 390 px phone the certification pages keep a figure with its unit ("6 hours", "6 小時", "10 seats",
"10 個名額") and each date whole, as the training and exam pages do (tests/exams/test_phone_line_breaks.py):
``{% filter keep_figures %}`` round a sentence whose figure is a placeholder, ``|nowrap`` round a date."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone, translation

from certification import services
from certification.models import Certificate
from core import display
from courses.models import PriorLearning
from tests.conftest import logged_in
from tests.factories import UserFactory, curriculum_of
from tests.page_text import breakable_figures, text_of

from .test_ce_courses import holder_of, make_course

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]


def kept(text: str) -> str:
    return f'<span class="text-nowrap">{text}</span>'


def hours(n: int, language: str) -> str:
    return f"{n} hours" if language == "en" else f"{n} 小時"


def date_in(language: str, day) -> str:
    with translation.override(language):
        return display.date(day)


@pytest.fixture
def attended(institution):
    """A holder who attended 6 hours of one course, enrolled in a three-day one next week."""
    holder = holder_of()
    enrolment = services.do_enrol_ce(holder=holder, course=make_course(institution, starts_in=0))
    services.do_record_ce_attendance(enrolment=enrolment, hours=6)
    upcoming = make_course(institution, starts_in=7, days=3, title_en="Wealth planning update")
    services.do_enrol_ce(holder=holder, course=upcoming)
    return holder, upcoming


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_courses_keep_their_hours_seats_and_attended_hours(attended, language):
    holder, _upcoming = attended
    html = logged_in(holder).get(f"/{language}/continuing-education/").content.decode()
    assert kept(hours(6, language)) in html  # the course's hours, and the hours attended
    assert kept("9 seats" if language == "en" else "9 個") in html
    if language == "en":
        assert f"Attended: {kept('6 hours')} confirmed" in html
        assert "6 hours of continuing education" in text_of(html) and "9 seats left" in text_of(html)
    else:
        assert f"已出席：已確認 {kept('6 小時')}" in html
        assert "尚餘 9 個名額" in text_of(html)
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_certificates_keeps_its_hours_and_dates(attended, language):
    holder, upcoming = attended
    certificate = Certificate.objects.get(trainee=holder)
    html = logged_in(holder).get(f"/{language}/certificates/").content.decode()
    for day in (certificate.issued_on, certificate.valid_until, upcoming.starts_on, upcoming.ends_on):
        assert kept(date_in(language, day)) in html, day
    assert kept(date_in(language, timezone.localdate())) in html  # the attended activity's day
    required = services.hours_required()
    assert kept(hours(required, language)) in html
    if language == "en":
        assert f"6 of {kept(f'{required} hours')} confirmed" in html
        assert f"attended, {kept('6 hours')} confirmed" in html
    else:
        assert f"已確認 {kept('6 小時')}" in html
    # The self-report form's help text ("at most 24 hours: three training days of 8 hours", written in
    # certification/services.py) is not kept yet: read the page without the form.
    page = re.sub(r'<form method="post" id="self-report">.*?</form>', "", html, flags=re.S)
    assert breakable_figures(page, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_verification_page_keeps_its_dates(language):
    certificate = Certificate.objects.get(trainee=holder_of())
    html = logged_in(UserFactory()).get(f"/{language}/verify/{certificate.verification_code}/").content.decode()
    for day in (certificate.issued_on, certificate.valid_until):
        assert kept(date_in(language, day)) in html, day
    assert breakable_figures(html, language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_withdrawal_page_keeps_the_courses_day(attended, language):
    holder, upcoming = attended
    enrolment = upcoming.enrolments.get(holder=holder)
    html = logged_in(holder).get(f"/{language}/continuing-education/enrolments/{enrolment.pk}/withdraw/")
    assert kept(date_in(language, upcoming.starts_on)) in html.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_dashboards_next_step_keeps_a_courses_day_and_hours(institution, language):
    course = make_course(institution, starts_in=7)
    trainee = UserFactory()
    PriorLearning.objects.create(
        trainee=trainee, curriculum=curriculum_of("assistant"), completed_on=timezone.localdate()
    )
    html = logged_in(trainee).get(f"/{language}/dashboard/").content.decode()
    steps = html.split('id="next-step-ce-courses"')[1].split("</ul>")[0]
    assert kept(date_in(language, course.starts_on)) in steps
    assert kept(hours(6, language)) in steps
    assert breakable_figures(html, language) == []
