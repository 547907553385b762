"""Selectors see what the admin sees: one rule for who sees which trainee."""

import pytest
from django.contrib.auth.models import Group

from accounts.scoping import PROGRAM_OFFICE_GROUP
from accounts.selectors import trainee_profile_of, trainee_profiles_visible_to
from tests.factories import InstitutionFactory, StaffMembershipFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_see_the_trainees_their_institution_registered_and_no_others():
    mine, theirs = InstitutionFactory(), InstitutionFactory()
    own = TraineeProfileFactory(registered_by=mine)
    TraineeProfileFactory(registered_by=theirs)
    TraineeProfileFactory(registered_by=None)
    staff = StaffMembershipFactory(institution=mine).user
    assert list(trainee_profiles_visible_to(staff)) == [own]


def test_the_program_office_sees_every_trainee_and_a_trainee_sees_none_through_it():
    profiles = [TraineeProfileFactory(registered_by=InstitutionFactory()) for _n in range(2)]
    office = UserFactory(is_staff=True)
    office.groups.add(Group.objects.get(name=PROGRAM_OFFICE_GROUP))
    assert set(trainee_profiles_visible_to(office)) == set(profiles)
    assert list(trainee_profiles_visible_to(profiles[0].user)) == []
    assert trainee_profile_of(profiles[0].user) == profiles[0]
    assert trainee_profile_of(office) is None
