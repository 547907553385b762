"""The reason a trainee reads with a decision: a withdrawal by the institution and a rejected self-study each
require one (trimmed; only spaces is none), each refusing in its own words, and keep at most 500 characters (a
longer one is cut, not refused). An enrolment's rejection may give none."""

import pytest
from django.utils import translation

from courses import services
from courses.services import TrainingError
from tests.factories import CohortFactory, UserFactory

CHECKS = [
    (
        services.check_withdrawal_reason,
        "Say why the enrolment is withdrawn: the trainee reads it in the e-mail and on their dashboard.",
    ),
    (services.check_reject_self_study, "Say why the self-study is rejected: the trainee reads it on their dashboard."),
]


@pytest.mark.parametrize(("check", "refusal"), CHECKS)
@pytest.mark.parametrize("reason", ["", "  \n\t "])
def test_a_decision_without_a_reason_is_refused_in_its_own_words(check, refusal, reason):
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        check(reason=reason)
    assert (refused.value.code, refused.value.field) == ("reason_missing", "reason")
    with translation.override("en"):
        assert str(refused.value) == refusal


@pytest.mark.parametrize(("check", "refusal"), CHECKS)
def test_a_reason_is_trimmed_and_kept_to_500_characters(check, refusal):
    assert check(reason="  名額不足。\n") == "名額不足。"
    assert check(reason=" " + "名" * 499 + "額不足 ") == "名" * 499 + "額"


@pytest.mark.django_db
def test_an_enrolments_rejection_may_give_no_reason_and_keeps_at_most_500_characters():
    cohort = CohortFactory(capacity=2)
    quiet, long = (services.do_enrol(trainee=UserFactory(), cohort=cohort) for _ in range(2))
    assert services.do_reject_enrolment(enrolment=quiet).decision_note == ""
    assert services.do_reject_enrolment(enrolment=long, reason="名" * 499 + "額不足").decision_note == "名" * 499 + "額"
