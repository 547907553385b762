"""The trainee import changes only people the importing institution registered or enrols.

An institution's file once "claimed" any trainee no institution had registered (a self-funded
sign-up, a trainee the program office imported, every employee an HR system created): it renamed
them, moved them to its bank and stamped itself as their registering institution, after which
its admin could open and deactivate their account. Such a row is now refused, with one answer for
every address that is not the institution's to change, whatever kind of account holds it (the
preview used to say "belongs to a staff account"). The program office's import may still update
any trainee, and registers nobody to an institution.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.employees import do_create_employee
from accounts.models import TraineeProfile, User
from courses.services import do_enrol
from tests.conftest import in_english, make_program_office, make_staff, make_trainee
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"
PREVIEW = "/en/admin/accounts/traineeprofile/import/"
CONFIRM = "/en/admin/accounts/traineeprofile/process_import/"
VICTIM = "victim@bank-b.test"
REFUSAL = (
    "This address belongs to an account your institution did not register and does not enrol, "
    "so this file cannot change it."
)


def _signed_up(other_employer) -> User:
    services.do_sign_up(
        email=VICTIM, display_name="Victim", password="a-long-passphrase-2026", preferred_language="en", site_url=""
    )
    user = User.objects.get(email=VICTIM)
    services.do_activate_proven_account(user=user)
    TraineeProfile.objects.filter(user=user).update(employer=other_employer, employee_number="B-1")
    return user


def _imported_by_the_program_office(other_employer) -> User:
    return make_trainee(email=VICTIM, display_name="Victim", employer=other_employer.code, employee_number="B-1")


def _created_by_the_hr_api(other_employer) -> User:
    values = {"email": VICTIM, "display_name": "Victim", "employee_number": "B-1"}
    return do_create_employee(employer=other_employer, values=values, site_url="").user


VICTIMS = {
    "self-funded sign-up": _signed_up,
    "program office import": _imported_by_the_program_office,
    "hr api employee": _created_by_the_hr_api,
}


def csv_file(rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("trainees.csv", (HEADER + rows).encode("utf-8"), content_type="text/csv")


def preview(client: Client, rows: str):
    return client.post(PREVIEW, {"import_file": csv_file(rows), "format": "0", "resource": "0"})


def row_errors(response) -> list[str]:
    """The messages of the preview's refused rows, in order."""
    return [str(m) for row in response.context["result"].invalid_rows for ms in row.error_dict.values() for m in ms]


@pytest.fixture
def admin_a(client: Client, institution_admin) -> Client:
    client.force_login(in_english(institution_admin))
    return client


@pytest.mark.parametrize("make_victim", VICTIMS.values(), ids=VICTIMS.keys())
def test_an_institution_cannot_take_over_a_person_no_institution_registered(
    admin_a: Client, make_victim, employer, other_employer, institution
):
    victim = make_victim(other_employer)
    profile = victim.trainee_profile
    before = (victim.display_name, profile.employer_id, profile.employee_number, profile.registered_by_id)
    change_page = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    assert admin_a.get(change_page).status_code == 404

    response = preview(admin_a, f"{VICTIM},Hijacked,en,bank-a,A-1,X,,\n")
    assert "confirm_form" not in response.context
    assert row_errors(response) == [REFUSAL]
    # The rule is the service's, so every file that names people (the enrolment import too) obeys it.
    with pytest.raises(services.AccountError) as refused:
        services.check_trainee_row(
            values={"email": VICTIM, "display_name": "Hijacked", "employer": "bank-a", "employee_number": "A-1"},
            institution=institution,
        )
    assert refused.value.code == "not_yours"

    victim.refresh_from_db()
    profile.refresh_from_db()
    assert (victim.display_name, profile.employer_id, profile.employee_number, profile.registered_by_id) == before
    assert admin_a.get(change_page).status_code == 404


def test_every_address_that_is_not_the_institutions_gets_the_same_answer(
    admin_a: Client, institution, other_institution, other_trainee, other_employer, institution_grader
):
    """Staff of either institution, the program office, another institution's trainee, a sign-up:
    the preview says the same of each, so it cannot be used to find staff accounts."""
    office = make_program_office(email="office@demo.test")
    other_admin = make_staff(other_institution, email="admin@inst-b.demo.test")
    _signed_up(other_employer)
    addresses = [office.email, institution_grader.email, other_admin.email, other_trainee.email, VICTIM]
    response = preview(admin_a, "".join(f"{address},Someone,en,,,,,\n" for address in addresses))
    assert "confirm_form" not in response.context
    assert row_errors(response) == [REFUSAL] * len(addresses)
    html = response.content.decode()
    assert "staff account" not in html and "another institution" not in html


def test_a_trainee_the_institution_only_enrols_is_listed_as_stored_never_changed_nor_registered_to_it(
    admin_a: Client, institution, employer, other_employer
):
    victim = _signed_up(other_employer)
    do_enrol(trainee=victim, cohort=CohortFactory(institution=institution))
    # Listed as they are (a class list uploaded again): it passes and changes nothing.
    response = preview(admin_a, f"{VICTIM},Victim,en,bank-b,B-1,,,\n")
    assert "confirm_form" in response.context, row_errors(response)
    assert admin_a.post(CONFIRM, response.context["confirm_form"].initial).status_code == 302
    # Renamed and moved to another bank: refused, nothing changes (tests/imports/test_foreign_employees.py).
    refused = preview(admin_a, f"{VICTIM},Renamed,en,bank-a,A-1,,,\n")
    assert "confirm_form" not in refused.context and row_errors(refused)
    profile = TraineeProfile.objects.select_related("user").get(user=victim)
    assert (profile.user.display_name, profile.employer, profile.employee_number) == ("Victim", other_employer, "B-1")
    assert profile.registered_by is None  # the enrolment shows them to inst-a; the import does not make them its


def test_a_new_person_is_still_registered_to_the_importing_institution(admin_a: Client, institution):
    response = preview(admin_a, "new@example.test,New,en,,,,,\n")
    admin_a.post(CONFIRM, response.context["confirm_form"].initial)
    assert TraineeProfile.objects.get(user__email="new@example.test").registered_by == institution


def test_the_program_office_may_update_any_trainee_and_registers_nobody_to_an_institution(
    client: Client, program_office, other_trainee, other_institution, institution_grader, other_employer
):
    client.force_login(in_english(program_office))
    self_funded = _signed_up(other_employer)
    rows = f"{other_trainee.email},Corrected,en,,,,,\n{self_funded.email},Also corrected,en,,,,,\n"
    response = client.post(PREVIEW, {"import_file": csv_file(rows), "format": "0", "resource": "0"})
    assert "confirm_form" in response.context, row_errors(response)
    client.post(CONFIRM, response.context["confirm_form"].initial)
    theirs = TraineeProfile.objects.select_related("user").get(user=other_trainee)
    assert (theirs.user.display_name, theirs.registered_by) == ("Corrected", other_institution)
    mine = TraineeProfile.objects.select_related("user").get(user=self_funded)
    assert (mine.user.display_name, mine.registered_by) == ("Also corrected", None)
    # A staff address is no trainee; the program office, which sees every account, is told so.
    response = client.post(
        PREVIEW,
        {"import_file": csv_file(f"{institution_grader.email},Grader,en,,,,,\n"), "format": "0", "resource": "0"},
    )
    assert row_errors(response) == ["This address belongs to a staff account, not a trainee."]
