"""My certificates at 390 px in Chromium: the continuing-education activities are a card per activity, under a
heading of their own, their short cells whole on one line ("3", "已確認", "awaiting confirmation"; not "已/確/認"
a character a line), the long title wrapping inside the window."""

import pytest
from django.utils import timezone

from certification.models import ContinuingEducation
from tests.browser.support import BROWSER, assert_fits_window, expect, log_in_directly, measured
from tests.factories import CertificateFactory, InstitutionFactory

pytestmark = BROWSER

STATUSES = {"zh-hant": "已確認|待確認|等待確認", "en": "Confirmed|Awaiting confirmation"}


@pytest.mark.parametrize("viewport", ["phone"], indirect=True)
def test_the_activities_table_is_readable_on_a_phone(page, context, site, lang, viewport, shot):
    holder = CertificateFactory().trainee
    institution = InstitutionFactory(
        name_en="Taiwan Academy of Banking and Finance, Continuity Training Centre",
        name_zh="臺灣金融研訓院業務持續管理訓練中心",
    )
    for status, hours in (("confirmed", "12.5"), ("pending", "3")):
        ContinuingEducation.objects.create(
            trainee=holder,
            institution=institution,
            title="Operational resilience and business continuity management for branch managers",
            completed_on=timezone.localdate(),
            hours=hours,
            status=status,
            self_reported=status == "pending",
        )
    log_in_directly(context, site, holder)
    page.goto(f"{site.url}/{lang}/certificates/")
    shot(page, "my-certificates-activities")
    assert_fits_window(page)
    table = page.locator("#ce-activities")
    expect(table).to_be_visible()
    heading = page.locator("#my-ce-activities")
    expect(heading).to_be_visible()
    assert table.get_attribute("aria-labelledby") == "my-ce-activities"
    cells = measured(page, r"\S(?:.*\S)?", "#ce-activities td.ce-hours-cell, #ce-activities td.ce-status-cell")
    assert sorted(text for text, _lines in cells if text[0].isdigit()) == ["12.5", "3"]
    assert len(cells) == 4, cells
    split = [(text, lines) for text, lines in cells if lines != 1]
    assert not split, f"short cells over several lines: {split}"
    # The title wraps rather than pushing the page sideways.
    titles = measured(page, "Operational resilience", "#ce-activities td")
    assert titles and all(lines == 1 for _text, lines in titles)
