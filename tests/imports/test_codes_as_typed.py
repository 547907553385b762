"""An employer's or a cohort's code typed in full-width forms (an IME left on) names the same employer or cohort,
as full-width addresses and employee numbers already do (accounts.identifiers.normalize_code)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.identifiers import normalize_code
from accounts.models import User
from courses.models import Enrolment
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


def import_file(client: Client, url: str, text: str):
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")
    response = client.post(f"{url}import/", {"import_file": upload, "format": "0", "resource": "0"})
    assert "confirm_form" in response.context, [r.error_dict for r in response.context["result"].invalid_rows]
    form = response.context["confirm_form"]
    return client.post(f"{url}process_import/", {name: form[name].value() for name in form.fields})


@pytest.mark.parametrize(
    ("typed", "code"),
    [("ｂａｎｋ－ａ", "bank-a"), (" bank-a\u3000", "bank-a"), ("ＰＲＯＢＥ－Ｒ－２０２６", "PROBE-R-2026")],
)
def test_a_code_is_read_in_the_form_codes_are_stored_in(typed, code):
    assert normalize_code(typed) == code


def test_a_full_width_employer_code_names_the_employer(alice, employer):
    text = "email,display_name,employer,employee_number\nann@example.test,Ann,ｂａｎｋ－ａ,Ａ－１\n"
    assert import_file(alice, "/en/admin/accounts/traineeprofile/", text).status_code == 302
    profile = User.objects.get(email="ann@example.test").trainee_profile
    assert (profile.employer, profile.employee_number) == (employer, "A-1")


def test_a_full_width_cohort_code_names_the_cohort(alice, institution, employer):
    cohort = CohortFactory(institution=institution, code="PROBE-R-2026")
    text = "email,display_name,employer,cohort\nann@example.test,Ann,ｂａｎｋ－ａ,ＰＲＯＢＥ－Ｒ－２０２６\n"
    assert import_file(alice, "/en/admin/courses/enrolment/", text).status_code == 302
    assert Enrolment.objects.get(trainee__email="ann@example.test").cohort == cohort
