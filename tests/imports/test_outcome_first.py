"""After a file is chosen, the trainee and enrolment import pages show what came of it first: the refused rows (or
the whole file's refusal) stand above the form, whose column guide folds into a closed <details> (open on the page's
first visit), so that at 1366x768 staff see the outcome, and the file field below it, without scrolling past the
guide."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from courses.models import Cohort
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

PAGES = pytest.mark.parametrize(
    ("url", "header", "cells"),
    [("/en/admin/accounts/traineeprofile/", "email,display_name", ""),
     ("/en/admin/courses/enrolment/", "email,display_name,cohort", ",A-1")],
    ids=["trainees", "enrolments"],
)  # fmt: skip
GUIDE = '<table class="import-columns">'


@pytest.fixture(autouse=True)
def cohort(institution) -> Cohort:
    return CohortFactory(institution=institution, code="A-1")


def preview(client, url: str, text: str):
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(f"{url}import/", {"import_file": upload, "format": "0", "resource": "0"})


@PAGES
def test_the_refused_rows_come_before_the_column_guide(alice, url, header, cells):
    html = preview(alice, url, f"{header}\nann@example.test,Ann{cells}\nnot-an-address,Ben{cells}\n").content.decode()
    assert "Nothing was imported. Fix these rows and try again:" in html
    assert html.index('class="import-row-errors"') < html.index(GUIDE) < html.index('name="import_file"')
    assert html.count('class="import-row-errors"') == 1  # shown once, not again below the form
    guide = html[html.rindex("<details", 0, html.index(GUIDE)) :]
    assert guide.startswith('<details class="import-guide">')  # folded, not open


@PAGES
def test_a_refused_file_says_why_before_the_column_guide(alice, url, header, cells):
    html = preview(alice, url, "display_name\nAnn\n").content.decode()
    assert html.index("The file lacks the columns:") < html.index(GUIDE)
    assert html.count("The file lacks the columns:") == 1


@PAGES
def test_the_first_visit_shows_the_guide_open(alice, url, header, cells):
    html = alice.get(f"{url}import/").content.decode()
    assert '<details class="import-guide" open>' in html and GUIDE in html


def test_a_confirm_refused_since_the_preview_shows_its_rows_before_the_guide(alice, cohort):
    Cohort.objects.filter(pk=cohort.pk).update(capacity=2)
    url = "/en/admin/courses/enrolment/"
    form = preview(alice, url, "email,display_name,cohort\nann@example.test,Ann,A-1\nben@example.test,Ben,A-1\n")
    form = form.context["confirm_form"]
    Cohort.objects.filter(pk=cohort.pk).update(seats_taken=1)
    html = alice.post(f"{url}process_import/", {name: form[name].value() for name in form.fields}).content.decode()
    assert html.index('class="import-row-errors"') < html.index(GUIDE)
