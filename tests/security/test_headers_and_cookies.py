"""Production answers carry HSTS, a Content-Security-Policy, frame, referrer and sniffing rules,
and their cookies are Secure and HttpOnly. The values come from the production settings
themselves (read in a subprocess with the variables README documents), applied to real responses.
"""

import json

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.test_settings import PRODUCTION, run_django

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"

SECURITY_SETTINGS = [
    "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SECURE_CONTENT_TYPE_NOSNIFF",
    "SECURE_CROSS_ORIGIN_OPENER_POLICY", "SESSION_COOKIE_AGE",
]  # fmt: skip


@pytest.fixture(scope="module")
def production_values() -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        f"print(json.dumps({{k: getattr(s, k) for k in {SECURITY_SETTINGS!r}}}))"
    )
    result = run_django(code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def production(settings, production_values):
    for name, value in production_values.items():
        setattr(settings, name, value)
    settings.ALLOWED_HOSTS = ["bcm.example.org"]
    return production_values


def test_the_production_settings_turn_every_protection_on(production_values):
    assert production_values["SECURE_HSTS_SECONDS"] >= 31536000
    assert production_values["SECURE_SSL_REDIRECT"] is True
    assert production_values["SESSION_COOKIE_SECURE"] is True and production_values["CSRF_COOKIE_SECURE"] is True
    assert production_values["SESSION_COOKIE_HTTPONLY"] is True and production_values["CSRF_COOKIE_HTTPONLY"] is True
    assert production_values["X_FRAME_OPTIONS"] == "DENY"


def test_a_page_carries_hsts_csp_frame_referrer_and_nosniff_headers(production):
    response = Client().get("/en/accounts/login/", secure=True, HTTP_HOST="bcm.example.org")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = dict(
        [*part.strip().split(" ", 1), ""][:2] for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert policy["default-src"] == "'self'"
    # No inline script, no eval, no other origin; only the one library handler, by its hash.
    assert policy["script-src"] == "'self' 'unsafe-hashes' 'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert policy["form-action"] == "'self'"


def test_plain_http_is_sent_to_https(production):
    response = Client().get("/en/accounts/login/", HTTP_HOST="bcm.example.org")
    assert response.status_code == 301
    assert response["Location"].startswith("https://bcm.example.org/")


def test_the_session_and_csrf_cookies_are_secure_httponly_and_same_site(production):
    UserFactory(email="cookie@example.test", password=PASSWORD)
    client = Client(HTTP_HOST="bcm.example.org")
    page = client.get("/en/accounts/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(
        "/en/accounts/login/", {"username": "cookie@example.test", "password": PASSWORD}, secure=True
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert int(session["max-age"]) == production["SESSION_COOKIE_AGE"] <= 12 * 3600


def test_the_pages_use_no_inline_script_that_the_policy_would_block():
    """Templates must not rely on inline handlers or inline <script> blocks (CSP script-src 'self')."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = []
    for path in root.rglob("*.html"):
        if "/email/" in str(path):
            continue
        text = path.read_text()
        if re.search(r"\son[a-z]+\s*=\s*\"", text) or re.search(
            r"<script(?![^>]*\bsrc=)(?![^>]*application/(ld\+)?json)[^>]*>", text
        ):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
