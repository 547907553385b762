"""Staff add people to a cohort by uploading its whole class list again: a row whose trainee is enrolled in that
cohort already is skipped (unchanged) in the preview and enrols nobody, the new rows are enrolled; a trainee
enrolled in another cohort of the curriculum is still refused."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from courses import services
from courses.models import Cohort, Enrolment
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

URL = "/en/admin/courses/enrolment/"
HEADER = "email,display_name,preferred_language,cohort\n"


def preview(client: Client, text: str):
    upload = SimpleUploadedFile("class.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(f"{URL}import/", {"import_file": upload, "format": "0", "resource": "0"})


def confirm(client: Client, response):
    form = response.context["confirm_form"]
    return client.post(f"{URL}process_import/", {name: form[name].value() for name in form.fields}, follow=True)


@pytest.fixture
def cohort(institution) -> Cohort:
    return CohortFactory(institution=institution, code="A-STD-R")


def test_a_class_list_uploaded_again_enrols_only_the_new_people(alice, cohort):
    first = HEADER + "ann@example.test,Ann,en,A-STD-R\nben@example.test,Ben,en,A-STD-R\n"
    confirm(alice, preview(alice, first))
    assert Enrolment.objects.filter(cohort=cohort).count() == 2

    again = preview(alice, first + "cat@example.test,Cat,en,A-STD-R\n")
    assert "confirm_form" in again.context, [r.error_dict for r in again.context["result"].invalid_rows]
    assert [row.import_type for row in again.context["result"].valid_rows()] == ["skip", "skip", "new"]
    assert "already has an active enrolment" not in again.content.decode()

    done = confirm(alice, again)
    assert Enrolment.objects.filter(cohort=cohort).count() == 3
    cohort.refresh_from_db()
    assert cohort.seats_taken == 3
    html = done.content.decode()
    assert "Import finished: 1 trainee enrolled, pending approval; 1 of them newly registered." in html
    assert "2 trainees were enrolled in their cohorts already and were not enrolled again." in html


def test_a_row_updating_a_trainee_enrolled_there_already_updates_them_only(alice, cohort):
    confirm(alice, preview(alice, HEADER + "ann@example.test,Ann,en,A-STD-R\n"))
    again = preview(alice, HEADER + "ann@example.test,Ann Lin,en,A-STD-R\n")
    assert [row.import_type for row in again.context["result"].valid_rows()] == ["update"]
    confirm(alice, again)
    assert Enrolment.objects.get(trainee__email="ann@example.test").trainee.display_name == "Ann Lin"
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


def test_a_trainee_enrolled_in_another_cohort_of_the_curriculum_is_still_refused(alice, institution, cohort):
    CohortFactory(institution=institution, code="A-STD-R-2", curriculum=cohort.curriculum)
    confirm(alice, preview(alice, HEADER + "ann@example.test,Ann,en,A-STD-R\n"))
    response = preview(alice, HEADER + "ann@example.test,Ann,en,A-STD-R-2\n")
    assert "confirm_form" not in response.context
    [row] = response.context["result"].invalid_rows
    assert "already has an active enrolment" in str(row.error_dict["cohort"])


def test_a_withdrawn_trainee_is_enrolled_again(alice, cohort, institution_admin):
    confirm(alice, preview(alice, HEADER + "ann@example.test,Ann,en,A-STD-R\n"))
    enrolment = Enrolment.objects.get(trainee__email="ann@example.test")
    services.do_withdraw_enrolment(enrolment=enrolment, by=institution_admin)
    again = preview(alice, HEADER + "ann@example.test,Ann,en,A-STD-R\n")
    assert [row.import_type for row in again.context["result"].valid_rows()] == ["update"]
    confirm(alice, again)
    assert Enrolment.objects.filter(trainee__email="ann@example.test", state="pending").count() == 1
