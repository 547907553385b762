"""On a phone (390px, a finger for a pointer) a text field and a drop-down list are at least 44px high, as its
buttons are; on a desktop (a mouse) they keep Bootstrap's 38px."""

from tests.browser.support import BROWSER

pytestmark = BROWSER
TOUCH = 44  # CSS px, WCAG 2.5.5
BOOTSTRAP = 38  # a field's height with a mouse: 1.5rem line, .375rem padding twice, 1px border twice

FIELDS = ["#id_email", "#id_preferred_language"]  # the sign-up's e-mail address (input) and language (select)


def height(page, selector: str) -> float:
    return page.locator(selector).evaluate("el => el.getBoundingClientRect().height")


def test_a_text_field_and_a_drop_down_list_are_a_finger_high_on_a_phone(page, site, lang, viewport, shot):
    page.goto(f"{site.url}/{lang}/accounts/signup/")
    coarse = page.evaluate("matchMedia('(pointer: coarse)').matches")
    assert coarse == (viewport == "phone"), f"{viewport}: the pointer is not what the window says"
    assert page.locator("#id_preferred_language").evaluate("el => el.tagName") == "SELECT"
    page.locator("#id_email").fill("trainee@example.test")  # for the screenshot: the text centred in its box
    shot(page, "signup")
    heights = {selector: round(height(page, selector), 1) for selector in FIELDS}
    if viewport == "phone":
        assert all(high >= TOUCH - 0.5 for high in heights.values()), f"under {TOUCH}px on a phone: {heights}"
    else:
        assert all(abs(high - BOOTSTRAP) <= 0.5 for high in heights.values()), (
            f"not {BOOTSTRAP}px on a desktop: {heights}"
        )
