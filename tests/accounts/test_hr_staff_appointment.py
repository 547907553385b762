"""The program office appoints an employer's HR staff in admin (accounts.services.do_appoint_hr_staff): a trainee,
an institution's staff member or another employer's HR staff member is refused, saying why; anyone else becomes HR
staff with what that needs (staff status, the "employer HR staff" group)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from accounts import services as accounts_services
from accounts.models import EmployerMembership
from accounts.scoping import EMPLOYER_HR_GROUP
from tests.conftest import logged_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]
ADD = "/{language}/admin/accounts/employermembership/add/"


def appoint(program_office, language, person, employer):
    return logged_in(program_office).post(ADD.format(language=language), {"user": person.pk, "employer": employer.pk})


def refusal_of(response, language: str, person, employer) -> tuple[str, str]:
    """The refusal the form shows under the person: its code, and whether its words are the service's."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors.as_data()
    assert list(errors) == ["user"]  # said once: not also the one-membership-per-person "already exists"
    [error] = errors["user"]
    with translation.override(language):
        try:
            accounts_services.check_may_appoint_hr_staff(person=person, employer=employer)
        except accounts_services.AccountError as expected:
            assert error.messages == [str(expected.message)]
        else:
            pytest.fail("the service allows what the form refused")
    return error.code


def is_hr_staff(person) -> bool:
    person.refresh_from_db()
    return person.is_staff or person.groups.filter(name=EMPLOYER_HR_GROUP).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_trainee_is_not_made_hr_staff(program_office, trainee, other_employer, language):
    response = appoint(program_office, language, trainee, other_employer)

    assert refusal_of(response, language, trainee, other_employer) == "hr_staff_trainee"
    assert not EmployerMembership.objects.filter(user=trainee).exists()
    assert not is_hr_staff(trainee)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_institution_staff_member_is_not_made_hr_staff(program_office, institution_grader, employer, language):
    response = appoint(program_office, language, institution_grader, employer)

    assert refusal_of(response, language, institution_grader, employer) == "hr_staff_institution"
    assert not EmployerMembership.objects.filter(user=institution_grader).exists()
    assert not institution_grader.groups.filter(name=EMPLOYER_HR_GROUP).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_another_employers_hr_staff_member_is_not_appointed_twice(program_office, hr_staff, other_employer, language):
    response = appoint(program_office, language, hr_staff, other_employer)

    assert refusal_of(response, language, hr_staff, other_employer) == "hr_staff_taken"
    assert list(EmployerMembership.objects.values_list("user", "employer")) == [
        (hr_staff.pk, hr_staff.employer_membership.employer_id)
    ]


@translation.override("en")
def test_the_refusal_names_the_person_and_why(trainee, institution_grader, hr_staff, employer, other_employer):
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_may_appoint_hr_staff(person=trainee, employer=other_employer)
    assert str(refused.value) == (
        f"{trainee} is a trainee (they have a trainee profile), so they cannot also be an employer's HR staff "
        "member. HR staff need an account of their own, without a trainee profile."
    )
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_may_appoint_hr_staff(person=institution_grader, employer=employer)
    assert str(refused.value).startswith(f"{institution_grader} is a staff member of Taipei Banking Training Centre")
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_may_appoint_hr_staff(person=hr_staff, employer=other_employer)
    assert str(refused.value).startswith(f"{hr_staff} is already HR staff of {employer}. A person")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_person_appointed_becomes_hr_staff_with_what_that_needs(program_office, employer, language):
    person = UserFactory(email="new.hr@bank-a.test")
    assert not person.is_staff

    response = appoint(program_office, language, person, employer)

    assert response.status_code == 302
    assert EmployerMembership.objects.get(user=person).employer == employer
    person.refresh_from_db()
    assert person.is_staff
    assert list(person.groups.values_list("name", flat=True)) == [EMPLOYER_HR_GROUP]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_hr_staff_member_is_moved_to_another_employer_on_their_entry(
    program_office, hr_staff, other_employer, language
):
    membership = hr_staff.employer_membership
    url = f"/{language}/admin/accounts/employermembership/{membership.pk}/change/"

    response = logged_in(program_office).post(url, {"user": hr_staff.pk, "employer": other_employer.pk})

    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.employer == other_employer


def test_the_add_page_says_what_saving_gives(office):
    page = office.get(ADD.format(language="en")).content.decode()
    assert "they get staff status and the “employer HR staff” group" in page


def test_the_service_refuses_past_the_admin(trainee, other_employer):
    with pytest.raises(accounts_services.AccountError):
        accounts_services.do_appoint_hr_staff(membership=EmployerMembership(user=trainee, employer=other_employer))
    assert not EmployerMembership.objects.exists()
    assert not Group.objects.filter(name=EMPLOYER_HR_GROUP, user=trainee).exists()
