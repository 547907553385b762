"""Who sees evaluations (issue 19, item 6): the bank's HR staff (admin, their bank's only) and its HR system
(tests/api/test_evaluations.py); the manager their own on My grade; never institutions or other banks; the
program office a count per bank, no scores. And HR staff keep them in admin: the scheme, scores, the move."""

import calendar
import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from career.models import Evaluation, EvaluationPeriod, EvaluationScheme, GradeChange, ManagerGrade
from career.services import evaluations
from tests.career.conftest import certify, grade
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db

Q1 = {"kind": "quarterly", "starts_on": datetime.date(2026, 1, 1), "ends_on": datetime.date(2026, 3, 31)}
EVALUATIONS = reverse("admin:career_evaluation_changelist")


@pytest.fixture(autouse=True)
def english_pages():
    with translation.override("en"):
        yield


def evaluate(user, value):
    profile = user.trainee_profile
    if not EvaluationScheme.objects.filter(employer=profile.employer).exists():
        evaluations.do_save_scheme(
            employer=profile.employer, name=f"{profile.employer.code} 考核", period_kinds=["quarterly"]
        )
    scores = {code: value for code, *_rest in evaluations.STANDARD_DIMENSIONS}
    return evaluations.do_record_evaluation(
        employer=profile.employer, employee_id=profile.pk, scores=scores, by=None, **Q1
    ).evaluation


@pytest.fixture
def both_banks(graded, trainee, other_trainee, other_hr_staff):
    """bank-a's trainee01 scored 87.65 (intermediate); bank-b's trainee07 scored 91.23 (a promotion to senior)."""
    certify(other_trainee)
    grade(other_trainee, by=other_hr_staff)
    return evaluate(trainee, 87.65), evaluate(other_trainee, 91.23)


def change_url(row) -> str:
    return reverse(f"admin:career_{row._meta.model_name}_change", args=[row.pk])


def test_hr_staff_see_their_banks_evaluations_only(both_banks, hr_staff, django_assert_max_num_queries):
    ours, theirs = both_banks
    client = logged_in(in_english(hr_staff))
    with django_assert_max_num_queries(25):
        listing = client.get(EVALUATIONS)
    html = listing.content.decode()
    assert listing.status_code == 200 and "87.65" in html and "91.23" not in html
    assert client.get(change_url(ours)).status_code == 200
    for row in (theirs, theirs.period, theirs.period.scheme):
        assert client.get(change_url(row)).status_code == 404


def test_institution_staff_never_see_evaluations(both_banks, institution_admin):
    client = logged_in(institution_admin)
    ours, _theirs = both_banks
    for name in ("evaluation", "evaluationscheme", "evaluationperiod"):
        assert client.get(reverse(f"admin:career_{name}_changelist")).status_code == 403
    assert client.get(change_url(ours)).status_code in (403, 404)


def test_the_program_office_sees_a_count_per_bank_and_no_scores(both_banks, program_office):
    ours, _theirs = both_banks
    client = logged_in(in_english(program_office))
    assert client.get(EVALUATIONS).status_code == 403
    assert client.get(change_url(ours)).status_code in (403, 404)
    with translation.override("en"):
        counts = client.get(reverse("admin:career_registercompliance_changelist"))
    html = counts.content.decode()
    assert counts.status_code == 200 and "Evaluations recorded" in html
    assert "87.65" not in html and "91.23" not in html


def test_the_manager_sees_their_own_evaluations_and_no_one_elses(both_banks, trainee, other_trainee):
    page = logged_in(in_english(trainee)).get(reverse("career:mine"))
    html = page.content.decode()
    assert page.status_code == 200 and "Evaluations" in html and "87.65" in html and "91.23" not in html
    assert "Performance indicators" in html
    theirs = logged_in(in_english(other_trainee)).get(reverse("career:mine")).content.decode()
    assert (
        "91.23" in theirs
        and "87.65" not in theirs
        and "Intermediate → Senior" in theirs.replace("intermediate", "Intermediate").replace("senior", "Senior")
    )


def test_the_my_grade_page_needs_no_query_per_evaluation(graded, trainee, django_assert_max_num_queries):
    for month in (1, 4, 7, 10):
        period = {"kind": "quarterly", "starts_on": datetime.date(2025, month, 1),
                  "ends_on": datetime.date(2025, month + 2, calendar.monthrange(2025, month + 2)[1])}  # fmt: skip
        if not EvaluationScheme.objects.exists():
            evaluate(trainee, 80)
        profile = trainee.trainee_profile
        evaluations.do_record_evaluation(employer=profile.employer, employee_id=profile.pk, by=None, **period,
                                      scores={c: 80 for c, *_r in evaluations.STANDARD_DIMENSIONS})  # fmt: skip
    client = logged_in(trainee)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("career:mine")).status_code == 200


# --- HR staff keep evaluations in admin ------------------------------------------------------------


def test_hr_staff_define_a_scheme_in_admin_and_bad_weights_are_refused(employer, hr_staff):
    client = logged_in(in_english(hr_staff))
    add = reverse("admin:career_evaluationscheme_add")
    weights = {"weight_performance": 40, "weight_ethics": 15, "weight_basic_management": 15, "weight_credit": 15}
    thresholds = {"threshold_junior": 60, "threshold_intermediate": 75, "threshold_senior": 90}
    data = {"name": "2026", "active": "on", "period_kinds": ["quarterly", "annual"], "weight_service": 20}
    data |= weights | thresholds
    refused = client.post(add, data)
    assert refused.status_code == 200 and "they must add up to 100" in refused.content.decode()
    assert not EvaluationScheme.objects.exists()
    done = client.post(add, {**data, "weight_service": 15, "weight_performance": 30, "weight_ability_thinking": 10})
    assert done.status_code == 302, done.content.decode()[:2000]
    scheme = EvaluationScheme.objects.get()
    assert scheme.employer == employer and scheme.period_kinds == ["quarterly", "annual"]
    assert scheme.dimensions.get(code="ability_thinking").weight == 10


def test_hr_staff_add_a_period_and_an_overlap_is_refused(employer, hr_staff):
    scheme = evaluations.do_save_scheme(employer=employer, name="2026", period_kinds=["quarterly"])
    client = logged_in(in_english(hr_staff))
    add = reverse("admin:career_evaluationperiod_add")
    data = {"scheme": scheme.pk, "kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}
    assert client.post(add, data).status_code == 302
    overlap = client.post(add, {**data, "starts_on": "2026-02-01", "ends_on": "2026-04-30"})
    assert overlap.status_code == 200 and "overlaps" in overlap.content.decode()
    assert EvaluationPeriod.objects.count() == 1


def test_hr_staff_record_scores_in_admin_and_confirm_the_move(graded, trainee, hr_staff, other_trainee):
    scheme = evaluations.do_save_scheme(
        employer=trainee.trainee_profile.employer, name="2026", period_kinds=["quarterly"]
    )
    period = evaluations.do_define_period(scheme=scheme, **Q1)
    client = logged_in(in_english(hr_staff))
    add = reverse("admin:career_evaluation_add")
    form = client.get(add).content.decode()
    assert trainee.display_name in form and other_trainee.display_name not in form and "Service quality" in form
    data = {"employee": trainee.trainee_profile.pk, "period": period.pk, "score_performance": 95, "score_ethics": 95,
            "score_basic_management": 95, "score_credit": 95, "score_service": 101,
            "scores-TOTAL_FORMS": 0, "scores-INITIAL_FORMS": 0}  # fmt: skip
    refused = client.post(add, data)
    assert refused.status_code == 200 and not Evaluation.objects.exists()
    assert (
        client.post(add, {**data, "employee": other_trainee.trainee_profile.pk, "score_service": 95}).status_code == 200
    )
    assert not Evaluation.objects.exists()
    assert client.post(add, {**data, "score_service": 95}).status_code == 302
    evaluation = Evaluation.objects.get()
    assert (evaluation.proposed_level, evaluation.recorded_by) == ("senior", hr_staff)
    action = {"action": "confirm_move", "_selected_action": [evaluation.pk], "index": 0}
    changelist = reverse("admin:career_evaluation_changelist")  # the English one
    page = client.post(changelist, action, follow=True).content.decode()
    assert "holds no active certificate" in page and ManagerGrade.objects.get().level == "intermediate"
    certify(trainee, "senior", "retail")
    client.post(changelist, action, follow=True)
    assert ManagerGrade.objects.get().level == "senior"
    assert GradeChange.objects.first().reason == "promotion" and GradeChange.objects.first().changed_by == hr_staff
