"""On a phone (390px, a finger for a pointer) what a trainee taps is at least 44px high: buttons, links drawn as
buttons, a check box's row; the keyboard's focus shows as a solid ring; and a newcomer finds the log-in and the
sign-up without opening the menu."""

import datetime
from decimal import Decimal

import pytest

from courses.services import TopicData
from tests.browser.support import BROWSER, expect, log_in_directly
from tests.exams.conftest import approve, make_paper, open_sitting, save_syllabus
from tests.factories import CertificateFactory, CohortFactory, UserFactory

pytestmark = BROWSER
TOUCH = 44  # CSS px, WCAG 2.5.5


def phone_only(viewport: str) -> None:
    if viewport != "phone":
        pytest.skip("a finger's targets: on the phone")


def heights(page, selector: str) -> list[tuple[str, float]]:
    """Each visible element ``selector`` picks: its text and its height on the screen."""
    found = page.evaluate(
        """selector => [...document.querySelectorAll(selector)].filter(el => el.checkVisibility())
            .map(el => [el.textContent.trim().slice(0, 40), el.getBoundingClientRect().height])""",
        selector,
    )
    assert found, f"{page.url}: nothing matches {selector}"
    return [(text, height) for text, height in found]


def assert_tall_enough(page, selector: str) -> None:
    short = [(text, round(height, 1)) for text, height in heights(page, selector) if height < TOUCH - 0.5]
    assert not short, f"{page.url}: {selector} under {TOUCH}px high: {short}"


def test_buttons_button_links_and_check_box_rows_are_a_finger_high(page, context, site, lang, viewport):
    phone_only(viewport)
    CohortFactory(code=f"TT-{lang}")
    page.goto(f"{site.url}/{lang}/accounts/login/")
    assert page.evaluate("matchMedia('(pointer: coarse)').matches"), "the phone's pointer is not a finger"
    assert_tall_enough(page, "main .btn-primary")
    page.goto(f"{site.url}/{lang}/cohorts/")
    assert_tall_enough(page, "main a.btn")  # "Details and enrolment"

    holder = UserFactory(email=f"targets-{lang}@example.test", preferred_language=lang)
    certificate = CertificateFactory(trainee=holder)
    log_in_directly(context, site, holder)
    page.goto(f"{site.url}/{lang}/certificates/")
    assert_tall_enough(page, f"#certificate-{certificate.pk} a.btn")  # download PDF, credential, verification page
    page.goto(f"{site.url}/{lang}/certification/reminders/")
    assert_tall_enough(page, "#reminder-preferences .form-check-label")
    assert_tall_enough(page, "#reminder-preferences .btn-primary")
    # The label is the box's: a tap on it ticks the box.
    box = page.locator("#reminder-preferences .form-check-input").first
    was = box.is_checked()
    label = page.locator("#reminder-preferences .form-check-label").first
    label_box = label.bounding_box()
    page.touchscreen.tap(label_box["x"] + label_box["width"] / 2, label_box["y"] + label_box["height"] - 3)
    expect(box).to_be_checked(checked=not was)


def test_an_exams_area_links_and_answer_rows_are_a_finger_high(page, context, site, lang, viewport):
    phone_only(viewport)
    cohort = CohortFactory(code=f"TTX-{lang}")
    course = cohort.curriculum.entries.select_related("course").first().course
    topics = [
        TopicData("經濟", "Economy", "economics", course.class_hours - 2),
        TopicData("授信", "Lending", "finance", Decimal(1)),
        TopicData("法規", "Regulations", "law", Decimal(1)),
    ]
    save_syllabus(course, topics, cohort.starts_on - datetime.timedelta(days=30), None)
    sitting = open_sitting(make_paper(course), cohort)
    trainee = UserFactory(email=f"targets-exam-{lang}@example.test", preferred_language=lang)
    approve(trainee, cohort)
    log_in_directly(context, site, trainee)
    page.goto(f"{site.url}/{lang}/exams/sittings/{sitting.pk}/start/")
    assert_tall_enough(page, "#exam-coverage li > a")  # the areas and their syllabus topics
    assert_tall_enough(page, "#confirm-start, #not-yet")
    page.locator("#confirm-start").click()
    assert_tall_enough(page, "#exam-form .form-check-label")  # each answer's row


RING = """el => { const s = getComputedStyle(el);
    return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, parseFloat(s.outlineOffset)]; }"""


def luminance(rgb: str) -> float:
    channels = [int(part) / 255 for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_keyboard_focus_is_a_solid_ring_on_links_buttons_and_fields(page, site, lang, viewport):
    page.goto(f"{site.url}/{lang}/accounts/login/")
    white = "rgb(255, 255, 255)"
    for selector in ["main a[href$='/password/reset/']", "main .btn-primary", "#id_username"]:
        element = page.locator(selector).first
        element.focus()
        page.keyboard.press("Shift+Tab")  # by the keyboard, as :focus-visible wants
        page.keyboard.press("Tab")
        expect(element).to_be_focused()
        style, width, colour, offset = element.evaluate(RING)
        assert style == "solid" and width >= 2.5 and offset >= 1, f"{selector}: focus ring {style} {width}px"
        assert contrast(colour, white) >= 3, f"{selector}: the ring {colour} is faint on white"


def test_a_newcomer_on_a_phone_sees_log_in_and_sign_up_without_the_menu(page, site, lang, viewport, shot):
    phone_only(viewport)
    page.goto(f"{site.url}/{lang}/")
    shot(page, "home")
    expect(page.locator("#main-nav")).to_be_hidden()  # the menu is closed
    header = page.locator("header")
    for path in ("/accounts/login/", "/accounts/signup/"):
        link = header.locator(f"a[href='/{lang}{path}']:visible")
        expect(link).to_have_count(1)
        box = link.bounding_box()
        assert box and box["y"] + box["height"] <= 844 and box["height"] >= TOUCH - 0.5, f"{path}: {box}"
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"{path} sticks out: {box}"
    # One line: the brand, the two links and the menu button side by side.
    boxes = [header.locator(selector).bounding_box() for selector in (".navbar-brand", "#ways-in", ".navbar-toggler")]
    middles = [round(box["y"] + box["height"] / 2) for box in boxes]
    assert max(middles) - min(middles) <= 4, f"the brand, the links and the menu button are not on one line: {middles}"
    assert_tall_enough(page, ".navbar-toggler")
    header.locator(f"a[href='/{lang}/accounts/signup/']:visible").click()
    expect(page.locator("#id_email")).to_be_visible()
