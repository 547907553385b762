"""Issue 18's page target: the supervision pages cost little and the same at any data size.

The table bodies and chart marks are written in Python (``supervision/html.py``) instead of template
loops: a cell must read exactly as ``{{ value }}`` wrote it. The item analysis shows a page of question
versions (the downloads have them all), and the pass rates by cohort are the largest cohorts picked by
the database; both in a fixed number of queries.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from supervision import views_items
from supervision.figures import items as figures
from supervision.figures import pass_rates
from supervision.figures.scope import Scope
from supervision.html import cell, rows_html
from tests.conftest import logged_in
from tests.supervision import report_data
from tests.supervision.report_data import recompute_all

from .items_support import paper_of, plant_matrix

ITEMS = "/en/supervision/items/"

VALUES = [
    0,
    7,
    -3,
    123456789,
    0.125,
    -0.5,
    12.0,
    1e-05,
    3.2e20,
    float("nan"),
    Decimal("1.50"),
    Decimal("-0.001"),
    "a < b & \"c\" 'd'",
    "題目 <b>",
    mark_safe("<i>kept</i>"),
    None,
    True,
    datetime.date(2026, 12, 3),
    timezone.make_aware(datetime.datetime(2026, 12, 3, 8, 30)),
    gettext_lazy("Course"),
    "",
]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_cell_reads_as_the_template_wrote_it(language):
    template = Template("{{ value }}")
    with translation.override(language):
        for value in VALUES:
            assert cell(value) == template.render(Context({"value": value})), value
        loop = Template("{% for row in rows %}<tr>{% for v in row %}<td>{{ v }}</td>{% endfor %}</tr>{% endfor %}")
        assert rows_html([VALUES, VALUES[::-1]]) == loop.render(Context({"rows": [VALUES, VALUES[::-1]]}))


def _matrix(people: int, items: int) -> list[list[Decimal]]:
    return [[Decimal((i * 7 + j * 3) % 5 > 1) for j in range(items)] for i in range(people)]


def _get(client, paper, **data):
    """The page built from nothing (an empty cache), its queries counted."""
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ITEMS, {"paper": paper.pk, **data})
    assert response.status_code == 200
    return response, len(queries)


def test_the_item_analysis_shows_a_page_of_question_versions_and_downloads_them_all(program_office):
    client = logged_in(program_office)
    cohort, small, questions = paper_of(3)
    plant_matrix(_matrix(6, 3), questions, small, cohort)
    many = views_items.ITEMS_PER_PAGE + 5
    cohort, large, questions = paper_of(many, cohort=cohort)
    plant_matrix(_matrix(12, many), questions, large, cohort)
    figures.recompute()
    _page, few = _get(client, small)
    first, queries = _get(client, large)
    assert queries == few  # the same queries for 3 question versions and for a page of 30
    assert len(first.context["item_rows"]) == views_items.ITEMS_PER_PAGE
    assert len(first.context["tables"]["options"].rows) == 4 * views_items.ITEMS_PER_PAGE
    assert "Page 1 of 2" in first.content.decode()
    second, queries = _get(client, large, page=2)
    assert queries == few and len(second.context["item_rows"]) == 5
    order = list(figures.item_statistics(paper_id=large.pk).values_list("question_id", flat=True))
    shown = [row["pk"] for row in first.context["item_rows"]] + [row["pk"] for row in second.context["item_rows"]]
    assert shown == order  # the pages together are the whole table, in its order
    download = client.get(ITEMS, {"paper": large.pk, "download": "items", "format": "csv"})
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 1 + many
    options = client.get(ITEMS, {"paper": large.pk, "download": "options", "format": "csv"})
    assert len(list(csv.reader(io.StringIO(options.content.decode("utf-8-sig"))))) == 1 + 4 * many
    chart = first.context["flag_chart"]  # the flags of every question version, not of the page's
    counts = figures.flag_counts(large.pk)
    flagged = figures.item_statistics(paper_id=large.pk, flagged_only=True)
    assert [bar.value for bar in chart.bars] == [float(counts[code]) for code in figures.FLAG_NAMES]
    assert sum(counts.values()) == sum(len(row.flags) for row in flagged)


def test_the_largest_cohorts_are_picked_by_the_database_as_python_picked_them(
    institution, other_institution, settings, django_assert_max_num_queries
):
    settings.SUPERVISION_MIN_RESPONSES = 1
    report_data.build([institution, other_institution], scale=4, seed=11)
    recompute_all()
    for scope in (Scope(None), Scope(institution.pk)):
        every, count = pass_rates.by_cohort(scope)
        assert count == len(every) >= 2
        for largest in (1, count - 1, count, count + 5):
            with django_assert_max_num_queries(3):
                shown, total = pass_rates.by_cohort(scope, largest)
            # the former rule: the largest by trainees who sat (ties to the earlier cohort), in cohort order
            keep = sorted(every, key=lambda r: (-r.candidates, r.key))[:largest]
            assert total == count
            assert shown == sorted(keep, key=lambda r: r.key)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_cohorts_name_from_its_columns_is_its_name(language, institution, other_institution):
    from courses.models import Cohort
    from courses.selectors import cohorts_with_catalog
    from supervision.names import cohort_name, with_names
    from tests.factories import CohortFactory

    CohortFactory(institution=institution)
    CohortFactory(institution=other_institution)
    with translation.override(language):
        names = {row["pk"]: cohort_name(row) for row in with_names(Cohort.objects.all(), "pk")}
        assert names == {cohort.pk: cohort.name for cohort in cohorts_with_catalog()}
        assert len(names) >= 2


def test_the_overview_and_the_expiring_form_make_the_same_queries_at_two_data_sizes(
    institution, other_institution, program_office, institution_admin, settings, django_assert_max_num_queries
):
    from tests.supervision.test_reports import en, url

    settings.SUPERVISION_MIN_RESPONSES = 3
    office, staff = logged_in(program_office), logged_in(institution_admin)
    pages = [("office", "index"), ("staff", "index"), ("office", "expiring"), ("staff", "expiring")]

    def queries(who: str, name: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert en(office if who == "office" else staff, url(name)).status_code == 200
        return len(captured)

    report_data.build([institution, other_institution], scale=1, seed=5)
    recompute_all()
    small = {page: queries(*page) for page in pages}
    report_data.build([institution, other_institution], scale=3, seed=6)
    recompute_all()
    for (who, name), count in small.items():
        with django_assert_max_num_queries(count):
            assert en(office if who == "office" else staff, url(name)).status_code == 200
