"""The four roles exist after migrate, with the permissions their work needs and no more."""

import pytest
from django.contrib.auth.models import Group

from accounts.scoping import INSTITUTION_ADMIN_GROUP, INSTITUTION_GRADER_GROUP, PROGRAM_OFFICE_GROUP, TRAINEE_GROUP

pytestmark = pytest.mark.django_db


def codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return set(group.permissions.filter(content_type__app_label="accounts").values_list("codename", flat=True))


def test_it_creates_the_four_role_groups():
    names = set(Group.objects.values_list("name", flat=True))
    assert {PROGRAM_OFFICE_GROUP, INSTITUTION_ADMIN_GROUP, INSTITUTION_GRADER_GROUP, TRAINEE_GROUP} <= names


def test_the_program_office_may_do_everything_with_accounts():
    assert {"add_employer", "delete_user", "change_institution", "add_staffmembership"} <= codenames(
        PROGRAM_OFFICE_GROUP
    )


def test_an_institution_admin_manages_trainees_but_cannot_grant_staff_rights_or_touch_employers():
    granted = codenames(INSTITUTION_ADMIN_GROUP)
    assert {"view_traineeprofile", "add_traineeprofile", "change_traineeprofile", "view_user"} <= granted
    assert not granted & {"add_user", "delete_user", "add_staffmembership", "change_institution", "view_employer"}


def test_graders_and_trainees_get_no_accounts_rights_beyond_reading_their_institution():
    assert codenames(INSTITUTION_GRADER_GROUP) == {"view_institution"}
    assert codenames(TRAINEE_GROUP) == set()


def test_a_trainee_profile_remembers_the_institution_that_registered_it(institution, trainee):
    assert list(institution.registered_trainees.all()) == [trainee.trainee_profile]
