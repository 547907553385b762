"""Account mail really travels through the queue to a worker process, which makes the link."""

import re
import tempfile
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import User
from tests.conftest import celery_worker_process, wait_until
from tests.factories import UserFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "a-long-passphrase-2026"


def mails_in(folder: Path) -> str:
    return "".join(path.read_text(errors="ignore") for path in sorted(folder.glob("mail/*")))


def test_sign_up_and_reset_mails_are_made_and_sent_by_the_worker(client: Client):
    with tempfile.TemporaryDirectory(prefix="bcm-var-") as var:
        folder = Path(var)
        with celery_worker_process(extra_env={"DJANGO_VAR_DIR": var, "EMAIL_URL": ""}):
            client.post("/en/accounts/signup/", {
                "display_name": "Worker Test", "email": "queued@example.test", "password1": PASSWORD,
                "password2": PASSWORD, "preferred_language": "en",
            })  # fmt: skip
            assert wait_until(lambda: "/en/accounts/verify/" in mails_in(folder), timeout=60), "no verification mail"
            link = re.search(r"https?://testserver(/en/accounts/verify/\S+)", mails_in(folder)).group(1)
            assert client.post(link).status_code == 200  # the button on the link's page
            assert User.objects.get(email="queued@example.test").is_active

            UserFactory(email="reset-me@example.test", preferred_language="zh-hant")
            client.post("/en/accounts/password/reset/", {"email": "reset-me@example.test"})
            assert wait_until(lambda: "/zh-hant/accounts/password/reset/" in mails_in(folder), timeout=60), (
                "no reset mail, or not in the person's language"
            )
