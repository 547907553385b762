"""Enrolling from a cohort's page: a confirmation page first (what the trainee applies for, that the training is
blended, what happens next), then the application, the "application received" mail with a link to the portal;
the decision mails link to the portal too."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.html import escape

from courses import services
from courses.models import Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = "https://portal.example.test"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE + "/"


def test_the_cohort_page_leads_to_a_confirmation_page_not_straight_to_an_enrolment():
    CohortFactory(code="TPE-1")
    client = logged_in(UserFactory())
    page = client.get("/en/cohorts/TPE-1/").content.decode()
    assert 'href="/en/cohorts/TPE-1/enrol/"' in page
    assert 'action="/en/cohorts/TPE-1/enrol/"' not in page  # no button that enrols at once


def test_the_confirmation_page_says_what_the_trainee_applies_for_and_what_happens_next():
    cohort = CohortFactory(
        code="TPE-1",
        offers_remote=True,
        starts_on=timezone.localdate() + datetime.timedelta(days=30),
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    trainee = UserFactory()
    response = logged_in(trainee).get("/en/cohorts/TPE-1/enrol/")
    html = response.content.decode()
    assert response.status_code == 200
    assert escape(cohort.institution.name_en) in html and "Standard" in html
    assert cohort.starts_on.strftime("%-d %B %Y").lstrip("0") in html
    assert "This training is blended" in html and "You do not choose one" in html
    assert "Face-to-face:" in html and "Remote learning:" in html and "Self-study:" in html
    assert "reviews it" in html and "We e-mail you that your application was received" in html
    assert 'action="/en/cohorts/TPE-1/enrol/"' in html and "Send my application" in html
    assert not Enrolment.objects.exists()  # looking enrols nobody
    assert mail.outbox == []


def test_a_cohort_of_one_mode_is_not_called_blended():
    CohortFactory(code="WEB-1", is_online=True, offers_remote=True, offers_self_study=False)
    CohortFactory(code="TPE-1")
    client = logged_in(UserFactory())
    assert "blended" not in client.get("/en/cohorts/WEB-1/enrol/").content.decode().lower()
    assert "Blended: the cohort combines these modes" not in client.get("/en/cohorts/WEB-1/").content.decode()
    assert "Blended: the cohort combines these modes" in client.get("/en/cohorts/TPE-1/").content.decode()


def test_the_confirmation_page_gives_the_reason_when_the_trainee_cannot_apply():
    cohort = CohortFactory(code="TPE-1", capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    html = logged_in(UserFactory()).get("/en/cohorts/TPE-1/enrol/").content.decode()
    assert 'id="enrol-reason"' in html and "is full" in html
    assert 'action="/en/cohorts/TPE-1/enrol/"' not in html


def test_the_confirmation_page_needs_a_log_in_and_comes_back_after_it(client, settings):
    settings.LOGIN_URL = "/en/admin/login/"
    CohortFactory(code="TPE-1")
    response = client.get("/en/cohorts/TPE-1/enrol/")
    assert response.status_code == 302 and "next=/en/cohorts/TPE-1/enrol/" in response["Location"]


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [("en", "We received your application for", "reviews your application"), ("zh-hant", "報名申請", "審核")],
)
def test_applying_mails_that_the_application_was_received_in_the_trainees_language(
    django_capture_on_commit_callbacks, language, subject, body
):
    cohort = CohortFactory(code="TPE-1")
    trainee = UserFactory(preferred_language=language)
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(trainee).post("/en/cohorts/TPE-1/enrol/")
    assert response.status_code == 302 and response["Location"] == "/en/dashboard/"
    enrolment = Enrolment.objects.get(trainee=trainee, cohort=cohort)
    assert enrolment.state == Enrolment.State.PENDING
    [message] = mail.outbox
    assert message.to == [trainee.email]
    assert subject in message.subject and cohort.code in message.subject
    link = f"{SITE}/{language}/dashboard/#enrolment-{enrolment.pk}"
    html = message.alternatives[0][0]
    assert body in message.body and link in message.body
    assert f'<a href="{link}">' in html and body in html
    with translation.override(language):
        assert cohort.institution.name in message.body  # named in the trainee's language


def test_no_received_mail_once_the_institution_decided_or_for_enrolments_staff_make(django_capture_on_commit_callbacks):
    from courses.tasks import send_enrolment_received_email

    cohort = CohortFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_enrol(trainee=UserFactory(), cohort=cohort, acting_institution=cohort.institution, on_behalf=True)
    assert mail.outbox == []  # staff enrolled them: no "your application" mail
    enrolment = services.do_apply(trainee=UserFactory(), cohort=cohort)  # not committed: nothing sent yet
    services.do_reject_enrolment(enrolment=enrolment, reason="For member banks only.")
    mail.outbox.clear()
    assert send_enrolment_received_email(enrolment.pk) is False
    assert mail.outbox == []


@pytest.mark.parametrize("approved", [True, False])
def test_the_decision_mails_link_to_the_portal(django_capture_on_commit_callbacks, approved):
    trainee = UserFactory(preferred_language="zh-hant")
    enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if approved:
            services.do_approve_enrolment(enrolment=enrolment)
        else:
            services.do_reject_enrolment(enrolment=enrolment, reason="名額保留給會員銀行。")
    [message] = mail.outbox
    link = f"{SITE}/zh-hant/dashboard/#enrolment-{enrolment.pk}"
    assert link in message.body and f'href="{link}"' in message.alternatives[0][0]
    cohorts = f"{SITE}/zh-hant/cohorts/"
    assert (cohorts in message.body) is (not approved)  # not approved: where to find another cohort
    assert not re.search(r"https?://(?!portal\.example\.test)", message.body)  # every link on the site's address
