"""The change lists institutions and the program office work in, in a real browser on a laptop (1366 px, the menu
and the filters beside the list): each fits its box in both languages, for the office and for an institution's
staff, with a day on one line; on a row's page Django's "History" pill (and a cohort's zip link) no longer runs
into a long title. On a phone the page is no wider than the window (a list scrolls inside its box).

Outside testing found them cramped or scrolling sideways at 1366 × 768: the office's certificates were 764 px in
a 717 px box (English), days broke after each word, a certificate's number at each hyphen, three or four lines a
row; the pill was pulled 48 px up onto a long enrolment's or cohort's name. (tests/admin/test_list_columns_on_a_
laptop.py checks the columns themselves.)"""

from tests.admin.test_list_columns_on_a_laptop import COLUMNS, a_course, make_rows
from tests.browser.support import BROWSER, assert_fits_window, expect, log_in_directly
from tests.conftest import make_staff

pytestmark = BROWSER


def list_overflow(page) -> float:
    """How far the change list's table reaches past its box (negative: room to spare)."""
    return page.evaluate(
        """() => document.querySelector('#result_list').getBoundingClientRect().width
                 - document.querySelector('#changelist .results').clientWidth"""
    )


def lines_of_a_day(page, column: str) -> int:
    """How many lines the first row's day takes in ``column``."""
    return page.evaluate(
        """(column) => {
            const day = document.querySelector(`#result_list tbody .field-${column} .no-break`);
            return Math.round(day.getBoundingClientRect().height / parseFloat(getComputedStyle(day).lineHeight));
        }""",
        column,
    )


def tools_over_title(page) -> list[str]:
    """The page's headings whose text the object tools ("History") cover."""
    return page.evaluate(
        """() => {
            const tools = document.querySelector('.object-tools').getBoundingClientRect();
            const covered = [];
            for (const heading of document.querySelectorAll('#content > h1, #content > h2')) {
                const text = document.createRange();
                text.selectNodeContents(heading);
                for (const r of text.getClientRects()) {
                    if (r.right > tools.left && tools.right > r.left && r.bottom > tools.top && tools.bottom > r.top) {
                        covered.push(heading.innerText);
                        break;
                    }
                }
            }
            return covered;
        }"""
    )


DAYS = {"courses/cohort": "starts_on", "certification/certificate": "issued_on", "courses/enrolment": "created_at"}


def test_the_lists_fit_a_laptop_and_the_history_pill_leaves_long_titles_alone(
    *, page, context, site, lang, viewport, shot, institution, program_office
):
    enrolments = make_rows(institution, range(3), course=a_course(institution))
    admin = make_staff(institution, email=f"admin-{lang}-{viewport}@inst-a.example.test", is_staff=True)
    for who, person in (("office", program_office), ("institution", admin)):
        context.clear_cookies()
        log_in_directly(context, site, person)
        for url in COLUMNS:
            page.goto(f"{site.url}/{lang}/admin/{url}/")
            expect(page.locator("#result_list tbody tr").first).to_be_visible()
            shot(page, f"{who}-{url.replace('/', '-')}")
            if viewport == "desktop":
                assert list_overflow(page) <= 0, f"{who}: {url} is {list_overflow(page):.0f} px wider than its box"
                if url in DAYS:
                    assert lines_of_a_day(page, DAYS[url]) == 1, f"{who}: a day on {url} takes more than a line"
            assert_fits_window(page)
        enrolment = enrolments[0]
        for url in (
            f"courses/enrolment/{enrolment.pk}/change/",
            f"courses/cohort/{enrolment.cohort_id}/change/",
            f"certification/certificate/{enrolment.trainee.certificates.get().pk}/change/",
        ):
            page.goto(f"{site.url}/{lang}/admin/{url}")
            expect(page.locator(".object-tools")).to_be_visible()
            shot(page, f"{who}-{url.split('/')[1]}-page")
            assert tools_over_title(page) == [], f"{who}: the object tools cover the title of {url}"
            assert_fits_window(page)
