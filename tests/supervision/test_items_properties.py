"""Properties of the item analysis on any response matrix: alpha is at most 1, every discrimination
and upper–lower index lies in [−1, 1], facility is the mean score ratio, and the score distribution
counts every attempt once. Each example runs in a savepoint rolled back at its end."""

from __future__ import annotations

import statistics
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supervision.figures import items as figures
from supervision.figures.items import ItemStatistic, OptionStatistic, PaperStatistic

from .items_support import paper_of, plant_matrix

DB = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@st.composite
def matrices(draw):
    """Maximum scores per question (1 or 2), and each trainee's scores (whole points up to the maximum)."""
    maxima = draw(st.lists(st.sampled_from([1, 2]), min_size=2, max_size=6))
    trainees = draw(st.integers(min_value=2, max_value=14))
    rows = [[draw(st.integers(min_value=0, max_value=m)) for m in maxima] for _ in range(trainees)]
    return maxima, rows


class Rollback(Exception):
    pass


@DB
@given(matrix=matrices())
def test_any_matrix_gives_figures_within_their_bounds(db, matrix):
    maxima, rows = matrix
    try:
        with transaction.atomic():
            cohort, paper, questions = paper_of(len(maxima))
            for question, maximum in zip(questions, maxima, strict=True):
                question.max_score = Decimal(maximum)
                question.save(update_fields=["max_score"])
            plant_matrix([[Decimal(x) for x in row] for row in rows], questions, paper, cohort)
            figures.recompute()
            check(paper, questions, maxima, rows)
            raise Rollback
    except Rollback:
        pass


def check(paper, questions, maxima, rows) -> None:
    stats = PaperStatistic.objects.get(paper=paper)
    assert stats.attempts == len(rows) and sum(stats.histogram) == len(rows)
    assert stats.alpha is None or stats.alpha <= 1 + 1e-12
    assert stats.dichotomous == all(x in (0, m) for row in rows for x, m in zip(row, maxima, strict=True))
    for j, (question, maximum) in enumerate(zip(questions, maxima, strict=True)):
        row = ItemStatistic.objects.get(paper=paper, question=question)
        assert row.facility == pytest.approx(statistics.fmean(r[j] / maximum for r in rows), abs=1e-12)
        for value in (row.discrimination, row.upper_lower):
            assert value is None or -1 <= value <= 1
    for option in OptionStatistic.objects.filter(item__paper=paper):
        assert option.discrimination is None or -1 <= option.discrimination <= 1
        assert 0 <= option.choice_rate <= 1
