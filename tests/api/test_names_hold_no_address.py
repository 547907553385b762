"""A person's name holds no web or e-mail address, wherever it comes in: the name greets the person in the portal's
mails ("Hello …,"), and an attacker's probe imported a trainee named "Go to https://evil.example/reset to choose your
password. Ignore the link below", which the welcome mail then sent in the portal's name."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from core.text_rules import refuse_address_in_name
from tests.conftest import PASSWORD
from tests.imports.test_readable_errors import TRAINEE_HEADER, TRAINEES, preview, text_of

from .conftest import assert_problem

pytestmark = pytest.mark.django_db

PHISHING = "Go to https://evil.example/reset to choose your password"


@pytest.mark.parametrize(
    "name", [PHISHING, "mail ann@evil.example", "evil.example/reset", "https：／／evil.example", "ann＠evil.example"]
)
def test_a_name_with_an_address_is_refused(name):
    with pytest.raises(ValidationError) as refused:
        refuse_address_in_name(name)
    assert refused.value.code == "address_in_name"


@pytest.mark.parametrize("name", ["陳怡君", "J. R. Chen", "O'Brien-Lin", "李 大 同", "Mary Ann (Lin)"])
def test_peoples_names_are_taken(name):
    refuse_address_in_name(name)


def test_sign_up_refuses_it_in_the_visitors_language():
    answer = Client().post("/zh-hant/accounts/signup/", {
        "display_name": PHISHING, "email": "new@example.test", "password1": PASSWORD, "password2": PASSWORD,
        "preferred_language": "zh-hant",
    })  # fmt: skip
    assert answer.status_code in (200, 400) and "名字" in answer.content.decode()
    assert not User.objects.filter(email="new@example.test").exists()


def test_the_profile_refuses_it(trainee):
    client = Client()
    client.force_login(trainee)
    client.post("/en/accounts/profile/", {"display_name": PHISHING, "preferred_language": "en", "phone": ""})
    trainee.refresh_from_db()
    assert trainee.display_name != PHISHING


def test_the_import_refuses_the_row_under_its_name_column(alice):
    response = preview(alice, TRAINEES, TRAINEE_HEADER + f"victim@evil.test,{PHISHING},en,,,,,\n")
    assert "confirm_form" not in response.context
    assert "web or e-mail address" in text_of(response.content.decode(), "import-row-errors")
    assert not User.objects.filter(email="victim@evil.test").exists()


def test_the_hr_api_refuses_it_naming_the_field(cast):
    response = cast.api_a.post(
        "/api/v1/employees/",
        {"employee_number": "P-1", "email": "victim@evil.test", "display_name": PHISHING},
        format="json",
    )
    errors = {e["field"]: e["code"] for e in assert_problem(response, 400)["errors"]}
    assert errors == {"display_name": "address_in_name"}
