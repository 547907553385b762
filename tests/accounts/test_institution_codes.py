"""An institution's code is one identifier whatever its case, as an employer's is: ``INST-A`` is inst-a in the admin
and the database (accounts.models.normalize_organisation_code, constraints ``institution_code_ci_unique`` and
``institution_code_lower_case``, migration ``accounts 0027``)."""

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from accounts.models import Institution, normalize_organisation_code
from tests.conftest import logged_in
from tests.factories import InstitutionFactory

from .test_employee_numbers import latest, migrate

pytestmark = pytest.mark.django_db

TAKEN = (
    "Another institution has this code. Codes are read without regard to case (INST-A is inst-a), so choose another "
    "code."
)


def add_institution(client, language: str, code: str):
    return client.post(
        f"/{language}/admin/accounts/institution/add/",
        {
            "code": code,
            "name_zh": "大寫研訓中心",
            "name_en": "Capital Training Centre",
            "authorization_number": "BCM-AUTH-9999",
            "authorized_from": "2026-01-01",
            "authorized_until": "2027-12-31",
            "status": "active",
        },
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("INST-A", "inst-a"), (" Inst-A ", "inst-a"), ("ＩＮＳＴ－Ａ", "inst-a"), ("bank-a", "bank-a")],
)
def test_institutions_and_employers_share_one_rule(typed, stored):
    assert normalize_organisation_code(typed) == stored


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("typed", ["INST-A", "Inst-A", " inst-A "])
def test_a_code_that_differs_only_in_case_is_refused_in_admin(program_office, institution, language, typed):
    response = add_institution(logged_in(program_office), language, typed)

    assert response.status_code == 200
    with translation.override(language):
        assert response.context["adminform"].form.non_field_errors() == [str(translation.gettext(TAKEN))]
    assert list(Institution.objects.values_list("code", flat=True)) == ["inst-a"]


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_new_code_is_saved_in_lower_case(program_office, institution, language):
    response = add_institution(logged_in(program_office), language, "INST-C")

    assert response.status_code == 302
    assert sorted(Institution.objects.values_list("code", flat=True)) == ["inst-a", "inst-c"]


def test_the_code_field_says_codes_are_saved_in_lower_case(office):
    page = office.get("/en/admin/accounts/institution/add/").content.decode()
    assert "Saved in lower case (INST-A is saved as inst-a)." in page


def test_any_write_stores_the_code_in_lower_case():
    assert InstitutionFactory(code="INST-C").code == "inst-c"
    assert Institution.objects.get().code == "inst-c"


@pytest.mark.parametrize("code", ["INST-A", "Inst-a"])
def test_the_database_refuses_a_code_that_differs_only_in_case(institution, code):
    """Past every normalisation (a bulk write), the database itself refuses a case-only duplicate."""
    duplicate = InstitutionFactory.build(code=code, authorization_number="BCM-AUTH-DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.bulk_create([duplicate])
    assert list(Institution.objects.values_list("code", flat=True)) == ["inst-a"]


def test_the_database_refuses_a_code_in_upper_case(institution):
    with pytest.raises(IntegrityError), transaction.atomic():
        Institution.objects.filter(pk=institution.pk).update(code="INST-A")


@pytest.mark.parametrize("typed", ["INST-A", "Inst-A", "inst-a"])
def test_the_admin_search_finds_a_code_in_any_case(office, institution, other_institution, typed):
    response = office.get("/en/admin/accounts/institution/", {"q": typed})
    assert list(response.context["cl"].result_list) == [institution]


BEFORE = [("accounts", "0026_employer_codes_case_blind")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stops_on_codes_that_differ_only_in_case_and_lower_cases_the_rest(capsys):
    try:
        migrate(BEFORE)
        # Written the old way: the codes as the admin took them before.
        rows = [InstitutionFactory.build(code=code) for code in ["inst-a", "INST-A", "Inst-C", "inst-d"]]
        Institution.objects.bulk_create(rows)
        pks = dict(Institution.objects.values_list("code", "pk"))
        with pytest.raises(RuntimeError) as stopped:
            migrate(latest())
        assert f"institution {pks['inst-a']} 'inst-a', institution {pks['INST-A']} 'INST-A'" in str(stopped.value)
        assert "merge them" in str(stopped.value)
        assert sorted(Institution.objects.values_list("code", flat=True)) == ["INST-A", "Inst-C", "inst-a", "inst-d"]

        Institution.objects.filter(code="INST-A").delete()  # the program office merged the two
        migrate(latest())
    finally:
        migrate(latest())

    assert dict(Institution.objects.values_list("pk", "code")) == {
        pks["inst-a"]: "inst-a",
        pks["Inst-C"]: "inst-c",
        pks["inst-d"]: "inst-d",
    }
    assert f"accounts 0027: institution {pks['Inst-C']} code 'Inst-C' -> 'inst-c'" in capsys.readouterr().out
