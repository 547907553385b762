"""An institution changes the account of a person it only enrols in nothing: not whether it is active (unticking
"active" would lock them out of the whole portal, and their employer's HR system would see them deactivated), nor
their name, language, address or rights. The user admin shows those fields read-only and a forged POST changes
nothing (accounts.services.account_columns_kept, beside the trainee profile's rule, trainee_columns_kept).

Whether an account is active is the call of the institution whose person it is alone: its staff member, or a trainee
it registered who has no employer. An employer's employee, even one the institution registered, is deactivated by
the employer's HR system (the person left its team) or by the program office. The program office keeps every power.
No action on people (delete, reset of a second factor) is offered to an institution, nor runs on a forged POST.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from accounts import audit, services
from accounts.models import AuditEvent, StaffMembership, User
from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP
from courses.services import do_enrol
from tests.conftest import make_hr_staff, make_staff, make_trainee
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

ACCOUNT_INPUTS = ("email", "display_name", "preferred_language", "is_active")


@pytest.fixture
def cohort_a(institution):
    return CohortFactory(institution=institution, code="A-STD-R")


@pytest.fixture
def hr_enrolled(other_trainee, cohort_a) -> User:
    """trainee07, bank B's employee registered by inst-b, whom bank B's HR system enrolled in inst-a's cohort."""
    employer_id = other_trainee.trainee_profile.employer_id
    do_enrol(trainee=other_trainee, cohort=cohort_a, on_behalf=True, for_employer_id=employer_id)
    return other_trainee


@pytest.fixture
def applicant(cohort_a) -> User:
    """A self-funded person who signed up and applied to inst-a's cohort (nobody registered them)."""
    services.do_sign_up(
        email="applicant@example.test", display_name="林志明", password="a-long-passphrase-2026",
        preferred_language="zh-hant", site_url="",
    )  # fmt: skip
    user = User.objects.get(email="applicant@example.test")
    services.do_activate_proven_account(user=user)
    do_enrol(trainee=user, cohort=cohort_a)
    return user


@pytest.fixture
def own_self_funded(institution) -> User:
    """A self-funded trainee inst-a registered (no employer)."""
    return make_trainee(email="solo@example.test", display_name="張雅婷", registered_by=institution)


def url_of(user: User) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def inputs_offered(client: Client, user: User) -> set[str]:
    response = client.get(url_of(user))
    assert response.status_code == 200
    html = response.content.decode()
    return {name for name in ACCOUNT_INPUTS if f'name="{name}"' in html}


def account(user: User) -> tuple:
    user.refresh_from_db()
    return (
        user.email, user.display_name, user.preferred_language, user.is_active, user.is_staff, user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)), user.user_permissions.count(),
    )  # fmt: skip


def forged_post(client: Client, user: User, **fields: object):
    """Everything the full form has, "active" left unticked (absent), and rights asked for."""
    office_group = Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0]
    data = {
        "email": "taken@example.test", "display_name": "Renamed By Inst-A", "preferred_language": "en",
        "is_staff": "on", "is_superuser": "on", "groups": [office_group.pk], **fields,
    }  # fmt: skip
    return client.post(url_of(user), data)


# --- a person the institution only enrols ---------------------------------------------------------------------


@pytest.mark.parametrize("person", ["hr_enrolled", "applicant"])
def test_an_institution_changes_nothing_of_a_person_it_only_enrols(alice: Client, person: str, request) -> None:
    user = request.getfixturevalue(person)
    assert inputs_offered(alice, user) == set()
    before = account(user)
    assert before[3] is True
    forged_post(alice, user)
    assert account(user) == before
    # Ticked "active" and nothing else changes nothing either.
    forged_post(alice, user, is_active="on")
    assert account(user) == before


def test_an_enrolled_persons_account_stays_active_and_signs_in(alice: Client, applicant: User) -> None:
    forged_post(alice, applicant)
    person = Client()
    response = person.post("/en/accounts/login/", {"username": applicant.email, "password": "a-long-passphrase-2026"})
    assert response.status_code == 302 and "_auth_user_id" in person.session


# --- a person the institution registered, and its staff --------------------------------------------------------


def test_an_institution_deactivates_and_reactivates_a_self_funded_trainee_it_registered(
    alice: Client, own_self_funded: User
) -> None:
    assert inputs_offered(alice, own_self_funded) == {"display_name", "preferred_language", "is_active"}
    response = alice.post(url_of(own_self_funded), {"display_name": "張雅婷（更正）", "preferred_language": "en"})
    assert response.status_code == 302
    own_self_funded.refresh_from_db()
    assert (own_self_funded.display_name, own_self_funded.is_active) == ("張雅婷（更正）", False)
    alice.post(url_of(own_self_funded), {"display_name": "張雅婷", "preferred_language": "en", "is_active": "on"})
    own_self_funded.refresh_from_db()
    assert own_self_funded.is_active is True
    # Rights and the log-in address stay the program office's.
    before = account(own_self_funded)
    forged_post(alice, own_self_funded, display_name="張雅婷", is_active="on")
    assert account(own_self_funded)[1:] == before[1:] and own_self_funded.email == "solo@example.test"


def test_an_employers_employee_the_institution_registered_is_deactivated_by_the_employer_or_the_office(
    alice: Client, trainee: User
) -> None:
    """trainee01, bank A's employee registered by inst-a: inst-a corrects their name, not whether they sign in."""
    assert inputs_offered(alice, trainee) == {"display_name", "preferred_language"}
    response = alice.post(url_of(trainee), {"display_name": "陳怡君（更正）", "preferred_language": "zh-hant"})
    assert response.status_code == 302
    trainee.refresh_from_db()
    assert (trainee.display_name, trainee.is_active) == ("陳怡君（更正）", True)


def test_an_institution_deactivates_its_own_staff_member(alice: Client, institution) -> None:
    grader = make_staff(institution, StaffMembership.Role.GRADER, email="grader2@inst-a.demo.test")
    assert inputs_offered(alice, grader) == {"display_name", "preferred_language", "is_active"}
    alice.post(url_of(grader), {"display_name": grader.display_name, "preferred_language": "zh-hant"})
    grader.refresh_from_db()
    assert grader.is_active is False


def test_a_staff_member_who_is_someone_elses_too_is_not_the_institutions_to_deactivate(
    alice: Client, institution, employer
) -> None:
    """A colleague who also keeps a bank's register, or is in the program office: theirs to deactivate."""
    hr = make_hr_staff(employer, email="hr-and-teacher@example.test")
    StaffMembership.objects.create(user=hr, institution=institution, role=StaffMembership.Role.GRADER)
    office = make_staff(institution, StaffMembership.Role.GRADER, email="office-and-grader@example.test")
    office.groups.add(Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0])
    for person in (hr, office):
        assert "is_active" not in inputs_offered(alice, person), person
        alice.post(url_of(person), {"display_name": person.display_name, "preferred_language": "zh-hant"})
        person.refresh_from_db()
        assert person.is_active is True


def test_another_institutions_staff_sees_none_of_it(bob: Client, own_self_funded: User) -> None:
    assert bob.get(url_of(own_self_funded)).status_code == 404
    bob.post(url_of(own_self_funded), {"display_name": "X", "preferred_language": "en"})
    own_self_funded.refresh_from_db()
    assert own_self_funded.is_active is True


# --- actions on people --------------------------------------------------------------------------------------------


def test_no_action_on_people_is_offered_to_an_institution_nor_runs_on_a_forged_post(
    alice: Client, hr_enrolled: User, own_self_funded: User
) -> None:
    changelist = reverse("admin:accounts_user_changelist")
    response = alice.get(changelist)
    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()
    people = [hr_enrolled.pk, own_self_funded.pk]
    for action in ("delete_selected", "reset_second_factor"):
        alice.post(changelist, {"action": action, "_selected_action": people, "index": 0, "post": "yes"})
    assert User.objects.filter(pk__in=people, is_active=True).count() == 2
    assert not AuditEvent.objects.filter(action=audit.Action.SECOND_FACTOR_RESET).exists()


# --- the program office -------------------------------------------------------------------------------------------


def test_the_program_office_keeps_every_power(office: Client, hr_enrolled: User, trainee: User) -> None:
    for person in (hr_enrolled, trainee):
        html = office.get(url_of(person)).content.decode()
        for name in (*ACCOUNT_INPUTS, "groups", "is_staff", "is_superuser"):
            assert f'name="{name}"' in html, name
    admin_group = Group.objects.get_or_create(name=INSTITUTION_ADMIN_GROUP)[0]
    response = office.post(url_of(hr_enrolled), {
        "email": hr_enrolled.email, "display_name": "吳佩珊（更正）", "preferred_language": "en",
        "groups": [admin_group.pk],
    })  # fmt: skip
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    hr_enrolled.refresh_from_db()
    assert (hr_enrolled.display_name, hr_enrolled.is_active) == ("吳佩珊（更正）", False)
    assert list(hr_enrolled.groups.values_list("name", flat=True)) == [INSTITUTION_ADMIN_GROUP]
