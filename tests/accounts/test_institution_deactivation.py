"""An institution changes the account of a person it only enrols in nothing: not whether it is active (unticking
"active" would lock them out of the whole portal, and their employer's HR system would see them deactivated), nor
their name, language, address or rights. The user admin shows those fields read-only and a forged POST changes
nothing (accounts.services.account_columns_kept, beside the trainee profile's rule, trainee_columns_kept).

Whether an account is active is the call of the institution whose person it is alone: its staff member, or a trainee
it registered who has no employer and trains at no other institution (an enrolment there pending, approved, in
training or completed: deactivating them would lock them out of that training too). An employer's employee, even one
the institution registered, is deactivated by the employer's HR system (the person left its team) or by the program
office. The program office keeps every power. No action on people (delete, reset of a second factor) is offered to an
institution, nor runs on a forged POST. A POST that would change "active" when the rule keeps it is refused, saying
why (accounts.services.check_may_set_active).

The page says why a field is read-only and who may change it, above the fields (the fieldset's note), in the reader's
language; of a person the institution registered and alone decides, no note.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import audit, services
from accounts.models import AuditEvent, StaffMembership, TraineeProfile, User
from accounts.scoping import INSTITUTION_ADMIN_GROUP, PROGRAM_OFFICE_GROUP
from courses.models import Enrolment
from courses.services import do_enrol
from tests.conftest import make_hr_staff, make_staff, make_trainee
from tests.factories import CohortFactory
from tests.page_text import text_of

pytestmark = pytest.mark.django_db

ACCOUNT_INPUTS = ("email", "display_name", "preferred_language", "is_active")


@pytest.fixture
def cohort_a(institution):
    return CohortFactory(institution=institution, code="A-STD-R")


@pytest.fixture
def cohort_b(other_institution):
    return CohortFactory(institution=other_institution, code="B-STD-R")


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


def url_of(user: User, language: str = "zh-hant") -> str:
    with translation.override(language):
        return reverse("admin:accounts_user_change", args=[user.pk])


def also_training_at(person: User, cohort, state: str) -> Enrolment:
    """``person`` enrolled in ``cohort`` (another institution's), the enrolment then in ``state``."""
    enrolment = do_enrol(trainee=person, cohort=cohort)
    admitted = state in Enrolment.ADMITTED_STATES
    Enrolment.objects.filter(pk=enrolment.pk).update(state=state, teaching_hours_owed=30 if admitted else None)
    return enrolment


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


# --- a trainee the institution registered who trains at another institution too ---------------------------------


def refusal_in(response, language: str, why) -> bool:
    """Whether ``response`` is the form again, saying "active" may not change and ``why``, in ``language``."""
    with translation.override(language):
        said = str(services.ACTIVE_REFUSED % {"why": why})
    return response.status_code == 200 and said in text_of(response.content.decode())


@pytest.mark.parametrize("state", services.TRAINING_TIES)
def test_an_institution_does_not_deactivate_its_trainee_who_trains_at_another_institution(
    alice: Client, own_self_funded: User, cohort_b, state: str
) -> None:
    """inst-a registered them, self-funded; they now train at inst-b (or trained there: results, a certificate).
    Unticking "active" would lock them out of inst-b's training too: the box is not offered, and a POST that unticks
    it (forged, or from a page shown before they enrolled there) is refused, saying why; nothing is saved."""
    # The page that shows the box says so in its POST: unticked, the box is absent from it.
    assert 'name="_active_shown"' in alice.get(url_of(own_self_funded)).content.decode()
    also_training_at(own_self_funded, cohort_b, state)
    assert inputs_offered(alice, own_self_funded) == {"display_name", "preferred_language"}
    assert 'name="_active_shown"' not in alice.get(url_of(own_self_funded)).content.decode()
    for asked in ({"is_active": ""}, {"is_active": "false"}, {"_active_shown": "1"}):
        response = alice.post(url_of(own_self_funded), {"display_name": "改名", "preferred_language": "en", **asked})
        assert refusal_in(response, "zh-hant", services.ACTIVE_ELSEWHERE), asked
        own_self_funded.refresh_from_db()
        assert (own_self_funded.is_active, own_self_funded.display_name) == (True, "張雅婷"), asked
    # Their name and language are still inst-a's to correct.
    response = alice.post(url_of(own_self_funded), {"display_name": "張雅婷（更正）", "preferred_language": "zh-hant"})
    assert response.status_code == 302
    own_self_funded.refresh_from_db()
    assert (own_self_funded.display_name, own_self_funded.is_active) == ("張雅婷（更正）", True)


def test_the_refusal_reads_in_english_too(alice: Client, own_self_funded: User, cohort_b) -> None:
    also_training_at(own_self_funded, cohort_b, Enrolment.State.APPROVED)
    response = alice.post(url_of(own_self_funded, "en"), {"display_name": "張雅婷", "preferred_language": "zh-hant",
                                                          "_active_shown": "1"})  # fmt: skip
    assert refusal_in(response, "en", services.ACTIVE_ELSEWHERE)
    assert "only the program office can deactivate or reactivate it" in text_of(response.content.decode())


def test_a_deactivated_trainee_who_trains_elsewhere_is_not_reactivated_by_the_institution(
    alice: Client, own_self_funded: User, cohort_b
) -> None:
    also_training_at(own_self_funded, cohort_b, Enrolment.State.COMPLETED)
    User.objects.filter(pk=own_self_funded.pk).update(is_active=False)
    response = alice.post(url_of(own_self_funded), {"display_name": "張雅婷", "preferred_language": "zh-hant",
                                                    "is_active": "on"})  # fmt: skip
    assert refusal_in(response, "zh-hant", services.ACTIVE_ELSEWHERE)
    own_self_funded.refresh_from_db()
    assert own_self_funded.is_active is False


@pytest.mark.parametrize("state", [Enrolment.State.REJECTED, Enrolment.State.WITHDRAWN])
def test_a_rejected_or_withdrawn_enrolment_elsewhere_ties_them_to_nothing(
    alice: Client, own_self_funded: User, cohort_b, state: str
) -> None:
    also_training_at(own_self_funded, cohort_b, state)
    assert "is_active" in inputs_offered(alice, own_self_funded)
    response = alice.post(url_of(own_self_funded), {"display_name": "張雅婷", "preferred_language": "zh-hant",
                                                    "_active_shown": "1"})  # fmt: skip
    assert response.status_code == 302
    own_self_funded.refresh_from_db()
    assert own_self_funded.is_active is False


def test_the_ties_are_the_enrolment_states_that_hold_a_place_or_count() -> None:
    """accounts cannot import courses: its spelled-out states agree with the model's sets."""
    assert set(services.TRAINING_TIES) == set(Enrolment.ACTIVE_STATES) | set(Enrolment.ADMITTED_STATES)


def actions_offered(client: Client, changelist: str) -> set[str]:
    """The actions the list at ``changelist`` offers ``client`` (none without its action menu)."""
    html = client.get(changelist).content.decode()
    menu = re.search(r'<select name="action".*?</select>', html, re.S)
    return set(re.findall(r'<option value="(\w+)"', menu.group(0))) if menu else set()


def test_no_way_in_admin_deactivates_a_trainee_who_trains_elsewhere(
    alice: Client, bob: Client, office: Client, own_self_funded: User, cohort_b
) -> None:
    """Isolation: neither inst-a (which registered them) nor inst-b (where they train) deactivates them, by the change
    form or by any action of the people's or the trainees' lists; the program office does."""
    also_training_at(own_self_funded, cohort_b, Enrolment.State.PENDING)
    for staff in (alice, bob):
        for asked in ({}, {"is_active": ""}, {"_active_shown": "1"}):
            staff.post(url_of(own_self_funded), {"display_name": "X", "preferred_language": "en", **asked})
        lists = {"admin:accounts_user_changelist": own_self_funded.pk,
                 "admin:accounts_traineeprofile_changelist": own_self_funded.trainee_profile.pk}  # fmt: skip
        for changelist, pk in lists.items():
            url = reverse(changelist)
            for action in actions_offered(staff, url) | {"delete_selected", "reset_second_factor"}:
                staff.post(url, {"action": action, "_selected_action": [pk], "index": 0, "post": "yes"})
        own_self_funded.refresh_from_db()
        assert own_self_funded.is_active is True
        assert TraineeProfile.objects.filter(user=own_self_funded).exists()
    response = office.post(url_of(own_self_funded), {"email": own_self_funded.email, "display_name": "張雅婷",
                                                     "preferred_language": "zh-hant"})  # fmt: skip
    assert response.status_code == 302
    own_self_funded.refresh_from_db()
    assert own_self_funded.is_active is False


# --- why a field is read-only --------------------------------------------------------------------------------------


def notes_on(client: Client, url: str, language: str) -> list[str]:
    """The notes above the page's fields (the fieldsets' descriptions), as read; the page checked to be in
    ``language`` (its "Personal info" heading, or the profile's "employer" label)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'lang="{language}"' in html
    return [text_of(note).strip() for block in re.findall(r'<div class="description">(.*?)</div>', html, re.S)
            for note in re.findall(r"<p>(.*?)</p>", block, re.S)]  # fmt: skip


def said(*notes, language: str) -> list[str]:
    with translation.override(language):
        return [str(note) for note in notes]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_persons_page_says_why_a_field_is_read_only(
    alice: Client, own_self_funded: User, applicant: User, trainee: User, cohort_b, language: str
) -> None:
    # Registered by us, self-funded, training nowhere else: every field editable, no note.
    assert notes_on(alice, url_of(own_self_funded, language), language) == []
    # Someone who only enrols here: not ours to rename, nor to deactivate.
    assert notes_on(alice, url_of(applicant, language), language) == said(
        services.NAME_NOT_REGISTERED, services.ACTIVE_NOT_OURS, language=language
    )
    # An employer's employee we registered: the name is ours, "active" the employer's.
    assert notes_on(alice, url_of(trainee, language), language) == said(services.ACTIVE_EMPLOYEE, language=language)
    # Ours, but training at inst-b too.
    also_training_at(own_self_funded, cohort_b, Enrolment.State.IN_TRAINING)
    assert notes_on(alice, url_of(own_self_funded, language), language) == said(
        services.ACTIVE_ELSEWHERE, language=language
    )


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_trainee_profile_page_says_why_a_field_is_read_only(
    alice: Client, office: Client, own_self_funded: User, applicant: User, language: str
) -> None:
    def profile_url(user: User) -> str:
        with translation.override(language):
            return reverse("admin:accounts_traineeprofile_change", args=[user.trainee_profile.pk])

    # Ours: only the employment is kept (it is the employer's once the person is on the portal).
    assert notes_on(alice, profile_url(own_self_funded), language) == said(
        services.EMPLOYMENT_KEPT_NOTE, language=language
    )
    assert notes_on(alice, profile_url(applicant), language) == said(
        services.EMPLOYMENT_KEPT_NOTE, services.NOT_REGISTERED_NOTE, language=language
    )
    # The program office changes every field: no note.
    assert notes_on(office, profile_url(applicant), language) == []
    assert notes_on(office, url_of(applicant, language), language) == []


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
