"""My grade's evaluations name their period in the page's language: "Quarterly 1 July 2026 – 30 September 2026"
on the English page, the dates as every other page writes them (``|date``), never "quarterly 2026-07-01 –
2026-09-30"; the Chinese page the same in Chinese."""

import datetime
import re

import pytest
from django.utils.formats import date_format
from django.utils.translation import override, pgettext

from career.services import evaluations
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

STARTS, ENDS = datetime.date(2026, 7, 1), datetime.date(2026, 9, 30)


def period_cell(user, lang: str) -> str:
    html = logged_in(user).get(f"/{lang}/career/").content.decode()
    table = re.search(r'<table[^>]*id="evaluations".*?</table>', html, re.S).group(0)
    cell = re.search(r"<td[^>]*>(.*?)</td>", table.split("<tbody>", 1)[1], re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell).replace("\u00a0", " ")).strip()


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_an_evaluations_period_reads_in_the_page_language(graded, trainee, lang):
    profile = trainee.trainee_profile
    evaluations.do_save_scheme(employer=profile.employer, name="考核", period_kinds=["quarterly"])
    scores = {code: 80 for code, *_rest in evaluations.STANDARD_DIMENSIONS}
    evaluations.do_record_evaluation(
        employer=profile.employer, employee_id=profile.pk, kind="quarterly", starts_on=STARTS, ends_on=ENDS,
        scores=scores, by=None,
    )  # fmt: skip
    with override(lang):
        kind = pgettext("evaluation period", "quarterly")
        expected = f"{kind[0].upper()}{kind[1:]} {date_format(STARTS)} – {date_format(ENDS)}"
    cell = period_cell(trainee, lang)
    assert cell == expected
    assert "2026-07-01" not in cell and "2026-09-30" not in cell
    if lang == "en":
        assert cell == "Quarterly 1 July 2026 – 30 September 2026"
