"""The trainee's standing on a paper, one rule for every page that says whether the paper may be sat again: the start
of an attempt at a sitting (``attempts.check_start_attempt``: eligibility and the window, then the standing), the
instructions (``attempts.briefing``) and the next step after a result (``next_step.after_result``) all apply
``attempts.check_standing`` and count ``attempts.attempts_left``; and the answer endpoint's refusals each keep their
HTTP status (``exams.views.STATUS``, 400 unless listed)."""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from exams.models import Attempt, QuestionType, Sitting
from exams.services import ExamError, attempts, next_step

from .conftest import login

pytestmark = pytest.mark.django_db

State = Attempt.State


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def sat(state=State.GRADED, *, at=None, number=1, pk=None) -> Attempt:
    """An attempt as the standing reads it (never saved: the rules read only its state and submission time)."""
    return Attempt(pk=pk, state=state, submitted_at=at, number=number)


def refusal(call) -> tuple[str, str] | None:
    """The code and words of the refusal ``call`` raises, or None."""
    try:
        call()
    except ExamError as error:
        return error.code, str(error)
    return None


def standings(now: datetime.datetime) -> dict[str, tuple[attempts.Standing, tuple[str, str] | None]]:
    """Standings on a paper of at most 2 attempts and a wait of 7 days, with the refusal each one meets ``now``."""
    long_ago, yesterday = now - datetime.timedelta(days=30), now - datetime.timedelta(days=1)
    allowed = date_format(timezone.localtime(yesterday + datetime.timedelta(days=7)), "DATETIME_FORMAT")
    return {
        "none yet": (attempts.Standing([], False), None),
        "one open": (attempts.Standing([sat(State.OPEN)], False), None),
        "one failed long ago": (attempts.Standing([sat(at=long_ago)], False), None),
        "passed": (
            attempts.Standing([sat(at=long_ago)], True), ("already_passed", "You have already passed this course.")
        ),
        "used up": (
            attempts.Standing([sat(at=long_ago), sat(at=long_ago, number=2)], False),
            ("attempts_used_up", "You have used all 2 attempts."),
        ),
        "submitted": (
            attempts.Standing([sat(State.SUBMITTED, at=yesterday, pk=41)], False),
            ("result_pending", "Your previous attempt is still being graded."),
        ),
        "grading": (
            attempts.Standing([sat(State.GRADING, at=yesterday, pk=42)], False),
            ("result_pending", "Your previous attempt is still being graded."),
        ),
        "failed yesterday": (
            attempts.Standing([sat(at=yesterday)], False),
            ("retake_wait", f"You may retake this exam from {allowed}."),
        ),
    }  # fmt: skip


@pytest.mark.parametrize(
    "case", ["none yet", "one open", "one failed long ago", "passed", "used up", "submitted", "grading",
             "failed yesterday"],
)  # fmt: skip
def test_the_standing_refuses_as_the_start_at_an_open_sitting_does_and_whatever_the_sitting(world, case):
    world.paper.max_attempts, world.paper.retake_wait_days = 2, 7
    now = world.sitting.opens_at + datetime.timedelta(minutes=1)
    standing, expected = standings(now)[case]

    assert refusal(lambda: attempts.check_standing(paper=world.paper, standing=standing, now=now)) == expected

    def at_sitting():
        attempts.check_start_attempt(sitting=world.sitting, standing=standing, eligible=True, now=now)

    assert refusal(at_sitting) == expected
    # About the trainee, not a sitting: the same once every sitting has closed.
    later = world.sitting.closes_at + datetime.timedelta(minutes=1)
    if case != "failed yesterday":  # by then the wait is over
        assert refusal(lambda: attempts.check_standing(paper=world.paper, standing=standing, now=later)) == expected
    if expected and expected[0] == "result_pending":
        with pytest.raises(attempts.ResultPending) as pending:
            attempts.check_standing(paper=world.paper, standing=standing, now=now)
        assert pending.value.attempt_id == standing.attempts[-1].pk


def test_the_start_checks_eligibility_and_the_window_before_the_standing(world):
    world.paper.max_attempts = 1
    used_up = attempts.Standing([sat(at=world.sitting.opens_at - datetime.timedelta(days=30))], True)
    opens, closes = world.sitting.opens_at, world.sitting.closes_at

    def start(now, eligible=True):
        return lambda: attempts.check_start_attempt(sitting=world.sitting, standing=used_up, eligible=eligible, now=now)

    assert refusal(start(opens, eligible=False))[0] == "not_eligible"
    assert refusal(start(opens - datetime.timedelta(seconds=1)))[0] == "not_open_yet"
    assert refusal(start(closes))[0] == "window_closed"
    assert refusal(start(opens))[0] == "already_passed"


def test_the_attempts_left_are_the_maximum_less_the_finished_ones_never_below_none(world):
    world.paper.max_attempts = 3

    def left(*states):
        return attempts.attempts_left(paper=world.paper, standing=attempts.Standing([sat(s) for s in states], False))

    assert left() == 3
    assert left(State.OPEN) == 3  # an open attempt is not used up yet
    assert left(State.GRADED, State.OPEN) == 2
    assert left(State.SUBMITTED, State.GRADING, State.GRADED) == 0
    world.paper.max_attempts = 1  # lowered after the trainee sat more often
    assert left(State.GRADED, State.GRADED) == 0


def test_the_next_step_after_a_result_is_the_standing_at_no_sitting_and_counts_as_the_instructions(world):
    """The sitting of the failed attempt has closed and none other is open: the next step is still the wait before a
    retake, in the trainee's words and dates (written out here, not asked of ``check_standing``), counted as the
    instructions count, not the closed window."""
    world.paper.max_attempts, world.paper.retake_wait_days = 3, 7
    world.paper.save()
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    # Submitted on 5 March 2030 at 07:30 in Taipei (4 March, 23:30 UTC); the sitting closed an hour later.
    submitted = datetime.datetime(2030, 3, 5, 7, 30, tzinfo=ZoneInfo("Asia/Taipei"))
    Attempt.objects.filter(pk=attempt.pk).update(state=State.GRADED, submitted_at=submitted)
    Sitting.objects.filter(pk=world.sitting.pk).update(
        opens_at=submitted - datetime.timedelta(hours=2), closes_at=submitted + datetime.timedelta(hours=1)
    )
    world.sitting.refresh_from_db()
    after = datetime.datetime(2030, 3, 6, 7, 30, tzinfo=ZoneInfo("Asia/Taipei"))  # a day later, the window closed

    step = next_step.after_result(attempt_id=attempt.pk, passed=False, now=after)
    assert (step.code, step.rule) == ("retake_wait", "You may retake this exam from 12 March 2030, 07:30.")
    assert step.may_retake
    with translation.override("zh-hant"):
        step_zh = next_step.after_result(attempt_id=attempt.pk, passed=False, now=after)
    assert step_zh.rule == "您可於 2030年3月12日 上午7:30 起重考。"
    briefed = attempts.briefing(trainee_id=world.alice.pk, sitting=world.sitting, now=after)
    assert step.attempts_left == briefed.attempts_left == 2
    assert briefed.refusal == "The sitting's window has closed."  # the sitting's rule, which the next step leaves out

    a_minute_early = datetime.datetime(2030, 3, 12, 7, 29, tzinfo=ZoneInfo("Asia/Taipei"))
    assert next_step.after_result(attempt_id=attempt.pk, passed=False, now=a_minute_early).code == "retake_wait"
    wait_over = datetime.datetime(2030, 3, 12, 7, 30, tzinfo=ZoneInfo("Asia/Taipei"))
    assert next_step.after_result(attempt_id=attempt.pk, passed=False, now=wait_over) == next_step.NextStep(
        next_step.MAY_RETAKE, "", 2, world.inst_a
    )


def test_each_refusal_of_the_answer_endpoint_keeps_its_status(world):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    single = attempt.items.get(question__question_type=QuestionType.SINGLE)
    client = login(world.alice)
    url = reverse("exams:answer", args=[attempt.pk])

    def post(body, raw=None):
        response = client.post(url, raw if raw is not None else json.dumps(body), content_type="application/json")
        return response.json()["code"], response.status_code

    assert post(None, raw="{") == ("bad_json", 400)
    assert post([1]) == ("not_an_object", 400)
    assert post({"choices": [0]}) == ("bad_position", 400)
    assert post({"question": 99, "choices": [0]}) == ("not_in_attempt", 400)
    assert post({"question": single.position, "text": "x"}) == ("bad_answer", 400)
    nobodys = client.post(
        reverse("exams:answer", args=[attempt.pk + 1000]), json.dumps({"question": 1, "choices": [0]}),
        content_type="application/json",
    )  # fmt: skip
    assert (nobodys.json()["code"], nobodys.status_code) == ("not_found", 404)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - datetime.timedelta(hours=1))
    assert post({"question": single.position, "choices": [0]}) == ("time_up", 409)
    attempts.do_submit_attempt(attempt_id=attempt.pk)
    assert post({"question": single.position, "choices": [0]}) == ("already_submitted", 409)
