"""A broken rule reads as a sentence, not as the database's name for it (issue 17).

Every CheckConstraint and UniqueConstraint of every app of ours carries its own translated
``violation_error_message``; a form that breaks one shows that message and never the constraint's name
("約束條件 “sitting_place_or_online” 被違反").
"""

import pytest
from django.apps import apps
from django.db.models import BaseConstraint
from django.forms import modelform_factory
from django.utils import translation

from exams.models import Sitting
from tests.isolation import build_world

PROJECT_APPS = ("core", "accounts", "courses", "exams", "certification", "career", "hr_api")


def constraints():
    return [
        (model, constraint)
        for app in PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    ]


def test_there_are_constraints_to_check():
    assert len(constraints()) > 40


@pytest.mark.parametrize(
    ("model", "constraint"), constraints(), ids=[f"{m._meta.label}.{c.name}" for m, c in constraints()]
)
def test_every_constraint_explains_itself_in_both_languages(model, constraint):
    message = constraint.violation_error_message
    assert message != BaseConstraint.default_violation_error_message, f"{constraint.name} has Django's message"
    with translation.override("en"):
        english = constraint.get_violation_error_message()
    with translation.override("zh-hant"):
        chinese = constraint.get_violation_error_message()
    assert constraint.name not in english
    assert chinese != english, f"{constraint.name}: {english!r} has no zh-Hant translation"
    assert constraint.name not in chinese


@pytest.mark.django_db
def test_a_form_that_breaks_a_constraint_shows_its_message_not_its_name():
    build_world()
    sitting = Sitting.objects.first()
    form_class = modelform_factory(Sitting, fields=["paper", "cohort", "opens_at", "closes_at", "is_online", "place"])
    data = {
        "paper": sitting.paper_id,
        "cohort": sitting.cohort_id,
        "opens_at": sitting.opens_at.strftime("%Y-%m-%d %H:%M"),
        "closes_at": sitting.closes_at.strftime("%Y-%m-%d %H:%M"),
        "place": "",
    }  # not online, and no place
    with translation.override("zh-hant"):
        form = form_class(data=data)
        assert not form.is_valid()
        errors = " ".join(str(e) for e in form.non_field_errors())
    assert errors == "請填寫考試地點，或將場次設為線上考試。"
    assert "sitting_place_or_online" not in str(form.errors)
