"""Review finding: the approval mail (``mail.training_under_way``) and the session form's list of cohorts
(``selectors.cohorts_for_sessions``) disagreed on when a cohort has ended. One rule, ``Cohort.has_ended``, and its
SQL form ``Cohort.ended``: proved the same over every status around the last day, and applied by both."""

import datetime

import pytest

from courses import mail, selectors
from courses.models import Cohort
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2030, 6, 15)


@pytest.fixture
def cohorts() -> dict[tuple[str, int], Cohort]:
    """A cohort of each status whose last day is yesterday, today and tomorrow, keyed by (status, last day)."""
    made = {}
    for status in Cohort.Status.values:
        for last_day in (-1, 0, 1):
            ends_on = TODAY + datetime.timedelta(days=last_day)
            made[status, last_day] = CohortFactory(
                code=f"C-{status.upper()}-{last_day + 1}",
                status=status,
                starts_on=ends_on - datetime.timedelta(days=20),
                ends_on=ends_on,
            )
    return made


def test_the_rule_in_python_and_in_sql_agree(cohorts):
    by_method = {c.pk for c in cohorts.values() if c.has_ended(TODAY)}
    by_sql = set(Cohort.objects.filter(Cohort.ended(TODAY)).values_list("pk", flat=True))

    assert by_method == by_sql
    assert by_method == {  # written out: the last day has passed, or the cohort was finished
        c.pk for (status, last_day), c in cohorts.items() if last_day < 0 or status == Cohort.Status.FINISHED
    }


def test_the_mail_and_the_session_form_count_the_same_cohorts_ended(cohorts):
    ordered = list(selectors.cohorts_for_sessions(Cohort.objects.all(), today=TODAY))
    ended = {c.pk for c in cohorts.values() if c.has_ended(TODAY)}

    assert {c.pk for c in ordered[-len(ended) :]} == ended  # the form's ended ones, last
    assert {c.pk for c in cohorts.values() if mail.training_under_way(c, today=TODAY)["ended"]} == ended
