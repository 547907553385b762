"""Evaluations (issue 19, item 4): the banks' schemes, periods and evaluations, and the moves they propose."""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.models import Employer, TraineeProfile, User
from accounts.selectors import employees_of

from ..models import (
    LEVEL_RANK,
    Evaluation,
    EvaluationPeriod,
    EvaluationScheme,
    EvaluationScore,
    GradeChange,
    LevelThreshold,
    ManagerGrade,
    ManagerLevel,
    PeriodKind,
    SchemeDimension,
)
from . import CareerError
from .register import check_set_grade, do_set_grade

# --- evaluations (issue 19, item 4) ---------------------------------------------------------------
#
# A bank's active scheme weighs its dimensions (summing to 100) and sets the least weighted score of each
# level. An evaluation's weighted score and the level it supports are computed when it is recorded, with
# the move it proposes from the employee's level then; HR staff confirm a move as a grade change through
# ``do_set_grade`` (so never above what the certificate rule allows). Periods of one kind never overlap:
# every period and evaluation is written under the scheme's row lock.

# (code, name in Chinese, name in English, default weight): the five dimensions every scheme has.
STANDARD_DIMENSIONS: tuple[tuple[str, str, str, int], ...] = (
    ("performance", "業績指標", "Performance indicators", 40),
    ("ethics", "職業道德", "Professional ethics", 15),
    ("basic_management", "基礎管理工作", "Basic management work", 15),
    ("credit", "信貸操作及管理", "Credit operations and management", 15),
    ("service", "服務質量", "Service quality", 15),
)
# The ability indicators (section H) a bank may add as extra dimensions.
ABILITY_DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("ability_thinking", "思維能力", "Thinking ability"),
    ("ability_action", "行動能力", "Action ability"),
    ("ability_management", "管理能力", "Management ability"),
    ("ability_attitude", "工作態度", "Attitude"),
)
KNOWN_DIMENSIONS = {code: (zh, en) for code, zh, en, *_rest in (*STANDARD_DIMENSIONS, *ABILITY_DIMENSIONS)}
DEFAULT_THRESHOLDS: dict[str, Decimal] = {
    ManagerLevel.JUNIOR: Decimal(60),
    ManagerLevel.INTERMEDIATE: Decimal(75),
    ManagerLevel.SENIOR: Decimal(90),
}
CODE = re.compile(r"[a-z][a-z0-9_]{0,39}")
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Dimension:
    """A dimension of a scheme as it is defined: names default to the known dimensions' (ABILITY_DIMENSIONS …)."""

    code: str
    weight: int
    name_zh: str = ""
    name_en: str = ""


def standard_dimensions() -> list[Dimension]:
    return [Dimension(code, weight) for code, _zh, _en, weight in STANDARD_DIMENSIONS]


def _score(value: Any) -> Decimal | None:
    """A score or threshold as a Decimal of at most two places, from 0 to 100; None when it is not one."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or not 0 <= number <= 100 or number != number.quantize(HUNDREDTH):
        return None
    return number.quantize(HUNDREDTH)


def check_scheme(
    *, name: str, period_kinds: Sequence[str], dimensions: Sequence[Dimension], thresholds: Mapping[str, Any]
) -> dict[str, Decimal]:
    """Check a scheme's definition; returns its thresholds as Decimals. Refuses with a code: ``name_required``,
    ``bad_period_kind``, ``bad_dimension``, ``missing_dimension``, ``bad_weight``, ``weights_not_100``,
    ``bad_threshold``, ``thresholds_not_rising``."""
    if not (name or "").strip():
        raise CareerError("name_required", _("Give the scheme a name."), field="name")
    if not period_kinds or any(kind not in PeriodKind.values for kind in period_kinds):
        raise CareerError(
            "bad_period_kind",
            _("Choose the periods the scheme uses: monthly, quarterly, half-yearly or annual."),
            field="period_kinds",
        )
    codes = [d.code for d in dimensions]
    for dimension in dimensions:
        named = dimension.code in KNOWN_DIMENSIONS or (dimension.name_zh.strip() and dimension.name_en.strip())
        if not CODE.fullmatch(dimension.code) or codes.count(dimension.code) > 1 or not named:
            raise CareerError(
                "bad_dimension",
                _("Each dimension needs its own code (lower-case letters, digits, _) and, when it is not a known "
                  "one, a Chinese and an English name."),
                field="dimensions",
            )  # fmt: skip
        if (
            isinstance(dimension.weight, bool)
            or not isinstance(dimension.weight, int)
            or not 1 <= dimension.weight <= 100
        ):
            raise CareerError("bad_weight", _("A weight is a whole percent from 1 to 100."), field="dimensions")
    missing = [code for code, *_rest in STANDARD_DIMENSIONS if code not in codes]
    if missing:
        raise CareerError(
            "missing_dimension",
            _("A scheme weighs the five dimensions: performance indicators, professional ethics, basic management "
              "work, credit operations and management, and service quality."),
            field="dimensions",
        )  # fmt: skip
    total = sum(d.weight for d in dimensions)
    if total != 100:
        raise CareerError(
            "weights_not_100",
            _("The weights add up to %(total)s; they must add up to 100.") % {"total": total},
            field="dimensions",
        )
    levels: dict[str, Decimal] = {}
    for level in ManagerLevel.values:
        value = _score(thresholds.get(level))
        if value is None:
            raise CareerError(
                "bad_threshold",
                _("Give each level's least weighted score, from 0 to 100 (at most two decimals)."),
                field="thresholds",
            )
        levels[level] = value
    if not levels[ManagerLevel.JUNIOR] < levels[ManagerLevel.INTERMEDIATE] < levels[ManagerLevel.SENIOR]:
        raise CareerError(
            "thresholds_not_rising",
            _("A higher level needs a higher weighted score: junior < intermediate < senior."),
            field="thresholds",
        )
    return levels


def check_save_scheme(
    *, employer: Employer, scheme: EvaluationScheme | None, name: str, active: bool, codes: Sequence[str]
) -> None:
    """What the bank's other schemes and the evaluations refuse: ``not_found`` (another bank's scheme),
    ``name_taken``, ``active_scheme`` (one active scheme per bank), ``dimension_in_use``."""
    if scheme is not None and scheme.employer_id != employer.pk:
        raise CareerError("not_found", _("This evaluation scheme is not this bank's."))
    others = EvaluationScheme.objects.filter(employer=employer)
    if scheme is not None:
        others = others.exclude(pk=scheme.pk)
    if others.filter(name=(name or "").strip()).exists():
        raise CareerError("name_taken", _("This bank already has an evaluation scheme of this name."), field="name")
    if active and others.filter(active=True).exists():
        raise CareerError(
            "active_scheme",
            _("This bank already has an active evaluation scheme; deactivate it first."),
            field="active",
        )
    if scheme is not None and (
        SchemeDimension.objects.filter(scheme=scheme, scores__isnull=False).exclude(code__in=codes).exists()
    ):
        raise CareerError(
            "dimension_in_use", _("A dimension that evaluations have scored cannot be removed."), field="dimensions"
        )


@transaction.atomic
def do_save_scheme(
    *,
    employer: Employer,
    scheme: EvaluationScheme | None = None,
    name: str,
    period_kinds: Sequence[str],
    dimensions: Sequence[Dimension] | None = None,
    thresholds: Mapping[str, Any] | None = None,
    active: bool = True,
) -> EvaluationScheme:
    """Define a bank's scheme (``scheme`` None; the five standard dimensions and default thresholds unless
    given) or change one. Locks the employer (a new scheme) or the scheme; checks everything first
    (``check_scheme``; one active scheme per bank; a dimension already scored is kept), so nothing is
    written on a refusal."""
    dimensions = list(dimensions) if dimensions is not None else standard_dimensions()
    levels = check_scheme(
        name=name,
        period_kinds=period_kinds,
        dimensions=dimensions,
        thresholds=thresholds if thresholds is not None else DEFAULT_THRESHOLDS,
    )
    if scheme is None:
        Employer.objects.select_for_update().filter(pk=employer.pk).first()
    else:
        scheme = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
    codes = [d.code for d in dimensions]
    check_save_scheme(employer=employer, scheme=scheme, name=name, active=active, codes=codes)
    kinds = [kind for kind in PeriodKind.values if kind in period_kinds]
    if scheme is None:
        scheme = EvaluationScheme.objects.create(
            employer=employer, name=name.strip(), period_kinds=kinds, active=active
        )
    else:
        scheme.name, scheme.period_kinds, scheme.active = name.strip(), kinds, active
        scheme.save(update_fields=["name", "period_kinds", "active", "updated_at"])
    SchemeDimension.objects.filter(scheme=scheme).exclude(code__in=codes).delete()
    for position, dimension in enumerate(dimensions):
        known_zh, known_en = KNOWN_DIMENSIONS.get(dimension.code, ("", ""))
        SchemeDimension.objects.update_or_create(
            scheme=scheme,
            code=dimension.code,
            defaults={
                "weight": dimension.weight,
                "position": position,
                "name_zh": dimension.name_zh.strip() or known_zh,
                "name_en": dimension.name_en.strip() or known_en,
            },
        )
    for level, min_score in levels.items():
        LevelThreshold.objects.update_or_create(scheme=scheme, level=level, defaults={"min_score": min_score})
    return scheme


#: How many whole months a period of each kind spans: it starts on the first day of a month and ends on the last day
#: of the month so many months on (a bank's quarters may follow its financial year: February to April is one).
MONTHS = {PeriodKind.MONTHLY: 1, PeriodKind.QUARTERLY: 3, PeriodKind.HALF_YEARLY: 6, PeriodKind.ANNUAL: 12}
#: No period starts before this day: the register's evaluations begin with the program's grading rules (a year such
#: as 0001 is a mistake). The latest start is today's: a period that has not begun has nothing to evaluate.
EARLIEST_PERIOD_START = datetime.date(2000, 1, 1)


def _month_end(year: int, month: int) -> datetime.date:
    """The last day of ``month`` of ``year``."""
    return datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)


def check_period_dates(*, kind: str, starts_on: datetime.date, ends_on: datetime.date) -> None:
    """A new period's days: whole months as many as its kind has (:data:`MONTHS`), starting from
    :data:`EARLIEST_PERIOD_START` to today (the current period, not a later one). Refuses ``period_dates``; a period
    ending before it starts is refused first by :func:`check_period`, its caller (it is not whole months either)."""
    today = timezone.localdate()
    if not EARLIEST_PERIOD_START <= starts_on <= today:
        raise CareerError(
            "period_dates",
            _("A period starts from %(earliest)s to today (%(today)s): not one that has not begun yet.")
            % {"earliest": EARLIEST_PERIOD_START.isoformat(), "today": today.isoformat()},
            field="period",
        )

    months = MONTHS[PeriodKind(kind)]
    last = starts_on.year * 12 + starts_on.month - 1 + months - 1  # the last month, counted from year 0's January
    if starts_on.day != 1 or ends_on != _month_end(last // 12, last % 12 + 1):
        raise CareerError(
            "period_dates",
            ngettext(
                "A %(kind)s period is 1 whole month: it starts on the first day of a month and ends on the last day "
                "of its last month (a quarter from 2026-01-01 to 2026-03-31).",
                "A %(kind)s period is %(months)d whole months: it starts on the first day of a month and ends on "
                "the last day of its last month (a quarter from 2026-01-01 to 2026-03-31).",
                months,
            )
            % {"kind": PeriodKind(kind).label, "months": months},
            field="period",
        )


def check_period(
    *, scheme: EvaluationScheme, kind: str, starts_on: datetime.date, ends_on: datetime.date
) -> EvaluationPeriod | None:
    """Check a period of ``scheme``; returns the same period when it exists already (same kind and days: one
    defined before the rule of :func:`check_period_dates` keeps its evaluations). Refuses with a code:
    ``kind_not_used``, ``period_dates``, ``period_overlap``."""
    if kind not in scheme.period_kinds:
        raise CareerError(
            "kind_not_used", _("The bank's evaluation scheme does not use periods of this kind."), field="period"
        )
    if ends_on < starts_on:
        raise CareerError("period_dates", _("A period ends on or after the day it starts."), field="period")
    overlapping = list(
        EvaluationPeriod.objects.filter(scheme=scheme, kind=kind, starts_on__lte=ends_on, ends_on__gte=starts_on)[:2]
    )
    for period in overlapping:
        if (period.starts_on, period.ends_on) == (starts_on, ends_on):
            return period
    check_period_dates(kind=kind, starts_on=starts_on, ends_on=ends_on)
    if overlapping:
        raise CareerError(
            "period_overlap",
            _("This period overlaps the scheme's period %(period)s of the same kind.") % {"period": overlapping[0]},
            field="period",
        )
    return None


@transaction.atomic
def do_define_period(
    *, scheme: EvaluationScheme, kind: str, starts_on: datetime.date, ends_on: datetime.date
) -> EvaluationPeriod:
    """The scheme's period of ``kind`` from ``starts_on`` to ``ends_on``: the existing one, or a new one that
    overlaps no other of its kind. Locks the scheme's row, so two overlapping periods cannot both pass the
    check (SQLite and PostgreSQL alike)."""
    scheme = EvaluationScheme.objects.select_for_update().get(pk=scheme.pk)
    existing = check_period(scheme=scheme, kind=kind, starts_on=starts_on, ends_on=ends_on)
    if existing is not None:
        return existing
    return EvaluationPeriod.objects.create(scheme=scheme, kind=kind, starts_on=starts_on, ends_on=ends_on)


def weighted_score(scores: Mapping[str, Decimal], weights: Mapping[str, int]) -> Decimal:
    """Σ score × weight / 100, to two places (half up)."""
    total = sum((scores[code] * weight for code, weight in weights.items()), Decimal(0))
    return (total / 100).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def supported_level(score: Decimal, thresholds: Mapping[str, Decimal]) -> str:
    """The highest level whose least weighted score ``score`` reaches; "" below every threshold."""
    reached = [level for level, least in thresholds.items() if score >= least]
    return max(reached, key=lambda level: LEVEL_RANK[ManagerLevel(level)], default="")


def proposed_level(*, supported: str, current: str) -> str:
    """The move an evaluation proposes from ``current`` (能上能下): to the supported level, or to junior when
    it supports none; "" when that is where the employee is, or they have no grade to move from."""
    if not current:
        return ""
    target = supported or ManagerLevel.JUNIOR
    return "" if target == current else target


def check_scores(*, scheme: EvaluationScheme, scores: Mapping[str, Any]) -> dict[str, Decimal]:
    """Every dimension of the scheme scored, 0 to 100; refuses ``unknown_dimension``, ``missing_score``,
    ``score_range``."""
    codes = [d.code for d in scheme.dimensions.all()]
    unknown = sorted(set(scores) - set(codes))
    if unknown:
        raise CareerError(
            "unknown_dimension",
            _("The scheme has no dimension %(codes)s.") % {"codes": ", ".join(unknown)},
            field="scores",
        )
    if missing := [code for code in codes if code not in scores]:
        raise CareerError(
            "missing_score",
            _("Give a score for every dimension of the scheme; missing: %(codes)s.") % {"codes": ", ".join(missing)},
            field="scores",
        )
    values: dict[str, Decimal] = {}
    for code in codes:
        value = _score(scores[code])
        if value is None:
            raise CareerError(
                "score_range",
                _("A score is from 0 to 100, with at most two decimals (%(code)s).") % {"code": code},
                field="scores",
            )
        values[code] = value
    return values


def active_scheme(employer: Employer, *, lock: bool = False) -> EvaluationScheme:
    """The bank's active scheme (locked when ``lock``); refuses ``no_scheme``."""
    schemes = EvaluationScheme.objects.filter(employer=employer, active=True)
    scheme = (schemes.select_for_update() if lock else schemes).first()
    if scheme is None:
        raise CareerError("no_scheme", _("The bank has no active evaluation scheme."))
    return scheme


def check_evaluated(*, employer: Employer, employee_id: int) -> TraineeProfile:
    """The bank's active employee with this id; ``not_employee`` (whether nobody or someone else's: the same
    answer) or ``deactivated``."""
    profile = employees_of(employer.pk).select_related("user").filter(pk=employee_id).first()
    if profile is None:
        raise CareerError("not_employee", _("This person is not an employee of this bank."), field="employee")
    if not profile.user.is_active:
        raise CareerError("deactivated", _("This employee's account is deactivated."), field="employee")
    return profile


@dataclass
class Recorded:
    evaluation: Evaluation
    outcome: str  # "created", "updated" or "unchanged"


@transaction.atomic
def do_record_evaluation(
    *,
    employer: Employer,
    employee_id: int,
    kind: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    scores: Mapping[str, Any],
    by: User | None,
) -> Recorded:
    """Record (or correct) an employee's evaluation for a period of the bank's active scheme, matched by
    employee and period: computes the weighted score, the level it supports and the move it proposes.

    Locks the scheme's row (the period is found or defined under it, and two records of one employee and
    period wait for each other). The same scores again write nothing (``unchanged``); other scores for an
    evaluation whose move is confirmed are refused (``confirmed``). Refusals (``no_scheme``,
    ``not_employee``, ``deactivated``, ``kind_not_used``, ``period_dates``, ``period_overlap``,
    ``unknown_dimension``, ``missing_score``, ``score_range``) write nothing.
    """
    scheme = active_scheme(employer, lock=True)
    profile = check_evaluated(employer=employer, employee_id=employee_id)
    values = check_scores(scheme=scheme, scores=scores)
    period = do_define_period(scheme=scheme, kind=kind, starts_on=starts_on, ends_on=ends_on)
    evaluation = Evaluation.objects.select_for_update().filter(period=period, employee=profile).first()
    dimensions = {d.code: d for d in scheme.dimensions.all()}
    if evaluation is not None:
        before = {s.dimension.code: s.score for s in evaluation.scores.select_related("dimension")}
        if before == values:
            return Recorded(evaluation, "unchanged")
        if evaluation.confirmed_at is not None:
            raise CareerError(
                "confirmed",
                _("The move this evaluation proposed is confirmed; its scores can no longer change."),
                field="scores",
            )
    score = weighted_score(values, {code: d.weight for code, d in dimensions.items()})
    thresholds = {t.level: t.min_score for t in scheme.thresholds.all()}
    supported = supported_level(score, thresholds)
    grade = ManagerGrade.objects.filter(employee=profile).first()
    current = grade.level if grade is not None else ""
    fields = {
        "weighted_score": score,
        "supported_level": supported,
        "grade_level": current,
        "proposed_level": proposed_level(supported=supported, current=current),
        "recorded_by": by,
    }
    if evaluation is None:
        evaluation = Evaluation.objects.create(period=period, employer=employer, employee=profile, **fields)
        outcome = "created"
    else:
        for name, value in fields.items():
            setattr(evaluation, name, value)
        evaluation.save(update_fields=[*fields, "updated_at"])
        EvaluationScore.objects.filter(evaluation=evaluation).delete()
        outcome = "updated"
    EvaluationScore.objects.bulk_create(
        EvaluationScore(evaluation=evaluation, dimension=dimensions[code], score=value)
        for code, value in values.items()
    )
    return Recorded(evaluation, outcome)


def check_confirm_move(evaluation: Evaluation) -> ManagerGrade:
    """Check that HR staff may confirm the evaluation's proposed move; returns the grade it changes. Refuses
    ``already_confirmed``, ``no_move``, ``stale`` (the grade changed since), and whatever ``check_set_grade``
    refuses — ``not_backed`` above all: never above what the certificate rule allows."""
    if evaluation.confirmed_at is not None:
        raise CareerError("already_confirmed", _("This evaluation's move is already confirmed."))
    if not evaluation.proposed_level:
        raise CareerError("no_move", _("This evaluation proposes no move."))
    grade = ManagerGrade.objects.filter(employee_id=evaluation.employee_id).first()
    if grade is None or grade.level != evaluation.grade_level:
        raise CareerError(
            "stale", _("The employee's grade changed after this evaluation; record the evaluation again.")
        )
    check_set_grade(**_grade_change(evaluation, grade))
    return grade


class _GradeChange(TypedDict):
    employer: Employer
    employee: TraineeProfile
    manager_class: str
    level: str
    reason: str


def _grade_change(evaluation: Evaluation, grade: ManagerGrade) -> _GradeChange:
    """The grade change the evaluation's move proposes, as ``check_set_grade`` and ``do_set_grade`` take it:
    the same class, the proposed level, the move (promotion or demotion) as the reason."""
    return _GradeChange(
        employer=evaluation.employer,
        employee=evaluation.employee,
        manager_class=grade.manager_class,
        level=evaluation.proposed_level,
        reason=evaluation.move,
    )


@transaction.atomic
def do_confirm_move(*, evaluation: Evaluation, by: User | None) -> Evaluation:
    """Confirm the evaluation's proposed move: the grade changes (``do_set_grade``, reason promotion or
    demotion, kept in the history) and the evaluation records who confirmed it. Locks the evaluation, so a
    move is confirmed once; a refusal writes nothing."""
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("employer", "employee__user", "period")
        .get(pk=evaluation.pk)
    )
    grade = check_confirm_move(evaluation)
    # The note stays in the history: in the site's language, whoever confirms.
    with translation.override(settings.LANGUAGE_CODE):
        note = str(_("Evaluation %(period)s: weighted score %(score)s") % {
            "period": evaluation.period, "score": evaluation.weighted_score,
        })  # fmt: skip
    do_set_grade(**_grade_change(evaluation, grade), by=by, note=note)
    evaluation.grade_change = GradeChange.objects.filter(grade=grade).order_by("-pk").first()
    evaluation.confirmed_at, evaluation.confirmed_by = timezone.now(), by
    evaluation.save(update_fields=["grade_change", "confirmed_at", "confirmed_by", "updated_at"])
    return evaluation
