"""Every link the portal mails starts with SITE_URL, never with the Host the request came in by.

An attacker who reaches the portal under a second name (or forges Host where a proxy passes it on) must not
get a password reset, a verification or an employment link pointing at that name; and behind a TLS-ending
proxy the link must not drop to plain HTTP. The oracle is the mail's own text: every URL in it."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.models import User
from tests.api.conftest import cast  # noqa: F401 - the HR clients of bank A and bank B
from tests.conftest import PASSWORD
from tests.exams.conftest import world  # noqa: F401 - Alice approved in a cohort with an open sitting

pytestmark = pytest.mark.django_db
PORTAL = "https://portal.example.org"
OTHER_HOST = "other-name.example.net"


@pytest.fixture(autouse=True)
def portal_reached_by_another_name(settings) -> None:
    settings.SITE_URL = PORTAL + "/"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, OTHER_HOST]


def urls_of_the_mails() -> list[str]:
    found = []
    for message in mail.outbox:
        found += re.findall(r"https?://[^\s\"<>]+", message.body)
        found += [
            u for body, kind in getattr(message, "alternatives", []) for u in re.findall(r"https?://[^\s\"<>]+", body)
        ]
    return found


def assert_every_link_is_the_portals(count_at_least: int = 1) -> None:
    urls = urls_of_the_mails()
    assert len(urls) >= count_at_least, [m.body for m in mail.outbox]
    assert all(url.startswith(PORTAL + "/") for url in urls), urls


def client() -> Client:
    return Client(HTTP_HOST=OTHER_HOST)


def test_a_password_reset_link_is_the_portals(trainee: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client().post("/en/accounts/password/reset/", {"email": trainee.email})
    assert len(mail.outbox) == 1
    assert_every_link_is_the_portals()


def test_a_sign_up_verification_link_is_the_portals(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client().post(
            "/en/accounts/signup/",
            {"email": "new.person@example.org", "display_name": "New Person", "password1": PASSWORD,
             "password2": PASSWORD, "preferred_language": "en"},
        )  # fmt: skip
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]
    assert_every_link_is_the_portals()


def test_the_sign_up_notice_to_a_taken_address_links_to_the_portal(
    trainee: User, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client().post(
            "/en/accounts/signup/",
            {"email": trainee.email, "display_name": "Someone", "password1": PASSWORD, "password2": PASSWORD,
             "preferred_language": "en"},
        )  # fmt: skip
    assert [m.to for m in mail.outbox] == [[trainee.email]]
    assert_every_link_is_the_portals()


def test_an_address_change_link_and_notice_are_the_portals(trainee: User, django_capture_on_commit_callbacks) -> None:
    browser = client()
    assert browser.post("/en/accounts/login/", {"username": trainee.email, "password": PASSWORD}).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/en/accounts/profile/email/", {"email": "moved@example.org", "password": PASSWORD})
    assert len(mail.outbox) == 2
    assert_every_link_is_the_portals(count_at_least=2)


def test_an_employment_request_from_the_hr_api_links_to_the_portal(
    cast,  # noqa: F811 - the fixture imported above
    other_trainee: User,
    django_capture_on_commit_callbacks,
) -> None:
    cast.api_a.defaults["HTTP_HOST"] = OTHER_HOST
    with django_capture_on_commit_callbacks(execute=True):
        answer = cast.api_a.post(
            "/api/v1/employees/",
            {"employee_number": "A-9", "email": other_trainee.email, "display_name": "吳佩珊"},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    assert [m.to for m in mail.outbox] == [[other_trainee.email]]
    assert_every_link_is_the_portals()


def test_an_exam_result_mail_links_to_the_portal(
    world,  # noqa: F811 - the fixture imported above
    django_capture_on_commit_callbacks,
) -> None:
    """Sent by the worker once the result is published: its result page and where the next step is taken."""
    from exams.services import attempts
    from tests.exams.test_grading import answer_all, submit

    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=False)
    mail.outbox.clear()
    submit(attempt, django_capture_on_commit_callbacks)  # graded, published and mailed
    assert [m.to for m in mail.outbox] == [[world.alice.email]]
    assert_every_link_is_the_portals(count_at_least=2)  # the result page and My exams
    assert f"{PORTAL}/en/exams/attempts/{attempt.pk}/result/" in urls_of_the_mails()
