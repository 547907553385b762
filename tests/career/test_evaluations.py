"""Evaluations (issue 19, item 4): a bank's scheme, the weighted score and the level it supports, the move
it proposes (能上能下), HR confirming it — never above what the certificate rule allows — and every refusal
with its code, nothing written."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation

from career.models import (
    Evaluation,
    EvaluationPeriod,
    EvaluationScheme,
    EvaluationScore,
    GradeChange,
    ManagerGrade,
    SchemeDimension,
)
from career.services import CareerError, evaluations, register
from career.services.evaluations import Dimension
from tests.career.conftest import certify

pytestmark = pytest.mark.django_db

Q1 = {"kind": "quarterly", "starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 3, 31)}
Q2 = {"kind": "quarterly", "starts_on": datetime.date(2026, 4, 1), "ends_on": datetime.date(2026, 6, 30)}


def scores(value=80, **given):
    out = {code: value for code, *_rest in evaluations.STANDARD_DIMENSIONS}
    return {**out, **given}


@pytest.fixture
def scheme(employer):
    """bank-a's scheme: the five standard dimensions (40/15/15/15/15), junior 60, intermediate 75, senior 90."""
    return evaluations.do_save_scheme(employer=employer, name="2026 考核", period_kinds=["quarterly", "annual"])


def record(employee, value=80, period=Q1, by=None, **given):
    profile = employee.trainee_profile
    return evaluations.do_record_evaluation(
        employer=profile.employer, employee_id=profile.pk, scores=scores(value, **given), by=by, **period
    )


def nothing_written(before=0):
    return Evaluation.objects.count() == before and EvaluationScore.objects.count() == before * 5


def refused(code, call, *args, **kwargs):
    with translation.override("en"), pytest.raises(CareerError) as error:
        call(*args, **kwargs)
    assert error.value.code == code, error.value.code
    return str(error.value.message)


# --- the scheme ----------------------------------------------------------------------------------


def test_a_new_scheme_has_the_five_standard_dimensions_and_thresholds(scheme):
    dims = list(scheme.dimensions.values_list("code", "name_zh", "weight"))
    assert dims == [
        ("performance", "業績指標", 40), ("ethics", "職業道德", 15), ("basic_management", "基礎管理工作", 15),
        ("credit", "信貸操作及管理", 15), ("service", "服務質量", 15),
    ]  # fmt: skip
    assert dict(scheme.thresholds.values_list("level", "min_score")) == {
        "junior": Decimal(60), "intermediate": Decimal(75), "senior": Decimal(90)
    }  # fmt: skip


def test_an_ability_dimension_may_be_added(employer):
    dims = [Dimension("performance", 30), *evaluations.standard_dimensions()[1:], Dimension("ability_thinking", 10)]
    scheme = evaluations.do_save_scheme(employer=employer, name="含能力", period_kinds=["annual"], dimensions=dims)
    assert scheme.dimensions.get(code="ability_thinking").name_en == "Thinking ability"


def test_weights_that_do_not_sum_to_100_are_refused(employer):
    dims = [Dimension("performance", 50), *evaluations.standard_dimensions()[1:]]
    message = refused("weights_not_100", evaluations.do_save_scheme, employer=employer, name="x",
                      period_kinds=["annual"], dimensions=dims)  # fmt: skip
    assert "110" in message
    assert not EvaluationScheme.objects.exists() and not SchemeDimension.objects.exists()
    with translation.override("zh-hant"), pytest.raises(CareerError) as error:
        evaluations.do_save_scheme(employer=employer, name="x", period_kinds=["annual"], dimensions=dims)
    assert error.value.code == "weights_not_100"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"dimensions": evaluations.standard_dimensions()[1:]}, "missing_dimension"),
        ({"period_kinds": ["weekly"]}, "bad_period_kind"),
        ({"thresholds": {"junior": 80, "intermediate": 75, "senior": 90}}, "thresholds_not_rising"),
        ({"thresholds": {"junior": 60, "intermediate": 75, "senior": 101}}, "bad_threshold"),
    ],
)
def test_a_bad_scheme_is_refused_and_nothing_is_written(employer, change, code):
    refused(
        code, evaluations.do_save_scheme, **{"employer": employer, "name": "x", "period_kinds": ["annual"], **change}
    )
    assert not EvaluationScheme.objects.exists()


def test_a_bank_has_one_active_scheme(scheme, employer):
    refused("active_scheme", evaluations.do_save_scheme, employer=employer, name="另一個", period_kinds=["annual"])
    assert EvaluationScheme.objects.count() == 1


# --- periods -------------------------------------------------------------------------------------


def test_a_period_that_overlaps_another_of_its_kind_is_refused(scheme):
    evaluations.do_define_period(scheme=scheme, **Q1)
    overlapping = {"kind": "quarterly", "starts_on": datetime.date(2026, 3, 1), "ends_on": datetime.date(2026, 5, 31)}
    message = refused("period_overlap", evaluations.do_define_period, scheme=scheme, **overlapping)
    assert "2026-01-01" in message
    # Another kind may span it; the same period again is the same row.
    evaluations.do_define_period(scheme=scheme, kind="annual", starts_on=datetime.date(2026, 1, 1),
                              ends_on=datetime.date(2026, 12, 31))  # fmt: skip
    assert evaluations.do_define_period(scheme=scheme, **Q1) == EvaluationPeriod.objects.get(kind="quarterly")
    assert EvaluationPeriod.objects.count() == 2


def test_a_kind_the_scheme_does_not_use_and_backward_dates_are_refused(scheme):
    refused("kind_not_used", evaluations.do_define_period, scheme=scheme, kind="monthly",
            starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 1, 31))  # fmt: skip
    refused("period_dates", evaluations.do_define_period, scheme=scheme, kind="quarterly",
            starts_on=datetime.date(2026, 3, 31), ends_on=datetime.date(2026, 1, 1))  # fmt: skip
    assert not EvaluationPeriod.objects.exists()


def test_a_period_of_other_than_whole_months_is_refused_saying_how_many(scheme):
    message = refused("period_dates", evaluations.do_define_period, scheme=scheme, kind="quarterly",
                      starts_on=datetime.date(2026, 1, 15), ends_on=datetime.date(2026, 4, 14))  # fmt: skip
    assert "is 3 whole months:" in message
    month = refused("period_dates", evaluations.check_period_dates, kind="monthly",
                    starts_on=datetime.date(2026, 1, 15), ends_on=datetime.date(2026, 2, 14))  # fmt: skip
    assert "is 1 whole month:" in month
    assert not EvaluationPeriod.objects.exists()


# --- recording: the computation and the thresholds -----------------------------------------------


def test_the_weighted_score_and_the_level_it_supports(scheme, trainee, hr_staff):
    done = record(trainee, 70, performance=95, ethics=90, by=hr_staff)
    evaluation = done.evaluation
    # 95×40 + 90×15 + 70×15×3 = 3800 + 1350 + 3150 = 8300 → 83.00
    assert done.outcome == "created" and evaluation.weighted_score == Decimal("83.00")
    assert evaluation.supported_level == "intermediate" and evaluation.recorded_by == hr_staff
    assert evaluation.employer == trainee.trainee_profile.employer and evaluation.period.kind == "quarterly"
    assert evaluation.scores.count() == 5


@pytest.mark.parametrize(
    ("value", "level"),
    [(59.99, ""), (60, "junior"), (74.99, "junior"), (75, "intermediate"), (89.99, "intermediate"), (90, "senior")],
)
def test_each_threshold_is_reached_at_its_least_score(scheme, trainee, value, level):
    assert record(trainee, value).evaluation.supported_level == level


def test_the_same_scores_again_change_nothing_and_new_scores_update(scheme, trainee):
    first = record(trainee, 80).evaluation
    again = record(trainee, 80)
    assert again.outcome == "unchanged" and again.evaluation.updated_at == first.updated_at
    changed = record(trainee, 92)
    assert changed.outcome == "updated" and changed.evaluation.pk == first.pk
    assert changed.evaluation.supported_level == "senior"
    assert Evaluation.objects.count() == 1 and EvaluationScore.objects.count() == 5
    assert set(EvaluationScore.objects.values_list("score", flat=True)) == {Decimal(92)}


# --- moves up and down ---------------------------------------------------------------------------


def test_a_high_score_proposes_a_promotion_and_a_low_one_a_demotion(scheme, graded, trainee):
    up = record(trainee, 95).evaluation
    assert (up.grade_level, up.proposed_level, up.move) == ("intermediate", "senior", "promotion")
    down = record(trainee, 65, period=Q2).evaluation
    assert (down.proposed_level, down.move) == ("junior", "demotion")
    below = record(trainee, 10, period=Q2).evaluation
    assert (below.supported_level, below.proposed_level) == ("", "junior")


def test_a_score_at_the_employees_level_proposes_nothing_and_so_does_no_grade(scheme, graded, trainee, other_trainee):
    assert record(trainee, 80).evaluation.proposed_level == ""
    # (someone without a grade: no level to move from)
    profile = trainee.trainee_profile
    ManagerGrade.objects.filter(employee=profile).delete()
    assert record(trainee, 95, period=Q2).evaluation.proposed_level == ""


def test_hr_confirms_a_demotion_as_a_grade_change(scheme, graded, trainee, hr_staff):
    certify(trainee, "assistant", None)
    evaluation = record(trainee, 65).evaluation
    done = evaluations.do_confirm_move(evaluation=evaluation, by=hr_staff)
    grade = ManagerGrade.objects.get()
    assert grade.level == "junior" and done.confirmed_by == hr_staff and done.confirmed_at is not None
    change = grade.changes.first()
    assert (change.reason, change.old_level, change.new_level, change.changed_by) == (
        "demotion", "intermediate", "junior", hr_staff
    )  # fmt: skip
    assert done.grade_change == change
    refused("already_confirmed", evaluations.do_confirm_move, evaluation=done, by=hr_staff)
    # Its scores are now fixed: other scores are refused, the same ones change nothing.
    refused("confirmed", record, trainee, 70)
    assert record(trainee, 65).outcome == "unchanged"


def test_a_promotion_is_never_confirmed_above_what_the_certificate_allows(scheme, graded, trainee, hr_staff):
    evaluation = record(trainee, 95).evaluation  # proposes senior; the standard certificate backs intermediate
    message = refused("not_backed", evaluations.do_confirm_move, evaluation=evaluation, by=hr_staff)
    assert "Senior" in message or "senior" in message
    evaluation.refresh_from_db()
    assert evaluation.confirmed_at is None and ManagerGrade.objects.get().level == "intermediate"
    assert GradeChange.objects.count() == 1
    certify(trainee, "senior", "retail")
    evaluations.do_confirm_move(evaluation=evaluation, by=hr_staff)
    assert ManagerGrade.objects.get().level == "senior"
    assert GradeChange.objects.first().reason == "promotion"


def test_a_move_after_the_grade_changed_is_refused(scheme, graded, trainee, hr_staff):
    certify(trainee, "assistant", None)
    evaluation = record(trainee, 95).evaluation
    register.do_set_grade(employer=trainee.trainee_profile.employer, employee=trainee.trainee_profile,
                          manager_class="personal", level="junior", reason="demotion", by=hr_staff)  # fmt: skip
    refused("stale", evaluations.do_confirm_move, evaluation=evaluation, by=hr_staff)
    assert ManagerGrade.objects.get().level == "junior"


def test_an_evaluation_that_proposes_nothing_has_nothing_to_confirm(scheme, graded, trainee, hr_staff):
    refused("no_move", evaluations.do_confirm_move, evaluation=record(trainee, 80).evaluation, by=hr_staff)
    assert GradeChange.objects.count() == 1


# --- refusals: nothing written -------------------------------------------------------------------


def test_scores_outside_0_to_100_or_missing_or_unknown_are_refused(scheme, trainee):
    refused("score_range", record, trainee, 80, service=101)
    refused("score_range", record, trainee, 80, service=-1)
    refused("score_range", record, trainee, 80, service=80.001)
    refused("unknown_dimension", record, trainee, 80, charm=50)
    profile = trainee.trainee_profile
    refused("missing_score", evaluations.do_record_evaluation, employer=profile.employer, employee_id=profile.pk,
            scores={"performance": 80}, by=None, **Q1)  # fmt: skip
    assert nothing_written() and not EvaluationPeriod.objects.exists()


def test_someone_not_the_banks_employee_or_deactivated_is_refused(scheme, employer, trainee, other_trainee):
    refused("not_employee", evaluations.do_record_evaluation, employer=employer,
            employee_id=other_trainee.trainee_profile.pk, scores=scores(), by=None, **Q1)  # fmt: skip
    refused("not_employee", evaluations.do_record_evaluation, employer=employer, employee_id=999_999,
            scores=scores(), by=None, **Q1)  # fmt: skip
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])
    refused("deactivated", record, trainee)
    assert nothing_written() and not EvaluationPeriod.objects.exists()


def test_an_overlapping_period_is_refused_when_recording(scheme, trainee):
    record(trainee)
    overlapping = {"kind": "quarterly", "starts_on": datetime.date(2026, 2, 1), "ends_on": datetime.date(2026, 4, 30)}
    refused("period_overlap", record, trainee, 80, period=overlapping)
    assert nothing_written(1) and EvaluationPeriod.objects.count() == 1


def test_a_bank_without_a_scheme_is_refused(trainee):
    refused("no_scheme", record, trainee)
    assert nothing_written()


def test_the_database_refuses_a_score_outside_0_to_100(scheme, trainee):
    from django.db import IntegrityError, transaction

    evaluation = record(trainee).evaluation
    with pytest.raises(IntegrityError), transaction.atomic():
        EvaluationScore.objects.filter(evaluation=evaluation).update(score=Decimal(101))
