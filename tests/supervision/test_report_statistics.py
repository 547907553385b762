"""The Wilson interval against published values, and the rate's "too few" rule."""

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from supervision.figures.statistics import Rate, wilson_interval


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe RG (1998), Two-sided confidence intervals for the single proportion: comparison of
        # seven methods. Statistics in Medicine 17:857–872, Table I, method 3 (Wilson score, no
        # continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (29, 29, 0.8830, 1.0000),
        # x = 0 of 10 (Brown, Cai & DasGupta 2001 discuss the same case): 0 to 0.2775.
        (0, 10, 0.0000, 0.2775),
    ],
)
def test_the_wilson_interval_matches_the_published_values(successes, n, low, high):
    computed = wilson_interval(successes, n)
    assert computed == pytest.approx((low, high), abs=5e-5)


def test_it_refuses_an_impossible_proportion():
    for successes, n in ((1, 0), (-1, 5), (6, 5)):
        with pytest.raises(ValueError):
            wilson_interval(successes, n)


@given(n=st.integers(1, 10_000), data=st.data())
def test_the_interval_lies_in_0_1_and_holds_the_rate(n, data):
    successes = data.draw(st.integers(0, n))
    low, high = wilson_interval(successes, n)
    assert 0.0 <= low <= successes / n <= high <= 1.0


def test_a_rate_below_the_minimum_is_too_few_and_counts_stay(settings):
    settings.SUPERVISION_MIN_RESPONSES = 20
    translation.activate("en")
    assert Rate(5, 19).text == "too few (19)"
    assert Rate(5, 19).value is None and Rate(5, 19).cells() == ["too few (19)", "", ""]
    assert Rate(5, 20).text == "25.0 %"
    assert Rate(5, 20).cells() == [25.0, 11.2, 46.9]
