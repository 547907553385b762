"""The HR API takes an employee's address by the rule sign-up, the admin and the import use
(accounts.identifiers.clean_email; security finding F5): the two spellings of an internationalised domain
are one address (the second is ``email_taken``, 409, as any taken address of the employer's), a look-alike
domain mixing scripts is a 400 with code ``mixed_scripts`` in the requester's language, nothing written,
and full-width letters are folded as the trainee import folds them."""

import pytest

from accounts.models import TraineeProfile, User

from .conftest import assert_problem

NEW = {"employee_number": "A-1001", "display_name": "陳怡君"}
LETTERS, ASCII = "mei@示範.test", "mei@xn--bizz5c.test"


def create(cast, email: str, number: str = "A-1001", **headers):
    return cast.api_a.post("/api/v1/employees/", {**NEW, "employee_number": number, "email": email}, format="json",
                           **headers)  # fmt: skip


def test_the_other_spelling_of_an_employees_domain_is_taken(cast):
    first = create(cast, LETTERS)
    assert first.status_code == 201, first.content
    assert first.json()["email"] == ASCII
    assert assert_problem(create(cast, ASCII, "A-1002"), 409)["type"].endswith("email_taken")
    assert TraineeProfile.objects.filter(employer=cast.hr_a.employer).count() == 1


def test_a_bulk_upsert_with_both_spellings_names_the_repeat(cast):
    items = [{**NEW, "email": LETTERS}, {**NEW, "employee_number": "A-1002", "email": ASCII}]
    body = assert_problem(cast.api_a.post("/api/v1/employees/bulk/", {"employees": items}, format="json"), 409)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("employees[1].email", "duplicate")]
    assert not TraineeProfile.objects.exists()


@pytest.mark.parametrize("typed", ["trainee01@dеmo.test", "trainee01@xn--dmo-rdd.test"])
def test_a_look_alike_domain_is_refused_in_either_spelling(cast, typed):
    errors = {e["field"]: e for e in assert_problem(create(cast, typed), 400)["errors"]}
    assert errors["email"]["code"] == "mixed_scripts"
    assert "字母「е」（U+0435）與旁邊的字母屬於不同文字系統" in errors["email"]["message"]
    english = {e["field"]: e for e in assert_problem(create(cast, typed, HTTP_ACCEPT_LANGUAGE="en"), 400)["errors"]}
    assert "the letter “е” (U+0435) is of another script" in english["email"]["message"]
    assert not TraineeProfile.objects.exists()


def test_an_update_to_a_look_alike_changes_nothing(cast, employee_a):
    response = cast.api_a.patch(f"/api/v1/employees/{employee_a.pk}/", {"email": "trainee01@dеmo.test"}, format="json")
    assert {e["code"] for e in assert_problem(response, 400)["errors"]} == {"mixed_scripts"}
    employee_a.refresh_from_db()
    assert (employee_a.user.email, employee_a.pending_email) == ("trainee01@demo.test", "")


def test_full_width_letters_are_folded_as_the_import_folds_them(cast, employee_a):
    response = create(cast, "ｎｅｗ３@demo.test")
    assert response.status_code == 201, response.content
    assert response.json()["email"] == "new3@demo.test"
    # bank-a's own employee trainee01@demo.test, typed with a full-width ｔ: taken, not "not an address".
    assert assert_problem(create(cast, "ｔrainee01@demo.test", "A-1002"), 409)["type"].endswith("email_taken")


def test_a_whole_script_domain_is_taken(cast):
    response = create(cast, "wang@пример.рф")
    assert response.status_code == 201, response.content
    assert User.objects.filter(email="wang@xn--e1afmkfd.xn--p1ai").exists()
