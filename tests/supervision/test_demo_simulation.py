"""The demo's simulated year (supervision/demo.py, supervision/simulation.py): the item analysis
recovers the difficulty order the response model was given and flags the items planted bad; the
rows are the ones the exam services would write; every load writes the same answers."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Count

import accounts.demo
import exams.demo
from accounts import audit
from accounts.models import AuditEvent
from exams.models import Attempt, AttemptQuestion, CourseResult, QuestionType
from exams.services import attempts as attempt_services
from exams.services.grading import do_sweep_grading, outcome_of, score_answer
from supervision import demo, simulation

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def load_the_year() -> None:
    # What the simulation builds on (institutions and their staff, the bank and papers), then the year.
    accounts.demo.load()
    exams.demo.load()
    demo.load()


def ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    result = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            result[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return result


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation: Pearson's r of the ranks (plain Python, ties allowed)."""
    rx, ry = ranks(xs), ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    sxx = sum((a - mx) ** 2 for a in rx)
    syy = sum((b - my) ** 2 for b in ry)
    return sxy / (sxx * syy) ** 0.5


def test_spearman_in_plain_python_matches_known_values():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1)
    # 1 − 6Σd²/(n(n²−1)) with d = (0, 1, −1, 0, 0): 1 − 12/120
    assert spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]) == pytest.approx(0.9)


def test_the_item_analysis_recovers_the_known_difficulties_and_flags_the_planted_items(settings):
    # The item analysis (supervision/figures/items.py) is built beside this branch.
    from supervision.figures import items as item_analysis

    ItemStatistic = item_analysis.ItemStatistic

    load_the_year()
    item_analysis.recompute()
    sim = demo.the_simulation()
    key_of = {
        question_id: key for key, question_id in demo.inputs()["question_ids"].items()
    }  # the bank's questions by their simulated name
    stats = {key_of[s.question_id]: s for s in ItemStatistic.objects.all() if s.question_id in key_of}
    enough = {key: s for key, s in stats.items() if s.responses >= settings.SUPERVISION_MIN_RESPONSES}
    assert len(enough) >= 100, "too few items answered often enough to check anything"

    # (a) The easier the item (lower b), the higher its facility: the rank order comes back.
    compared = [key for key in enough if key != simulation.MISKEYED]
    rho = spearman([-sim.items[key].difficulty for key in compared], [enough[key].facility for key in compared])
    assert rho >= 0.9, rho

    # (b) Each planted item raises its flag.
    assert {"negative", "top_prefers_wrong"} <= set(enough[simulation.MISKEYED].flags)
    assert "unchosen_option" in enough[simulation.DEAD_DISTRACTOR].flags
    assert "too_easy" in enough[simulation.TOO_EASY].flags
    assert "too_hard" in enough[simulation.TOO_HARD].flags
    # …and the items the model holds sound, answered often enough for a steady estimate, are not
    # flagged negative or wrong-keyed (the senior papers' few dozen responses are noisier).
    sound = [key for key, s in enough.items() if key not in simulation.PLANTED and s.responses >= 100]
    assert not [key for key in sound if {"negative", "top_prefers_wrong"} & set(enough[key].flags)]


def test_the_simulated_rows_are_what_the_exam_services_would_write():
    load_the_year()
    graded = Attempt.objects.filter(trainee__email__startswith="sim").select_related("paper")
    assert 2000 <= graded.count() <= 4000
    states = dict(graded.values_list("state").annotate(n=Count("pk")).order_by())
    assert states.get("grading", 0) > 10, "no essays waiting for a grader: the backlog chart shows nothing"

    items = defaultdict(list)
    for item in AttemptQuestion.objects.filter(attempt__in=graded).select_related("question").order_by("position"):
        items[item.attempt_id].append(item)
    results = {r.attempt_id: r for r in CourseResult.objects.filter(attempt__in=graded)}
    for attempt in graded:
        rows = items[attempt.pk]
        for item in rows:
            if item.question.question_type != QuestionType.ESSAY:
                assert item.score == score_answer(
                    answer=item.answer, correct=item.question.correct, max_score=item.question.max_score,
                    question_type=item.question.question_type, scoring=attempt.paper.multiple_scoring,
                )  # fmt: skip
        result = results[attempt.pk]
        assert result.max_score == sum(item.question.max_score for item in rows)
        if attempt.state == Attempt.State.GRADED:
            outcome = outcome_of(
                score=sum((item.score for item in rows), Decimal(0)),
                max_score=result.max_score,
                pass_mark=attempt.paper.pass_mark,
            )
            assert (result.score, result.percent, result.passed) == (outcome.score, outcome.percent, outcome.passed)
            assert result.published_at and result.announced_at and result.mailed_at
        else:  # an essay waits for its grader: nothing published yet
            assert any(item.score is None for item in rows)
            assert result.published_at is None and result.passed is None and result.percent is None

    # The questions and option orders are the ones the start service draws with the attempt's seed.
    for attempt in graded.order_by("pk")[:: max(1, graded.count() // 25)]:
        drawn = attempt_services.draw_questions(paper=attempt.paper, seed=attempt.seed)
        assert [(q.pk, order) for q, order in drawn] == [(i.question_id, i.option_order) for i in items[attempt.pk]]

    # Each essay graded by hand is in the audit trail, as do_grade_essay records it.
    graded_essays = AttemptQuestion.objects.filter(
        attempt__in=graded, question__question_type=QuestionType.ESSAY, score__isnull=False
    )
    assert AuditEvent.objects.filter(action=audit.Action.GRADE_CHANGED).count() == graded_essays.count() > 1000

    # A year of history is already announced and mailed: the first beat enqueues none of it again.
    assert do_sweep_grading() == {"announcements": 0, "grading": 0, "mail": 0}


def test_every_load_writes_the_same_answers_and_a_second_load_changes_nothing():
    accounts.demo.load()
    exams.demo.load()

    def answers() -> list[tuple]:
        return list(
            AttemptQuestion.objects.filter(attempt__trainee__email__startswith="sim")
            .order_by("attempt__trainee__email", "attempt__paper__course__code", "attempt__number", "position")
            .values_list(
                "attempt__trainee__email", "attempt__paper__course__code", "attempt__number", "position",
                "question__family", "option_order", "answer", "score",
            )
        )  # fmt: skip

    with transaction.atomic():
        demo.load()
        first = answers()
        transaction.set_rollback(True)
    assert not answers()
    demo.load()
    assert answers() == first and len(first) > 10_000
    demo.load()
    assert answers() == first
