"""An account stored before the rule on new addresses still gets in; a look-up only looks up.

accounts.identifiers.clean_email refuses an address whose domain mixes scripts (``dеmo.test`` with a
Cyrillic е), but only where an address is registered. 陳美玲's account was stored with such a domain
before the rule (made here straight in the database): the log-in, the password reset and the "send the
verification mail again" forms find her by the normalised address instead of refusing it as a new one.
Whatever they do not find, look-alike or not, gets the forms' one generic answer: nobody learns which
addresses have an account. Sign-up still refuses the look-alike.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.identifiers import clean_email
from accounts.models import AuditEvent, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery-staple"  # the factories'
# dеmo.test with a Cyrillic е (U+0435), as she typed it then and as it is stored (its ASCII form).
TYPED, STORED = "mei@dеmo.test", "mei@xn--dmo-rdd.test"
LOGIN, RESET, RESEND = "/en/accounts/login/", "/en/accounts/password/reset/", "/en/accounts/verify/resend/"
GENERIC = "The e-mail address or password is wrong, or the address has not been verified yet."


def stored_before_the_rule(**fields) -> User:
    """陳美玲's account, its address written past today's rule (as an account of before it was)."""
    person = UserFactory(email="mei@demo.test", display_name="陳美玲", preferred_language="en", **fields)
    User.objects.filter(pk=person.pk).update(email=STORED)
    person.refresh_from_db()
    assert person.email == STORED
    with pytest.raises(ValidationError) as refused:
        clean_email(STORED)  # what today's rule says of it as a new address
    assert refused.value.code == "mixed_scripts"
    return person


@pytest.fixture
def mei() -> User:
    return stored_before_the_rule(is_active=True, email_verified_at=timezone.now())


def log_in(typed: str, password: str = PASSWORD) -> tuple[Client, object]:
    client = Client()
    return client, client.post(LOGIN, {"username": typed, "password": password})


@pytest.mark.parametrize("typed", [STORED, TYPED, " MEI@DЕMO.TEST ", "ｍｅｉ@xn--dmo-rdd.test"])
def test_she_logs_in_whichever_spelling_she_types(mei, typed):
    client, response = log_in(typed)
    assert response.status_code == 302, response.context["form"].errors
    assert client.session["_auth_user_id"] == str(mei.pk)


def errors_of(response) -> dict:
    assert response.status_code == 200
    return response.context["form"].errors


def test_what_the_log_in_does_not_find_gets_the_generic_answer_as_a_wrong_password_does(mei):
    wrong_password = errors_of(log_in(TYPED, "not-her-password")[1])
    assert wrong_password == {"__all__": [GENERIC]}
    for nobody in ("nobody@dеmo.test", "nobody@xn--dmo-rdd.test", "nobody@demo.test", "mei@dеmo.example"):
        assert errors_of(log_in(nobody)[1]) == wrong_password, nobody


def test_a_control_character_is_still_refused_before_any_look_up(mei):
    response = log_in(f"{STORED}\u202e")[1]
    assert "username" in errors_of(response) and "U+202E" in str(errors_of(response)["username"])
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).exists()


def reset(typed: str, address: str = "198.51.100.7") -> bytes:
    response = Client(REMOTE_ADDR=address).post(RESET, {"email": typed}, follow=True)
    assert response.redirect_chain == [("/en/accounts/password/reset/sent/", 302)], response.content
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def test_she_can_reset_her_password_and_the_page_is_the_same_for_nobody(mei, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hers = reset(TYPED)
        nobodys = reset("nobody@dеmo.test", address="198.51.100.8")
    assert hers == nobodys
    (message,) = mail.outbox
    assert message.to == [STORED]
    link = re.search(r"https?://testserver(/\S+)", message.body).group(1)
    client = Client()
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new = "a-new-passphrase-2027"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302
    assert log_in(TYPED, new)[1].status_code == 302


def test_an_unverified_sign_up_of_before_gets_its_link_again(client: Client, django_capture_on_commit_callbacks):
    late = stored_before_the_rule(is_active=False, email_verified_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        hers = client.post(RESEND, {"email": TYPED}, REMOTE_ADDR="203.0.113.7")
        nobodys = client.post(RESEND, {"email": "nobody@dеmo.test"}, REMOTE_ADDR="203.0.113.8")
    assert hers.status_code == nobodys.status_code == 200
    assert [m.to for m in mail.outbox] == [[STORED]]
    link = re.search(r"https?://testserver(/\S+)", mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200  # the link's page, with its button
    assert client.post(link).status_code == 200
    late.refresh_from_db()
    assert late.is_active


def test_sign_up_still_refuses_the_look_alike_as_a_new_address(mei):
    response = Client().post("/en/accounts/signup/", {
        "display_name": "假冒", "email": "other@dеmo.test", "password1": PASSWORD, "password2": PASSWORD,
        "preferred_language": "en",
    })  # fmt: skip
    assert response.status_code == 200
    assert "is of another script than the letters beside it" in response.content.decode()
    assert User.objects.filter(email__endswith="@xn--dmo-rdd.test").count() == 1


# --- the admin's user form: the rule is for an address that changes --------------------------------


def post_change(office: Client, person: User, **changes):
    page = office.get(f"/en/admin/accounts/user/{person.pk}/change/")
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None and k != "password"}
    data.update(groups=[], user_permissions=[], date_joined_0="2026-01-05", date_joined_1="09:00", **changes)
    return office.post(f"/en/admin/accounts/user/{person.pk}/change/", data)


def test_the_office_can_deactivate_her_account_without_retyping_her_address(mei, program_office):
    office = Client()
    program_office.preferred_language = "en"
    program_office.save(update_fields=["preferred_language"])
    office.force_login(program_office)
    response = post_change(office, mei, display_name="陳美玲（離職）", is_active="")
    assert response.status_code == 302, response.context["adminform"].form.errors
    mei.refresh_from_db()
    assert (mei.email, mei.display_name, mei.is_active) == (STORED, "陳美玲（離職）", False)
    # Changing it to another look-alike is still refused, as for anyone.
    response = post_change(office, mei, email="mei@dеmo.example")
    assert response.status_code == 200 and "is of another script" in response.content.decode()
    mei.refresh_from_db()
    assert mei.email == STORED
