"""Enrolment transitions (courses/services.py) under any sequence of actions by trainees and their
institution: each step does what the rules say or is refused with the rule's code and changes
nothing; a cohort's taken seats always equal its active enrolments and never pass its capacity.

Each example runs in a savepoint rolled back at its end, so examples do not see each other's rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses import services
from courses.models import Cohort, Enrolment
from courses.services import TrainingError
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

State = Enrolment.State
ACTIVE = set(Enrolment.ACTIVE_STATES)
CAPACITY = 2
TRAINEES = 3
PER_TRAINEE = ["enrol", "approve", "reject", "start", "attend", "complete", "withdraw"]
PER_COHORT = ["close_cohort", "start_cohort"]

steps = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(PER_TRAINEE), st.integers(0, TRAINEES - 1)),
        st.tuples(st.sampled_from(PER_COHORT), st.none()),
    ),
    max_size=14,
)


@dataclass
class Model:
    """What the rules say: the cohort's status, each trainee's latest enrolment and its hours."""

    status: str = Cohort.Status.OPEN
    state: dict[int, str] = field(default_factory=dict)
    hours_done: dict[int, bool] = field(default_factory=dict)

    def seats(self) -> int:
        return sum(state in ACTIVE for state in self.state.values())

    def in_place(self) -> int:
        return sum(state in (State.APPROVED, State.IN_TRAINING) for state in self.state.values())

    def expect(self, action: str, who: int | None) -> tuple[str | None, str | None]:
        """(refusal code or None, the trainee's state afterwards)."""
        state = self.state.get(who)
        if action == "enrol":
            if self.status != Cohort.Status.OPEN:
                return "closed", state
            if state in ACTIVE:
                return "already_enrolled", state
            if self.seats() >= CAPACITY:
                return "full", state
            return None, State.PENDING
        if action == "approve":
            if state != State.PENDING:
                return "bad_state", state
            if self.in_place() >= CAPACITY:
                return "full", state
            return None, State.IN_TRAINING if self.status == Cohort.Status.RUNNING else State.APPROVED
        if action == "reject":
            return (None, State.REJECTED) if state == State.PENDING else ("bad_state", state)
        if action == "start":
            return (None, State.IN_TRAINING) if state == State.APPROVED else ("bad_state", state)
        if action == "attend":
            return (None, state) if state in (State.APPROVED, State.IN_TRAINING) else ("bad_state", state)
        if action == "complete":
            if state not in (State.APPROVED, State.IN_TRAINING):
                return "bad_state", state
            return (None, State.COMPLETED) if self.hours_done.get(who) else ("hours_missing", state)
        if action == "withdraw":
            return (None, State.WITHDRAWN) if state in ACTIVE else ("bad_state", state)
        raise AssertionError(action)

    def apply(self, action: str, who: int | None) -> None:
        if action == "close_cohort":
            self.status = Cohort.Status.CLOSED
        elif action == "start_cohort":
            self.status = Cohort.Status.RUNNING
            self.state = {i: State.IN_TRAINING if s == State.APPROVED else s for i, s in self.state.items()}
        else:
            refusal, new_state = self.expect(action, who)
            if refusal is None:
                if action == "enrol":
                    self.hours_done[who] = False
                if action == "attend":
                    self.hours_done[who] = True
                self.state[who] = new_state


def cohort_refusal(model: Model, action: str) -> str | None:
    if action == "close_cohort":
        return None if model.status == Cohort.Status.OPEN else "bad_state"
    return None if model.status in (Cohort.Status.OPEN, Cohort.Status.CLOSED) else "bad_state"


def act(cohort: Cohort, trainees, latest: dict, action: str, who: int | None):
    if action == "close_cohort":
        return services.do_close_cohort(cohort=cohort)
    if action == "start_cohort":
        return services.do_start_cohort(cohort=cohort)
    if action == "enrol":
        latest[who] = services.do_enrol(trainee=trainees[who], cohort=cohort)
        return latest[who]
    enrolment = latest[who]
    if action == "approve":
        return services.do_approve_enrolment(enrolment=enrolment)
    if action == "reject":
        return services.do_reject_enrolment(enrolment=enrolment, reason="fuzz")
    if action == "start":
        return services.do_start_training(enrolment=enrolment)
    if action == "attend":  # the assistant plan: 16 hours of teaching, 8 of exam preparation
        enrolment.refresh_from_db()
        teaching = TrainingSessionFactory(cohort=cohort, hours=Decimal(16))
        services.do_record_attendance(session=teaching, enrolment=enrolment, hours=16)
        prep = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", hours=Decimal(8))
        return services.do_record_attendance(session=prep, enrolment=enrolment, hours=8)
    if action == "complete":
        return services.do_complete_enrolment(enrolment=enrolment)
    if action == "withdraw":
        return services.do_withdraw_enrolment(enrolment=enrolment)
    raise AssertionError(action)


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_any_sequence_of_actions_follows_the_rules_and_keeps_the_seat_count(db, steps):
    with transaction.atomic():
        cohort = CohortFactory(curriculum=curriculum_of("assistant"), capacity=CAPACITY)
        trainees = [UserFactory() for _ in range(TRAINEES)]
        model, latest = Model(), {}
        for action, who in steps:
            if who is not None and action != "enrol" and who not in latest:
                continue  # nothing of this trainee's to act on yet
            if action in PER_COHORT:
                expected, expected_state = cohort_refusal(model, action), None
            else:
                expected, expected_state = model.expect(action, who)
            try:
                with transaction.atomic():
                    act(cohort, trainees, latest, action, who)
                refusal = None
            except TrainingError as error:
                refusal = error.code
                assert str(error), "a refusal says why"
            assert refusal == expected, f"{action} of trainee {who}: {refusal!r}, the rules say {expected!r}"
            if refusal is None:
                model.apply(action, who)

            cohort.refresh_from_db()
            assert cohort.status == model.status
            rows = {e.trainee_id: e.state for e in Enrolment.objects.filter(cohort=cohort).order_by("pk")}
            assert rows == {trainees[i].pk: s for i, s in model.state.items()}
            if expected_state is not None:
                assert rows[trainees[who].pk] == expected_state
            active = Enrolment.objects.filter(cohort=cohort, state__in=ACTIVE).count()
            assert cohort.seats_taken == active == model.seats()
            assert 0 <= cohort.seats_taken <= CAPACITY
            placed = Enrolment.objects.filter(cohort=cohort, state__in=[State.APPROVED, State.IN_TRAINING]).count()
            assert placed <= CAPACITY
        transaction.set_rollback(True)
