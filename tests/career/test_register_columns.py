"""The register's computed columns in admin: the program office's counts per bank (``RegisterComplianceAdmin``),
each in its own column, under its label, a whole number, the list sorted by each; and the employee's name and
number on a bank's grades and evaluations, under their labels, the lists sorted by each."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst

from certification import services as certification
from tests.career.conftest import certify, grade
from tests.career.test_evaluation_privacy import evaluate
from tests.conftest import in_english, logged_in, make_trainee

pytestmark = pytest.mark.django_db

# The columns and their labels; bank-a's count exceeds bank-b's in each (``two_banks``).
COUNTS = {
    "graded": "Graded managers",
    "compliant_count": "Backed by a certificate",
    "non_compliant_count": "Not backed",
    "evaluation_count": "Evaluations recorded",
}


@pytest.fixture
def two_banks(graded, trainee, employer, hr_staff, other_trainee, other_hr_staff, program_office,
              django_capture_on_commit_callbacks):  # fmt: skip
    """bank-a: three graded managers, two no longer backed (suspended), two evaluations (counts 3, 1, 2, 2);
    bank-b: one graded manager, no longer backed (counts 1, 0, 1, 0)."""
    suspended = []
    for n in (2, 3):
        person = make_trainee(
            email=f"m{n}@bank-a.test", display_name=f"經理{n}", employer=employer.code, employee_number=f"M-{n}"
        )
        suspended.append(certify(person))
        grade(person, by=hr_staff)
    evaluate(trainee, 80)
    evaluate(person, 70)
    suspended.append(certify(other_trainee))
    grade(other_trainee, by=other_hr_staff)
    with django_capture_on_commit_callbacks(execute=True):
        for certificate in suspended:
            certification.do_suspend_certificate(certificate=certificate, by=program_office, reason="調查中")
    return employer, other_trainee.trainee_profile.employer


def counts_page(user, query: str = ""):
    with translation.override("en"):
        response = logged_in(in_english(user)).get(reverse("admin:career_registercompliance_changelist") + query)
    assert response.status_code == 200
    return response


def test_each_count_stands_under_its_label_as_a_whole_number(two_banks, program_office):
    bank_a, bank_b = two_banks
    response = counts_page(program_office)
    changelist = response.context_data["cl"]
    columns = {name: getattr(changelist.model_admin, name) for name in COUNTS}
    rows = {row.pk: [column(row) for column in columns.values()] for row in changelist.result_list}
    assert rows[bank_a.pk] == [3, 1, 2, 2]
    assert rows[bank_b.pk] == [1, 0, 1, 0]
    assert all(type(value) is int for counts in rows.values() for value in counts)
    html = response.content.decode()
    for name, label in COUNTS.items():
        with translation.override("en"):
            assert capfirst(str(columns[name].short_description)) == label
        assert f'class="sortable column-{name}' in html and label in html


def test_the_list_sorts_by_each_count(two_banks, program_office):
    bank_a, bank_b = two_banks
    list_display = counts_page(program_office).context_data["cl"].list_display
    for name in COUNTS:
        index = list_display.index(name)
        for direction, first in (("-", bank_a), ("", bank_b)):
            rows = counts_page(program_office, f"?o={direction}{index}").context_data["cl"].result_list
            pks = [row.pk for row in rows if row.pk in (bank_a.pk, bank_b.pk)]
            assert pks[0] == first.pk, (name, direction)


@pytest.mark.parametrize("model", ["managergrade", "evaluation"])
def test_the_grades_and_evaluations_show_and_sort_by_the_employees_name_and_number(two_banks, hr_staff, model):
    client = logged_in(in_english(hr_staff))
    with translation.override("en"):
        url = reverse(f"admin:career_{model}_changelist")
    for name, label, value in (
        ("employee_name", "Employee", lambda row: row.employee.user.display_name),
        ("employee_number", "Employee number", lambda row: row.employee.employee_number),
    ):
        with translation.override("en"):
            first = client.get(url)
        html = first.content.decode()
        assert f'class="sortable column-{name}' in html and f">{label}</a>" in html
        changelist = first.context_data["cl"]
        index = changelist.list_display.index(name)
        column = getattr(changelist.model_admin, name)
        rows = list(changelist.result_list)
        assert [column(row) for row in rows] == [value(row) for row in rows] and len(rows) >= 2
        for direction in ("", "-"):
            with translation.override("en"):
                shown = client.get(f"{url}?o={direction}{index}").context_data["cl"].result_list
            values = [column(row) for row in shown]
            assert values == sorted(values, reverse=direction == "-"), (name, direction)
