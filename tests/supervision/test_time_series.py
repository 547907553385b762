"""The figures over time (certificates per month, pass rates by quarter): every calendar period is
there, a period in which nothing happened as a zero, the charts end with the current period in the
site's zone (Asia/Taipei), and the page says which periods the chart draws."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from certification.models import ContinuingEducation
from supervision.figures import certificates, pass_rates
from supervision.figures.periods import MONTHS, QUARTERS, between, ending_with, start_of
from supervision.figures.scope import Scope
from supervision.models import PassRateFigure, RecomputeRun
from tests.conftest import logged_in
from tests.factories import CertificateFactory, CohortFactory
from tests.supervision.test_reports import en, rows_of, url

pytestmark = pytest.mark.django_db

# 01:00 on 1 December 2026 in Taipei, still 30 November in UTC: the current month is December.
NOW = "2026-11-30T17:00:00Z"
D = datetime.date


def month_names(first: datetime.date, last: datetime.date) -> list[str]:
    names = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]  # fmt: skip
    return [f"{names[m.month - 1]} {m.year}" for m in between(first, last, MONTHS)]


def test_the_periods_helper_counts_calendar_periods():
    assert start_of(D(2026, 12, 31), MONTHS) == D(2026, 12, 1)
    assert start_of(D(2026, 11, 30), QUARTERS) == D(2026, 10, 1)
    assert between(D(2025, 11, 1), D(2026, 2, 1), MONTHS) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1),
                                                              D(2026, 2, 1)]  # fmt: skip
    assert between(D(2025, 10, 1), D(2026, 4, 1), QUARTERS) == [D(2025, 10, 1), D(2026, 1, 1), D(2026, 4, 1)]
    assert ending_with(D(2026, 12, 5), 24, MONTHS)[0] == D(2025, 1, 1)
    assert ending_with(D(2026, 12, 5), 24, MONTHS)[-1] == D(2026, 12, 1)
    assert len(ending_with(D(2026, 3, 1), 30, QUARTERS)) == 30


@freeze_time(NOW)
def test_the_monthly_charts_show_the_last_24_months_every_one(institution, program_office):
    cache.clear()
    for issued_on in (D(2024, 5, 10), D(2026, 7, 15), D(2026, 12, 1)):
        CertificateFactory(institution=institution, issued_on=issued_on)
    certificate = CertificateFactory(institution=institution, issued_on=D(2026, 7, 20))
    ContinuingEducation.objects.create(
        trainee=certificate.trainee, institution=institution, title="Seminar", completed_on=D(2025, 3, 3),
        hours=Decimal("2.5"), status="confirmed",
    )  # fmt: skip
    certificates.recompute()
    RecomputeRun.objects.create(state="done", finished_at=datetime.datetime.now(datetime.UTC))

    page = en(logged_in(program_office), url("certificates"))
    assert page.status_code == 200
    drawn = month_names(D(2025, 1, 1), D(2026, 12, 1))
    for name in ("issued_chart", "renewed_chart", "ce_chart"):
        assert [bar.label for bar in page.context[name].bars] == drawn, name
    issued = {bar.label: bar.value for bar in page.context["issued_chart"].bars}
    assert issued == {**dict.fromkeys(drawn, 0), "July 2026": 2, "December 2026": 1}
    hours = {bar.label: bar.value for bar in page.context["ce_chart"].bars}
    assert hours["March 2025"] == 2.5 and sum(hours.values()) == 2.5
    # The table has every month, from the first with a certificate to this one, none left out.
    table = page.context["tables"]["months"]
    assert [row[0] for row in table.rows] == month_names(D(2024, 5, 1), D(2026, 12, 1))
    assert [row[1] for row in table.rows if row[0] == "July 2024"] == [0]
    # What the page says is what it draws.
    text = " ".join(page.content.decode().split())
    assert "The charts show the 24 months from January 2025 to December 2026; the table has every month." in text


@freeze_time(NOW)
def test_the_quarterly_pass_rates_show_every_quarter_up_to_this_one(institution, program_office, settings):
    cache.clear()
    settings.SUPERVISION_MIN_RESPONSES = 3
    cohort = CohortFactory(institution=institution)
    course = cohort.curriculum.entries.first().course
    for year, quarter, n in ((2025, 2, 5), (2026, 1, 2), (2026, 2, 4)):
        PassRateFigure.objects.create(
            institution=institution, cohort=cohort, tier=cohort.curriculum.tier, track=cohort.curriculum.track,
            course=course, year=year, quarter=quarter, candidates=n, first_passed=n - 1, passed=n,
        )  # fmt: skip
    RecomputeRun.objects.create(state="done", finished_at=datetime.datetime.now(datetime.UTC))

    quarters = ["Q2 2025", "Q3 2025", "Q4 2025", "Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    with translation.override("en"):
        rows = pass_rates.by(Scope(None), "quarter")
    assert [r.label for r in rows] == quarters
    assert [r.candidates for r in rows] == [5, 0, 0, 2, 4, 0, 0]
    page = en(logged_in(program_office), url("pass_rates"))
    part = next(p for p in page.context["parts"] if p["name"] == "quarter")
    assert [row[0] for row in part["table"].rows] == quarters
    # Every quarter in the chart, in order; those with too few trainees named, without a bar.
    assert [bar.label for bar in part["chart"].bars] == quarters
    assert [bar.value for bar in part["chart"].bars] == [0.8, 0, 0, 0, 0.75, 0, 0]
    assert part["chart"].bars[1].text == "too few (0)" and part["chart"].bars[3].text == "too few (2)"
    text = " ".join(page.content.decode().split())
    assert "The chart shows the 7 quarters from Q2 2025 to Q4 2026; the table has every quarter." in text


@freeze_time(NOW)
def test_a_long_quarterly_series_charts_its_last_quarters_and_says_so(
    institution, program_office, settings, monkeypatch
):
    from supervision import views_reports

    cache.clear()
    monkeypatch.setattr(views_reports, "MAX_BARS", 4)
    settings.SUPERVISION_MIN_RESPONSES = 1
    cohort = CohortFactory(institution=institution)
    course = cohort.curriculum.entries.first().course
    for year, quarter in ((2025, 1), (2026, 2)):
        PassRateFigure.objects.create(
            institution=institution, cohort=cohort, tier=cohort.curriculum.tier, track=cohort.curriculum.track,
            course=course, year=year, quarter=quarter, candidates=3, first_passed=1, passed=2,
        )  # fmt: skip
    RecomputeRun.objects.create(state="done", finished_at=datetime.datetime.now(datetime.UTC))
    page = en(logged_in(program_office), url("pass_rates"))
    part = next(p for p in page.context["parts"] if p["name"] == "quarter")
    assert len(part["table"].rows) == 8
    assert [bar.label for bar in part["chart"].bars] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    text = " ".join(page.content.decode().split())
    assert "The chart shows the 4 quarters from Q1 2026 to Q4 2026; the table has every quarter." in text


@freeze_time(NOW)
def test_a_quarter_is_named_in_the_readers_language_on_the_page_in_the_chart_and_in_both_downloads(
    institution, program_office, settings
):
    """English names a quarter as it names a month, the period then the year ("Q4 2026", as "December
    2026"); Chinese the year first ("2026 年第 4 季"). One label for the table, the chart, its note and
    the CSV and XLSX cells, never the code's "2026 Q4" in both languages."""
    import io

    import openpyxl

    cache.clear()
    settings.SUPERVISION_MIN_RESPONSES = 1
    cohort = CohortFactory(institution=institution)
    PassRateFigure.objects.create(
        institution=institution, cohort=cohort, tier=cohort.curriculum.tier, track=cohort.curriculum.track,
        course=cohort.curriculum.entries.first().course, year=2026, quarter=4, candidates=3, first_passed=1, passed=2,
    )  # fmt: skip
    RecomputeRun.objects.create(state="done", finished_at=datetime.datetime.now(datetime.UTC))
    client = logged_in(program_office)

    def labels(language: str) -> list[str]:
        with translation.override(language):
            address = reverse("supervision:pass_rates")
        page = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
        part = next(p for p in page.context["parts"] if p["name"] == "quarter")
        body = " ".join(page.content.decode().split())
        (label,) = {row[0] for row in part["table"].rows}
        assert [bar.label for bar in part["chart"].bars] == [label]
        assert f"<td>{label}</td>" in body and f">{label}</text>" in body  # the table and the chart
        csv_rows = rows_of(client.get(address, {"download": "by-quarter", "format": "csv"}))
        xlsx = client.get(address, {"download": "by-quarter", "format": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
        return [label, csv_rows[1][0], sheet.cell(row=2, column=1).value]

    assert labels("en") == ["Q4 2026"] * 3
    chinese = labels("zh-hant")
    assert len(set(chinese)) == 1 and re.fullmatch(r"2026 ?年第 ?4 ?季", chinese[0]), chinese


def test_no_figures_yet_draw_no_series(program_office):
    cache.clear()
    page = en(logged_in(program_office), url("certificates"))
    assert page.status_code == 200
    assert page.context["tables"]["months"].rows == []
    assert "The charts show" not in page.content.decode()
