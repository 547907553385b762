"""The public pages in a real browser: home, catalog, language switch, not-found — and their accessibility."""

import re

import pytest

from tests.browser.support import BROWSER, assert_accessible, expect

pytestmark = BROWSER

HTML_LANG = {"zh-hant": "zh-Hant", "en": "en"}
TIER_NAMES = {"zh-hant": ["助理級", "高級"], "en": ["Assistant", "Senior"]}


def open_menu(page, viewport: str) -> None:
    """On a phone the navigation folds behind the menu button; open it as a person would."""
    if viewport == "phone":
        toggler = page.locator(".navbar-toggler")
        expect(toggler).to_be_visible()
        toggler.click()
        expect(page.locator("#main-nav")).to_be_visible()


def test_the_home_page_leads_to_the_catalog_and_a_tier(page, site, lang, viewport, shot):
    page.goto(f"{site.url}/{lang}/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[lang])
    expect(page.locator("h1")).to_have_count(1)
    for name in TIER_NAMES[lang]:
        expect(page.get_by_role("link", name=re.compile(name)).first).to_be_visible()
    shot(page, "home")
    assert_accessible(page)

    page.locator("main a.btn-primary").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/catalog/$"))
    # The navigation says where the reader is.
    expect(page.locator("#main-nav a[aria-current=page]")).to_have_attribute("href", f"/{lang}/catalog/")
    shot(page, "catalog")
    assert_accessible(page)

    page.get_by_role("link", name=re.compile(TIER_NAMES[lang][1])).click()
    expect(page).to_have_url(re.compile(rf"/{lang}/catalog/senior/$"))
    expect(page.locator("h1")).to_contain_text(TIER_NAMES[lang][1])
    expect(page.get_by_role("heading", level=2)).to_have_count(2)  # the two tracks
    shot(page, "tier-senior")
    assert_accessible(page)


def test_the_standard_tier_page_fits_the_window(page, site, lang, viewport):
    page.goto(f"{site.url}/{lang}/catalog/standard/")
    # Nothing sticks out sideways: a phone user never scrolls horizontally.
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"
    assert_accessible(page)


def test_the_language_switch_keeps_the_page(page, site, lang, viewport, shot):
    other = "en" if lang == "zh-hant" else "zh-hant"
    page.goto(f"{site.url}/{lang}/catalog/assistant/")
    open_menu(page, viewport)
    select = page.get_by_label("語言" if lang == "zh-hant" else "Language")
    expect(select).to_be_visible()
    select.select_option(other)
    expect(page).to_have_url(re.compile(rf"/{other}/catalog/assistant/$"))
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[other])
    expect(page.locator("h1")).to_contain_text(TIER_NAMES[other][0])
    shot(page, "after-language-switch")


def test_the_skip_link_takes_a_keyboard_user_to_the_content(page, site, lang, viewport):
    page.goto(f"{site.url}/{lang}/")
    page.keyboard.press("Tab")
    skip = page.locator("a[href='#main']")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_an_unknown_address_shows_a_helpful_not_found_page(page, site, lang, viewport, shot):
    response = page.goto(f"{site.url}/{lang}/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.locator("h1")).to_have_text("找不到頁面" if lang == "zh-hant" else "Page not found")
    shot(page, "not-found")
    assert_accessible(page)
    # Ways back: home, the catalog and the cohorts (and the dashboard for a logged-in person).
    expect(page.locator("#not-found-ways a")).to_have_count(3)
    page.locator(f"#not-found-ways a[href='/{lang}/']").click()
    expect(page).to_have_url(re.compile(rf"/{lang}/$"))


@pytest.mark.parametrize("viewport", ["desktop"], indirect=True)
def test_the_axe_check_catches_a_real_violation(page, site, lang, viewport):
    """The accessibility check is not a rubber stamp: an unlabelled field makes it fail."""
    page.goto(f"{site.url}/{lang}/")
    page.evaluate("() => document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')")
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
