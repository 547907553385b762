"""The demo's simulated year: who trained where, who sat which paper, and how they answered.

Pure: no database and no clock. ``simulate`` turns the catalog and the demo bank (handed in by
``supervision.demo``) into a plan of cohorts, trainees, attempts and certificates whose times are
offsets from the load day's midnight (negative: in the past; nothing lies after the day before the
load), drawn from one ``random.Random(SEED)``, so that every load writes the same answers.

Answers come from a two-parameter logistic (2PL) item response model: a trainee of ability θ
answers an item of difficulty ``b`` and discrimination ``a`` right with probability
``1 / (1 + exp(-a (θ - b)))``. The parameters are known (``item_parameters``), so a test can check
that the item analysis recovers them; a few items are planted bad (``PLANTED``) for the analysis to
flag. Scores follow the exam's own rules (``exams.services.grading.score_answer`` and
``outcome_of``).
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from exams.services.grading import Outcome, outcome_of, score_answer

SEED = 18  # the number: change it and every simulated answer changes
SINGLE, MULTIPLE, TRUE_FALSE, ESSAY = "single", "multiple", "true_false", "essay"

# A bank question as the demo names it: (course code, question type, number within the type).
ItemKey = tuple[str, str, int]


@dataclass(frozen=True)
class BankItem:
    """What the simulation needs of a bank question: its options, stored key and maximum score."""

    key: ItemKey
    options: tuple[str, ...]
    correct: tuple[str, ...]
    max_score: Decimal


@dataclass(frozen=True)
class Item:
    """The response model of one bank question.

    ``truth``: the options the model treats as right. It is the stored key except for a miskeyed
    item, where the best candidates choose ``truth`` and the stored key scores them 0.
    ``distractors``: the relative pull of each wrong option (0: nobody chooses it).
    """

    key: ItemKey
    difficulty: float  # b
    discrimination: float  # a
    truth: tuple[str, ...]
    distractors: Mapping[str, float]
    planted: str = ""

    def p_right(self, theta: float) -> float:
        return 1 / (1 + math.exp(-self.discrimination * (theta - self.difficulty)))


# The items planted bad, by the analysis flag they must raise. BCM-101 is in every curriculum, so
# these are answered most often.
MISKEYED: ItemKey = ("BCM-101", SINGLE, 1)  # stored key B; the model's right answer is C
DEAD_DISTRACTOR: ItemKey = ("BCM-101", SINGLE, 2)  # option D: nobody chooses it
TOO_EASY: ItemKey = ("BCM-101", TRUE_FALSE, 1)
TOO_HARD: ItemKey = ("BCM-101", SINGLE, 3)
PLANTED = {MISKEYED: "miskeyed", DEAD_DISTRACTOR: "dead_distractor", TOO_EASY: "too_easy", TOO_HARD: "too_hard"}
MISKEYED_TRUTH = ("C",)

# Wrong answers to a multiple-choice question, as (missing right options, added wrong options): a
# half-right answer is the commonest mistake.
MULTIPLE_MISTAKES = ((1, 0, 5.0), (0, 1, 2.0), (1, 1, 2.0), (2, 1, 1.0))


def item_parameters(bank_item: BankItem) -> Item:
    """The known parameters of a bank question (the same on every machine: seeded by its name)."""
    course, kind, n = bank_item.key
    rng = random.Random(f"{SEED}/item/{course}/{kind}/{n}")
    # No guessing in the model: a hard true-or-false item would have the best candidates choose the
    # wrong answer more often than the right one, which the analysis rightly flags. They stay easier.
    difficulty = rng.uniform(-2.2, 0.3 if kind == TRUE_FALSE else 1.8)
    discrimination = rng.uniform(1.0, 1.5)
    truth = bank_item.correct
    wrong = [o for o in bank_item.options if o not in truth]
    distractors = {o: rng.uniform(0.6, 1.4) for o in wrong}
    planted = PLANTED.get(bank_item.key, "")
    if planted == "miskeyed":
        truth = MISKEYED_TRUTH
        difficulty, discrimination = -0.3, 1.4
        # The stored key is the most tempting wrong answer: weaker candidates choose it.
        distractors = {o: (2.0 if o in bank_item.correct else 1.0) for o in bank_item.options if o not in truth}
    elif planted == "dead_distractor":
        difficulty = -0.2
        distractors = {o: (0.0 if o == "D" else 1.0) for o in wrong}
    elif planted == "too_easy":
        difficulty, discrimination = -4.5, 1.2
    elif planted == "too_hard":
        difficulty, discrimination = 3.6, 1.2
    return Item(bank_item.key, difficulty, discrimination, tuple(truth), distractors, planted)


# --- the plan ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Curriculum:
    key: str  # "standard/retail", "assistant"
    courses: tuple[str, ...]
    teaching_hours: int
    exam_prep_hours: int


@dataclass
class SimSession:
    at: datetime.timedelta
    course: str | None  # None: exam preparation
    hours: int = 8


@dataclass
class SimSitting:
    course: str
    round: int  # 0: the first sitting, 1 and 2: the retakes
    opens: datetime.timedelta
    closes: datetime.timedelta


@dataclass
class SimCohort:
    code: str
    institution: str
    curriculum: str
    starts: int  # days from the load day (negative)
    ends: int
    enrolment_opens: int
    enrolment_closes: int
    finished: bool
    sessions: list[SimSession] = field(default_factory=list)
    sittings: list[SimSitting] = field(default_factory=list)


@dataclass
class SimAnswer:
    item: ItemKey
    order: list[str]
    answer: list[str] | str | None
    score: Decimal | None  # None: an essay awaiting its grader
    answered: datetime.timedelta | None


@dataclass
class SimAttempt:
    trainee: int
    course: str
    number: int
    sitting: int  # index into its cohort's sittings
    seed: int
    started: datetime.timedelta
    deadline: datetime.timedelta
    submitted: datetime.timedelta
    automatically: bool
    answers: list[SimAnswer]
    essay_graded: datetime.timedelta | None  # None: awaiting its grader (then no outcome)
    max_score: Decimal
    outcome: Outcome | None

    @property
    def published(self) -> datetime.timedelta | None:
        if self.outcome is None:
            return None
        return self.essay_graded if self.essay_graded is not None else self.submitted


@dataclass
class SimTrainee:
    number: int
    name: str
    language: str
    cohort: int
    theta: float  # ability at the first attempt; each retake adds RETAKE_GAIN
    state: str  # an Enrolment.State value
    enrolled: datetime.timedelta
    decided: datetime.timedelta | None
    ended: datetime.timedelta | None  # completed or withdrawn at
    attended: list[int]  # hours at each of the cohort's sessions (fewer when withdrawn)


@dataclass
class SimCertificate:
    trainee: int
    cohort: int
    issued: int  # days from the load day
    status: str = "active"
    reason: str = ""
    changed: int | None = None
    ce_hours: int = 0
    ce_on: int | None = None


@dataclass
class SimHolder:
    """A holder of a certificate from before the portal (issued about one validity period ago), so
    that expiry, renewal and certificates expiring soon show: no training or attempts here."""

    number: int
    name: str
    language: str
    institution: str
    curriculum: str
    issued: int  # days from the load day
    ce: list[tuple[int, int]]  # (days from the load day, hours) of confirmed continuing education


@dataclass
class Simulation:
    items: dict[ItemKey, Item]
    cohorts: list[SimCohort]
    trainees: list[SimTrainee]
    attempts: list[SimAttempt]
    certificates: list[SimCertificate]
    holders: list[SimHolder]


TRAINEE_ABILITY_MEAN = 0.7
INSTITUTION_SHIFT = {"inst-a": 0.15, "inst-b": -0.15}
RETAKE_GAIN = 0.3
BLANK_RATE = 0.015
GRADING_DAYS = {"inst-a": 2.0, "inst-b": 5.0}  # mean wait for an essay's grader, after the first day
# (institution, curriculum, start: days before the load day): two cohorts a quarter each.
COHORTS = [
    ("inst-a", "assistant", 355), ("inst-a", "standard/retail", 330), ("inst-a", "standard/corporate", 262),
    ("inst-a", "assistant", 236), ("inst-a", "senior/retail", 172), ("inst-a", "standard/retail", 150),
    ("inst-a", "assistant", 88), ("inst-a", "standard/corporate", 74),
    ("inst-b", "standard/retail", 346), ("inst-b", "assistant", 300), ("inst-b", "standard/retail", 250),
    ("inst-b", "senior/corporate", 205), ("inst-b", "assistant", 160), ("inst-b", "standard/corporate", 112),
    ("inst-b", "assistant", 80), ("inst-b", "standard/retail", 69),
]  # fmt: skip
SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = "怡君志明淑芬家豪雅婷建宏佩珊冠廷欣怡承恩宇軒美玲俊傑詩涵品妤柏翰子晴宗翰"
ESSAY_TEXTS = (
    "",
    "我會先了解客戶需求，再說明產品風險。",
    "向客戶說明時，我會先確認其財務目標與風險承受度，再以實例說明本課程重點，並提醒相關法規限制。",
    "首先釐清客戶的需求與限制；其次以淺白語言說明觀念，舉出兩個實際案例比較利弊；"
    "最後確認客戶理解並留下書面紀錄，以符合法規與內部控制的要求。",
)


def _day(days: int, minutes: int = 9 * 60) -> datetime.timedelta:
    return datetime.timedelta(days=days, minutes=minutes)


def _cohorts(curricula: Mapping[str, Curriculum]) -> list[SimCohort]:
    cohorts = []
    for n, (institution, key, start_ago) in enumerate(COHORTS, start=1):
        curriculum = curricula[key]
        starts = -start_ago
        teaching = curriculum.teaching_hours // 8
        prep = curriculum.exam_prep_hours // 8
        sessions = [
            SimSession(_day(starts + 7 * i), curriculum.courses[i % len(curriculum.courses)]) for i in range(teaching)
        ]
        sessions += [SimSession(_day(starts + 7 * (teaching + i)), None) for i in range(prep)]
        first_exam = starts + 7 * (teaching + prep - 1) + 2
        ends = first_exam + 35
        tier = key.split("/")[0][:3].upper()
        track = key.split("/")[1][0].upper() if "/" in key else ""
        cohort = SimCohort(
            code=f"SIM-{institution[-1].upper()}-{n:02d}-{tier}{track}",
            institution=institution,
            curriculum=key,
            starts=starts,
            ends=ends,
            enrolment_opens=starts - 45,
            enrolment_closes=starts - 2,
            finished=ends < 0,
            sessions=sessions,
        )
        for course in curriculum.courses:
            for round_ in range(3):
                opens = first_exam + 14 * round_
                if opens < 0:  # a sitting not yet open on the day before the load is not made
                    cohort.sittings.append(SimSitting(course, round_, _day(opens), _day(opens + 7, 17 * 60)))
        cohorts.append(cohort)
    return cohorts


def _respond(rng: random.Random, item: Item, options: Sequence[str], theta: float) -> list[str] | None:
    """An objective answer (sorted option keys, as the exam stores them) or None (left blank)."""
    if rng.random() < BLANK_RATE:
        return None
    if rng.random() < item.p_right(theta):
        return sorted(item.truth)
    if item.key[1] == MULTIPLE:
        right, wrong = sorted(item.truth), [o for o in options if o not in item.truth]
        weights = [w for *_shape, w in MULTIPLE_MISTAKES]
        missing, added, _w = rng.choices(MULTIPLE_MISTAKES, weights=weights)[0]
        kept = rng.sample(right, len(right) - min(missing, len(right) - (0 if added else 1)))
        return sorted(kept + rng.sample(wrong, min(added, len(wrong))))
    wrong = [o for o in options if o not in item.truth and item.distractors.get(o, 0) > 0]
    return [rng.choices(wrong, weights=[item.distractors[o] for o in wrong])[0]]


def simulate(
    *,
    curricula: Mapping[str, Curriculum],
    bank: Mapping[ItemKey, BankItem],
    draw: Callable[[str, int], list[tuple[ItemKey, list[str]]]],
    pass_mark: int,
    max_attempts: int,
    retake_wait_days: int,
    time_limit_minutes: int,
    scoring: str,
) -> Simulation:
    """The simulated year. ``draw(course, seed)`` is the exam's own draw of a paper (keys and option orders)."""
    rng = random.Random(SEED)
    items = {key: item_parameters(bank_item) for key, bank_item in bank.items()}
    exam = _Exam(items, bank, draw, pass_mark, max_attempts, retake_wait_days, time_limit_minutes, scoring)
    cohorts = _cohorts(curricula)
    trainees: list[SimTrainee] = []
    attempts: list[SimAttempt] = []
    certificates: list[SimCertificate] = []
    for c, cohort in enumerate(cohorts):
        curriculum = curricula[cohort.curriculum]
        shift = INSTITUTION_SHIFT[cohort.institution] + rng.gauss(0, 0.2)
        for _ in range(rng.randint(20, 30)):
            number = len(trainees) + 1
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2))
            trainee = SimTrainee(
                number=number,
                name=name,
                language="en" if rng.random() < 0.2 else "zh-hant",
                cohort=c,
                theta=rng.gauss(TRAINEE_ABILITY_MEAN, 1.0) + shift,
                state="in_training",
                enrolled=_day(cohort.enrolment_opens + rng.randint(1, 40), rng.randint(8 * 60, 22 * 60)),
                decided=None,
                ended=None,
                attended=[],
            )
            trainees.append(trainee)
            trainee.decided = trainee.enrolled + datetime.timedelta(hours=rng.randint(2, 60))
            fate = rng.random()
            if fate < 0.03:
                trainee.state = "rejected"
                continue
            sessions = cohort.sessions
            if fate < 0.10:  # withdraws after a session or a few
                stop = rng.randint(1, max(1, len(sessions) - 1))
                trainee.attended = [8] * stop
                trainee.state, trainee.ended = "withdrawn", sessions[stop - 1].at + datetime.timedelta(days=2)
                continue
            trainee.attended = [
                8 if rng.random() > 0.03 else rng.choice((0, 4)) for s in sessions if s.at < datetime.timedelta(0)
            ]
            complete = cohort.finished and sum(trainee.attended) >= (
                curriculum.teaching_hours + curriculum.exam_prep_hours
            )
            if complete:
                trainee.state, trainee.ended = "completed", _day(cohort.ends, 18 * 60)
            passed = _sit(rng, trainee, cohort, exam, attempts)
            if complete and set(passed) >= set(curriculum.courses):
                certificates.append(_certificate(rng, trainee, c, max([*passed.values(), trainee.ended])))
    holders = _holders(rng, first_number=len(trainees) + 1)
    return Simulation(items, cohorts, trainees, attempts, certificates, holders)


HOLDERS = 48
YEARS_AGO = 3 * 365  # about one validity period (CERTIFICATE_VALIDITY_YEARS, 3 by default)


def _holders(rng: random.Random, *, first_number: int) -> list[SimHolder]:
    """Earlier holders, issued from 4 months more to 4 months less than three years ago: some lapsed
    (expired, or renewed where their continuing education reached the hours), some expire soon."""
    holders = []
    for number in range(first_number, first_number + HOLDERS):
        issued = -YEARS_AGO + rng.randint(-120, 120)
        # Continuing education in the period: enough for renewal for about a third, some for the rest.
        hours = rng.choice((24, 24, 30, 8, 12, 16, 0, 0, 6))
        ce = []
        while hours > 0:
            chunk = min(hours, rng.choice((6, 8, 12)))
            ce.append((issued + rng.randint(60, min(YEARS_AGO - 60, -issued - 1)), chunk))
            hours -= chunk
        holders.append(
            SimHolder(
                number=number,
                name=rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, 2)),
                language="en" if rng.random() < 0.2 else "zh-hant",
                institution=rng.choice(("inst-a", "inst-b")),
                curriculum=rng.choice(("assistant", "standard/retail", "standard/corporate")),
                issued=issued,
                ce=sorted(ce),
            )
        )
    return holders


@dataclass(frozen=True)
class _Exam:
    """The bank, its draw and the papers' rules (the demo's papers share them)."""

    items: Mapping[ItemKey, Item]
    bank: Mapping[ItemKey, BankItem]
    draw: Callable[[str, int], list[tuple[ItemKey, list[str]]]]
    pass_mark: int
    max_attempts: int
    retake_wait_days: int
    time_limit_minutes: int
    scoring: str


def _sit(
    rng: random.Random, trainee: SimTrainee, cohort: SimCohort, exam: _Exam, attempts: list[SimAttempt]
) -> dict[str, datetime.timedelta]:
    """The trainee's attempts at each paper of the cohort, in order; when each course was passed."""
    passed: dict[str, datetime.timedelta] = {}
    grading_days = GRADING_DAYS[cohort.institution]
    yesterday_end = datetime.timedelta(0)
    for course in dict.fromkeys(s.course for s in cohort.sittings):
        theta, number = trainee.theta, 0
        free_from: datetime.timedelta | None = None  # the earliest start of a retake
        for s, sitting in enumerate(cohort.sittings):
            if sitting.course != course or number >= exam.max_attempts:
                continue
            if number == 0 and rng.random() < 0.03:
                continue  # missed the first sitting; sits the next
            start = sitting.opens + datetime.timedelta(days=rng.randint(0, 4), minutes=rng.randint(0, 300))
            if free_from is not None:
                start = max(start, free_from)
            minutes = rng.randint(25, exam.time_limit_minutes + 5)
            automatically = minutes > exam.time_limit_minutes
            deadline = min(start + datetime.timedelta(minutes=exam.time_limit_minutes), sitting.closes)
            submitted = deadline if automatically else start + datetime.timedelta(minutes=minutes)
            if submitted >= min(sitting.closes, yesterday_end):
                continue  # the window closed first, or it lies on the load day or after: not sat
            number += 1
            seed = rng.getrandbits(62)
            answers, objective, max_score, essay = [], Decimal(0), Decimal(0), Decimal(0)
            for key, order in exam.draw(course, seed):
                item, bank_item = exam.items[key], exam.bank[key]
                max_score += bank_item.max_score
                answered = start + datetime.timedelta(minutes=rng.uniform(1, (submitted - start).seconds / 60))
                if key[1] == ESSAY:
                    blank = rng.random() < BLANK_RATE
                    points = 0 if blank else sum(rng.random() < item.p_right(theta) for _ in range(10))
                    text = ESSAY_TEXTS[min(3, 1 + points // 4)] if not blank else None
                    score = Decimal(points) * bank_item.max_score / 10
                    essay += score
                    answers.append(SimAnswer(key, order, text, score, None if blank else answered))
                    continue
                answer = _respond(rng, item, order, theta)
                score = score_answer(
                    answer=answer,
                    correct=list(bank_item.correct),
                    max_score=bank_item.max_score,
                    question_type=key[1],
                    scoring=exam.scoring,
                )
                objective += score
                answers.append(SimAnswer(key, order, answer, score, None if answer is None else answered))
            has_essay = any(a.item[1] == ESSAY for a in answers)
            graded = None
            if has_essay:
                wait = 1 + int(rng.expovariate(1 / grading_days))
                graded = _day(submitted.days + min(wait, 40), rng.randint(9 * 60, 18 * 60))
                if graded >= yesterday_end:
                    graded = None  # still in the grader's queue
                    for a in answers:
                        if a.item[1] == ESSAY:
                            a.score = None
            outcome = None
            if graded is not None or not has_essay:
                outcome = outcome_of(score=objective + essay, max_score=max_score, pass_mark=exam.pass_mark)
            attempt = SimAttempt(
                trainee.number,
                course,
                number,
                s,
                seed,
                start,
                deadline,
                submitted,
                automatically,
                answers,
                graded,
                max_score,
                outcome,
            )
            attempts.append(attempt)
            if outcome is None:
                break  # the result is not out yet: no retake before it
            assert attempt.published is not None
            if outcome.passed:
                passed[course] = attempt.published
                break
            theta += RETAKE_GAIN
            free_from = max(attempt.published, submitted + datetime.timedelta(days=exam.retake_wait_days))
    return passed


def _certificate(rng: random.Random, trainee: SimTrainee, c: int, earned: datetime.timedelta) -> SimCertificate:
    """Issued on the day the last condition was met (the check runs then); a few later suspended or revoked."""
    certificate = SimCertificate(trainee=trainee.number, cohort=c, issued=earned.days)
    fate = rng.random()
    if fate < 0.03 and earned.days < -20:
        certificate.status, certificate.reason = "suspended", "雇主通報違反內部控制規定，調查中"
        certificate.changed = earned.days + rng.randint(5, -earned.days - 1)
    elif fate < 0.045 and earned.days < -20:
        certificate.status, certificate.reason = "revoked", "經查訓練時數紀錄不實"
        certificate.changed = earned.days + rng.randint(5, -earned.days - 1)
    if rng.random() < 0.35 and earned.days < -30:
        certificate.ce_hours = rng.choice((3, 4, 6, 8))
        certificate.ce_on = earned.days + rng.randint(10, -earned.days - 1)
    return certificate
