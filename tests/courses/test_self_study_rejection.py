"""Rejected self-study says why: staff give the reason on the reject action's page (required, by the
service too), it is stored on the entry, and the trainee reads it on their dashboard (no one else does);
an institution rejects only its own cohorts' entries."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from courses import services
from courses.models import Enrolment, SelfStudyEntry
from courses.services import TrainingError
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "Chapter 3 is not part of BCM-101; log it under the course you studied."


def enrolled(trainee, institution) -> Enrolment:
    today = timezone.localdate()
    cohort = CohortFactory(
        institution=institution, offers_self_study=True,
        starts_on=today - datetime.timedelta(days=7), ends_on=today + datetime.timedelta(days=21),
    )  # fmt: skip
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


def logged(enrolment: Enrolment, note: str = "第三章") -> SelfStudyEntry:
    return services.do_log_self_study(
        trainee=enrolment.trainee, enrolment=enrolment, course=enrolment.curriculum.entries.first().course,
        studied_on=timezone.localdate(), hours=2, note=note,
    )  # fmt: skip


@pytest.fixture
def entry(trainee, institution) -> SelfStudyEntry:
    return logged(enrolled(trainee, institution))


def reject(client: Client, entry: SelfStudyEntry, **form) -> str:
    """The change list's post of the action (which leads to the reason's page), or with ``form`` that page's form
    posted; the page it lands on."""
    if form:
        page = f"/en/admin/courses/selfstudyentry/action/reject/?ids={entry.pk}"
        response = client.post(page, form, follow=True)
    else:
        selected = {"action": "reject", "_selected_action": [entry.pk]}
        response = client.post("/en/admin/courses/selfstudyentry/", selected, follow=True)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("reason", ["", "   "])
def test_the_service_refuses_a_rejection_without_a_reason(entry, institution_admin, reason):
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_reject_self_study(entry=entry, reason=reason, by=institution_admin)
    assert (refused.value.code, refused.value.field) == ("reason_missing", "reason")
    with translation.override("en"):
        assert str(refused.value) == "Say why the self-study is rejected: the trainee reads it on their dashboard."
    entry.refresh_from_db()
    assert (entry.status, entry.decision_note, entry.decided_by) == ("logged", "", None)


def test_the_reject_action_asks_for_the_reason_first_and_stores_it(entry, alice, institution_admin):
    page = reject(alice, entry)  # the change list's post: only the action and the rows
    assert 'name="reason"' in page and 'name="apply"' in page
    page = reject(alice, entry, reason="  ", apply="1")  # no reason: asked again
    assert 'name="reason"' in page and "This field is required." in page
    entry.refresh_from_db()
    assert entry.status == "logged"

    page = reject(alice, entry, reason=f"  {REASON}  ", apply="1")

    assert "Rejected 1 self-study entry." in page
    entry.refresh_from_db()
    assert (entry.status, entry.decision_note, entry.decided_by) == ("rejected", REASON, institution_admin)
    assert REASON in alice.get(f"/en/admin/courses/selfstudyentry/{entry.pk}/change/").content.decode()


def test_the_trainee_reads_the_reason_and_nobody_else_does(entry, trainee, institution, institution_admin):
    cohort_mate = enrolled(UserFactory(), institution)
    logged(cohort_mate)
    client = logged_in(trainee)
    assert REASON not in client.get("/en/dashboard/").content.decode()  # cached, then the rejection comes
    services.do_reject_self_study(entry=entry, reason=REASON, by=institution_admin)

    page = client.get("/en/dashboard/").content.decode()
    table = page[page.index('id="self-study"') :]
    assert "Rejected" in table and f"Reason: {REASON}" in table

    assert REASON not in logged_in(cohort_mate.trainee).get("/en/dashboard/").content.decode()


def test_another_institution_cannot_reject_the_entry(entry, institution, other_institution, other_institution_admin):
    admin_b = logged_in(other_institution_admin)
    reject(admin_b, entry, reason=REASON, apply="1")  # their admin never sees the row
    entry.refresh_from_db()
    assert (entry.status, entry.decision_note) == ("logged", "")

    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_reject_self_study(
            entry=entry, reason=REASON, by=other_institution_admin, acting_institution=other_institution
        )
    assert (refused.value.code, str(refused.value)) == (
        "foreign_cohort", "This self-study entry belongs to another institution."
    )  # fmt: skip
    with pytest.raises(TrainingError):
        services.do_confirm_self_study(entry=entry, acting_institution=other_institution)
    entry.refresh_from_db()
    assert (entry.status, entry.decision_note) == ("logged", "")
    services.do_reject_self_study(entry=entry, reason=REASON, acting_institution=institution)  # its own: taken
    entry.refresh_from_db()
    assert entry.status == "rejected"
