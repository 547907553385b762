"""Settings come from the environment and fail loudly, naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def _signing_keys() -> str:
    """A JWK Set as production takes it (CREDENTIAL_SIGNING_KEYS): a key made for this test run."""
    from jwcrypto import jwk

    key = jwk.JWK.generate(kty="RSA", size=2048, kid="test-production-key")
    return json.dumps({"keys": [key.export_private(as_dict=True)]})


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-0123456789-abcdefghijkl",
    "DJANGO_ALLOWED_HOSTS": "bcm.example.org",
    "SITE_URL": "https://bcm.example.org",
    "CREDENTIAL_SIGNING_KEYS": _signing_keys(),
}


def run_django(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the tests assert on the exit code and show the output
    )


def test_without_database_url_it_uses_a_sqlite_file_under_var():
    result = run_django(
        "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'])",
        DJANGO_DEBUG="true",
    )
    assert result.returncode == 0, result.stderr
    engine, name = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(BASE_DIR / "var" / "db.sqlite3")


def test_sqlite_transactions_take_the_write_lock_when_they_begin(tmp_path):
    # The test run's worker reaches the web process's file through a sqlite:// URL. A deferred
    # transaction that read first fails at once with "database is locked" when the other
    # commits; one that holds the write lock from BEGIN makes the other wait instead.
    database = tmp_path / "shared.sqlite3"
    result = run_django(
        "import sqlite3\n"
        "from django.db import connection, transaction\n"
        "with transaction.atomic():\n"
        "    connection.cursor().execute('SELECT 1')\n"
        f"    other = sqlite3.connect({str(database)!r}, timeout=0, isolation_level=None)\n"
        "    try:\n"
        "        other.execute('BEGIN IMMEDIATE')\n"
        "    except sqlite3.OperationalError as exc:\n"
        "        print('other waits:', exc)",
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{database}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "other waits: database is locked"
    default = run_django(
        "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])", DJANGO_DEBUG="true"
    )
    assert "'transaction_mode': 'IMMEDIATE'" in default.stdout


def test_a_postgres_database_url_selects_postgresql():
    result = run_django(
        "from django.conf import settings as s; d = s.DATABASES['default']; print(d['ENGINE'], d['NAME'], d['HOST'])",
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/bcm",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "bcm", "127.0.0.1"]


@pytest.mark.parametrize("url", ["mysqlx://x", "postgres://host:notaport/db", "postgres://127.0.0.1:5432"])
def test_a_malformed_database_url_stops_start_up_naming_the_variable(url):
    result = run_django("", DJANGO_DEBUG="true", DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_without_broker_url_it_uses_the_filesystem_broker_and_redis_when_asked():
    code = "from django.conf import settings as s; print(s.CELERY_BROKER_URL)"
    assert run_django(code, DJANGO_DEBUG="true").stdout.strip() == "filesystem://"
    redis = run_django(code, DJANGO_DEBUG="true", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert redis.stdout.strip() == "redis://127.0.0.1:6379/0"


def test_a_redis_broker_is_reached_through_the_guarded_transport_and_stores_no_results():
    code = (
        "from config.celery_app import app; c = app.connection_for_write(); "
        "print(type(c.transport).__module__, app.conf.task_ignore_result)"
    )
    result = run_django(code, DJANGO_DEBUG="true", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert result.stdout.split() == ["config.broker", "True"], result.stderr


@pytest.mark.parametrize("url", ["kafka://x", "redis://127.0.0.1:port/0", "redis:///0"])
def test_a_malformed_broker_url_stops_start_up_naming_the_variable(url):
    result = run_django("", DJANGO_DEBUG="true", CELERY_BROKER_URL=url)
    assert result.returncode != 0
    assert "CELERY_BROKER_URL" in result.stderr


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL", "CREDENTIAL_SIGNING_KEYS"]
)
def test_with_debug_off_a_missing_secret_or_host_list_stops_start_up(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_django("", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_debug_is_off_unless_set():
    result = run_django("from django.conf import settings as s; print(s.DEBUG)", **PRODUCTION)
    assert result.stdout.strip() == "False"


def test_e_mail_goes_to_files_under_var_mail_by_default_and_to_smtp_when_configured():
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, getattr(s, 'EMAIL_HOST', '-'))"
    assert run_django(code, DJANGO_DEBUG="true").stdout.split() == [
        "django.core.mail.backends.filebased.EmailBackend",
        "localhost",
    ]
    smtp = run_django(code, DJANGO_DEBUG="true", EMAIL_URL="smtp://user:pw@mail.example.org:587")
    assert smtp.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "mail.example.org"]


def test_check_deploy_is_clean_with_the_production_variables():
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env={**clean, **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the tests assert on the exit code and show the output
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,  # the tests assert on the exit code and show the output
    )


def test_manage_py_in_a_checkout_without_production_variables_is_a_development_tool():
    result = run_manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "SITE_URL", "CREDENTIAL_SIGNING_KEYS"]
)
def test_manage_py_with_debug_off_names_the_missing_variable_without_a_traceback(missing):
    result = run_manage(
        "makemigrations", "--check", "--dry-run", **{k: v for k, v in PRODUCTION.items() if k != missing}
    )
    assert result.returncode == 1
    assert f"Configuration error: {missing} must be set" in result.stderr
    assert "Traceback" not in result.stderr
