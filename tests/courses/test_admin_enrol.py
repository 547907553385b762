"""Staff enrol one trainee in one cohort from admin, through the service every enrolment uses."""

import pytest
from django.utils import translation

from accounts.models import AuditEvent
from courses import services
from courses.models import Cohort, Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/en/admin/courses/enrolment/enrol/"


def choices(response, field: str) -> set[int]:
    return {int(value.value) for value, _label in response.context["form"].fields[field].choices if value}


def test_an_institution_admin_enrols_their_trainee_in_their_cohort(alice, institution, trainee):
    cohort = CohortFactory(institution=institution, code="A-1")
    changelist = alice.get("/en/admin/courses/enrolment/").content.decode()
    assert 'href="/en/admin/courses/enrolment/enrol/"' in changelist
    response = alice.post(URL, {"trainee": trainee.pk, "cohort": cohort.pk})
    enrolment = Enrolment.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/enrolment/{enrolment.pk}/change/")
    assert (enrolment.trainee, enrolment.cohort, enrolment.state) == (trainee, cohort, "pending")
    cohort.refresh_from_db()
    assert cohort.seats_taken == 1
    assert AuditEvent.objects.filter(action="enrolment_state", object_id=str(enrolment.pk)).exists()


def test_only_the_institutions_own_trainees_and_cohorts_are_offered_or_accepted(
    alice, institution, other_institution, trainee, other_trainee
):
    mine = CohortFactory(institution=institution)
    theirs = CohortFactory(institution=other_institution)
    page = alice.get(URL)
    assert page.status_code == 200
    assert trainee.pk in choices(page, "trainee") and other_trainee.pk not in choices(page, "trainee")
    assert mine.pk in choices(page, "cohort") and theirs.pk not in choices(page, "cohort")
    for data in ({"trainee": other_trainee.pk, "cohort": mine.pk}, {"trainee": trainee.pk, "cohort": theirs.pk}):
        response = alice.post(URL, data)
        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
    assert not Enrolment.objects.exists()
    assert Cohort.objects.get(pk=theirs.pk).seats_taken == 0


def test_the_program_office_may_enrol_anyone_in_any_cohort(office, other_institution, trainee):
    cohort = CohortFactory(institution=other_institution)
    assert office.post(URL, {"trainee": trainee.pk, "cohort": cohort.pk}).status_code == 302
    assert Enrolment.objects.get().cohort == cohort


def test_a_full_cohort_is_a_form_error_and_nothing_is_written(alice, institution, trainee):
    cohort = CohortFactory(institution=institution, code="A-FULL", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    response = alice.post(URL, {"trainee": trainee.pk, "cohort": cohort.pk})
    assert response.status_code == 200
    assert response.context["form"].errors == {"cohort": [f"Cohort {cohort} is full."]}
    assert Enrolment.objects.filter(trainee=trainee).count() == 0
    cohort.refresh_from_db()
    assert cohort.seats_taken == 1


def test_an_enrolled_trainee_is_refused_by_name(alice, institution, trainee):
    first = CohortFactory(institution=institution)
    second = CohortFactory(institution=institution)  # the same curriculum
    services.do_enrol(trainee=trainee, cohort=first)
    response = alice.post(URL, {"trainee": trainee.pk, "cohort": second.pk})
    errors = response.context["form"].errors
    assert list(errors) == ["trainee"]
    assert errors["trainee"][0].startswith(f"{trainee} already has an active enrolment for")
    assert Enrolment.objects.filter(trainee=trainee).count() == 1
    assert Cohort.objects.get(pk=second.pk).seats_taken == 0


def test_a_closed_cohort_is_refused(alice, institution, trainee):
    cohort = CohortFactory(institution=institution, code="A-SHUT", status="closed")
    response = alice.post(URL, {"trainee": trainee.pk, "cohort": cohort.pk})
    assert response.context["form"].errors == {"cohort": [f"Cohort {cohort} is not open for enrolment."]}
    assert not Enrolment.objects.exists()


def test_the_refusal_is_in_the_users_language(client, institution, institution_admin, trainee):
    assert institution_admin.preferred_language == "zh-hant"
    client.force_login(institution_admin)
    cohort = CohortFactory(institution=institution, code="A-FULL", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    response = client.post("/zh-hant/admin/courses/enrolment/enrol/", {"trainee": trainee.pk, "cohort": cohort.pk})
    with translation.override("zh-hant"):
        assert f"梯次 {cohort} 已額滿。" in response.content.decode()


def test_staff_who_may_not_change_enrolments_cannot_enrol(institution_grader, trainee):
    client = logged_in(institution_grader)
    assert client.get(URL).status_code == 403
    assert "enrolment/enrol/" not in client.get("/en/admin/courses/enrolment/").content.decode()
