"""Whose account a trainee profile may be given in admin: the user autocomplete (Django asks the user admin)
and the form offer people who may be trainees — not staff, not someone who has a profile already — and
only among the people the staff member's institution sees; the program office chooses among everyone."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import TraineeProfile, User
from courses import services as training
from tests.conftest import logged_in, make_staff
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db


def enrolled_without_profile(institution, email: str) -> User:
    """Someone enrolled in one of ``institution``'s cohorts who has no trainee profile yet."""
    person = UserFactory(email=email)
    training.do_enrol(trainee=person, cohort=CohortFactory(institution=institution))
    return person


@pytest.fixture
def newcomer(institution) -> User:
    return enrolled_without_profile(institution, "newcomer@inst-a.example.test")


@pytest.fixture
def their_newcomer(other_institution) -> User:
    return enrolled_without_profile(other_institution, "newcomer@inst-b.example.test")


def offered(client: Client, term: str = "") -> set[int]:
    """The ids the trainee profile's user autocomplete offers, every page of them."""
    ids, page = set(), 1
    while True:
        response = client.get(reverse("admin:autocomplete"), {
            "app_label": "accounts", "model_name": "traineeprofile", "field_name": "user", "term": term, "page": page,
        })  # fmt: skip
        assert response.status_code == 200
        data = response.json()
        ids |= {int(row["id"]) for row in data["results"]}
        if not data["pagination"]["more"]:
            return ids
        page += 1


def test_it_offers_an_institution_none_of_its_staff(institution, institution_admin, institution_grader, newcomer):
    teacher = make_staff(institution, "teacher", is_staff=True)
    ids = offered(logged_in(institution_admin))
    assert newcomer.pk in ids
    assert not ids & {institution_admin.pk, institution_grader.pk, teacher.pk}


def test_it_offers_nobody_who_has_a_trainee_profile_already(institution_admin, trainee, newcomer):
    ids = offered(logged_in(institution_admin))
    assert trainee.pk not in ids
    assert newcomer.pk in ids


def test_it_offers_none_of_another_institutions_people(
    institution_admin, newcomer, their_newcomer, other_institution_admin, other_trainee
):
    ids = offered(logged_in(institution_admin), term="newcomer")
    assert ids == {newcomer.pk}
    assert not offered(logged_in(institution_admin)) & {their_newcomer.pk, other_institution_admin.pk}


def test_the_program_office_is_offered_everyone_who_may_be_a_trainee_and_no_staff(
    program_office, institution_admin, other_institution_admin, trainee, newcomer, their_newcomer
):
    ids = offered(logged_in(program_office))
    assert {newcomer.pk, their_newcomer.pk} <= ids
    assert not ids & {program_office.pk, institution_admin.pk, other_institution_admin.pk, trainee.pk}


def test_the_user_lists_search_still_finds_staff(institution_admin, institution_grader):
    page = logged_in(institution_admin).get(reverse("admin:accounts_user_changelist"), {"q": "grader"})
    assert institution_grader.email in page.content.decode()


def profile_form(user: User) -> dict:
    return {"user": user.pk, "employer": "", "employee_number": "", "branch": "", "manager_class": "", "phone": ""}


def test_the_form_refuses_a_staff_account_and_saves_nothing(institution_admin, institution_grader):
    response = logged_in(institution_admin).post(
        reverse("admin:accounts_traineeprofile_add"), profile_form(institution_grader)
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not TraineeProfile.objects.filter(user=institution_grader).exists()


def test_the_form_gives_a_newcomer_a_profile_and_keeps_a_profiles_own_account(institution_admin, newcomer, trainee):
    client = logged_in(institution_admin)
    response = client.post(reverse("admin:accounts_traineeprofile_add"), profile_form(newcomer))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert TraineeProfile.objects.get(user=newcomer).registered_by == institution_admin.staff_membership.institution
    profile = trainee.trainee_profile
    response = client.post(
        reverse("admin:accounts_traineeprofile_change", args=[profile.pk]),
        {**profile_form(trainee), "employer": profile.employer_id, "employee_number": profile.employee_number},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
