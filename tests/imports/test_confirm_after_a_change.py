"""A file that passed its preview can fail at the confirm step when something changed in between (a cohort filled
up): nothing is imported, and the page says so and shows the refused rows, never "Import finished"."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from courses.models import Cohort, Enrolment
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

URL = "/en/admin/courses/enrolment/"


def test_a_cohort_that_filled_up_since_the_preview_imports_nothing_and_says_why(alice, institution):
    cohort = CohortFactory(institution=institution, code="A-1", capacity=2)
    text = "email,display_name,cohort\nann@example.test,Ann,A-1\nben@example.test,Ben,A-1\n"
    upload = SimpleUploadedFile("class.csv", text.encode(), content_type="text/csv")
    preview = alice.post(f"{URL}import/", {"import_file": upload, "format": "0", "resource": "0"})
    form = preview.context["confirm_form"]
    Cohort.objects.filter(pk=cohort.pk).update(seats_taken=1)  # someone enrolled meanwhile

    done = alice.post(f"{URL}process_import/", {name: form[name].value() for name in form.fields}, follow=True)

    html = done.content.decode()
    assert "Import finished" not in html
    assert "Nothing was imported: since the preview, something these rows depend on has changed" in html
    [problem] = done.context["result"].row_problems
    assert problem.row == 3 and "(A-1) is full." in str(problem.errors)
    assert "import-row-errors" in html  # the rows, as a preview shows them
    assert not Enrolment.objects.exists() and not User.objects.filter(email__endswith="@example.test").exists()
    assert done.context["form"] is not None  # the upload form, to try again


def test_a_confirm_that_works_still_says_import_finished(alice, institution):
    CohortFactory(institution=institution, code="A-1")
    upload = SimpleUploadedFile("class.csv", b"email,display_name,cohort\nann@example.test,Ann,A-1\n", "text/csv")
    preview = alice.post(f"{URL}import/", {"import_file": upload, "format": "0", "resource": "0"})
    form = preview.context["confirm_form"]
    done = alice.post(f"{URL}process_import/", {name: form[name].value() for name in form.fields}, follow=True)
    assert "Import finished: 1 trainee enrolled" in done.content.decode()
