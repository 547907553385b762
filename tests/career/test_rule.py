"""The certificate rule: the defaults, and a grade above what the active certificate supports refused with
the reason, nothing written."""

import pytest
from django.utils import translation

from career.models import CertificateRule, GradeChange, ManagerGrade
from career.services import CareerError, register
from certification.models import Certificate
from tests.career.conftest import certify, grade

pytestmark = pytest.mark.django_db


def test_the_default_rule_is_the_issues():
    rules = {
        (r.manager_class, r.level): (r.min_tier.code, r.track.code if r.track else None)
        for r in CertificateRule.objects.all()
    }
    assert rules == {
        ("personal", "junior"): ("assistant", None),
        ("corporate", "junior"): ("assistant", None),
        ("comprehensive", "junior"): ("assistant", None),
        ("personal", "intermediate"): ("standard", "retail"),
        ("corporate", "intermediate"): ("standard", "corporate"),
        ("comprehensive", "intermediate"): ("standard", None),
        ("personal", "senior"): ("senior", None),
        ("corporate", "senior"): ("senior", None),
        ("comprehensive", "senior"): ("senior", None),
    }


def test_a_backed_grade_is_set_and_kept_in_the_history(trainee, hr_staff):
    certify(trainee)
    result = grade(trainee, by=hr_staff)
    assert (result.manager_class, result.level, result.compliant, result.non_compliant_since) == (
        "personal", "intermediate", True, None
    )  # fmt: skip
    change = GradeChange.objects.get(grade=result)
    assert (change.old_level, change.new_level, change.reason, change.changed_by) == (
        "", "intermediate", "appointment", hr_staff
    )  # fmt: skip


def test_a_higher_tier_backs_a_lower_level_and_comprehensive_takes_either_track(trainee, hr_staff):
    certify(trainee, "standard", "corporate")
    assert grade(trainee, manager_class="comprehensive", by=hr_staff).compliant
    assert grade(trainee, manager_class="comprehensive", level="junior", reason="demotion", by=hr_staff).compliant


def test_a_grade_above_the_certificate_is_refused_with_the_reason_and_nothing_is_written(trainee, hr_staff):
    certify(trainee, "assistant", None)
    with translation.override("en"), pytest.raises(CareerError) as refused:
        grade(trainee, by=hr_staff)
    assert refused.value.code == "not_backed"
    message = str(refused.value.message)
    assert "Standard" in message and "Retail banking" in message
    assert not ManagerGrade.objects.exists() and not GradeChange.objects.exists()


def test_the_other_track_does_not_back_an_intermediate_personal_grade(trainee, hr_staff):
    certify(trainee, "standard", "corporate")
    with pytest.raises(CareerError) as refused:
        grade(trainee, by=hr_staff)
    assert refused.value.code == "not_backed"


def test_a_suspended_certificate_backs_nothing(trainee, hr_staff):
    certify(trainee, status=Certificate.Status.SUSPENDED)
    with pytest.raises(CareerError) as refused:
        grade(trainee, level="junior", by=hr_staff)
    assert refused.value.code == "not_backed"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"manager_class": "retail"}, "bad_class"),
        ({"level": "chief"}, "bad_level"),
        ({"reason": "whim"}, "bad_reason"),
        ({"reason": "promotion"}, "reason_mismatch"),
    ],
)
def test_bad_input_is_refused_with_a_code(trainee, hr_staff, change, code):
    certify(trainee)
    values = {"manager_class": "personal", "level": "intermediate", "reason": "appointment", **change}
    profile = trainee.trainee_profile
    with pytest.raises(CareerError) as refused:
        register.do_set_grade(employer=profile.employer, employee=profile, by=hr_staff, **values)
    assert refused.value.code == code
    assert not ManagerGrade.objects.exists()


def test_moves_must_match_their_reason(graded, trainee, hr_staff):
    with pytest.raises(CareerError) as refused:
        grade(trainee, level="junior", reason="promotion", by=hr_staff)
    assert refused.value.code == "reason_mismatch"
    with pytest.raises(CareerError) as refused:
        grade(trainee, by=hr_staff, reason="correction")
    assert refused.value.code == "unchanged"
    assert GradeChange.objects.count() == 1


def test_another_banks_employee_or_a_deactivated_one_is_refused(employer, trainee, other_trainee, hr_staff):
    certify(other_trainee)
    with pytest.raises(CareerError) as refused:
        register.do_set_grade(
            employer=employer, employee=other_trainee.trainee_profile, manager_class="personal",
            level="intermediate", reason="appointment", by=hr_staff,
        )  # fmt: skip
    assert refused.value.code == "not_employee"
    certify(trainee)
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])
    with pytest.raises(CareerError) as refused:
        grade(trainee, by=hr_staff)
    assert refused.value.code == "deactivated"
    assert not ManagerGrade.objects.exists()


def test_the_authority_comes_from_the_banks_table(graded, employer):
    from career import selectors
    from career.models import AuthorityTable

    AuthorityTable.objects.create(employer=employer, manager_class="personal", level="intermediate", amount=15_000_000)
    assert selectors.grades_of_employer(employer.pk).get().authority == 15_000_000


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_trainee_reads_the_authority_with_thousands_separated(graded, employer, trainee, language):
    """Taiwan writes NT$ 15,000,000 in Chinese as in English (Django's zh-Hant default groups nothing)."""
    from django.urls import reverse

    from career.models import AuthorityTable
    from tests.conftest import logged_in

    AuthorityTable.objects.create(employer=employer, manager_class="personal", level="intermediate", amount=15_000_000)
    with translation.override(language):
        page = logged_in(trainee).get(reverse("career:mine"))
    assert page.status_code == 200 and "NT$ 15,000,000" in page.content.decode()
