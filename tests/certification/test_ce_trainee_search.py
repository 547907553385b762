"""Recording continuing education in admin: the trainee is found by typing (name, address or employee
number), not typed as a user id; an institution's staff find and may choose only their institution's
trainees (the program office everyone's), each shown with their employee number; staff are no trainees."""

import pytest

from certification.models import ContinuingEducation
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

ADD = "/en/admin/certification/continuingeducation/add/"
SEARCH = "/en/admin/certification/continuingeducation/trainees/"


def found(client, term: str = "") -> dict[int, str]:
    """What the trainee search answers: id → the text shown, every page of it."""
    results, page = {}, 1
    while True:
        response = client.get(SEARCH, {"term": term, "page": page})
        assert response.status_code == 200
        data = response.json()
        results |= {int(row["id"]): row["text"] for row in data["results"]}
        if not data["pagination"]["more"]:
            return results
        page += 1


def activity(trainee_pk: int) -> dict:
    return {"trainee": trainee_pk, "title": "法規研討", "completed_on": "2026-01-05", "hours": "6"}


def test_the_add_form_asks_for_the_trainee_by_search_not_by_id(institution_admin):
    page = logged_in(institution_admin).get(ADD).content.decode()
    assert f'data-ajax--url="{SEARCH}"' in page
    assert "vForeignKeyRawIdAdminField" not in page


def test_an_institution_finds_its_own_trainees_by_name_and_employee_number(institution_admin, trainee, other_trainee):
    client = logged_in(institution_admin)
    results = found(client)
    assert results == {trainee.pk: "陳怡君 · BANK-A-0001 · trainee01@demo.test"}
    assert set(found(client, "BANK-A-0001")) == {trainee.pk}
    assert found(client, other_trainee.trainee_profile.employee_number) == {}


def test_the_search_offers_no_staff(institution_admin, institution_grader, trainee):
    assert not set(found(logged_in(institution_admin))) & {institution_admin.pk, institution_grader.pk}


def test_the_program_office_finds_every_institutions_trainees(program_office, trainee, other_trainee):
    assert {trainee.pk, other_trainee.pk} <= set(found(logged_in(program_office)))


def test_staff_who_may_not_record_an_activity_may_not_search(institution_grader, trainee):
    assert logged_in(institution_grader).get(SEARCH).status_code == 403


@pytest.mark.parametrize("chosen", ["other_trainee", "institution_grader"])
def test_the_form_refuses_another_institutions_trainee_and_staff(request, institution_admin, chosen):
    person = request.getfixturevalue(chosen)
    response = logged_in(institution_admin).post(ADD, activity(person.pk))
    assert response.status_code == 200
    assert "trainee" in response.context["adminform"].form.errors
    assert not ContinuingEducation.objects.exists()


def test_the_form_shows_the_chosen_trainee_with_their_employee_number(institution_admin, trainee):
    response = logged_in(institution_admin).post(ADD, {**activity(trainee.pk), "hours": "not hours"})
    assert response.status_code == 200  # the form again, the trainee still chosen
    assert f'<option value="{trainee.pk}" selected>陳怡君 · BANK-A-0001 · trainee01@demo.test</option>' in (
        response.content.decode()
    )


def test_the_program_office_records_an_activity_for_any_institutions_trainee(
    program_office, other_institution, other_trainee
):
    response = logged_in(program_office).post(ADD, {**activity(other_trainee.pk), "institution": other_institution.pk})
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert ContinuingEducation.objects.get().trainee == other_trainee
