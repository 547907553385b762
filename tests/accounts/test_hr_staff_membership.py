"""An HR staff membership undone (accounts.services.do_remove_hr_staff, the admin's delete and its "delete selected"
action) takes back what the appointment gave: the "employer HR staff" group, and staff status unless another staff
role needs it. The program office and superusers are not appointed HR staff (``hr_staff_program_office``,
``hr_staff_superuser``)."""

import pytest
from django.contrib.auth.models import Group
from django.utils import translation

from accounts import services as accounts_services
from accounts.models import EmployerMembership, StaffMembership
from accounts.scoping import EMPLOYER_HR_GROUP, INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP
from tests.conftest import logged_in, make_hr_staff
from tests.factories import UserFactory

from .test_hr_staff_appointment import LANGUAGES, appoint, refusal_of

pytestmark = pytest.mark.django_db

LIST = "/{language}/admin/accounts/employermembership/"


def roles_of(person) -> tuple[bool, list[str]]:
    person.refresh_from_db()
    return person.is_staff, sorted(person.groups.values_list("name", flat=True))


def delete_on_its_page(program_office, language, membership):
    url = f"{LIST.format(language=language)}{membership.pk}/delete/"
    return logged_in(program_office).post(url, {"post": "yes"})


def delete_selected(program_office, language, memberships):
    return logged_in(program_office).post(
        LIST.format(language=language),
        {"action": "delete_selected", "_selected_action": [m.pk for m in memberships], "post": "yes"},
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_deleting_the_entry_takes_back_the_group_and_staff_status(program_office, hr_staff, language):
    response = delete_on_its_page(program_office, language, hr_staff.employer_membership)

    assert response.status_code == 302
    assert not EmployerMembership.objects.filter(user=hr_staff).exists()
    assert roles_of(hr_staff) == (False, [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_delete_selected_action_takes_back_each_ones_group_and_staff_status(
    program_office, hr_staff, other_hr_staff, employer, language
):
    third = make_hr_staff(employer, email="hr2@bank-a.demo.test")
    kept = make_hr_staff(employer, email="hr3@bank-a.demo.test")
    chosen = [hr_staff.employer_membership, other_hr_staff.employer_membership, third.employer_membership]

    response = delete_selected(program_office, language, chosen)

    assert response.status_code == 302
    assert list(EmployerMembership.objects.values_list("user", flat=True)) == [kept.pk]
    assert [roles_of(person) for person in (hr_staff, other_hr_staff, third)] == [(False, [])] * 3
    assert roles_of(kept) == (True, [EMPLOYER_HR_GROUP])


def given_institution_staff(person, institution):
    StaffMembership.objects.create(user=person, institution=institution, role=StaffMembership.Role.ADMIN)
    person.groups.add(Group.objects.get_or_create(name=INSTITUTION_ADMIN_GROUP)[0])
    return [INSTITUTION_ADMIN_GROUP]


def given_program_office(person, institution):
    person.groups.add(Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0])
    return [PROGRAM_OFFICE_GROUP]


def given_superuser(person, institution):
    person.is_superuser = True
    person.save(update_fields=["is_superuser"])
    return []


@pytest.mark.parametrize("other_role", [given_institution_staff, given_program_office, given_superuser])
def test_a_person_with_another_staff_role_keeps_staff_status(program_office, hr_staff, institution, other_role):
    """A role given since the appointment (the appointment refuses people who already hold one) outlives it."""
    groups = other_role(hr_staff, institution)

    response = delete_on_its_page(program_office, "en", hr_staff.employer_membership)

    assert response.status_code == 302
    assert roles_of(hr_staff) == (True, groups)


def test_a_person_appointed_again_since_keeps_what_the_new_appointment_gave(hr_staff, other_employer):
    """The removal of an entry another request deleted already, after which the person was appointed again."""
    stale = hr_staff.employer_membership
    accounts_services.do_remove_hr_staff(memberships=[stale])
    accounts_services.do_appoint_hr_staff(membership=EmployerMembership(user=hr_staff, employer=other_employer))

    accounts_services.do_remove_hr_staff(memberships=[stale])

    assert EmployerMembership.objects.get(user=hr_staff).employer == other_employer
    assert roles_of(hr_staff) == (True, [EMPLOYER_HR_GROUP])


def test_a_person_removed_may_be_appointed_again(program_office, hr_staff, employer):
    accounts_services.do_remove_hr_staff(memberships=[hr_staff.employer_membership])

    assert appoint(program_office, "en", hr_staff, employer).status_code == 302
    assert roles_of(hr_staff) == (True, [EMPLOYER_HR_GROUP])


@pytest.mark.parametrize("language", LANGUAGES)
def test_program_office_staff_are_not_made_hr_staff(program_office, employer, language):
    colleague = UserFactory(email="colleague@demo.test", is_staff=True)
    colleague.groups.add(Group.objects.get(name=PROGRAM_OFFICE_GROUP))

    response = appoint(program_office, language, colleague, employer)

    assert refusal_of(response, language, colleague, employer) == "hr_staff_program_office"
    assert not EmployerMembership.objects.filter(user=colleague).exists()
    assert roles_of(colleague) == (True, [PROGRAM_OFFICE_GROUP])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_superuser_is_not_made_hr_staff(program_office, employer, language):
    root = UserFactory(email="root@demo.test", is_staff=True, is_superuser=True)

    response = appoint(program_office, language, root, employer)

    assert refusal_of(response, language, root, employer) == "hr_staff_superuser"
    assert not EmployerMembership.objects.exists()
    assert roles_of(root) == (True, [])


@translation.override("en")
def test_the_refusals_name_the_person_and_why(program_office, employer):
    root = UserFactory(email="root@demo.test", is_superuser=True)
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_may_appoint_hr_staff(person=root, employer=employer)
    assert str(refused.value) == (
        f"{root} is a superuser and sees every employer's register, so they cannot also be one employer's HR staff "
        "member. HR staff need an account of their own."
    )
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_may_appoint_hr_staff(person=program_office, employer=employer)
    assert str(refused.value) == (
        f"{program_office} is program office staff and sees every employer's register, so they cannot also be one "
        "employer's HR staff member. HR staff need an account of their own."
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_entry_changed_to_another_person_takes_back_the_first_ones_group_and_staff_status(
    program_office, hr_staff, employer, language
):
    successor = UserFactory(email="successor@bank-a.test")
    membership = hr_staff.employer_membership
    url = f"{LIST.format(language=language)}{membership.pk}/change/"

    response = logged_in(program_office).post(url, {"user": successor.pk, "employer": employer.pk})

    assert response.status_code == 302
    assert list(EmployerMembership.objects.values_list("pk", "user")) == [(membership.pk, successor.pk)]
    assert roles_of(successor) == (True, [EMPLOYER_HR_GROUP])
    assert roles_of(hr_staff) == (False, [])
