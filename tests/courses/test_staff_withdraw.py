"""Staff withdraw enrolments as they reject them: the list's action leads to a page of its own that lists the
enrolments and asks for the reason (required, by the service too); the trainee is mailed it in their language,
once, enqueued when the withdrawal commits (the decision mail's task, claim and sweep), the change is audited with
the reason, and the trainee's dashboard says the institution withdrew the enrolment, when and why. (It ran at once
before: no page, no reason, no mail.) A trainee's own withdrawal mails nothing."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from accounts.models import AuditEvent
from courses import mail as training_mail
from courses import services
from courses.models import Cohort, Enrolment
from courses.services import TrainingError
from courses.tasks import send_enrolment_decision_email
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

ENROLMENTS = "/en/admin/courses/enrolment/"
PAGE = "/en/admin/courses/enrolment/action/withdraw/"
REASON = "Absent from the first three sessions without notice."


def admitted(institution, language: str = "en", name: str = "王小明") -> Enrolment:
    trainee = UserFactory(display_name=name, preferred_language=language)
    enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory(institution=institution))
    with mock.patch("courses.tasks.send_enrolment_decision_email.delay"):  # its approval mail is not the point
        enrolment = services.do_approve_enrolment(enrolment=enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(decision_mailed_at=timezone.now())  # approval mailed
    return enrolment


def test_the_action_asks_first_on_a_page_listing_the_enrolments(alice, institution):
    first, second = admitted(institution), admitted(institution, name="李美玲")
    response = alice.post(ENROLMENTS, {"action": "withdraw", "_selected_action": [first.pk, second.pk]})
    assert response.status_code == 303 and response["Location"].startswith(PAGE)
    page = alice.get(response["Location"]).content.decode()
    assert "<h1>Withdraw the selected enrolments</h1>" in page and 'name="reason"' in page
    for enrolment in (first, second):
        assert escape(f"{enrolment.trainee} · {enrolment.cohort.code} · approved") in page
    assert "is e-mailed the reason" in page
    assert set(Enrolment.objects.values_list("state", flat=True)) == {"approved"}  # nothing done yet


def test_the_reason_is_required(alice, institution, django_capture_on_commit_callbacks):
    enrolment = admitted(institution)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"{PAGE}?ids={enrolment.pk}", {"apply": "1", "reason": "   "})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.state == "approved" and not mail.outbox
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_withdraw_enrolment_by_institution(enrolment=enrolment, reason=" ")
    assert (refused.value.code, refused.value.field) == ("reason_missing", "reason")


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_trainee_is_mailed_the_reason_in_their_language_once(
    alice, institution, institution_admin, language, django_capture_on_commit_callbacks
):
    enrolment = admitted(institution, language)
    cohort = Cohort.objects.get(pk=enrolment.cohort_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = alice.post(f"{PAGE}?ids={enrolment.pk}", {"apply": "1", "reason": REASON})
    assert (response.status_code, response["Location"]) == (303, ENROLMENTS)
    assert "Withdrew 1 enrolment." in alice.get(ENROLMENTS).content.decode()
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.withdrawal_reason) == ("withdrawn", REASON)
    assert enrolment.withdrawn_at is not None and enrolment.decision_mailed_at is not None
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == cohort.seats_taken - 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [enrolment.trainee.email]
    assert REASON in message.body and REASON in message.alternatives[0][0]
    with translation.override(language):
        assert str(enrolment.cohort) in message.subject
        assert translation.gettext("Reason:") in message.body
    assert ("理由：" in message.body) == (language == "zh-hant")
    assert send_enrolment_decision_email(enrolment.pk) is False  # a second run sends nothing
    assert len(mail.outbox) == 1
    event = AuditEvent.objects.filter(action="enrolment_state", object_id=str(enrolment.pk)).latest("pk")
    assert event.actor == institution_admin
    assert event.detail["new_state"] == "withdrawn" and event.detail["reason"] == REASON


def test_the_mail_waits_for_the_commit(institution, django_capture_on_commit_callbacks):
    enrolment = admitted(institution)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.do_withdraw_enrolment_by_institution(enrolment=enrolment, reason=REASON)
    assert not mail.outbox and len(callbacks) >= 1
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and "withdrawn" in mail.outbox[0].subject


def test_an_approval_mail_still_on_its_way_tells_the_withdrawal_once(institution, django_capture_on_commit_callbacks):
    trainee = UserFactory(preferred_language="en")
    enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory(institution=institution))
    with django_capture_on_commit_callbacks(execute=False) as approval:
        services.do_approve_enrolment(enrolment=enrolment)
    with django_capture_on_commit_callbacks(execute=False) as withdrawal:
        services.do_withdraw_enrolment_by_institution(enrolment=enrolment, reason=REASON)
    for callback in [*approval, *withdrawal]:
        callback()
    with translation.override("en"):
        cohort = str(Enrolment.objects.get(pk=enrolment.pk).cohort)
    assert [m.subject for m in mail.outbox] == [f"Your enrolment in {cohort} was withdrawn"]


def test_the_sweep_sends_a_lost_withdrawal_mail(institution, django_capture_on_commit_callbacks):
    enrolment = admitted(institution)
    with mock.patch("courses.tasks.send_enrolment_decision_email.delay"):  # the broker loses it
        services.do_withdraw_enrolment_by_institution(enrolment=enrolment, reason=REASON)
    Enrolment.objects.filter(pk=enrolment.pk).update(withdrawn_at=timezone.now() - datetime.timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_decision_mails() == 1
    assert [m.to for m in mail.outbox] == [[enrolment.trainee.email]]
    with django_capture_on_commit_callbacks(execute=True):
        assert training_mail.do_sweep_decision_mails() == 0


def test_a_trainees_own_withdrawal_mails_nothing(institution, django_capture_on_commit_callbacks):
    enrolment = admitted(institution)
    with django_capture_on_commit_callbacks(execute=True):
        services.do_withdraw_enrolment(enrolment=enrolment, by=enrolment.trainee)
    enrolment.refresh_from_db()
    assert enrolment.state == "withdrawn" and enrolment.withdrawal_reason == "" and enrolment.withdrawn_at
    assert send_enrolment_decision_email(enrolment.pk) is False and not mail.outbox
    Enrolment.objects.filter(pk=enrolment.pk).update(decision_mailed_at=None)
    assert send_enrolment_decision_email(enrolment.pk) is False and not mail.outbox


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_trainees_dashboard_shows_the_withdrawal_and_the_reason(institution, language):
    enrolment = admitted(institution, language)
    services.do_withdraw_enrolment_by_institution(enrolment=enrolment, reason=REASON)
    enrolment.refresh_from_db()
    page = logged_in(enrolment.trainee).get(f"/{language}/dashboard/").content.decode()
    with translation.override(language):
        day = date_format(timezone.localtime(enrolment.withdrawn_at).date())
        said = translation.gettext("Your institution withdrew this enrolment on %(date)s.") % {"date": day}
        reason = translation.gettext("Reason:")
    assert f"{escape(said)} {escape(reason)} {REASON}" in page


def test_an_enrolment_no_longer_active_is_refused_by_name(alice, institution):
    enrolment = admitted(institution)
    services.do_withdraw_enrolment(enrolment=enrolment)
    response = alice.post(f"{PAGE}?ids={enrolment.pk}", {"apply": "1", "reason": REASON}, follow=True)
    assert "can be withdrawn; this one is withdrawn." in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.withdrawal_reason == ""
