"""A reject action that asks for a reason answers the reason's post with a redirect (303) to the change list (the
filters kept), which shows what was done: reloading the list does not post the rejection again. (The reason is
asked on a page of its own: tests/courses/test_action_form_pages.py.)"""

import pytest

from courses import services
from courses.models import Enrolment
from tests.conftest import in_english, logged_in
from tests.factories import CohortFactory, UserFactory

from .test_self_study_rejection import enrolled, logged

pytestmark = pytest.mark.django_db

ENROLMENTS = "/en/admin/courses/enrolment/?state__exact=pending"
SELF_STUDY = "/en/admin/courses/selfstudyentry/?status__exact=logged"


def rejected_with_reason(client, url: str, pk: int):
    asked = client.post(url, {"action": "reject", "_selected_action": [pk]})
    assert 'name="reason"' in client.get(asked["Location"]).content.decode()
    return client.post(asked["Location"], {"apply": "1", "reason": "No seats left."})


def test_rejecting_enrolments_redirects_to_the_list_that_says_so(alice, institution):
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(institution=institution))
    response = rejected_with_reason(alice, ENROLMENTS, enrolment.pk)
    assert (response.status_code, response["Location"]) == (303, ENROLMENTS)
    assert "Rejected 1 enrolment." in alice.get(response["Location"]).content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note) == ("rejected", "No seats left.")


def test_rejecting_self_study_redirects_to_the_list_that_says_so(alice, trainee, institution):
    entry = logged(enrolled(trainee, institution))
    response = rejected_with_reason(alice, SELF_STUDY, entry.pk)
    assert (response.status_code, response["Location"]) == (303, SELF_STUDY)
    assert "Rejected 1 self-study entry." in alice.get(response["Location"]).content.decode()
    entry.refresh_from_db()
    assert (entry.status, entry.decision_note) == ("rejected", "No seats left.")


def test_another_institution_gets_the_redirect_and_rejects_nothing(institution, other_institution_admin):
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(institution=institution))
    outsider = logged_in(in_english(other_institution_admin))
    response = outsider.post(
        ENROLMENTS, {"action": "reject", "_selected_action": [enrolment.pk], "apply": "1", "reason": "x"}
    )
    assert response.status_code == 302
    assert "Rejected" not in outsider.get(response["Location"]).content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).state == "pending"
