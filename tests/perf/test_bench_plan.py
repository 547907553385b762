"""The instruction counts' plan (bench/instructions.py, issue 20): every counted request was sent once in the
warm-up, as under wrk, where each of an endpoint's requests recurs many times."""

import pytest

from bench.instructions import warmup_count


@pytest.mark.parametrize("distinct", [1, 2, 3, 5, 12, 13, 20, 50, 200])
@pytest.mark.parametrize(("warmup", "measure"), [(3, 10), (2, 5), (0, 1)])
def test_each_counted_request_was_sent_in_the_warm_up(distinct, warmup, measure):
    sent = warmup_count(warmup, measure, distinct)
    assert sent >= warmup
    warm = {i % distinct for i in range(sent)}
    counted = {(warmup + i) % distinct for i in range(measure)}
    assert counted <= warm
    assert sent <= warmup + measure  # no more than that: each counted one once
