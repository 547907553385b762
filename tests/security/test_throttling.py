"""Throttles count in a cache every gunicorn worker shares (CACHE_URL: Redis), so a second process
sees the look-ups and API calls the first one counted; a forged X-Forwarded-For gains nothing."""

import os
import random
import subprocess
import sys

import pytest
from django.core.cache import caches
from django.test import Client

from hr_api.models import SCOPES
from hr_api.services import do_create_client
from tests.api.conftest import http
from tests.conftest import redis_reachable, service_missing
from tests.test_settings import BASE_DIR, PRODUCTION, run_django

# A database per pytest-xdist process (gw0: 12, gw1: 13), so that two processes never count together.
REDIS_CACHE = os.environ.get(
    "TEST_CACHE_URL", f"redis://127.0.0.1:6379/{12 + int(os.environ.get('PYTEST_XDIST_WORKER', 'gw0')[2:])}"
)


def cache_backend(**env) -> str:
    result = run_django("from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])", **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().rsplit(".", 1)[-1]


def test_the_cache_comes_from_the_environment():
    assert cache_backend(**PRODUCTION, CACHE_URL="redis://127.0.0.1:6379/3") == "RedisCache"
    assert cache_backend(**PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/3") == "RedisCache"
    assert cache_backend(**PRODUCTION) == "FileBasedCache"  # shared by the workers of one machine
    assert cache_backend(DJANGO_DEBUG="true") == "LocMemCache"


@pytest.mark.parametrize("url", ["memcache://x", "redis://127.0.0.1:port/0", "redis:///0"])
def test_a_malformed_cache_url_stops_start_up_naming_the_variable(url):
    result = run_django("", DJANGO_DEBUG="true", CACHE_URL=url)
    assert result.returncode != 0 and "CACHE_URL" in result.stderr


@pytest.fixture
def shared_cache(settings):
    if not redis_reachable(REDIS_CACHE):
        service_missing(f"Redis is not reachable at {REDIS_CACHE}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_CACHE,
            "KEY_PREFIX": "bcm",
        }
    }
    yield caches["default"]


def in_another_process(code: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_", "REDIS_"))}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "true",
            "CACHE_URL": REDIS_CACHE,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the assert below shows the error output
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.django_db
def test_verification_look_ups_counted_by_one_worker_hold_back_another(shared_cache, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    address = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    client = Client(REMOTE_ADDR=address)
    for _ in range(3):
        assert client.get("/en/verify/nope/").status_code == 404
    verdict = in_another_process(
        "from django.test import RequestFactory; from certification.views import _rate_limited; "
        f"print(_rate_limited(RequestFactory().get('/en/verify/nope/', REMOTE_ADDR='{address}')))",
        VERIFY_RATE_LIMIT_PER_MINUTE="3",
    )
    assert verdict == "True"  # the fourth look-up, in another process, is refused
    shared_cache.delete(f"verify-rate:{address}")


@pytest.mark.django_db
def test_api_calls_counted_by_one_worker_are_seen_by_another(shared_cache, employer):
    client, _ = do_create_client(employer=employer, name="HR", scopes=SCOPES)
    key = f"throttle_api_client_client-{client.pk}"
    shared_cache.delete(key)
    api = http(client)
    for _ in range(3):
        assert api.get("/api/v1/catalog/tiers/").status_code == 200
    seen = in_another_process(f"from django.core.cache import cache; print(len(cache.get('{key}') or []))")
    assert seen == "3"
    shared_cache.delete(key)


@pytest.mark.django_db
def test_a_forged_forwarded_address_does_not_reset_the_verification_limit(settings):
    caches["default"].clear()
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 3
    client = Client(REMOTE_ADDR="10.0.0.1")
    for n in range(3):
        forged = {"HTTP_X_FORWARDED_FOR": f"203.0.113.{n}, 198.51.100.77"}
        assert client.get("/en/verify/nope/", **forged).status_code == 404
    response = client.get("/en/verify/nope/", HTTP_X_FORWARDED_FOR="203.0.113.99, 198.51.100.77")
    assert response.status_code == 429
