"""After a wrong code django-otp checks the next one only after a wait (1, 2, 4 … seconds): the second step says
how many seconds are left, and "too many wrong codes" only once there were several in a row. (The tester retyped
the right code a moment after one typo and was told there had been too many.)"""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.utils import translation
from django_otp.oath import TOTP

from accounts.second_factor import services
from tests.conftest import PASSWORD, in_english

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_second_factor")]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
VERIFY = "/en/accounts/second-factor/"


def right_code() -> str:
    return f"{TOTP(base64.b32decode(SECRET)).token():06d}"


@pytest.fixture
def at_the_second_step(institution_admin) -> Client:
    person = in_english(institution_admin)
    services.do_set_authenticator(user=person, secret=SECRET)
    client = Client()
    assert client.post("/en/accounts/login/", {"username": person.email, "password": PASSWORD}).status_code == 302
    return client


def error_of(answer) -> str:
    return re.sub(r"\s+", " ", re.search(r'class="invalid-feedback">(.*?)</div>', answer.content.decode(), re.S)[1])


def test_the_right_code_right_after_a_typo_is_told_to_wait_a_second_not_that_there_were_too_many(
    at_the_second_step,
):
    assert "not right" in error_of(at_the_second_step.post(VERIFY, {"code": "000000"}))
    retyped = error_of(at_the_second_step.post(VERIFY, {"code": right_code()}))
    assert "Wait 1 second, then try again" in retyped
    assert "Too many" not in retyped


def test_several_wrong_codes_in_a_row_say_so_with_the_seconds_left(institution_admin):
    person = in_english(institution_admin)
    device = services.do_set_authenticator(user=person, secret=SECRET)
    for _ in range(services.TOO_MANY_WRONG_CODES):
        device.throttle_increment()
    with translation.override("en"), pytest.raises(services.SecondFactorError) as refused:
        services.do_verify(user=person, code=right_code())
    assert refused.value.code == "throttled"
    assert str(refused.value.message) == "Too many wrong codes in a row. Wait 4 seconds before trying again."
