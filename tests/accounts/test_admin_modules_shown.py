"""The admin index offers staff only the modules whose rows they can see: a teacher sees no row of the
institution list (only the admins of sessions and cohorts name teachers), so no "Institutions" link, even
where a database still grants the teacher group the permission to view it (grants are never taken back)."""

import pytest
from django.contrib.auth.models import Group, Permission

from accounts.models import StaffMembership
from accounts.scoping import INSTITUTION_TEACHER_GROUP
from tests.conftest import logged_in, make_staff

pytestmark = pytest.mark.django_db

INDEX = "/en/admin/"
INSTITUTIONS = "/en/admin/accounts/institution/"
SESSIONS = "/en/admin/courses/trainingsession/"


@pytest.fixture
def teacher(institution):
    return make_staff(institution, StaffMembership.Role.TEACHER, is_staff=True)


def index_of(user) -> str:
    response = logged_in(user).get(INDEX)
    assert response.status_code == 200
    return response.content.decode()


def test_a_teachers_admin_index_has_no_institutions_link(teacher):
    index = index_of(teacher)
    assert f'href="{INSTITUTIONS}"' not in index
    assert f'href="{SESSIONS}"' in index  # what a teacher does see is still there
    assert logged_in(teacher).get(INSTITUTIONS).status_code == 403


def test_the_link_stays_hidden_where_the_teacher_group_still_holds_the_view_permission(teacher):
    # A database migrated before the teacher group lost it keeps the grant (grants are only ever added).
    Group.objects.get(name=INSTITUTION_TEACHER_GROUP).permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="view_institution")
    )
    assert f'href="{INSTITUTIONS}"' not in index_of(teacher)
    assert logged_in(teacher).get(INSTITUTIONS).status_code == 403


def test_the_teacher_group_is_not_granted_the_institution_list():
    group = Group.objects.get(name=INSTITUTION_TEACHER_GROUP)
    assert not group.permissions.filter(content_type__app_label="accounts").exists()


def test_institution_admins_graders_and_the_office_still_see_the_institutions_link(
    institution, institution_admin, institution_grader, program_office
):
    for person in (institution_admin, institution_grader, program_office):
        assert f'href="{INSTITUTIONS}"' in index_of(person), person.email
    listing = logged_in(institution_grader).get(INSTITUTIONS)
    assert listing.status_code == 200 and institution.code in listing.content.decode()
