"""The demo shows both banks with graded managers, and one manager flagged after their certificate lapses."""

import pytest

import accounts.demo
import career.demo
import certification.demo
import courses.demo
import exams.demo
from career.models import ComplianceEvent, ManagerGrade

pytestmark = pytest.mark.django_db


def load_to_career() -> None:
    """The demos up to the register's, as load_demo runs them: trainee06 sits the exams that earn the certificate
    behind their grade."""
    accounts.demo.load()
    courses.demo.load(sit_exams=exams.demo.pass_the_exams)
    certification.demo.load()
    career.demo.load()


def test_both_banks_have_graded_managers_and_one_is_flagged_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        load_to_career()
    by_bank = {}
    for grade in ManagerGrade.objects.select_related("employer", "employee__user"):
        by_bank.setdefault(grade.employer.code, []).append(grade)
    assert {code: len(grades) for code, grades in by_bank.items()} == {"bank-a": 3, "bank-b": 2}
    flagged = [
        g.employee.user.email for g in ManagerGrade.objects.filter(compliant=False).select_related("employee__user")
    ]
    assert flagged == ["trainee03@demo.test"]
    assert ComplianceEvent.objects.filter(compliant=False).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        career.demo.load()
    assert ManagerGrade.objects.count() == 5 and ComplianceEvent.objects.filter(compliant=False).count() == 1


def test_each_bank_has_a_scheme_and_last_quarters_evaluations_with_a_promotion_and_a_demotion(
    django_capture_on_commit_callbacks,
):
    from career.models import Evaluation, EvaluationScheme

    with django_capture_on_commit_callbacks(execute=True):
        load_to_career()
        career.demo.load()
    assert sorted(EvaluationScheme.objects.values_list("employer__code", flat=True)) == ["bank-a", "bank-b"]
    assert Evaluation.objects.count() == 5 and Evaluation.objects.values("period").distinct().count() == 2
    moves = {
        e.employee.user.email: e.move
        for e in Evaluation.objects.select_related("employee__user").exclude(proposed_level="")
    }
    assert moves == {"trainee01@demo.test": "promotion", "trainee08@demo.test": "demotion"}
