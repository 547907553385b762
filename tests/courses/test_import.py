"""Bulk import of trainees with their enrolments: every row or none."""

import pytest
import tablib
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from accounts.models import User
from courses.imports import TraineeEnrolmentResource
from courses.models import Cohort, Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory, EmployerFactory, StaffMembershipFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


HEADERS = ["email", "display_name", "preferred_language", "employer", "employee_number", "cohort"]


def dataset(*rows) -> tablib.Dataset:
    return tablib.Dataset(*rows, headers=HEADERS)


def run(institution, *rows, dry_run=False):
    return TraineeEnrolmentResource(institution=institution).import_data(
        dataset(*rows), dry_run=dry_run, rollback_on_validation_errors=True
    )


def test_new_trainees_are_created_and_enrolled_pending_approval():
    cohort = CohortFactory(code="A-STD-R")
    bank = EmployerFactory(code="bank-1")
    result = run(
        cohort.institution,
        ("Lin@Example.test", "林雅婷", "zh-hant", "bank-1", "E001", "A-STD-R"),
        ("chen@example.test", "陳志豪", "en", "", "", " A-STD-R "),
    )
    assert not result.has_errors() and not result.has_validation_errors()
    lin = User.objects.get(email="lin@example.test")
    assert not lin.has_usable_password()
    assert (lin.trainee_profile.employer, lin.trainee_profile.employee_number) == (bank, "E001")
    assert set(Enrolment.objects.values_list("trainee__email", "state")) == {
        ("lin@example.test", "pending"),
        ("chen@example.test", "pending"),
    }
    cohort.refresh_from_db()
    assert cohort.seats_taken == 2


def test_one_bad_row_imports_nothing():
    cohort = CohortFactory(code="A-STD-R", capacity=1)
    result = run(
        cohort.institution,
        ("one@example.test", "一號", "zh-hant", "", "", "A-STD-R"),
        ("two@example.test", "二號", "zh-hant", "", "", "A-STD-R"),  # the cohort is full by now
    )
    assert result.has_validation_errors()
    messages = [str(e) for row in result.invalid_rows for e in row.error_dict.get("cohort", [])]
    assert any("is full" in m for m in messages), messages
    assert not User.objects.filter(email__in=["one@example.test", "two@example.test"]).exists()
    assert not Enrolment.objects.exists()
    cohort.refresh_from_db()
    assert cohort.seats_taken == 0


def test_another_institutions_cohort_is_refused_like_a_missing_one(institution, other_institution):
    CohortFactory(code="B-STD-R", institution=other_institution)
    result = run(institution, ("x@example.test", "X", "en", "", "", "B-STD-R"))
    assert result.has_validation_errors()
    assert "There is no cohort B-STD-R of yours." in str(result.invalid_rows[0].error_dict)
    assert not User.objects.filter(email="x@example.test").exists()


def test_an_existing_trainee_is_matched_and_enrolled_even_when_nothing_else_changed():
    cohort = CohortFactory(code="A-STD-R")
    profile = TraineeProfileFactory(
        user=UserFactory(email="known@example.test", display_name="本人"), registered_by=cohort.institution
    )
    row = ("known@example.test", "本人", "zh-hant", profile.employer.code, profile.employee_number, "A-STD-R")
    result = run(cohort.institution, row)
    assert not result.has_validation_errors(), result.invalid_rows and result.invalid_rows[0].error_dict
    assert User.objects.filter(email="known@example.test").count() == 1
    assert Enrolment.objects.filter(trainee=profile.user, cohort=cohort).exists()
    again = run(cohort.institution, row)  # the same file twice: enrolled there already, skipped, nothing written
    assert not again.has_validation_errors(), again.invalid_rows and again.invalid_rows[0].error_dict
    assert [r.import_type for r in again.rows] == ["skip"]
    assert Enrolment.objects.filter(trainee=profile.user).count() == 1


def test_a_staff_account_cannot_be_enrolled_as_a_trainee_by_import():
    UserFactory(email="staff@example.test", is_staff=True)
    cohort = CohortFactory(code="A-STD-R")
    result = run(cohort.institution, ("staff@example.test", "Staff", "en", "", "", "A-STD-R"))
    assert result.has_validation_errors()
    assert not Enrolment.objects.exists()


def test_a_file_without_the_cohort_column_is_refused():
    cohort = CohortFactory(code="A-STD-R")
    data = tablib.Dataset(("x@example.test", "X"), headers=["email", "display_name"])
    result = TraineeEnrolmentResource(institution=cohort.institution).import_data(data, dry_run=False)
    assert result.has_errors()
    assert "cohort" in str(result.base_errors[0].error)
    assert not User.objects.filter(email="x@example.test").exists()


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (("", "Nobody", "en", "", "", "A-STD-R"), "email"),
        (("new@example.test", "", "en", "", "", "A-STD-R"), "display_name"),
        (("new@example.test", "New", "en", "no-such-bank", "", "A-STD-R"), "employer"),
        (("new@example.test", "New", "en", "", "E9", "A-STD-R"), "employee_number"),
    ],
)
def test_rows_with_bad_people_data_are_refused(row, field):
    cohort = CohortFactory(code="A-STD-R")
    result = run(cohort.institution, row)
    assert result.has_validation_errors()
    assert field in result.invalid_rows[0].error_dict
    assert not Enrolment.objects.exists()


def test_an_institution_admin_imports_through_the_admin_in_two_steps(institution, institution_admin, other_institution):
    CohortFactory(code="A-STD-R", institution=institution)
    outsider_cohort = CohortFactory(code="B-STD-R", institution=other_institution)
    client = logged_in(institution_admin)
    page = client.get("/en/admin/courses/enrolment/import/")
    assert page.status_code == 200
    csv_format = next(i for i, f in enumerate(page.context["form"].fields["format"].choices) if f[1] == "csv")
    csv_format = page.context["form"].fields["format"].choices[csv_format][0]

    def upload(text: str):
        return client.post(
            "/en/admin/courses/enrolment/import/",
            {"format": csv_format, "import_file": SimpleUploadedFile("people.csv", text.encode("utf-8"), "text/csv")},
        )

    header = ",".join(HEADERS)
    refused = upload(
        f"{header}\nnew@example.test,新學員,zh-hant,,,A-STD-R\nother@example.test,他人,zh-hant,,,B-STD-R\n"
    )
    assert "There is no cohort B-STD-R of yours." in refused.content.decode()
    assert "confirm_form" not in refused.context or not refused.context["confirm_form"]
    assert not User.objects.filter(email="new@example.test").exists()

    preview = upload(f"{header}\nnew@example.test,新學員,zh-hant,,,A-STD-R\n")
    confirm = preview.context["confirm_form"]
    assert not Enrolment.objects.exists()  # the preview is a dry run
    data = {name: confirm[name].value() for name in confirm.fields}
    done = client.post("/en/admin/courses/enrolment/process_import/", data)
    assert done.status_code == 302
    assert Enrolment.objects.get().trainee.email == "new@example.test"
    assert Cohort.objects.get(pk=outsider_cohort.pk).seats_taken == 0


def test_staff_who_may_not_register_trainees_cannot_import():
    cohort = CohortFactory(code="A-STD-R")
    membership = StaffMembershipFactory(institution=cohort.institution)
    membership.user.user_permissions.add(*Permission.objects.filter(content_type__app_label="courses"))
    client = Client()
    client.force_login(membership.user)
    assert client.get("/en/admin/courses/enrolment/import/").status_code == 403
