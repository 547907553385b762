"""At 390 px in Chromium no line breaks between a figure and its unit ("1 day", "8 課時", "3 open cohorts") nor
inside a cohort's month ("December 2026", "2026年12月"), on the pages a trainee follows their training on. Each
such text on the page is measured: all of it on one line. The markup that does it:
tests/courses/test_phone_line_breaks.py."""

import datetime

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses import services
from tests.browser.support import BROWSER, assert_fits_window, log_in_directly
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

# Every text in <main> that matches ``pattern`` (a figure and its unit, a month), with the number of lines it
# takes: a range's boxes, grouped by their top.
MEASURE = """([pattern, selector]) => {
  const found = [];
  const re = new RegExp(pattern, "g");
  for (const scope of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.checkVisibility()) continue;
      for (const m of node.data.matchAll(re)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
        found.push([m[0], tops.size]);
      }
    }
  }
  return found;
}"""


def measured(page, pattern: str, selector: str = "main") -> list[tuple[str, int]]:
    return [(text, lines) for text, lines in page.evaluate(MEASURE, [pattern, selector])]


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

    pages = {
        "dashboard": f"/{lang}/dashboard/",
        "catalog": f"/{lang}/cohorts/",
        "cohort": f"/{lang}/cohorts/STD-R-PHONE/",
        "tier": f"/{lang}/catalog/standard/",
        "withdraw": f"/{lang}/enrolments/{enrolment.pk}/withdraw/",
    }
    for name, path in pages.items():
        page.goto(site.url + path)
        shot(page, name)
        assert_fits_window(page)
        figures = measured(page, FIGURES[lang])
        assert figures, f"{path}: no figure with its unit found"
        broken = [text for text, lines in figures if lines != 1]
        assert not broken, f"{path}: a figure split from its unit: {broken}"
        if name in ("dashboard", "catalog", "cohort", "withdraw"):
            months = measured(page, month.replace(" ", "[ \u00a0]"), "main")
            assert months, f"{path}: the cohort's month is not shown"
            assert all(lines == 1 for _text, lines in months), f"{path}: the month {month} is split: {months}"
