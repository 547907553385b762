"""An institution that enrols a person it did not register cannot rename them or change their details, and no
institution changes the employer or employee number of a person already on the portal.

An attacker probe found that institution A's admin, once bank B's HR system had enrolled its employee in an
institution A cohort (or a self-funded trainee had applied to one), could import a row that moved the employee to
bank A under a number of A's choosing and renamed them: bank B lost sight of its employee, bank A gained their
certificate, and the name printed on certificates changed. The trainee profile's admin form offered the same
(employer and employee number editable, the name on the account's page).

The rule (accounts.services.trainee_columns_kept, one for the import and the admin's forms): an employer
relationship is made or changed by the employer with the person's consent (the HR API's move) or by the program
office; an institution sets an employer and employee number only on a person its own file creates. The details of
a person (name, language, branch, class, phone) are changed by the institution that registered them, not by one
that merely enrols them. A refused change is an error of the row's column, worded the same whatever kind of
account holds the address, so that it tells no more than the preview does.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.models import TraineeProfile, User
from courses.services import do_enrol
from tests.api.conftest import http
from tests.factories import CertificateFactory, CohortFactory

pytestmark = pytest.mark.django_db

HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"
PREVIEW = "/en/admin/accounts/traineeprofile/import/"
CONFIRM = "/en/admin/accounts/traineeprofile/process_import/"

NOT_REGISTERED = "Your institution did not register this person, so this file cannot change this."
EMPLOYER_KEPT = (
    "The employer of a person already on the portal is changed by that employer, with the person's consent, "
    "or by the program office, not by this file."
)
NUMBER_KEPT = (
    "The employee number of a person already on the portal is changed by their employer or by the program office, "
    "not by this file."
)
# The probe's row: trainee07, bank B's employee, moved to bank A under a number of A's choosing and renamed.
PROBE_ROW = "trainee07@demo.test,Renamed By Inst-A,en,bank-a,STOLEN-7,,,\n"


def csv_file(rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("trainees.csv", (header + rows).encode("utf-8"), content_type="text/csv")


def preview(client: Client, rows: str, header: str = HEADER, page: str = PREVIEW):
    return client.post(page, {"import_file": csv_file(rows, header), "format": "0", "resource": "0"})


def row_errors(response) -> list[dict[str, list[str]]]:
    """Each refused row's messages by column, in order."""
    return [
        {column: [str(m) for m in messages] for column, messages in row.error_dict.items()}
        for row in response.context["result"].invalid_rows
    ]


def confirm(client: Client, response) -> None:
    assert "confirm_form" in response.context, row_errors(response)
    assert client.post(CONFIRM, response.context["confirm_form"].initial).status_code == 302


def state(user: User) -> tuple:
    profile = TraineeProfile.objects.select_related("user").get(user=user)
    return (
        profile.user.display_name, profile.user.preferred_language, profile.employer_id, profile.employee_number,
        profile.branch, profile.manager_class, profile.phone, profile.registered_by_id,
    )  # fmt: skip


@pytest.fixture(autouse=True)
def banks(employer, other_employer) -> None:
    """bank-a and bank-b, the employers the rows name."""


@pytest.fixture
def cohort_a(institution):
    return CohortFactory(institution=institution, code="A-STD-R")


@pytest.fixture
def employee_07(other_trainee, other_institution, other_hr_client, cohort_a) -> User:
    """trainee07, bank B's employee BANK-B-0007 registered by inst-b, holding a certificate: bank B's HR system
    enrols them in inst-a's cohort (pending), which shows them to inst-a."""
    CertificateFactory(trainee=other_trainee, institution=other_institution)
    profile = other_trainee.trainee_profile
    response = http(other_hr_client).post(
        "/api/v1/enrollments/", {"employee": profile.pk, "cohort": cohort_a.pk}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["state"] == "pending"
    return other_trainee


def _hr_employee(other_employer, cohort_a) -> User:
    from accounts.employees import do_create_employee

    values = {"email": "trainee07@demo.test", "display_name": "吳佩珊", "employee_number": "BANK-B-0007"}
    user = do_create_employee(employer=other_employer, values=values, site_url="").user
    do_enrol(trainee=user, cohort=cohort_a, on_behalf=True)
    return user


def _self_funded_applicant(other_employer, cohort_a) -> User:
    services.do_sign_up(
        email="trainee07@demo.test", display_name="吳佩珊", password="a-long-passphrase-2026",
        preferred_language="zh-hant", site_url="",
    )  # fmt: skip
    user = User.objects.get(email="trainee07@demo.test")
    services.do_activate_proven_account(user=user)
    do_enrol(trainee=user, cohort=cohort_a)
    return user


# --- the probe ----------------------------------------------------------------------------------


def test_the_probes_import_is_refused_column_by_column_and_changes_nothing(
    alice: Client, employee_07, employer, other_employer, other_hr_client, hr_client
):
    before = state(employee_07)
    response = preview(alice, PROBE_ROW)
    assert "confirm_form" not in response.context
    # Renamed, moved, renumbered, and (the row's blank cells) its language, branch and class changed: each refused.
    assert row_errors(response) == [
        {"display_name": [NOT_REGISTERED], "preferred_language": [NOT_REGISTERED], "employer": [EMPLOYER_KEPT],
         "employee_number": [NUMBER_KEPT], "branch": [NOT_REGISTERED], "manager_class": [NOT_REGISTERED]}
    ]  # fmt: skip
    html = response.content.decode()
    assert EMPLOYER_KEPT.replace("'", "&#x27;") in html and NUMBER_KEPT in html
    assert state(employee_07) == before

    # Bank B still sees its employee and their certificate; bank A sees neither.
    profile = employee_07.trainee_profile
    assert http(other_hr_client).get(f"/api/v1/employees/{profile.pk}/").status_code == 200
    assert http(hr_client).get(f"/api/v1/employees/{profile.pk}/").status_code == 404
    assert http(hr_client).get("/api/v1/certificates/").json()["results"] == []
    assert len(http(other_hr_client).get("/api/v1/certificates/").json()["results"]) == 1


def test_the_rule_is_the_services_so_the_enrolment_import_obeys_it_too(
    alice: Client, employee_07, institution, cohort_a
):
    before = state(employee_07)
    with pytest.raises(services.TraineeRowErrors) as refused:
        services.check_trainee_row(
            values={"email": "trainee07@demo.test", "display_name": "Renamed", "employer": "bank-a",
                    "employee_number": "STOLEN-7"},
            institution=institution,
        )  # fmt: skip
    assert {error.code for error in refused.value.errors} == {"may_not_change"}
    response = preview(
        alice, "trainee07@demo.test,Renamed,bank-a,STOLEN-7,A-STD-R\n",
        header="email,display_name,employer,employee_number,cohort\n", page="/en/admin/courses/enrolment/import/",
    )  # fmt: skip
    assert row_errors(response) == [
        {"display_name": [NOT_REGISTERED], "employer": [EMPLOYER_KEPT], "employee_number": [NUMBER_KEPT]}
    ]
    assert state(employee_07) == before


@pytest.mark.parametrize("column", ["preferred_language", "branch", "manager_class", "phone"])
def test_an_institution_that_only_enrols_a_person_changes_none_of_their_details(alice: Client, employee_07, column):
    before = state(employee_07)
    changed = {"preferred_language": "en", "branch": "Elsewhere", "manager_class": "comprehensive",
               "phone": "0912 345 678"}  # fmt: skip
    row = {"email": "trainee07@demo.test", "display_name": "吳佩珊", column: changed[column]}
    response = preview(alice, ",".join(row.values()) + "\n", header=",".join(row) + "\n")
    assert row_errors(response) == [{column: [NOT_REGISTERED]}]
    assert state(employee_07) == before


def test_a_row_as_stored_still_passes_for_a_person_the_institution_enrols(alice: Client, employee_07):
    """Staff upload a class list again: a person listed as stored, or with columns the file lacks, is no change."""
    before = state(employee_07)
    response = preview(alice, "trainee07@demo.test,吳佩珊,zh-hant,bank-b,bank-b-0007,臺北分行,personal,\n")
    assert row_errors(response) == []
    assert response.context["result"].totals["skip"] == 1
    response = preview(
        alice, "trainee07@demo.test,吳佩珊,A-STD-R\n", header="email,display_name,cohort\n",
        page="/en/admin/courses/enrolment/import/",
    )  # fmt: skip
    assert row_errors(response) == []
    assert response.context["result"].totals["skip"] == 1
    assert state(employee_07) == before


@pytest.mark.parametrize("make_person", [_hr_employee, _self_funded_applicant], ids=["hr api employee", "sign-up"])
def test_the_refusals_are_the_same_whatever_kind_of_account_holds_the_address(
    alice: Client, make_person, other_employer, cohort_a
):
    """An employer's employee and a self-funded applicant, both only enrolled here: the same words for the same
    changes, so the preview tells nothing about who holds the account or who set its employer."""
    person = make_person(other_employer, cohort_a)
    before = state(person)
    response = preview(alice, PROBE_ROW)
    assert row_errors(response) == [
        {"display_name": [NOT_REGISTERED], "preferred_language": [NOT_REGISTERED], "employer": [EMPLOYER_KEPT],
         "employee_number": [NUMBER_KEPT]}
    ]  # fmt: skip
    assert state(person) == before


# --- the admin's forms ----------------------------------------------------------------------------


def test_the_admin_shows_a_person_the_institution_only_enrols_read_only_and_changes_nothing(
    alice: Client, employee_07, employer
):
    profile = employee_07.trainee_profile
    before = state(employee_07)
    url = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    html = alice.get(url).content.decode()
    assert "BANK-B-0007" in html  # shown, as before
    for field in ("user", "employer", "employee_number", "branch", "manager_class", "phone"):
        assert f'name="{field}"' not in html, field
    alice.post(url, {"user": profile.user_id, "employer": employer.pk, "employee_number": "STOLEN-7",
                     "branch": "X", "manager_class": "", "phone": ""})  # fmt: skip

    account = reverse("admin:accounts_user_change", args=[employee_07.pk])
    html = alice.get(account).content.decode()
    assert 'name="display_name"' not in html and 'name="preferred_language"' not in html
    alice.post(account, {"display_name": "Renamed By Inst-A", "preferred_language": "en", "is_active": "on"})
    assert state(employee_07) == before


def test_the_admin_lets_the_registering_institution_change_details_but_not_the_employer(
    alice: Client, trainee, other_employer
):
    """trainee01, registered by inst-a: its admin changes their branch and name, not bank A's employer or number."""
    profile = trainee.trainee_profile
    employer_before, number_before = profile.employer_id, profile.employee_number
    url = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    html = alice.get(url).content.decode()
    assert 'name="employer"' not in html and 'name="employee_number"' not in html and 'name="user"' not in html
    assert 'name="branch"' in html and 'name="phone"' in html and 'name="manager_class"' in html
    response = alice.post(url, {"employer": other_employer.pk, "employee_number": "B-99", "branch": "新竹分行",
                                "manager_class": "personal", "phone": ""})  # fmt: skip
    assert response.status_code == 302
    account = reverse("admin:accounts_user_change", args=[trainee.pk])
    assert 'name="display_name"' in alice.get(account).content.decode()
    assert alice.post(account, {"display_name": "陳怡君（更正）", "preferred_language": "zh-hant",
                                "is_active": "on"}).status_code == 302  # fmt: skip
    profile.refresh_from_db()
    trainee.refresh_from_db()
    assert (profile.branch, trainee.display_name) == ("新竹分行", "陳怡君（更正）")
    assert (profile.employer_id, profile.employee_number) == (employer_before, number_before)


def test_the_program_office_keeps_every_field_and_may_move_a_person(office: Client, employee_07, employer):
    profile = employee_07.trainee_profile
    url = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    html = office.get(url).content.decode()
    for field in ("employer", "employee_number", "branch"):
        assert f'name="{field}"' in html, field
    assert (
        'name="display_name"'
        in office.get(reverse("admin:accounts_user_change", args=[employee_07.pk])).content.decode()
    )
    confirm(office, preview(office, PROBE_ROW.replace("Renamed By Inst-A", "Corrected")))
    profile.refresh_from_db()
    assert (profile.user.display_name, profile.employer, profile.employee_number) == ("Corrected", employer, "STOLEN-7")


# --- what an institution still does ----------------------------------------------------------


def test_an_institution_sets_the_employer_and_number_of_people_its_file_creates_and_updates_what_it_may(
    alice: Client, institution, other_employer
):
    confirm(alice, preview(alice, "new@example.test,New Person,en,bank-b,b-100,Taipei,personal,\n"))
    created = TraineeProfile.objects.select_related("user").get(user__email="new@example.test")
    assert (created.employer, created.employee_number, created.registered_by) == (other_employer, "B-100", institution)

    # Its own trainee's name, language, branch, class and phone: yes.
    confirm(alice, preview(alice, "new@example.test,New Name,zh-hant,bank-b,B-100,Hsinchu,corporate,0912 345 678\n"))
    created.refresh_from_db()
    created.user.refresh_from_db()
    assert (created.user.display_name, created.user.preferred_language, created.branch, created.manager_class) == (
        "New Name", "zh-hant", "Hsinchu", "corporate",
    )  # fmt: skip
    # Its employer or number, once they are on the portal: no, not even for its own.
    response = preview(alice, "new@example.test,New Name,zh-hant,bank-a,B-100,Hsinchu,corporate,0912 345 678\n")
    assert row_errors(response) == [{"employer": [EMPLOYER_KEPT]}]
    response = preview(alice, "new@example.test,New Name,zh-hant,,,Hsinchu,corporate,0912 345 678\n")
    assert row_errors(response) == [{"employer": [EMPLOYER_KEPT], "employee_number": [NUMBER_KEPT]}]
    response = preview(alice, "new@example.test,New Name,zh-hant,bank-b,B-101,Hsinchu,corporate,0912 345 678\n")
    assert row_errors(response) == [{"employee_number": [NUMBER_KEPT]}]


def test_an_institution_gives_no_employer_to_a_person_of_its_own_already_on_the_portal(alice: Client, institution):
    """Setting an employer shows the person's records to it: that takes the person's consent (the HR API's move)."""
    confirm(alice, preview(alice, "solo@example.test,Solo,en,,,,,\n"))
    response = preview(alice, "solo@example.test,Solo,en,bank-a,A-1,,,\n")
    assert row_errors(response) == [{"employer": [EMPLOYER_KEPT], "employee_number": [NUMBER_KEPT]}]
    profile = TraineeProfile.objects.get(user__email="solo@example.test")
    assert (profile.employer, profile.employee_number) == (None, "")


def test_the_import_page_tells_an_institution_what_its_file_cannot_change(alice: Client, office: Client):
    said = "Set only for a trainee the file registers: a trainee already on the portal keeps their employer"
    assert said in alice.get(PREVIEW).content.decode()
    assert said in alice.get("/en/admin/courses/enrolment/import/").content.decode()
    assert said not in office.get(PREVIEW).content.decode()
