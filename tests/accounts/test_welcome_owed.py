"""The welcome mail is owed in the database: the transaction that creates the person (the trainee or enrolment
import, the HR API's create and bulk upsert) makes an ``OwedWelcome`` row, with what the mail names (the cohort, or
that the employer registered them); the task claims (deletes) it and mails, and the beat sweep (``accounts: send
owed welcome mails``) enqueues it again when the on-commit enqueue was lost to a broker outage. The ordinary path
mails once; a welcome that became moot (a password chosen, a log-in, a deactivation) is cleared without a mail;
accounts made before the table existed are never mailed by it."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation

from accounts import employees, services, tasks
from accounts.models import OwedWelcome, TraineeProfile, User
from config.beat import beat_schedule
from core import owed_mail
from tests.conftest import broker_refusing as broker_down
from tests.conftest import make_trainee
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

TRAINEES = "/en/admin/accounts/traineeprofile/"
ENROLMENTS = "/en/admin/courses/enrolment/"
SITE = "http://testserver"


def later(minutes: float = 30) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(minutes=minutes)


def owes(email: str) -> bool:
    """Whether the person at ``email`` is owed a welcome."""
    return OwedWelcome.objects.filter(profile__user__email=email).exists()


def import_file(client: Client, url: str, text: str, capture) -> list:
    """Preview and confirm a file; the confirm's on-commit callbacks, not run."""
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")
    preview = client.post(f"{url}import/", {"import_file": upload, "format": "0", "resource": "0"})
    form = preview.context["confirm_form"]
    with capture(execute=False) as callbacks:
        client.post(f"{url}process_import/", {name: form[name].value() for name in form.fields})
    return callbacks


def run(callbacks: list) -> None:
    for callback in callbacks:
        callback()


def new_employee(employer, number: str, email: str, **values):
    return employees.do_create_employee(
        employer=employer, site_url=SITE,
        values={"employee_number": number, "email": email, "display_name": "Mei Lin", **values},
    )  # fmt: skip


# --- owed on creation, cleared by the mail -------------------------------------------------


def test_the_import_owes_each_new_trainee_a_welcome_until_the_task_mails_it(
    alice, institution, django_capture_on_commit_callbacks
):
    make_trainee(email="known@example.test", display_name="Known", registered_by=institution, password=None)
    callbacks = import_file(alice, TRAINEES, "email,display_name,preferred_language\nann@example.test,Ann,en\n"
                            "known@example.test,Known Again,en\n", django_capture_on_commit_callbacks)  # fmt: skip
    assert owes("ann@example.test")  # in the import's own transaction
    assert not owes("known@example.test")  # updated, not created
    run(callbacks)
    assert [message.to for message in mail.outbox] == [["ann@example.test"]]
    assert not owes("ann@example.test")


def test_the_hr_api_owes_a_new_employee_a_welcome_saying_their_employer_registered_them(
    employer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile = new_employee(employer, "A-1", "mei@bank.example", preferred_language="en")
    assert OwedWelcome.objects.filter(profile=profile).exists()
    run(callbacks)
    [message] = mail.outbox
    assert message.to == ["mei@bank.example"] and message.subject == "Your account on the BCM portal"
    with translation.override("en"):
        bank = employer.name
    assert f"{bank}, your employer, has registered you as a trainee on the BCM portal." in " ".join(
        message.body.split()
    )
    assert "/en/accounts/password/reset/" in message.body and bank in message.alternatives[0][0]
    assert not OwedWelcome.objects.filter(profile=profile).exists()


def test_the_welcome_from_an_employer_is_in_the_persons_language(employer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new_employee(employer, "A-1", "mei@bank.example", preferred_language="zh-hant")
    [message] = mail.outbox
    with translation.override("zh-hant"):
        bank = employer.name
    assert bank in message.body and "/zh-hant/accounts/password/reset/" in message.body


def test_the_bulk_upsert_owes_only_the_new_people_it_can_mail(
    employer, trainee, other_trainee, django_capture_on_commit_callbacks
):
    items = [
        {"employee_number": "A-1", "email": "new@bank.example", "display_name": "New"},
        {"employee_number": "A-2", "email": other_trainee.email, "display_name": "Taken"},  # a stand-in
        {"employee_number": "A-3", "email": "nobody@placeholder.invalid", "display_name": "No mail"},
        {"employee_number": trainee.trainee_profile.employee_number, "branch": "信義分行"},  # updated
    ]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        outcome = employees.do_upsert_employees(employer=employer, items=items, site_url=SITE)
    assert len(outcome.created) == 3 and len(outcome.updated) == 1
    assert list(OwedWelcome.objects.values_list("profile__employee_number", flat=True)) == ["A-1"]
    run(callbacks)
    assert not OwedWelcome.objects.exists()
    # The new person is welcomed; the address in use gets the employment request instead; the rest nothing.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(["new@bank.example", other_trainee.email])
    welcome = next(message for message in mail.outbox if message.to == ["new@bank.example"])
    assert "/accounts/password/reset/" in welcome.body


def test_the_bulk_upsert_marks_the_new_people_before_anything_is_sent(employer, django_capture_on_commit_callbacks):
    items = [{"employee_number": f"A-{n}", "email": f"p{n}@bank.example", "display_name": "P"} for n in range(3)]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        employees.do_upsert_employees(employer=employer, items=items, site_url=SITE)
    owed = OwedWelcome.objects.filter(profile__employer=employer).values_list("profile__employee_number", "details")
    assert sorted(owed) == [("A-0", {"employer": True}), ("A-1", {"employer": True}), ("A-2", {"employer": True})]
    assert len(callbacks) == 3


def test_a_stand_in_for_an_address_in_use_owes_no_welcome(employer, other_trainee, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        profile = new_employee(employer, "A-1", other_trainee.email)
    assert not OwedWelcome.objects.filter(profile=profile).exists()
    run(callbacks)
    assert [message.to for message in mail.outbox] == [[other_trainee.email]]
    assert "/accounts/password/reset/" not in mail.outbox[0].body  # the employment request, not a welcome


# --- the sweep ---------------------------------------------------------------------------------


def test_the_sweep_mails_a_welcome_a_broker_outage_lost_once(alice, caplog, django_capture_on_commit_callbacks):
    callbacks = import_file(alice, TRAINEES, "email,display_name,preferred_language\nann@example.test,Ann,en\n",
                            django_capture_on_commit_callbacks)  # fmt: skip
    with broker_down():
        run(callbacks)
    assert "Could not enqueue accounts.tasks.send_welcome_email" in caplog.text
    assert not mail.outbox and owes("ann@example.test")
    with mock.patch("accounts.tasks.send_welcome_email.delay") as delay:
        assert services.do_sweep_owed_welcomes() == 0  # just made: its own enqueue may still be on the way
    delay.assert_not_called()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_sweep_owed_welcomes(now=later()) == 1
    [message] = mail.outbox
    assert message.to == ["ann@example.test"] and "Taipei Banking Training Centre has registered you" in message.body
    assert not owes("ann@example.test")
    assert services.do_sweep_owed_welcomes(now=later()) == 0
    assert len(mail.outbox) == 1


def test_a_resent_welcome_still_names_the_cohort(alice, institution, django_capture_on_commit_callbacks):
    cohort = CohortFactory(institution=institution, code="A-1")
    callbacks = import_file(alice, ENROLMENTS, "email,display_name,preferred_language,cohort\n"
                            "ann@example.test,Ann,en,A-1\n", django_capture_on_commit_callbacks)  # fmt: skip
    with broker_down():
        run(callbacks)
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_sweep_owed_welcomes(now=later()) == 1
    with translation.override("en"):
        named = str(cohort)
    assert f"enrolled you in the cohort {named}, pending approval." in " ".join(mail.outbox[0].body.split())


def test_the_sweep_resends_an_employers_welcome_the_broker_lost(employer, django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        profile = new_employee(employer, "A-1", "mei@bank.example", preferred_language="en")
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_sweep_owed_welcomes(now=later()) == 1
    with translation.override("en"):
        assert f"{employer.name}, your employer, has registered you" in " ".join(mail.outbox[0].body.split())
    assert not OwedWelcome.objects.filter(profile=profile).exists()


def test_the_sweep_stops_quietly_while_the_broker_is_down(alice, caplog, django_capture_on_commit_callbacks):
    callbacks = import_file(alice, TRAINEES, "email,display_name\nann@example.test,Ann\n",
                            django_capture_on_commit_callbacks)  # fmt: skip
    with broker_down():
        run(callbacks)
        assert services.do_sweep_owed_welcomes(now=later()) == 0
    assert "broker is unreachable" in caplog.text
    assert owes("ann@example.test")  # still owed for the next sweep


def test_the_sweep_gives_up_a_welcome_owed_longer_than_its_window(alice, caplog, django_capture_on_commit_callbacks):
    import_file(alice, TRAINEES, "email,display_name\nann@example.test,Ann\n", django_capture_on_commit_callbacks)
    with mock.patch("accounts.tasks.send_welcome_email.delay") as delay:
        assert services.do_sweep_owed_welcomes(now=later(1) + owed_mail.GIVE_UP_AFTER) == 0
    delay.assert_not_called()
    assert not owes("ann@example.test")
    assert "welcome mail sweep gave up 1 mails owed for longer than 7 days" in caplog.text


def test_the_beat_schedule_runs_the_sweep_every_ten_minutes():
    entry = beat_schedule()["accounts: send owed welcome mails"]
    assert entry == {"task": "accounts.tasks.send_owed_welcomes", "schedule": 600.0}


# --- once, and never when moot ----------------------------------------------------------------


def test_the_task_run_twice_mails_once(alice, django_capture_on_commit_callbacks):
    import_file(alice, TRAINEES, "email,display_name\nann@example.test,Ann\n", django_capture_on_commit_callbacks)
    user = User.objects.get(email="ann@example.test")
    assert tasks.send_welcome_email(user.pk, SITE) is True
    assert tasks.send_welcome_email(user.pk, SITE) is False  # a duplicate message, or the sweep's
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_leaves_the_welcome_owed(alice, django_capture_on_commit_callbacks):
    import_file(alice, TRAINEES, "email,display_name\nann@example.test,Ann\n", django_capture_on_commit_callbacks)
    user = User.objects.get(email="ann@example.test")
    down = mock.patch("accounts.services.send_templated_mail", side_effect=ConnectionRefusedError("smtp down"))
    with down, pytest.raises(ConnectionRefusedError):
        services.send_welcome_mail(user_id=user.pk, site_url=SITE)
    assert owes("ann@example.test")  # the claim went back with the failure
    assert services.send_welcome_mail(user_id=user.pk, site_url=SITE) is True
    assert not owes("ann@example.test")


@pytest.mark.parametrize("moot", ["deactivated", "password chosen", "logged in"])
def test_a_moot_welcome_is_cleared_without_a_mail(moot, employer, django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        profile = new_employee(employer, "A-1", "mei@bank.example")
    user = profile.user
    if moot == "deactivated":
        employees.do_deactivate_employee(profile=TraineeProfile.objects.get(pk=profile.pk))
    elif moot == "password chosen":
        user.set_password("a-long-first-passphrase-2026")
        user.save(update_fields=["password"])
    else:
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.do_sweep_owed_welcomes(now=later()) == 1
    assert not mail.outbox
    assert not OwedWelcome.objects.filter(profile=profile).exists()
    assert services.do_sweep_owed_welcomes(now=later()) == 0  # not again at the next sweep


def test_accounts_made_before_the_table_are_never_mailed_by_it(institution, employer):
    # An imported trainee and an employee from before: no password, never logged in, and nothing owed.
    old = make_trainee(email="old@example.test", display_name="Old", registered_by=institution, password=None)
    employee = new_employee(employer, "A-9", "old@bank.example")  # its enqueue never runs here
    OwedWelcome.objects.filter(profile=employee).delete()  # as before the table
    with mock.patch("accounts.tasks.send_welcome_email.delay") as delay:
        assert services.do_sweep_owed_welcomes(now=later(60 * 24)) == 0
    delay.assert_not_called()
    assert tasks.send_welcome_email(old.pk, SITE) is False  # a stray message sends nothing either
    assert not mail.outbox


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_leaves_the_accounts_it_finds_owing_nothing(institution):
    from .test_employee_numbers import latest, migrate, past_profile

    try:
        past = migrate([("accounts", "0022_audit_log_in_changes")])
        # Made as an import made them (no password, never logged in), before the table existed, by the models of
        # that time.
        past_profile(past, email="old@example.test", employee_number="", registered_by_id=institution.pk)
        migrate(latest())
    finally:
        migrate(latest())
    assert User.objects.get(email="old@example.test").trainee_profile.registered_by == institution
    assert not OwedWelcome.objects.exists()
    with mock.patch("accounts.tasks.send_welcome_email.delay") as delay:
        assert services.do_sweep_owed_welcomes(now=later(60)) == 0
    delay.assert_not_called()
