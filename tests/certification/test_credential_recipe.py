"""The verification recipe README.md gives integrators ("Portable certificates"), run as printed
against the portal, and the key command it names."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from django.core.management import call_command
from django.test import Client

from certification import credentials, services
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(autouse=True)
def portal(settings, tmp_path):
    settings.CREDENTIAL_SIGNING_KEYS = None
    settings.CREDENTIAL_DEVELOPMENT_KEY_FILE = tmp_path / "keys.json"
    settings.SITE_URL = "https://bcm.example.org"  # PORTAL in the recipe


def documented_check():
    text = README.read_text()
    section = text[text.index("### Portable certificates") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    namespace: dict = {}
    exec(code, namespace)
    return namespace["check"]


def get(url: str) -> bytes:
    assert url.startswith("https://bcm.example.org/")
    response = Client().get(url.removeprefix("https://bcm.example.org"))
    assert response.status_code == 200
    return response.content


def test_the_readme_recipe_tells_valid_suspended_and_revoked_apart(trainee):
    check = documented_check()
    certificate = CertificateFactory(trainee=trainee)
    token = credentials.signed_credential(certificate)
    assert check(token, get)[0] == "valid"
    services.do_suspend_certificate(certificate=certificate, by=None, reason="review")
    assert check(token, get)[0] == "suspended"  # the same old token: the list says so
    services.do_reinstate_certificate(certificate=certificate, by=None)
    assert check(token, get)[0] == "valid"
    services.do_revoke_certificate(certificate=certificate, by=None, reason="fraud")
    assert check(token, get)[0] == "revoked"


def test_the_readme_recipe_refuses_a_forged_credential(trainee):
    token = credentials.signed_credential(CertificateFactory(trainee=trainee))
    header, payload, signature = token.split(".")
    with pytest.raises(InvalidSignature):
        documented_check()(f"{header}.{payload[:-4]}AAAA.{signature}", get)


def test_the_key_command_makes_a_set_and_rotates_one(monkeypatch):
    out = io.StringIO()
    call_command("credential_keys", stdout=out)
    first = json.loads(out.getvalue())
    assert len(first["keys"]) == 1 and first["keys"][0]["d"] and first["keys"][0]["kid"]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(first)))
    out = io.StringIO()
    call_command("credential_keys", "--current", "-", stdout=out)
    rotated = json.loads(out.getvalue())
    assert [key["kid"] for key in rotated["keys"]][1:] == [first["keys"][0]["kid"]]
    assert "d" in rotated["keys"][0] and "d" not in rotated["keys"][1]
