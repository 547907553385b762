"""Selectors see what the admin sees: one rule for who sees which trainee."""

import pytest

from accounts.selectors import trainee_profile_of, trainee_profiles_visible_to
from tests.factories import TraineeProfileFactory

pytestmark = pytest.mark.django_db


def test_staff_see_the_trainees_their_institution_registered_and_no_others(institution_admin, trainee, other_trainee):
    TraineeProfileFactory(registered_by=None)
    assert list(trainee_profiles_visible_to(institution_admin)) == [trainee.trainee_profile]


def test_the_program_office_sees_every_trainee_and_a_trainee_sees_none_through_it(
    program_office, trainee, other_trainee
):
    profiles = [trainee.trainee_profile, other_trainee.trainee_profile]
    assert set(trainee_profiles_visible_to(program_office)) == set(profiles)
    assert list(trainee_profiles_visible_to(trainee)) == []
    assert trainee_profile_of(trainee) == trainee.trainee_profile
    assert trainee_profile_of(program_office) is None
