"""A phone number is a phone number: the profile page, the admin, the trainee import and the HR API
refuse text that is none, in the reader's language, and store every number in one form
(accounts.phones), so that "02-2345-6789" and "(02)23456789" are the same number in the register."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts import services as accounts_services
from accounts.phones import normalize_phone
from tests.factories import TraineeProfileFactory

# As typed → as stored. Taiwan's numbers as written at home, others in international form.
STORED = [
    ("02-2345-6789", "02 2345 6789"),
    ("(02)23456789", "02 2345 6789"),
    ("+886 2 2345 6789", "02 2345 6789"),
    ("0912-345-678", "0912 345 678"),
    ("０９１２３４５６７８", "0912 345 678"),
    ("02-2345-6789 分機 123", "02 2345 6789#123"),
    ("(07)123-4567轉5", "07 123 4567#5"),
    ("+81 3-1234-5678", "+81 3-1234-5678"),
    ("  ", ""),
]
NOT_PHONES = ["ask the branch", "12345", "091234567", "02-2345", "+886"]


@pytest.mark.parametrize(("typed", "stored"), STORED)
def test_a_number_is_stored_in_one_form(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", NOT_PHONES)
def test_text_that_is_no_phone_number_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(typed)
    assert refused.value.code == "phone"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("zh-hant", "ask the branch 不是電話號碼。請填寫如 02-2345-6789 或 0912-345-678 的號碼（分機接在 # 後）。"),
        ("en", "ask the branch is not a phone number. Give one such as 02-2345-6789 or 0912-345-678 (an extension"),
    ],
)
def test_the_profile_refuses_text_that_is_no_phone_number_in_the_readers_language(client: Client, language, message):
    profile = TraineeProfileFactory(phone="0912 345 678", user__preferred_language=language)
    client.force_login(profile.user)
    response = client.post(f"/{language}/accounts/profile/", {
        "display_name": "王大明", "preferred_language": language, "phone": "ask the branch",
    })  # fmt: skip
    assert response.status_code == 200
    assert message in response.content.decode()
    profile.refresh_from_db()
    assert profile.phone == "0912 345 678"


@pytest.mark.django_db
def test_the_profile_stores_the_number_in_its_one_form(client: Client):
    profile = TraineeProfileFactory(user__preferred_language="zh-hant")
    client.force_login(profile.user)
    response = client.post("/zh-hant/accounts/profile/", {
        "display_name": "王大明", "preferred_language": "zh-hant", "phone": "(02)2345-6789 分機 12",
    })  # fmt: skip
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.phone == "02 2345 6789#12"


@pytest.mark.django_db
def test_a_trainee_import_row_with_no_phone_number_is_refused_in_that_column(employer):
    row = {"email": "lin@bank.example", "display_name": "林小華", "employer": employer.code,
           "employee_number": "X-1", "branch": "信義分行", "phone": "call HR"}  # fmt: skip
    with pytest.raises(accounts_services.AccountError) as refused:
        accounts_services.check_trainee_row(values=row, institution=None)
    assert refused.value.field == "phone"
    assert str(refused.value).startswith("call HR 不是電話號碼。")


@pytest.mark.django_db
def test_a_trainee_import_row_stores_the_number_in_its_one_form(employer):
    row = {"email": "lin@bank.example", "display_name": "林小華", "employer": employer.code,
           "employee_number": "X-1", "branch": "信義分行", "phone": "0223456789"}  # fmt: skip
    checked = accounts_services.check_trainee_row(values=row, institution=None)
    assert checked.phone == "02 2345 6789"


@pytest.mark.django_db
def test_the_admin_form_normalises_and_refuses_a_phone_number(client: Client, institution, institution_admin):
    profile = TraineeProfileFactory(registered_by=institution, phone="")
    client.force_login(institution_admin)
    url = reverse("admin:accounts_traineeprofile_change", args=[profile.pk])
    fields = {"user": profile.user.pk, "employer": "", "employee_number": "", "branch": "", "manager_class": ""}
    response = client.post(url, {**fields, "phone": "not a number"})
    assert response.status_code == 200 and response.context["adminform"].form.errors["phone"]
    response = client.post(url, {**fields, "phone": "02-2345-6789"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    profile.refresh_from_db()
    assert profile.phone == "02 2345 6789"
