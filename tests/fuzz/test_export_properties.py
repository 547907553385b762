"""The institution's trainee export (admin, CSV and XLSX) for any name a trainee may give at sign-up
or in their profile, or an HR system may send: control characters that spreadsheets refuse, other
scripts, emoji. One trainee's name never stops the export of the whole institution."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.isolation import build_world

pytestmark = pytest.mark.django_db

COLUMNS = ("email", "display_name", "employer", "employee_number")
FORMATS = {"0": "text/csv", "1": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=60)


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_world()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names, export_format=st.sampled_from(sorted(FORMATS)))
def test_any_trainee_name_exports(world, name, export_format):
    admin = Client()
    admin.force_login(world.admin_a)
    with transaction.atomic():
        world.trainee_a.display_name = name
        world.trainee_a.save(update_fields=["display_name"])
        response = admin.post(
            reverse("admin:accounts_traineeprofile_export"),
            {"format": export_format, "resource": "0", **{f"traineeresource_{column}": "on" for column in COLUMNS}},
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith(FORMATS[export_format]), response.content[:300]
        assert "attachment" in response["Content-Disposition"]
        transaction.set_rollback(True)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=names, action=st.sampled_from(["export_csv", "export_xlsx"]))
def test_any_question_text_exports_from_the_bank(world, text, action):
    """A vertical tab pasted from a word processor, say, in the program office's question bank."""
    from accounts.models import User
    from exams import demo
    from exams.models import Question

    demo.load()
    office = Client()
    office.force_login(User.objects.get(email="office@demo.test"))
    with transaction.atomic():
        question = Question.objects.first()
        Question.objects.filter(pk=question.pk).update(text_zh=text, text_en=text)
        response = office.post(
            reverse("admin:exams_question_changelist"), {"action": action, "_selected_action": [question.pk], "index": 0}
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        transaction.set_rollback(True)
