"""Webhook secrets and signatures, function by function, against the Standard Webhooks reference
library (issue 23: the mutation run's survivors of hr_api/webhooks/signing.py)."""

import base64
import datetime
import re

import pytest
from standardwebhooks import Webhook

from hr_api.webhooks import signing

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def test_a_new_secret_is_whsec_and_32_random_bytes_in_standard_base64():
    secret = signing.new_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
    assert signing.new_secret() != secret


def test_the_signature_is_the_reference_librarys():
    body = signing.encode({"type": "certificate.issued", "data": {"number": "BCM-STD-R-2026-000001-T"}})
    timestamp = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=datetime.UTC)
    expected = Webhook(SECRET).sign("msg_1", timestamp, body.decode())
    assert signing.sign(SECRET, "msg_1", str(int(timestamp.timestamp())), body) == expected
    assert signing.sign(SECRET, "msg_2", str(int(timestamp.timestamp())), body) != expected


@pytest.mark.parametrize(
    ("secret", "message"),
    [
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "a webhook secret starts with whsec_"),
        ("whsec_not base64!", "a webhook secret is whsec_ and standard base64"),
        ("whsec_AAAA!AAAA", "a webhook secret is whsec_ and standard base64"),  # valid once the ! is dropped
        ("whsec_", "a webhook secret may not be empty"),
    ],
)
def test_a_secret_that_is_not_one_is_refused_with_its_reason(secret, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        signing.signing_key(secret)


def test_the_body_is_compact_utf8_json():
    assert signing.encode({"name": "陳怡君", "hours": 8}) == '{"name":"陳怡君","hours":8}'.encode()
