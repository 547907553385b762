"""A code that names a row in a web address makes an address that finds the row again (core.codes).

A cohort coded ``EVIL/1`` (the cohort form took any text) made ``{% url 'training:cohort' code %}`` fail:
the public cohort catalogue answered 500 to everyone. Cohort, course and tier codes are now letters
A–Z/a–z, digits, hyphens and underscores: the model field refuses anything else with a message in both
languages (admin, imports, the API), and the database refuses it too.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import resolve, reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from core.codes import CODE_RULE, is_code, validate_code
from courses.models import Cohort, Course, Tier
from tests.conftest import in_english, logged_in
from tests.courses.conftest import new_cohort_form
from tests.factories import CohortFactory

# What a free text field let through, and what each breaks: a path separator (no address), a query or
# fragment mark, a space, another script, full-width letters, a dot, a line break, nothing at all.
REFUSED = ["EVIL/1", "A/B/C", "a?b", "a#b", "A B", "台北-1", "ＴＰＥ－１", "a.b", "..", "x\n", "%2F", "", "-/-"]
# What the demo, the bench and the tests use: all still codes.
ACCEPTED = ["INST-A-STANDARD-RETAIL", "B-00001", "SIM-A-03-STDR", "A-zh-hant-phone", "x_1", "BCM-101", "-", "9"]


def test_the_rule_takes_every_code_in_use_and_nothing_that_breaks_an_address():
    assert [code for code in ACCEPTED if not is_code(code)] == []
    assert [code for code in REFUSED if is_code(code)] == []


@given(st.one_of(st.from_regex(r"\A[A-Za-z0-9_-]{1,40}\Z"), st.text(max_size=12).filter(is_code)))
def test_every_code_the_rule_accepts_makes_addresses_that_find_it_again(text):
    for name, kwargs in [
        ("training:cohort", {"code": text}),
        ("training:enrol", {"code": text}),
        ("catalog:course", {"code": text}),
        ("exchange:cohort", {"code": text}),
        ("exchange:thread", {"code": text, "course_code": text}),
    ]:
        with translation.override("en"):
            assert resolve(reverse(name, kwargs=kwargs)).kwargs == kwargs


def test_the_message_says_what_a_code_may_contain_in_both_languages():
    with translation.override("en"):
        english = str(CODE_RULE)
    with translation.override("zh-hant"):
        chinese = str(CODE_RULE)
    assert "hyphens" in english and chinese != english


@pytest.mark.django_db
@pytest.mark.parametrize("code", REFUSED)
def test_the_model_refuses_a_cohort_code_that_breaks_an_address(code):
    cohort = CohortFactory.build(code=code, institution=CohortFactory().institution)
    with pytest.raises(ValidationError) as refused:
        cohort.full_clean()
    assert "code" in refused.value.message_dict
    if code:  # an empty code is refused as required first
        assert refused.value.message_dict["code"] == [str(CODE_RULE)]
    with pytest.raises(ValidationError):
        validate_code(code)


@pytest.mark.django_db
def test_the_model_refuses_a_course_code_that_breaks_an_address():
    course = Course(code="BCM/101", title_zh="課程", title_en="Course")
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert refused.value.message_dict == {"code": [str(CODE_RULE)]}


@pytest.mark.django_db
def test_the_database_refuses_such_codes_whatever_writes_them():
    institution = CohortFactory().institution
    for write in (
        lambda: CohortFactory(code="EVIL/1", institution=institution),
        lambda: Cohort.objects.filter(institution=institution).update(code="EVIL/1"),
        lambda: Course.objects.create(code="BCM/999", title_zh="課程", title_en="Course"),
        lambda: Course.objects.filter(code="BCM-101").update(code="BCM 101"),
        lambda: Tier.objects.filter(code="assistant").update(code="assistant/1"),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            write()


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "words"), [("en", "hyphens"), ("zh-hant", "網址")])
def test_the_cohort_form_of_the_admin_says_why_it_refuses_the_code(institution_admin, language, words):
    alice = logged_in(institution_admin)
    response = alice.post(f"/{language}/admin/courses/cohort/add/", new_cohort_form("EVIL/1"))
    assert response.status_code == 200  # the form again, with the error
    assert response.context["adminform"].form.errors["code"] == [_translated(CODE_RULE, language)]
    assert words in response.content.decode()
    assert not Cohort.objects.filter(code="EVIL/1").exists()
    assert alice.post("/en/admin/courses/cohort/add/", new_cohort_form("INST-A-2027_03")).status_code == 302


def _translated(message, language: str) -> str:
    with translation.override(language):
        return str(message)


@pytest.mark.django_db
def test_the_course_form_of_the_admin_refuses_the_code(program_office):
    office = logged_in(in_english(program_office))
    data = {"code": "BCM/900", "title_zh": "課程", "title_en": "Course", "class_hours": "0"}
    response = office.post("/en/admin/courses/course/add/", data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["code"] == [_translated(CODE_RULE, "en")]
    assert not Course.objects.filter(code="BCM/900").exists()


@pytest.mark.django_db
def test_the_catalogue_lists_and_links_cohorts_with_codes_of_every_allowed_kind(trainee):
    codes = ["lower-case_1", "UPPER-CASE-2", "-", "9"]
    for code in codes:
        CohortFactory(code=code)
    for client in (Client(), logged_in(trainee)):
        response = client.get("/en/cohorts/")
        assert response.status_code == 200
        page = response.content.decode()
        for code in codes:
            address = reverse("training:cohort", kwargs={"code": code})
            assert f'href="{address}"' in page, code
            assert client.get(address).status_code == 200, code
