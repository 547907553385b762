"""The exchange's post list in admin, in a real browser: on a laptop (1366 px, the menu and the filters beside it)
the table fits its box in both languages, for the program office and for an institution's staff; on a phone it
scrolls inside its box, the page itself not wider than the window. It was 860 px (zh-Hant) and 983 px (English)
in a 717 px box: twelve columns, a person's name with their address, the reason for hiding in full."""

from decimal import Decimal

from accounts.models import StaffMembership
from courses import services as training
from exchange import services
from tests.browser.support import BROWSER, admin_log_in, assert_fits_window, expect
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER

QUESTION = (
    "請問老師：客戶經理在開發新客戶時，「了解你的客戶」（KYC）和風險屬性評估有什麼不同？兩者都要在開戶時做嗎？"
    " See https://www.example.test/regulations/know-your-customer/risk-profile-assessment-guidelines-2026.pdf"
)
ANSWER = (
    "Both, in practice: review it at least once a year, and again whenever the customer's circumstances change "
    "(income, age bracket, investment goals) or before recommending a product with a higher risk grade."
)
REASON = "Personal data of a customer (an account number and a telephone number) posted in the discussion"


def list_overflow(page) -> float:
    """How far the change list's table reaches past its box (negative: room to spare)."""
    return page.evaluate(
        """() => document.querySelector('#result_list').getBoundingClientRect().width
                 - document.querySelector('#changelist .results').clientWidth"""
    )


def test_the_post_list_fits_a_laptop_in_both_languages(
    *, page, context, site, lang, viewport, shot, institution, program_office
):
    cohort = CohortFactory(institution=institution, code=f"INST-A-STANDARD-RETAIL-{lang.upper()}-{viewport[0]}")
    course = cohort.curriculum.entries.order_by("course__code").first().course
    teacher = make_staff(
        institution, StaffMembership.Role.TEACHER, display_name="陳志明", is_staff=True,
        email=f"teacher.chen.chih-ming-{lang}-{viewport}@inst-a.example.test",
    )  # fmt: skip
    TrainingSessionFactory(cohort=cohort, course=course, teacher_person=teacher.staff_membership, hours=Decimal(4))
    asker = UserFactory(email=f"wang.hsiao-ming-{lang}-{viewport}@customer-bank.example.test", display_name="王小明")
    answerer = UserFactory(
        email=f"chang.chia-hao-{lang}-{viewport}@customer-bank.example.test", display_name="Chang Chia-hao"
    )
    for trainee in (asker, answerer):
        training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    admin = make_staff(institution, email=f"admin-{lang}-{viewport}@inst-a.example.test", is_staff=True)
    question = services.do_post(by=asker, cohort=cohort, course=course, body=QUESTION)
    answer = services.do_post(by=answerer, cohort=cohort, course=course, body=ANSWER, parent=question)
    services.do_accept(by=teacher, answer=answer)
    services.do_pin(by=teacher, question=question)
    hidden = services.do_post(
        by=answerer, cohort=cohort, course=course, body="0912-345-678, 帳號 012-34-567890", parent=question
    )
    services.do_hide(by=admin, post=hidden, reason=REASON)

    for person in (program_office, admin):
        context.clear_cookies()
        admin_log_in(page, site, lang, person.email)
        page.goto(f"{site.url}/{lang}/admin/exchange/post/")
        expect(page.locator("#result_list tbody tr")).to_have_count(3)
        shot(page, f"post-list-{'office' if person == program_office else 'institution'}")
        if viewport == "desktop":
            assert list_overflow(page) <= 0, f"the post list is {list_overflow(page):.0f} px wider than its box"
        assert_fits_window(page)
