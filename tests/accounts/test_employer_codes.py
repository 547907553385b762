"""An employer's code is one identifier whatever its case: ``BANK-A`` is bank-a in the admin, the trainee import and
the database (accounts.models.normalize_organisation_code, constraints ``employer_code_ci_unique`` and
``employer_code_lower_case``, migration ``accounts 0026``)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import translation

from accounts import services as accounts_services
from accounts.models import Employer, User
from tests.conftest import logged_in

from .test_employee_numbers import latest, migrate

pytestmark = pytest.mark.django_db

TAKEN = (
    "Another employer has this code. Codes are read without regard to case (BANK-A is bank-a), so choose another code."
)


def add_employer(client: Client, language: str, code: str):
    return client.post(
        f"/{language}/admin/accounts/employer/add/",
        {"code": code, "name_zh": "大寫銀行", "name_en": "Capital Bank", "is_active": "on"},
    )


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("typed", ["BANK-A", "Bank-A", " bank-A "])
def test_a_code_that_differs_only_in_case_is_refused_in_admin(program_office, employer, language, typed):
    response = add_employer(logged_in(program_office), language, typed)

    assert response.status_code == 200
    with translation.override(language):
        assert response.context["adminform"].form.non_field_errors() == [str(translation.gettext(TAKEN))]
    assert list(Employer.objects.values_list("code", flat=True)) == ["bank-a"]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_new_code_is_saved_in_lower_case(program_office, employer, language):
    response = add_employer(logged_in(program_office), language, "BANK-C")

    assert response.status_code == 302
    assert sorted(Employer.objects.values_list("code", flat=True)) == ["bank-a", "bank-c"]


def test_the_code_field_says_codes_are_saved_in_lower_case(office):
    page = office.get("/en/admin/accounts/employer/add/").content.decode()
    assert "Saved in lower case (BANK-A is saved as bank-a)." in page


def test_any_write_stores_the_code_in_lower_case(db):
    assert Employer.objects.create(code="BANK-C", name_zh="丙", name_en="C").code == "bank-c"
    assert Employer.objects.get().code == "bank-c"


@pytest.mark.parametrize("code", ["BANK-A", "Bank-a"])
def test_the_database_refuses_a_code_that_differs_only_in_case(employer, code):
    """Past every normalisation (a bulk write), the database itself refuses a case-only duplicate."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Employer.objects.bulk_create([Employer(code=code, name_zh="重複", name_en="Duplicate")])
    assert list(Employer.objects.values_list("code", flat=True)) == ["bank-a"]


@pytest.mark.parametrize("typed", ["BANK-A", "Bank-A", "ＢＡＮＫ－Ａ"])
def test_the_import_reads_a_code_in_any_case(employer, typed):
    row = {"email": "ann@example.test", "display_name": "Ann", "employer": typed, "employee_number": "A-1"}
    assert accounts_services.check_trainee_row(values=row, institution=None).employer == employer


def test_the_import_page_finds_an_upper_case_code(alice, employer):
    text = "email,display_name,employer,employee_number\nann@example.test,Ann,BANK-A,A-1\n"
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")
    url = "/en/admin/accounts/traineeprofile/"
    response = alice.post(f"{url}import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert "confirm_form" in response.context, [r.error_dict for r in response.context["result"].invalid_rows]
    form = response.context["confirm_form"]
    assert alice.post(f"{url}process_import/", {name: form[name].value() for name in form.fields}).status_code == 302
    assert User.objects.get(email="ann@example.test").trainee_profile.employer == employer


BEFORE = [("accounts", "0025_audit_question_revised")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stops_on_codes_that_differ_only_in_case_and_lower_cases_the_rest(capsys):
    try:
        migrate(BEFORE)
        # Written the old way: the codes as the admin took them before.
        rows = [Employer(code=code, name_zh=code, name_en=code) for code in ["bank-a", "BANK-A", "Bank-C", "bank-d"]]
        Employer.objects.bulk_create(rows)
        pks = dict(Employer.objects.values_list("code", "pk"))
        with pytest.raises(RuntimeError) as stopped:
            migrate(latest())
        assert f"employer {pks['bank-a']} 'bank-a', employer {pks['BANK-A']} 'BANK-A'" in str(stopped.value)
        assert "merge them" in str(stopped.value)
        assert sorted(Employer.objects.values_list("code", flat=True)) == ["BANK-A", "Bank-C", "bank-a", "bank-d"]

        Employer.objects.filter(code="BANK-A").delete()  # the program office merged the two
        migrate(latest())
    finally:
        migrate(latest())

    assert dict(Employer.objects.values_list("pk", "code")) == {
        pks["bank-a"]: "bank-a",
        pks["Bank-C"]: "bank-c",
        pks["bank-d"]: "bank-d",
    }
    assert f"accounts 0026: employer {pks['Bank-C']} code 'Bank-C' -> 'bank-c'" in capsys.readouterr().out
