"""Each person the trainee or enrolment import creates is mailed, once the import commits, in their language: which
institution registered them (and in which cohort the enrolment import enrolled them), their log-in, and a link to
choose their first password, how long it works and that "Forgot your password?" gives a new one. Trainees the file
updates get nothing; a preview, or a confirm that imports nothing (all rows or none), mails nobody. The import's
message says the new trainees were mailed. The import records each welcome as owed; the task claims it, so run twice it
mails once (tests/accounts/test_welcome_owed.py: the sweep, the broker outage), and it mails nothing to an
account that has meanwhile chosen a password or been deactivated."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from accounts import services, tasks
from accounts.models import OwedWelcome, User
from courses.models import Cohort, Enrolment
from tests.conftest import make_trainee
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

TRAINEES = "/en/admin/accounts/traineeprofile/"
ENROLMENTS = "/en/admin/courses/enrolment/"
PASSWORD = "a-long-first-passphrase-2026"
LINK = re.compile(r"https?://[^/\s]+(/\S*/accounts/password/reset/[^/\s]+/[^/\s]+/)")


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")


def import_file(client: Client, url: str, text: str, capture):
    """Preview, then confirm (the callbacks run on commit, as after a real request); the page after the confirm."""
    preview = client.post(f"{url}import/", {"import_file": upload(text), "format": "0", "resource": "0"})
    form = preview.context["confirm_form"]
    assert not mail.outbox  # the preview mails nobody
    with capture(execute=True):
        return client.post(f"{url}process_import/", {name: form[name].value() for name in form.fields}, follow=True)


def mail_to(address: str) -> mail.EmailMessage:
    [message] = [message for message in mail.outbox if message.to == [address]]
    return message


def link_in(message: mail.EmailMessage) -> str:
    return LINK.search(message.body).group(1)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_each_trainee_the_import_creates_is_mailed_in_their_language_and_updated_ones_are_not(
    alice, institution, django_capture_on_commit_callbacks
):
    make_trainee(email="known@example.test", display_name="Known", registered_by=institution, password=None)
    text = (
        "email,display_name,preferred_language\n"
        "ann@example.test,Ann Lee,en\n"
        "hua@example.test,林小華,zh-hant\n"
        "known@example.test,Known Again,en\n"
    )
    done = import_file(alice, TRAINEES, text, django_capture_on_commit_callbacks)

    assert sorted(message.to[0] for message in mail.outbox) == ["ann@example.test", "hua@example.test"]
    english = mail_to("ann@example.test")
    assert english.subject == "Your account on the BCM portal"
    assert "Hello Ann Lee," in english.body
    assert "Taipei Banking Training Centre has registered you as a trainee on the BCM portal." in english.body
    assert "Your log-in is this e-mail address: ann@example.test" in english.body
    assert link_in(english).startswith("/en/accounts/password/reset/")
    assert "The link works once, for 3\xa0days." in english.body  # PASSWORD_RESET_TIMEOUT, as timesince says it
    assert "“Forgot your password?” on the log-in page e-mails you a new one" in english.body
    assert "/en/accounts/password/reset/\n" in english.body  # where to ask for a new one
    html, mime = english.alternatives[0]
    assert mime == "text/html" and link_in(english) in html and "Taipei Banking Training Centre" in html

    chinese = mail_to("hua@example.test")
    assert "林小華 您好" in chinese.body  # rendered in the trainee's language, not the importer's
    assert "臺北金融研訓中心" in chinese.body and "Taipei Banking" not in chinese.body
    assert link_in(chinese).startswith("/zh-hant/accounts/password/reset/")
    assert "3\xa0日" in chinese.body

    assert (
        "The 2 new trainees are e-mailed a link to choose their password and log in. The link works for 3\xa0days; "
        "“Forgot your password?” on the log-in page e-mails a new one."
    ) in messages_of(done)


def test_the_link_in_the_mail_sets_the_first_password(alice, django_capture_on_commit_callbacks):
    import_file(alice, TRAINEES, "email,display_name\nann@example.test,Ann\n", django_capture_on_commit_callbacks)
    visitor = Client()
    opened = visitor.get(link_in(mail_to("ann@example.test")), follow=True)
    form_url = opened.redirect_chain[-1][0]
    visitor.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    user = User.objects.get(email="ann@example.test")
    assert user.check_password(PASSWORD) and user.email_verified_at is not None
    assert (
        visitor.post("/en/accounts/login/", {"username": "ann@example.test", "password": PASSWORD}).status_code == 302
    )


def test_the_enrolment_import_names_the_cohort_in_the_trainees_language(
    alice, institution, django_capture_on_commit_callbacks
):
    cohort = CohortFactory(institution=institution, code="A-1")
    make_trainee(email="known@example.test", display_name="Known", registered_by=institution, password=None)
    text = (
        "email,display_name,preferred_language,cohort\n"
        "ann@example.test,Ann,en,A-1\n"
        "hua@example.test,林小華,zh-hant,A-1\n"
        "known@example.test,Known,en,A-1\n"  # enrolled, not created: no welcome
    )
    done = import_file(alice, ENROLMENTS, text, django_capture_on_commit_callbacks)

    assert Enrolment.objects.filter(cohort=cohort).count() == 3
    assert sorted(message.to[0] for message in mail.outbox) == ["ann@example.test", "hua@example.test"]
    cohort = Cohort.objects.get(pk=cohort.pk)
    with translation.override("en"):
        in_english = str(cohort)
    with translation.override("zh-hant"):
        in_chinese = str(cohort)
    english = mail_to("ann@example.test").body
    assert (
        f"Taipei Banking Training Centre has registered you as a trainee on the BCM portal and enrolled you in the "
        f"cohort {in_english}, pending approval." in " ".join(english.split())
    )
    chinese = mail_to("hua@example.test").body
    assert in_chinese in chinese and in_english not in chinese
    assert any("The 2 new trainees are e-mailed a link" in message for message in messages_of(done))


def test_the_program_office_says_it_registered_them(office, django_capture_on_commit_callbacks):
    import_file(office, TRAINEES, "email,display_name,preferred_language\nann@example.test,Ann,en\n",
                django_capture_on_commit_callbacks)  # fmt: skip
    assert "The program office has registered you as a trainee on the BCM portal." in mail_to("ann@example.test").body


def test_a_file_with_only_updates_mails_nobody_and_says_nothing_of_mail(
    alice, institution, django_capture_on_commit_callbacks
):
    make_trainee(email="known@example.test", display_name="Known", registered_by=institution, password=None)
    done = import_file(alice, TRAINEES, "email,display_name\nknown@example.test,Known Again\n",
                       django_capture_on_commit_callbacks)  # fmt: skip
    assert not mail.outbox
    assert not any("e-mailed" in message for message in messages_of(done))


def test_a_confirm_that_fails_mails_nobody(alice, institution, django_capture_on_commit_callbacks):
    cohort = CohortFactory(institution=institution, code="A-1", capacity=2)
    text = "email,display_name,cohort\nann@example.test,Ann,A-1\nben@example.test,Ben,A-1\n"
    preview = alice.post(f"{ENROLMENTS}import/", {"import_file": upload(text), "format": "0", "resource": "0"})
    form = preview.context["confirm_form"]
    Cohort.objects.filter(pk=cohort.pk).update(seats_taken=1)  # Ann's row still fits, Ben's no longer does
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        done = alice.post(
            f"{ENROLMENTS}process_import/", {name: form[name].value() for name in form.fields}, follow=True
        )
    assert not User.objects.filter(email__endswith="@example.test").exists()  # all rows or none
    assert not mail.outbox and not callbacks
    assert not any("e-mailed" in message for message in messages_of(done))


def test_a_file_with_a_refused_row_mails_nobody(alice, django_capture_on_commit_callbacks):
    text = "email,display_name\nann@example.test,Ann\nnot-an-address,Ben\n"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alice.post(f"{TRAINEES}import/", {"import_file": upload(text), "format": "0", "resource": "0"})
    assert not mail.outbox and not callbacks


def test_the_task_run_twice_mails_once_and_nothing_once_a_password_is_chosen(alice, django_capture_on_commit_callbacks):
    import_file(alice, TRAINEES, "email,display_name,preferred_language\nann@example.test,Ann,en\n",
                django_capture_on_commit_callbacks)  # fmt: skip
    user = User.objects.get(email="ann@example.test")
    assert tasks.send_welcome_email(user.pk, "http://testserver") is False  # a retry, say: mailed already
    [first] = mail.outbox
    visitor = Client()
    form_url = visitor.get(link_in(first), follow=True).redirect_chain[-1][0]
    visitor.post(form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)

    OwedWelcome.objects.create(profile=user.trainee_profile)  # owed again (say a profile restored): moot now
    assert tasks.send_welcome_email(user.pk, "http://testserver") is False
    assert len(mail.outbox) == 1


def test_the_task_mails_nothing_to_a_deactivated_account(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the import's own task is not run
        preview = alice.post(f"{TRAINEES}import/", {"import_file": upload("email,display_name\nann@example.test,Ann\n"),
                                                    "format": "0", "resource": "0"})  # fmt: skip
        form = preview.context["confirm_form"]
        alice.post(f"{TRAINEES}process_import/", {name: form[name].value() for name in form.fields})
    User.objects.filter(email="ann@example.test").update(is_active=False)
    assert tasks.send_welcome_email(User.objects.get(email="ann@example.test").pk, "http://testserver") is False
    assert not mail.outbox


def test_the_preview_says_the_new_trainees_will_be_mailed(alice, institution):
    make_trainee(email="known@example.test", display_name="Known", registered_by=institution, password=None)
    text = "email,display_name\nann@example.test,Ann\nben@example.test,Ben\nknown@example.test,Known Again\n"
    html = alice.post(f"{TRAINEES}import/", {"import_file": upload(text), "format": "0", "resource": "0"})
    assert "Once you confirm, each of the 2 new trainees is e-mailed a link to choose their password." in " ".join(
        html.content.decode().split()
    )
    only_updates = "email,display_name\nknown@example.test,Known Once More\n"
    html = alice.post(f"{TRAINEES}import/", {"import_file": upload(only_updates), "format": "0", "resource": "0"})
    assert "e-mailed" not in html.content.decode()


def test_the_mail_says_how_long_the_link_works_as_the_setting_says(institution, settings):
    settings.PASSWORD_RESET_TIMEOUT = 2 * 3600
    user = make_trainee(email="ann@example.test", display_name="Ann", registered_by=institution, password=None,
                        preferred_language="en")  # fmt: skip
    services.welcome_on_commit(profile=user.trainee_profile)  # as the import does (its enqueue is not run here)
    assert tasks.send_welcome_email(user.pk, "http://testserver") is True
    assert "The link works once, for 2\xa0hours." in mail.outbox[0].body
