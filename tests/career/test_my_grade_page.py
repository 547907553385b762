"""My grade as the manager reads it: "in this grade since" is the day of the history entry that set the grade,
the grade and history read as capitalised labels, and someone with no bank is told what fits them."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import override

from career.models import GradeChange
from career.services import register
from tests.career.conftest import certify
from tests.conftest import in_english, logged_in, make_trainee

pytestmark = pytest.mark.django_db


def english_page(user) -> str:
    return logged_in(in_english(user)).get("/en/career/").content.decode()


def test_since_is_the_day_of_the_history_entry_that_set_the_grade(trainee, hr_staff):
    """A grade entered with an earlier since (the demo's, 180 days back) showed that day beside a history
    dated today: the page now says the day of the entry that set the grade."""
    certify(trainee, "senior", "retail")
    profile = trainee.trainee_profile
    first = register.do_set_grade(
        employer=profile.employer, employee=profile, manager_class="personal", level="intermediate",
        reason=GradeChange.Reason.APPOINTMENT, by=hr_staff, since=timezone.localdate() - datetime.timedelta(days=180),
    )  # fmt: skip
    first.changes.update(changed_at=timezone.now() - datetime.timedelta(days=30))
    register.do_set_grade(
        employer=profile.employer, employee=profile, manager_class="personal", level="senior",
        reason=GradeChange.Reason.PROMOTION, by=hr_staff, since=timezone.localdate() - datetime.timedelta(days=20),
    )  # fmt: skip
    html = english_page(trainee)
    with override("en"):
        today, backdated = date_format(timezone.localdate()), date_format(timezone.localdate() - datetime.timedelta(20))
    since = re.search(r"in this grade since\s*(?:<span[^>]*>)?([^<]+)", html).group(1).strip()
    assert since == today != backdated
    history = re.search(r'<table[^>]*id="grade-history".*?</table>', html, re.S).group(0)
    first_row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", history, re.S).group(1)  # newest first
    assert today in first_row and "Personal · Senior" in first_row


def test_the_grade_and_its_history_read_as_capitalised_labels(trainee, hr_staff):
    certify(trainee)
    profile = trainee.trainee_profile
    register.do_set_grade(
        employer=profile.employer, employee=profile, manager_class="personal", level="intermediate",
        reason=GradeChange.Reason.APPOINTMENT, by=hr_staff,
    )  # fmt: skip
    html = english_page(trainee)
    assert "<strong>Personal · Intermediate</strong>" in html
    assert ">First grade</td>" in html
    assert "personal · intermediate" not in html


def test_a_bank_employee_without_a_grade_is_told_their_bank_has_not_graded_them(trainee):
    html = english_page(trainee)
    assert "Your bank has not recorded a customer-manager grade" in html and "self-funded" not in html


def test_a_self_funded_trainee_is_not_told_about_a_bank_they_do_not_have():
    person = make_trainee(email="self-funded@example.test", display_name="王小明")
    assert person.trainee_profile.employer is None
    html = english_page(person)
    assert "Your bank" not in html
    assert 'id="no-bank"' in html and "you are self-funded" in html
    assert 'href="/en/certificates/' in html or "My certificates" in html
