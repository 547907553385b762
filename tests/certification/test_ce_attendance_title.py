"""The page on which an institution records continuing-education attendance lists each holder's line with the
course's title in the page's language, as the enrolment list beside it does: the English title on English pages,
the Chinese one on zh-Hant pages."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from certification import services
from certification.models import CECourse
from tests.conftest import logged_in
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

TITLES = {"zh-hant": "銀行客戶經理業務風險防範", "en": "Risk prevention in a customer manager's work"}


@pytest.mark.parametrize(("lang", "other"), [("en", "zh-hant"), ("zh-hant", "en")])
def test_the_attendance_page_names_the_course_in_the_pages_language(institution, institution_admin, lang, other):
    starts_on = timezone.localdate()
    course = CECourse.objects.create(
        institution=institution,
        title_zh=TITLES["zh-hant"],
        title_en=TITLES["en"],
        hours=Decimal(6),
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=1),
        capacity=10,
    )
    services.do_publish_ce_course(course=course, today=starts_on)
    enrolment = services.do_enrol_ce(holder=CertificateFactory().trainee, course=course)
    client = logged_in(institution_admin)
    with translation.override(lang):
        url = reverse("admin:certification_ceenrolment_action_record_attendance") + f"?ids={enrolment.pk}"
        line = f"{enrolment.holder} · {TITLES[lang]} · {enrolment.get_state_display()}"
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert escape(line) in body
    assert TITLES[other] not in body
