"""A self-study entry the dashboard refuses brings the trainee to the form: the page comes back at its top
and the form may be a thousand pixels below on a phone, so the field to correct has ``autofocus`` (the
browser scrolls it to the middle of the screen and focuses it), one field only, and none on a plain visit."""

import re

import pytest
from django.utils import timezone

from courses.forms import SelfStudyForm
from tests.conftest import logged_in
from tests.courses.test_training_pages import trainee_with_credit_in_training

pytestmark = pytest.mark.django_db

AUTOFOCUSED = re.compile(r"<(?:input|select|textarea)\b[^>]*\bautofocus\b[^>]*>")


def focused_fields(html: str) -> list[str]:
    """The names of the fields that have ``autofocus``."""
    return [re.search(r'\bname="([^"]+)"', tag).group(1) for tag in AUTOFOCUSED.findall(html)]


def entry(enrolment, **changes) -> dict:
    course = enrolment.curriculum.entries.get(course__code="BCM-221").course
    data = {"enrolment": enrolment.pk, "course": course.pk, "studied_on": timezone.localdate().isoformat()}
    return {**data, "hours": "2", **changes}


def test_the_first_field_with_an_error_is_focused():
    trainee, enrolment = trainee_with_credit_in_training()
    client = logged_in(trainee)
    response = client.post("/en/dashboard/self-study/", entry(enrolment, hours="30"))
    assert response.status_code == 400
    assert focused_fields(response.content.decode()) == ["hours"]
    # Two fields wrong: the first of them in the form's order.
    response = client.post("/zh-hant/dashboard/self-study/", entry(enrolment, studied_on="", hours="30"))
    assert focused_fields(response.content.decode()) == ["studied_on"]


def test_a_refusal_of_the_whole_entry_focuses_the_forms_first_field():
    # The rule's refusal (24 hours a day) is shown above the fields: the first field brings it into view.
    trainee, enrolment = trainee_with_credit_in_training()
    client = logged_in(trainee)
    client.post("/en/dashboard/self-study/", entry(enrolment, hours="20"))
    response = client.post("/en/dashboard/self-study/", entry(enrolment, hours="20"))
    body = response.content.decode()
    assert response.status_code == 400 and "a day has 24" in body
    assert focused_fields(body) == ["enrolment"]


def test_the_dashboard_and_an_unbound_form_focus_nothing():
    trainee, _enrolment = trainee_with_credit_in_training()
    body = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert 'action="/en/dashboard/self-study/"' in body and focused_fields(body) == []
    assert "autofocus" not in str(SelfStudyForm(trainee=trainee).as_div())
