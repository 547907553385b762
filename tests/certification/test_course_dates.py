"""A one-day continuing-education course is its day, in the e-mail, on the course list and on My
certificates; a longer one its first and last days (not "from 5 December to 5 December")."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import translation
from django.utils.formats import date_format

from certification import services
from tests.certification.test_ce_courses import holder_of, make_course
from tests.conftest import in_english, logged_in
from tests.factories import UserFactory
from tests.page_text import text_of

pytestmark = pytest.mark.django_db


def mailed_text(holder, course) -> str:
    mail.outbox.clear()
    enrolment = services.do_enrol_ce(holder=holder, course=course)
    services.do_send_ce_confirmation(enrolment_id=enrolment.pk)
    (message,) = [m for m in mail.outbox if m.to == [holder.email]]
    return message.body + "\n" + message.alternatives[0][0]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_one_day_course_is_mailed_as_its_day(institution, language):
    holder = holder_of(UserFactory(preferred_language=language))
    course = make_course(institution, days=1, hours="6")
    text = mailed_text(holder, course)
    with translation.override(language):
        day = date_format(course.starts_on)
    assert text.count(day) == 2  # the text and the HTML part
    assert "From " not in text and "to " + day not in text


def test_a_longer_course_is_mailed_with_its_first_and_last_days(institution):
    holder = holder_of(in_english(UserFactory()))
    course = make_course(institution, days=3, hours="18")
    text = mailed_text(holder, course)
    with translation.override("en"):
        first, last = date_format(course.starts_on), date_format(course.ends_on)
    assert f"From {first} to {last}, 18 hours." in text


def test_my_certificates_shows_a_courses_days(institution):
    holder = holder_of(in_english(UserFactory()))
    one_day, three_days = make_course(institution, days=1), make_course(institution, days=3, starts_in=9)
    for course in (one_day, three_days):
        services.do_enrol_ce(holder=holder, course=course)
    body = logged_in(holder).get("/en/certificates/").content.decode()
    cells = [text_of(cell) for cell in re.findall(r"<td>(.*?)</td>", body, flags=re.S)]  # as read (dates kept whole)
    with translation.override("en"):
        assert date_format(one_day.starts_on) in cells
        span = f"{date_format(three_days.starts_on)} – {date_format(three_days.ends_on)}"
    assert span in cells and three_days.ends_on - three_days.starts_on == datetime.timedelta(days=2)
