"""The HR API stores an employee's phone number in the one form the portal uses (accounts.phones)
and refuses text that is no phone number, naming the field and writing nothing."""

from accounts.models import TraineeProfile

from .conftest import assert_problem


def test_the_hr_api_refuses_and_normalises_a_phone_number(cast):
    new = {"employee_number": "A-1001", "email": "chen@bank.example", "display_name": "陳怡君"}
    response = cast.api_a.post("/api/v1/employees/", {**new, "phone": "12345"}, format="json")
    body = assert_problem(response, 400)
    assert [error["field"] for error in body["errors"]] == ["phone"]
    assert not TraineeProfile.objects.exists()
    response = cast.api_a.post("/api/v1/employees/", {**new, "phone": "0912345678"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["phone"] == "0912 345 678"
    assert TraineeProfile.objects.get().phone == "0912 345 678"
