"""Admin lists of people and organizations: a fixed number of queries however many rows, and
filters that cannot reach another institution's rows."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import StaffMembership
from tests.factories import EmployerFactory, InstitutionFactory, StaffMembershipFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db

LISTS = [
    "admin:accounts_user_changelist",
    "admin:accounts_traineeprofile_changelist",
    "admin:accounts_staffmembership_changelist",
    "admin:accounts_institution_changelist",
]


def populate(institution, count: int) -> None:
    employer = EmployerFactory()
    for _n in range(count):
        TraineeProfileFactory(registered_by=institution, employer=employer)
        StaffMembershipFactory(institution=institution, role=StaffMembership.Role.GRADER)


@pytest.mark.parametrize("name", LISTS)
def test_an_institution_admins_list_takes_the_same_queries_for_3_or_30_rows(
    client: Client, name: str, django_assert_max_num_queries, institution, institution_admin
):
    client.force_login(institution_admin)
    populate(institution, 3)
    with django_assert_max_num_queries(15) as few:
        assert client.get(reverse(name)).status_code == 200
    populate(institution, 27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", [*LISTS, "admin:accounts_employer_changelist"])
def test_the_program_office_list_takes_the_same_queries_for_3_or_30_rows(
    client: Client, name: str, django_assert_max_num_queries, program_office
):
    client.force_login(program_office)
    populate(InstitutionFactory(), 3)
    with django_assert_max_num_queries(15) as few:
        assert client.get(reverse(name)).status_code == 200
    for _n in range(9):
        populate(InstitutionFactory(), 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse(name)).status_code == 200


def test_filtering_by_another_institution_shows_none_of_its_rows(
    client: Client, institution_admin, trainee, other_institution, other_trainee
):
    theirs, foreign, ours = other_institution, other_trainee.trainee_profile, trainee.trainee_profile
    client.force_login(institution_admin)
    listed = client.get(reverse("admin:accounts_traineeprofile_changelist"))
    # The control: the list shows our own trainee, so a link's absence below means it was filtered out.
    assert reverse("admin:accounts_traineeprofile_change", args=[ours.pk]) in listed.content.decode()
    own = client.get(
        reverse("admin:accounts_traineeprofile_changelist"), {"registered_by__id__exact": ours.registered_by_id}
    )
    assert reverse("admin:accounts_traineeprofile_change", args=[ours.pk]) in own.content.decode()
    for params in (
        {"registered_by__id__exact": theirs.pk},
        {"registered_by": theirs.pk},
        {"employer__id__exact": foreign.employer_id},
        {"q": other_trainee.email},
    ):
        response = client.get(reverse("admin:accounts_traineeprofile_changelist"), params)
        if response.status_code == 302:  # Django refuses a lookup it does not offer: ?e=1
            response = client.get(response["Location"])
        html = response.content.decode()
        # A rendered list (not an error page), without the other institution's trainee.
        assert response.status_code == 200 and 'id="changelist"' in html, params
        assert reverse("admin:accounts_traineeprofile_change", args=[foreign.pk]) not in html, params
    # A lookup through the user's e-mail is not one the list offers: refused outright, nothing listed.
    refused = client.get(reverse("admin:accounts_traineeprofile_changelist"), {"user__email": other_trainee.email})
    assert refused.status_code == 400
    response = client.get(reverse("admin:accounts_user_changelist"), {"staff_membership__institution": theirs.pk})
    assert reverse("admin:accounts_user_change", args=[foreign.user.pk]) not in response.content.decode()


def test_the_staff_list_filter_offers_no_other_institution(
    client: Client, institution_admin, other_institution, other_institution_admin
):
    client.force_login(institution_admin)
    html = client.get("/en/admin/accounts/staffmembership/").content.decode()
    assert other_institution.name_en not in html
