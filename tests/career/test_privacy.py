"""Who sees the register: a bank's HR staff their bank's grades only; institutions never; the program office
counts per bank, no names; the manager their own grade and history. HR staff pass the second factor."""

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.second_factor.services import needs_second_factor
from career.models import AuthorityTable, GradeChange, ManagerGrade
from tests.career.conftest import certify, grade
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_pages():
    """The pages asked for below are the English ones (their URLs are reversed with English active)."""
    with translation.override("en"):
        yield


GRADES = reverse("admin:career_managergrade_changelist")


@pytest.fixture
def both_banks(graded, other_trainee, other_hr_staff):
    certify(other_trainee, "senior", "corporate")
    theirs = grade(other_trainee, manager_class="corporate", level="senior", by=other_hr_staff)
    return graded[0], theirs


def change_url(row) -> str:
    return reverse(f"admin:career_{row._meta.model_name}_change", args=[row.pk])


def test_hr_staff_see_their_banks_grades_only(both_banks, hr_staff, django_assert_max_num_queries):
    ours, theirs = both_banks
    client = logged_in(in_english(hr_staff))
    with django_assert_max_num_queries(25):
        listing = client.get(GRADES)
    html = listing.content.decode()
    assert listing.status_code == 200
    assert ours.employee.employee_number in html and theirs.employee.employee_number not in html
    assert client.get(change_url(ours)).status_code == 200
    for row in (theirs, theirs.changes.get(), theirs.compliance_events.first()):
        if row is not None:
            assert client.get(change_url(row)).status_code == 404


def test_the_grade_list_needs_no_query_per_row(employer, hr_staff, django_assert_max_num_queries):
    from tests.conftest import make_trainee

    for n in range(8):
        person = make_trainee(
            email=f"m{n}@bank-a.test", display_name=f"經理{n}", employer=employer.code, employee_number=f"M-{n}"
        )
        certify(person)
        grade(person, by=hr_staff)
    client = logged_in(hr_staff)
    with django_assert_max_num_queries(25):
        assert client.get(GRADES).status_code == 200


def test_institution_staff_never_see_the_register(both_banks, institution_admin):
    client = logged_in(institution_admin)
    assert client.get(GRADES).status_code == 403
    ours, _theirs = both_banks
    assert client.get(change_url(ours)).status_code in (403, 404)
    assert client.get(reverse("admin:career_gradechange_changelist")).status_code == 403


def test_the_program_office_sees_counts_per_bank_and_no_names(both_banks, program_office):
    ours, theirs = both_banks
    client = logged_in(in_english(program_office))
    assert client.get(GRADES).status_code == 403
    assert client.get(change_url(ours)).status_code in (403, 404)
    counts = client.get(reverse("admin:career_registercompliance_changelist"))
    html = counts.content.decode()
    assert counts.status_code == 200
    assert ours.employee.user.display_name not in html and theirs.employee.employee_number not in html
    assert "Demo Commercial Bank" in html or "示範商業銀行" in html


def test_hr_staff_are_refused_the_counts_page(both_banks, hr_staff):
    assert logged_in(hr_staff).get(reverse("admin:career_registercompliance_changelist")).status_code == 403


def test_the_manager_sees_their_own_grade_and_history(both_banks, trainee, other_trainee):
    ours, theirs = both_banks
    page = logged_in(in_english(trainee)).get(reverse("career:mine"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "My grade" in html and "Backed by a certificate" in html and "First grade" in html
    assert theirs.employee.employee_number not in html
    other = logged_in(in_english(other_trainee)).get(reverse("career:mine")).content.decode()
    assert "Senior" in other and ours.employee.user.display_name not in other


def test_someone_without_a_grade_is_told_so(client, trainee, other_institution_admin):
    page = logged_in(in_english(trainee)).get(reverse("career:mine"))
    assert "has not recorded a customer-manager grade" in page.content.decode()
    # Someone who is not a trainee is told the page is for trainees, not that they have no bank
    # (tests/test_trainee_only_pages.py).
    page = logged_in(in_english(other_institution_admin)).get(reverse("career:mine")).content.decode()
    assert "This page is for trainees" in page and "no bank" not in page


def test_hr_staff_need_the_second_factor(hr_staff, real_second_factor, client):
    assert needs_second_factor(hr_staff)
    client.force_login(hr_staff)
    response = client.get(GRADES)
    assert response.status_code == 302 and "second-factor" in response["Location"]


def test_hr_staff_set_a_grade_in_admin_through_the_rule(trainee, hr_staff, other_trainee):
    client = logged_in(in_english(hr_staff))
    add = reverse("admin:career_managergrade_add")
    form = client.get(add).content.decode()
    assert trainee.display_name in form and other_trainee.display_name not in form
    data = {"employee": trainee.trainee_profile.pk, "manager_class": "personal", "level": "intermediate",
            "since": "2026-01-05", "reason": "appointment", "note": "",
            "changes-TOTAL_FORMS": 0, "changes-INITIAL_FORMS": 0,
            "compliance_events-TOTAL_FORMS": 0, "compliance_events-INITIAL_FORMS": 0}  # fmt: skip
    refused = client.post(add, data)
    assert refused.status_code == 200 and "holds no active certificate" in refused.content.decode()
    assert not ManagerGrade.objects.exists()
    certify(trainee)
    done = client.post(add, data)
    assert done.status_code == 302, done.content.decode()[:3000]
    made = ManagerGrade.objects.get()
    assert made.employer == trainee.trainee_profile.employer and made.compliant
    assert GradeChange.objects.get().changed_by == hr_staff
    # Another bank's employee is no choice, and posting them is refused.
    foreign = client.post(add, {**data, "employee": other_trainee.trainee_profile.pk})
    assert foreign.status_code == 200 and ManagerGrade.objects.count() == 1


def test_hr_staff_keep_their_banks_authority_table(employer, hr_staff):
    client = logged_in(in_english(hr_staff))
    add = reverse("admin:career_authoritytable_add")
    data = {"manager_class": "personal", "level": "junior", "amount": "3000000"}
    assert client.post(add, data).status_code == 302
    assert AuthorityTable.objects.get().employer == employer
    again = client.post(add, data)
    assert again.status_code == 200 and "already has a lending authority" in again.content.decode()
    negative = client.post(add, {**data, "level": "senior", "amount": "-1"})
    assert negative.status_code == 200 and AuthorityTable.objects.count() == 1


def test_hr_staff_promote_a_manager_in_admin_within_the_rule(graded, trainee, hr_staff):
    grade_row, _certificate = graded
    client = logged_in(in_english(hr_staff))
    url = change_url(grade_row)
    page = client.get(url)
    assert page.status_code == 200 and "first grade" in page.content.decode()
    data = {"manager_class": "personal", "level": "senior", "since": "2026-06-01", "reason": "promotion", "note": "",
            "changes-TOTAL_FORMS": 1, "changes-INITIAL_FORMS": 1, "changes-0-id": grade_row.changes.get().pk,
            "changes-0-grade": grade_row.pk,
            "compliance_events-TOTAL_FORMS": 0, "compliance_events-INITIAL_FORMS": 0}  # fmt: skip
    refused = client.post(url, data)
    assert refused.status_code == 200 and "holds no active certificate" in refused.content.decode()
    certify(trainee, "senior", "retail")
    done = client.post(url, data)
    assert done.status_code == 302
    promoted = ManagerGrade.objects.get()
    assert (promoted.level, str(promoted.since)) == ("senior", "2026-06-01")
    assert list(promoted.changes.values_list("reason", flat=True)) == ["promotion", "appointment"]
