"""The enrolment-state sets are defined once, on the model; the database constraints agree with them."""

from django.db.models import Q

from courses.models import Enrolment

State = Enrolment.State


def _constraint(name: str):
    return next(c for c in Enrolment._meta.constraints if c.name == name)


def _states_in(condition: Q) -> set[str]:
    """The states named by the ``state__in`` lookups of a constraint's condition."""
    states: set[str] = set()
    for child in condition.children:
        if isinstance(child, Q):
            states |= _states_in(child)
        elif child[0] == "state__in":
            states |= set(child[1])
    return states


def test_the_sets_are_made_of_states():
    for states in (
        Enrolment.ACTIVE_STATES,
        Enrolment.TRAINING_STATES,
        Enrolment.ADMITTED_STATES,
        Enrolment.DECIDED_STATES,
    ):
        assert set(states) <= set(State)
        assert len(set(states)) == len(states)


def test_one_active_enrolment_per_curriculum_means_the_active_states():
    condition = _constraint("enrolment_one_active_per_curriculum").condition
    assert _states_in(condition) == set(Enrolment.ACTIVE_STATES)


def test_hours_owed_are_fixed_in_every_admitted_state():
    condition = _constraint("enrolment_hours_owed_fixed_at_approval").condition
    assert _states_in(condition) == set(State) - set(Enrolment.ADMITTED_STATES)


def test_training_is_active_and_admitted():
    assert set(Enrolment.TRAINING_STATES) == set(Enrolment.ACTIVE_STATES) & set(Enrolment.ADMITTED_STATES)
    assert Enrolment(state=State.APPROVED).is_training
    assert not Enrolment(state=State.COMPLETED).is_training
