"""A deactivated person takes no enrolment, by any path: admin import, approval (issue 15, 9); the HR
API's 409 is in tests/api/test_enrolment_refusals.py.

The rule is ``courses.services.check_trainee_active``, called by ``check_enrol`` and by
``do_approve_enrolment``; every path goes through those.
"""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from accounts.models import User
from courses import services
from courses.imports import TraineeEnrolmentResource
from courses.models import Cohort, Enrolment
from tests.factories import CohortFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db


def seats(cohort: Cohort) -> int:
    return Cohort.objects.get(pk=cohort.pk).seats_taken


def deactivate(user: User) -> None:
    """The account switched off, as the user admin does (an employer's deactivation ends the employment instead, and
    the person stays active: tests/hr_api/test_employment_end.py)."""
    user.is_active = False
    user.save(update_fields=["is_active"])


def test_the_service_refuses_an_inactive_trainee_and_takes_no_seat():
    cohort = CohortFactory()
    with pytest.raises(services.TrainingError) as refused:
        services.do_enrol(trainee=UserFactory(is_active=False), cohort=cohort)
    assert refused.value.code == "trainee_inactive"
    assert not Enrolment.objects.exists() and seats(cohort) == 0


HEADERS = ["email", "display_name", "preferred_language", "employer", "employee_number", "cohort"]


def test_the_enrolment_import_reports_a_deactivated_person_on_the_row_and_imports_nothing():
    cohort = CohortFactory(code="A-STD-R")
    gone = TraineeProfileFactory(
        user__email="gone@example.test", employer=None, employee_number="", registered_by=cohort.institution
    )
    deactivate(gone.user)
    rows = [
        ("new@example.test", "New", "en", "", "", "A-STD-R"),
        ("gone@example.test", "Gone", "en", "", "", "A-STD-R"),
    ]
    with translation.override("en"):
        result = TraineeEnrolmentResource(institution=cohort.institution).import_data(
            tablib.Dataset(*rows, headers=HEADERS), dry_run=False, rollback_on_validation_errors=True
        )
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert invalid.number == 3  # the spreadsheet's row: the header is row 1
    assert any("is not active" in str(m) for m in invalid.error_dict["cohort"]), invalid.error_dict
    assert not Enrolment.objects.exists() and seats(cohort) == 0


def test_the_import_in_admin_shows_the_refusal(client: Client, institution, institution_admin):
    CohortFactory(code="A-STD-R", institution=institution)
    gone = TraineeProfileFactory(
        user__email="gone@example.test", employer=None, employee_number="", registered_by=institution
    )
    deactivate(gone.user)
    client.force_login(institution_admin)
    page = client.get("/en/admin/courses/enrolment/import/")
    csv_format = next(value for value, label in page.context["form"].fields["format"].choices if label == "csv")
    text = ",".join(HEADERS) + "\ngone@example.test,Gone,en,,,A-STD-R\n"
    response = client.post(
        "/en/admin/courses/enrolment/import/",
        {"format": csv_format, "import_file": SimpleUploadedFile("people.csv", text.encode(), "text/csv")},
    )
    assert "is not active, so they cannot be enrolled" in response.content.decode()
    assert not response.context.get("confirm_form")
    assert not Enrolment.objects.exists()


def test_admin_has_no_other_way_to_enrol(client: Client, institution_admin):
    client.force_login(institution_admin)
    assert client.get("/en/admin/courses/enrolment/add/").status_code == 403


def test_a_pending_enrolment_of_a_person_deactivated_since_is_not_approved_in_admin(
    client: Client, institution, institution_admin, trainee
):
    """Approval would take the seat and fix hours for someone whose account was deactivated: it is refused,
    the enrolment stays pending, and the institution rejects it (which frees the seat)."""
    cohort = CohortFactory(institution=institution)
    profile = trainee.trainee_profile
    enrolment = services.do_enrol(trainee=profile.user, cohort=cohort)
    deactivate(profile.user)
    client.force_login(institution_admin)
    response = client.post(
        "/en/admin/courses/enrolment/", {"action": "approve", "_selected_action": [enrolment.pk]}, follow=True
    )
    assert "is not active, so they cannot be enrolled" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.state == "pending"
    services.do_reject_enrolment(enrolment=enrolment)
    assert seats(cohort) == 0


def test_the_refusal_names_the_person_and_an_approval_leaves_the_enrolment_pending_with_its_seat():
    cohort = CohortFactory()
    trainee = UserFactory(display_name="林離職")
    enrolment = services.do_enrol(trainee=trainee, cohort=cohort)
    trainee.is_active = False
    trainee.save(update_fields=["is_active"])
    said = f"The account of {trainee} is not active, so they cannot be enrolled."
    with translation.override("en"), pytest.raises(services.TrainingError) as refused:
        services.do_approve_enrolment(enrolment=enrolment)
    assert (refused.value.code, str(refused.value)) == ("trainee_inactive", said)
    assert Enrolment.objects.get(pk=enrolment.pk).state == "pending" and seats(cohort) == 1
    with translation.override("en"), pytest.raises(services.TrainingError) as refused:
        services.do_enrol(trainee=trainee, cohort=CohortFactory())
    assert (refused.value.code, str(refused.value)) == ("trainee_inactive", said)
    active = UserFactory()
    assert services.do_approve_enrolment(enrolment=services.do_enrol(trainee=active, cohort=cohort)).state == "approved"
