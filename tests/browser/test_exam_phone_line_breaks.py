"""At 390 px in Chromium no line breaks between a figure and its unit ("60 minutes", "the 60-minute clock",
"4 days", "3 questions"; "60 分鐘", "3 題", "2 個") nor inside a cohort's month, on the exam and discussion pages a
trainee reads on a phone. Each such text in <main> is measured: all of it on one line. The markup that does it:
tests/exams/test_phone_line_breaks.py, tests/exchange/test_phone_line_breaks.py."""

import pytest
from django.utils import translation
from django.utils.formats import date_format

from courses import services as training
from exams.services import attempts
from exchange import services as exchange
from tests.browser.support import BROWSER, assert_whole_on_a_phone, log_in_directly
from tests.exams.conftest import make_paper, open_sitting
from tests.factories import CohortFactory, InstitutionFactory, UserFactory

pytestmark = BROWSER

FIGURES = {
    "en": r"\d+(?:\.\d+)?(?:[ \u00a0]|-)(?:minutes?|days?|questions?|points?|left)\b",
    "zh-hant": r"\d+(?:\.\d+)?[ \u00a0](?:分鐘|天|題|次|個)",
}


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_exam_and_discussion_pages_keep_figures_and_months_whole_on_a_phone(
    page, context, site, lang, viewport, shot, settings
):
    settings.EXAM_ESSAY_MARKING_DAYS = 4
    # A long English institution name, so that cohort names wrap at 390 px.
    institution = InstitutionFactory(
        name_en="Taiwan Academy of Banking and Finance, Continuity Training Centre",
        name_zh="臺灣金融研訓院業務持續管理訓練中心",
    )
    trainee = UserFactory()
    cohort = CohortFactory(code="STD-R-EXAM", institution=institution)
    training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    entries = cohort.curriculum.entries.select_related("course").order_by("course__code")
    courses = [entry.course for entry in entries[:3]]
    to_start = open_sitting(make_paper(courses[0]), cohort)  # My exams' card and the instructions
    open_attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(make_paper(courses[1]), cohort))
    with_essay = open_sitting(make_paper(courses[2], essay=True), cohort)
    pending = attempts.do_start_attempt(trainee=trainee, sitting=with_essay)
    attempts.do_submit_attempt(attempt_id=pending.pk)  # its essay waits for a grader
    exchange.do_post(by=trainee, cohort=cohort, course=courses[0], body="存款保險的保額上限是多少？")
    exchange.do_post(by=trainee, cohort=cohort, course=courses[0], body="KYC 要多久更新一次？")
    with translation.override(lang):
        month = date_format(cohort.starts_on, "YEAR_MONTH_FORMAT")
    log_in_directly(context, site, trainee)

    pages = {  # each page, and whether it names the cohort
        "exams": (f"/{lang}/exams/", True),
        "instructions": (f"/{lang}/exams/sittings/{to_start.pk}/start/", False),
        "submit": (f"/{lang}/exams/attempts/{open_attempt.pk}/submit/", False),
        "pending": (f"/{lang}/exams/attempts/{pending.pk}/result/", False),
        "discussion": (f"/{lang}/exchange/{cohort.code}/", True),
        "thread": (f"/{lang}/exchange/{cohort.code}/{courses[0].code}/", True),
    }
    for name, (path, names_the_cohort) in pages.items():
        assert_whole_on_a_phone(page, site, shot, name, path, FIGURES[lang], month if names_the_cohort else None)
