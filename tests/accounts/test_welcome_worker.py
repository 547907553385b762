"""A welcome the broker lost when the person was created is mailed by a real worker once the beat sweep enqueues it
again, and only once however many messages ask for it (accounts.services.send_welcome_mail claims the row)."""

import datetime
import logging
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from accounts import employees, services, tasks
from accounts.models import OwedWelcome
from core import owed_mail
from tests.conftest import celery_worker_process, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def welcomes_in(folder: Path, address: str) -> int:
    """How many mails to ``address`` the worker wrote (the file backend: a file per sending)."""
    return sum(
        f"To: {address}" in text and "/accounts/password/reset/" in text
        for text in (path.read_text(errors="ignore") for path in folder.glob("mail/*"))
    )


def test_a_welcome_the_broker_lost_is_sent_by_the_worker_after_the_sweep_once(employer, caplog):
    caplog.set_level(logging.WARNING, logger="core.tasks")
    with tempfile.TemporaryDirectory(prefix="bcm-var-") as var:
        folder = Path(var)
        with celery_worker_process(extra_env={"DJANGO_VAR_DIR": var, "EMAIL_URL": ""}):
            # The HR system creates the person while the broker refuses every message: the create commits, the
            # on-commit enqueue is logged as lost, and the row says the welcome is owed.
            with mock.patch("celery.app.task.Task.apply_async", side_effect=BrokerError("Connection refused")):
                profile = employees.do_create_employee(
                    employer=employer, site_url="http://testserver",
                    values={"employee_number": "A-1", "email": "mei@bank.example", "display_name": "Mei Lin",
                            "preferred_language": "en"},
                )  # fmt: skip
            assert "Could not enqueue accounts.tasks.send_welcome_email" in caplog.text
            assert OwedWelcome.objects.filter(profile=profile).exists()

            # The broker is back; beat's sweep runs some minutes later, and a duplicate message arrives too.
            later = timezone.now() + owed_mail.SWEEP_AFTER + datetime.timedelta(minutes=1)
            assert services.do_sweep_owed_welcomes(now=later) == 1
            tasks.send_welcome_email.delay(profile.user_id, "http://testserver")
            assert tasks.ping.delay("drained").get(timeout=60) == "drained"  # one worker, in order: both ran

            assert not OwedWelcome.objects.filter(profile=profile).exists()
            assert wait_until(lambda: welcomes_in(folder, "mei@bank.example") == 1, timeout=30), "no welcome mailed"
            assert services.do_sweep_owed_welcomes(now=later) == 0  # nothing owed any more
            assert welcomes_in(folder, "mei@bank.example") == 1
