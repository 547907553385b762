"""A refusal that names an enrolment's state names it in the reader's language (a tester's report: withdrawing an
already withdrawn enrolment in zh-Hant answered "這筆報名的狀態為 withdrawn；…", the state's code inside the Chinese).
The state reads as the model's choice label, translated; the code is the answer's ``type`` and the row's ``state``.
"""

import pytest
from django.utils import timezone, translation

from courses import services as training
from courses.models import Enrolment
from hr_api.views.enrolments import hr_message
from tests.factories import CohortFactory

from .conftest import assert_problem

NOT_WITHDRAWABLE = [Enrolment.State.WITHDRAWN, Enrolment.State.COMPLETED, Enrolment.State.REJECTED]
LABELS = {
    "zh-Hant": {
        "pending": "待審核",
        "approved": "已核准",
        "in_training": "訓練中",
        "completed": "已完成",
        "rejected": "未核准",
        "withdrawn": "已退出",
    },
    "en": {
        "pending": "pending approval",
        "approved": "approved",
        "in_training": "in training",
        "completed": "completed",
        "rejected": "rejected",
        "withdrawn": "withdrawn",
    },
}


def withdraw_again(cast, employee, state, language):
    enrolment = training.do_enrol(trainee=employee.user, cohort=CohortFactory())
    if state == Enrolment.State.WITHDRAWN:
        training.do_withdraw_enrolment(enrolment=enrolment)
    elif state == Enrolment.State.REJECTED:
        training.do_reject_enrolment(enrolment=enrolment)
    else:  # completed: approved (its hours fixed), then its hours done
        training.do_approve_enrolment(enrolment=enrolment)
        Enrolment.objects.filter(pk=enrolment.pk).update(state=state, completed_at=timezone.now())
    assert Enrolment.objects.get(pk=enrolment.pk).state == state
    return cast.api_a.post(f"/api/v1/enrollments/{enrolment.pk}/withdraw/", HTTP_ACCEPT_LANGUAGE=language)


@pytest.mark.parametrize("state", NOT_WITHDRAWABLE)
def test_withdrawing_names_the_state_in_chinese(cast, employee_a, state):
    body = assert_problem(withdraw_again(cast, employee_a, state, "zh-Hant"), 409)
    assert body["type"].endswith("/bad_state")
    assert LABELS["zh-Hant"][state] in body["detail"], body["detail"]
    assert state.value not in body["detail"], body["detail"]


def test_withdrawing_names_the_state_in_english(cast, employee_a):
    body = assert_problem(withdraw_again(cast, employee_a, Enrolment.State.WITHDRAWN, "en"), 409)
    assert body["detail"].startswith("This enrolment is withdrawn; only a pending"), body["detail"]


@pytest.mark.parametrize("state", Enrolment.State.values)
def test_every_state_reads_as_its_label(db, state):
    """Each state the message may name, in both languages (in English ``in_training`` and ``pending`` are no
    labels either)."""
    cohort, enrolment = CohortFactory(), Enrolment(state=state)
    with translation.override("zh-Hant"):
        chinese = hr_message("bad_state", cohort=cohort, enrolment=enrolment)
    with translation.override("en"):
        english = hr_message("bad_state", cohort=cohort, enrolment=enrolment)
    assert LABELS["zh-Hant"][state] in chinese and state not in chinese, chinese
    assert english.startswith(f"This enrolment is {LABELS['en'][state]}; "), english
