"""At 390 px in Chromium no line breaks between a figure and its unit ("1 day", "8 課時", "3 open cohorts") nor
inside a cohort's month ("December 2026", "2026年12月"), on the pages a trainee follows their training on. Each
such text on the page is measured: all of it on one line. The markup that does it:
tests/courses/test_phone_line_breaks.py."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses import services
from tests.browser.support import BROWSER, assert_whole_on_a_phone, log_in_directly
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    TrainingSessionFactory,
    UserFactory,
    curriculum_of,
)

pytestmark = BROWSER

FIGURES = {
    "en": r"\d+(?:\.\d+)?[ \u00a0](?:class[ \u00a0]hours|hours?|h|days?|seats?|cohorts?|courses?|open cohorts?)\b",
    "zh-hant": r"\d+(?:\.\d+)?[ \u00a0](?:課時|天|個|人)",
}


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_a_trainees_figures_and_cohort_months_stay_whole_on_a_phone(page, context, site, lang, viewport, shot):
    # A long English institution name, so that cohort names wrap at 390 px.
    institution = InstitutionFactory(
        name_en="Taiwan Academy of Banking and Finance, Continuity Training Centre",
        name_zh="臺灣金融研訓院業務持續管理訓練中心",
    )
    trainee = UserFactory()
    assistant = CohortFactory(curriculum=curriculum_of("assistant"), institution=institution)
    done = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=assistant))
    services.do_record_attendance(session=TrainingSessionFactory(cohort=assistant, hours=16), enrolment=done, hours=16)
    prep = TrainingSessionFactory(cohort=assistant, purpose="exam_prep", hours=8)
    services.do_record_attendance(session=prep, enrolment=done, hours=8)
    services.do_complete_enrolment(enrolment=done)
    cohort = CohortFactory(code="STD-R-PHONE", institution=institution, offers_remote=True)
    enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    course = cohort.curriculum.entries.get(course__code="BCM-201").course
    session = TrainingSessionFactory(cohort=cohort, hours=8, held_on=yesterday, course=course)
    services.do_record_attendance(session=session, enrolment=enrolment, hours=6)
    TrainingSessionFactory(cohort=cohort, held_on=timezone.localdate() + datetime.timedelta(days=3))
    with translation.override(lang):
        month = date_format(cohort.starts_on, "YEAR_MONTH_FORMAT")
    log_in_directly(context, site, trainee)

    pages = {  # each page, and whether it names the cohort
        "dashboard": (f"/{lang}/dashboard/", True),
        "catalog": (f"/{lang}/cohorts/", True),
        "cohort": (f"/{lang}/cohorts/STD-R-PHONE/", True),
        "tier": (f"/{lang}/catalog/standard/", False),
        "withdraw": (f"/{lang}/enrolments/{enrolment.pk}/withdraw/", True),
    }
    for name, (path, names_the_cohort) in pages.items():
        assert_whole_on_a_phone(page, site, shot, name, path, FIGURES[lang], month if names_the_cohort else None)
