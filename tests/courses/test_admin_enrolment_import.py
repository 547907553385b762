"""The enrolment import in admin, as staff read it: the preview shows the cohort each row goes to under a
heading in the reader's language, and the summary counts the enrolments it made (import-export's own
counted trainee rows new and updated, and called them enrolments)."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import ngettext

from courses.models import Enrolment
from tests.factories import CohortFactory, TraineeProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,display_name,preferred_language,employer,employee_number,cohort"


@pytest.fixture
def file_of_three(institution) -> str:
    """Two people new to the portal and one the institution registered before, all for cohort A-STD-R."""
    CohortFactory(institution=institution, code="A-STD-R")
    known = TraineeProfileFactory(
        user=UserFactory(email="known@example.test", display_name="舊學員"), registered_by=institution
    )
    return (
        f"{HEADER}\n"
        "new1@example.test,新學員一,zh-hant,,,A-STD-R\n"
        "new2@example.test,新學員二,en,,,A-STD-R\n"
        f"known@example.test,舊學員,zh-hant,{known.employer.code},{known.employee_number},A-STD-R\n"
    )


def preview(client: Client, language: str, text: str):
    url = f"/{language}/admin/courses/enrolment/import/"
    page = client.get(url)
    csv = next(value for value, label in page.context["form"].fields["format"].choices if label == "csv")
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), "text/csv")
    return client.post(url, {"format": csv, "import_file": upload})


@pytest.mark.parametrize(("language", "heading"), [("en", "Cohort (cohort)"), ("zh-hant", "梯次 (cohort)")])
def test_the_preview_shows_the_cohort_each_row_goes_to_under_a_translated_heading(
    alice: Client, file_of_three, language, heading
):
    response = preview(alice, language, file_of_three)
    html = response.content.decode()
    result = response.context["result"]
    assert not result.has_validation_errors() and not result.has_errors()
    assert f"<th>{heading}</th>" in html
    assert "<th>cohort</th>" not in html
    column = result.diff_headers.index(heading)
    cells = [str(row.diff[column]) for row in result.valid_rows()]
    assert len(cells) == 3 and all("A-STD-R" in cell for cell in cells), cells
    for cell in cells:
        assert cell in html
    assert not Enrolment.objects.exists()  # the preview is a dry run


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_summary_counts_the_enrolments_made_and_the_trainees_new_to_the_portal(
    alice: Client, file_of_three, language
):
    confirm = preview(alice, language, file_of_three).context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    done = alice.post(f"/{language}/admin/courses/enrolment/process_import/", data, follow=True)

    assert Enrolment.objects.filter(cohort__code="A-STD-R", state="pending").count() == 3
    html = done.content.decode()
    with translation.override(language):
        summary = ngettext(
            "Import finished: %(count)d trainee enrolled, pending approval; %(new)d of them newly registered.",
            "Import finished: %(count)d trainees enrolled, pending approval; %(new)d of them newly registered.",
            3,
        ) % {"count": 3, "new": 2}
    assert summary in html
    assert not re.search(r"2 new, 1 updated|新增 2 筆、更新 1 筆", html)
