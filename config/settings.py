"""Settings, every value from the environment.

Defaults need no server: SQLite and a filesystem broker under ``var/``, e-mail written to
``var/mail/``. ``DEBUG`` is off unless ``DJANGO_DEBUG`` says otherwise, and with it off the
site refuses to start without ``DJANGO_SECRET_KEY`` and ``DJANGO_ALLOWED_HOSTS``.
"""

import ipaddress
import json
import os
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.beat import beat_schedule

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("DJANGO_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="")
    if raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = env.str(name, default="")
    if raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or CIDR networks (``10.0.0.5, 10.1.0.0/16, fd00::/8``); empty: none."""
    networks = []
    for part in env.str(name, default="").split(","):
        if part.strip():
            try:
                networks.append(ipaddress.ip_network(part.strip(), strict=False))
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name} must list IP addresses or CIDR networks, not {part.strip()!r}"
                ) from None
    return tuple(networks)


def env_required(name: str) -> str:
    value: str = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_DEBUG is off")
    return value


def env_jwks(name: str) -> dict[str, Any] | None:
    """A JWK Set in JSON (``{"keys": [...]}``) of RSA keys with unique ``kid``s, the first one private
    (it signs; the others are published so that what they signed still verifies); empty: None."""
    raw = env.str(name, default="")
    if not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        raise ImproperlyConfigured(f'{name} must be a JWK Set in JSON ({{"keys": [...]}})') from None
    keys = value.get("keys") if isinstance(value, dict) else None
    if not isinstance(keys, list) or not keys:
        raise ImproperlyConfigured(f"{name} must be a JWK Set with at least one key")
    kids = []
    for key in keys:
        if not isinstance(key, dict) or key.get("kty") != "RSA" or not key.get("n") or not key.get("e"):
            raise ImproperlyConfigured(f"{name}: every key must be an RSA JWK (kty, n, e)")
        if not isinstance(key.get("kid"), str) or not key["kid"] or key["kid"] in kids:
            raise ImproperlyConfigured(f"{name}: every key needs a kid of its own")
        kids.append(key["kid"])
    if not keys[0].get("d"):
        raise ImproperlyConfigured(f"{name}: the first key signs, so it must be a private key")
    return cast(dict[str, Any], value)


DEBUG = env_bool("DJANGO_DEBUG", False)

if DEBUG:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="django-insecure-development-only")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    SECRET_KEY = env_required("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = [h.strip() for h in env_required("DJANGO_ALLOWED_HOSTS").split(",") if h.strip()]

INSTALLED_APPS = [
    "config.apps.PortalAdminConfig",  # Django's admin, with the project's site (config/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "oauth2_provider",
    "drf_spectacular",
    "django_celery_beat",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "csp",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "courses",
    "exams",
    "certification",
    "career",
    "exchange",
    "supervision",
    "hr_api",
]

MIDDLEWARE = [
    # Outermost, so that the time it records per view includes every middleware below.
    "config.monitoring.middleware.RequestMetricsMiddleware",
    # First, so that every log line and audit event of the request carries its id.
    "accounts.middleware.RequestIdMiddleware",
    # X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER) only from DJANGO_TRUSTED_PROXIES: before anything asks
    # request.is_secure(), the HTTPS redirect of SecurityMiddleware first.
    "accounts.client_address.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.security_headers.CSPMiddleware",  # django-csp's, the constant policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # A NUL in the path, query or form is a 400, before any view (or the user's lookup) meets it; the
    # page in the address's language, so after the locale.
    "core.middleware.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, the user read with the session, and django-otp's OTPMiddleware (the authenticator
    # that verified this session) in the same step.
    "accounts.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionExpiryMiddleware",
    # Staff: the gate to every staff page.
    "accounts.second_factor.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form posted after the session ended: after the log-in, back to the page it was on, with a
    # message (inside the messages middleware, which stores it).
    "accounts.middleware.FormAfterSessionMiddleware",
    # A signed-in person's page: Cache-Control private (no shared cache keeps it).
    "accounts.middleware.PrivateToTheSignedInMiddleware",
    # A GET of a POST-only address: a page with the way back, not a blank 405.
    "core.middleware.MethodNotAllowedPageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that a locked-out log-in is answered before any view runs.
    "axes.middleware.AxesMiddleware",
    "config.outage.DatabaseOutageMiddleware",  # a friendly 503, never a traceback, while the database is down
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


# The web process and the worker share one SQLite file. A deferred transaction that reads and
# then writes cannot wait for the other's write lock (SQLite answers "database is locked" at
# once rather than deadlock), so every transaction takes the lock when it begins and waits.
SQLITE_OPTIONS = {"timeout": 20, "transaction_mode": "IMMEDIATE"}


def _database_from_env() -> dict[str, Any]:
    url = env.str("DATABASE_URL", default="")
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "db.sqlite3"),
            # The worker process of a test run must see the test database, so it is a file.
            "TEST": {"NAME": str(VAR_DIR / f"test-db-{os.getpid()}.sqlite3")},
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    scheme = urlsplit(url).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(f"DATABASE_URL has an unsupported scheme {scheme!r}; use postgres:// or sqlite://")
    try:
        config = environ.Env.db_url_config(url)
    except Exception as exc:  # django-environ raises several types on garbage
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    if scheme != "sqlite" and not config.get("NAME"):
        raise ImproperlyConfigured("DATABASE_URL names no database")
    if scheme == "sqlite":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    config["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", 60)
    config["CONN_HEALTH_CHECKS"] = True
    return cast(dict[str, Any], config)


DATABASES = {"default": _database_from_env()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Lock-out: six failed passwords reach the check, then the account waits 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 6)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60
# Per account, whatever the address: an attacker who changes address still gets six tries in all.
# axes.W006 asks for the address in the parameters; per account AND address would let each new
# address try six more, and per address alone would lock a whole bank branch behind one NAT.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# And per client address (accounts.lockout, on top of axes' database handler): password spraying
# tries a few passwords against many accounts from one address. After 300 failed log-in steps in
# 15 minutes that address is paused for the rest of the window, the accounts it named untouched.
# 300, not less: an exam room or a bank's head office behind one NAT address must never be paused
# at an exam's start (a thousand trainees logging in, some mistyping, some forgetting; six failures
# already lock any one account); it still cuts spraying to 1,200 guesses an hour per address
# instead of unlimited.
AXES_HANDLER = "accounts.lockout.ClientLimitedAxesHandler"
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 300)
LOGIN_FAILURES_PER_ADDRESS_MINUTES = env_int("LOGIN_FAILURES_PER_ADDRESS_MINUTES", 15)
AXES_USERNAME_FORM_FIELD = "username"
# Failures are forgotten when a log-in is complete: at the password, or for staff at the second
# factor (accounts.second_factor.receivers), so a new password log-in gives no new guesses at codes;
# a password reset forgets the wrong passwords only (accounts.lockout.do_clear_lock_out).
AXES_RESET_ON_SUCCESS = False
# A try refused because the account is locked counts nothing and does not restart the wait (also
# enforced by accounts.lockout.ClientLimitedAxesHandler).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Second factor for staff (accounts.second_factor): the name authenticator apps show, and
# django-otp's own throttle (1, 2, 4 … seconds after each wrong code) on top of the lock-out.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="BCM Portal")
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Passkeys (WebAuthn, django-otp-webauthn) as the second step instead of a code; never instead of the
# password. The relying party is this site: its domain (a passkey is bound to it: changing it makes
# every passkey useless), the name browsers show, and the exact origins (scheme, host, port) the
# pages are served from. Defaults: localhost under DEBUG, else DJANGO_ALLOWED_HOSTS over https.
_PASSKEY_HOSTS = [host.lstrip(".") for host in ALLOWED_HOSTS if "*" not in host] or ["localhost"]
OTP_WEBAUTHN_RP_ID = env.str("OTP_WEBAUTHN_RP_ID", default="localhost" if DEBUG else _PASSKEY_HOSTS[0])
OTP_WEBAUTHN_RP_NAME = env.str("OTP_WEBAUTHN_RP_NAME", default=OTP_TOTP_ISSUER)
OTP_WEBAUTHN_ALLOWED_ORIGINS = env.list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS",
    default=["http://localhost:8000"] if DEBUG else [f"https://{host}" for host in _PASSKEY_HOSTS],
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# One address rule (trusted proxies only) and one e-mail normalisation for the lock-out's keys.
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_ip"
AXES_USERNAME_CALLABLE = "accounts.identifiers.lockout_username"

LANGUAGE_CODE = "zh-hant"
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Taipei")
USE_I18N = True
USE_TZ = True
# Dates and times in each language's own way (config/formats/<locale>/formats.py): 2027年3月5日
# 下午2:00 on the Chinese pages, 5 March 2027, 14:00 on the English ones (no "a.m." whose full stop
# doubles up at the end of a sentence).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns on every request without it
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: files under var/mail/ unless EMAIL_URL names an SMTP server (smtp://user:pass@host:587).
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    try:
        vars().update(environ.Env.email_url_config(_email_url))
    except Exception as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from None
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BCM Portal <no-reply@bcm.example>")


def _broker_from_env() -> str:
    url: str = env.str("CELERY_BROKER_URL", default="filesystem://")
    scheme = urlsplit(url).scheme
    if scheme not in {"filesystem", "redis", "rediss", "memory"}:
        raise ImproperlyConfigured(
            f"CELERY_BROKER_URL has an unsupported scheme {scheme!r}; use redis:// or leave it unset"
        )
    if scheme.startswith("redis"):
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise ImproperlyConfigured(f"CELERY_BROKER_URL is malformed: {exc}") from None
        if not parts.hostname:
            raise ImproperlyConfigured("CELERY_BROKER_URL names no host")
    return url


CELERY_BROKER_URL = _broker_from_env()
_broker_dir = Path(env.str("CELERY_FILESYSTEM_BROKER_DIR", default=str(VAR_DIR / "broker")))
if CELERY_BROKER_URL.startswith("filesystem"):
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    _default_backend = f"file://{_broker_dir / 'results'}"
    (_broker_dir / "results").mkdir(parents=True, exist_ok=True)
else:
    # Longer than the longest task and the longest retry countdown, so that a task of a dead worker is
    # redelivered (to the next worker, after this many seconds), never twice at once. Production: 3600.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
        "socket_connect_timeout": 3,
    }
    # kombu's Redis transport with the guard that keeps a worker alive through an outage (config/broker.py).
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
    _default_backend = CELERY_BROKER_URL
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=_default_backend)
CELERY_RESULT_EXPIRES = 3600
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker outage must not hold a trainee's request: publish gives up within a second, the work stays
# recorded in the database and the sweeper beat jobs enqueue it again (README, "Fault drills").
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
# No task's caller reads its result (the database holds every outcome), so none is stored. A stored
# result would make every sender subscribe to the Redis result store as it sends, and a sender whose
# subscription outlived an outage gave up for good ("the Celery application must be restarted"): after
# Redis came back, beat could enqueue nothing until restarted. The queue health check (accounts.tasks.ping)
# is the one task that answers.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": CELERY_TASK_PUBLISH_RETRY_POLICY}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 3
# Celery's Django fix-up closes every database connection after every task unless this is set, so each
# grade (and each of its follow-up tasks) paid a new PostgreSQL connection, several ms (issue 9). With it
# the fix-up closes them only every this many tasks; config/celery_app.py applies CONN_MAX_AGE and the
# health check between tasks instead, as Django does between requests.
CELERY_DB_REUSE_MAX = 1000
# Webhook deliveries wait on other servers: their own queue and worker, so a receiver that hangs never
# holds up grading (Procfile: `webhooks`).
# (The HR API's task names keep their accounts.api prefix of before issue 16: hr_api/tasks.py.)
CELERY_TASK_ROUTES = {"accounts.api.tasks.deliver_webhook": {"queue": "webhooks"}}
# Work the broker lost (an outage, a restart) is found in the database and enqueued again after this long.
EXAM_GRADING_SWEEP_AFTER_SECONDS = env_int("EXAM_GRADING_SWEEP_AFTER_SECONDS", 120)
# Exams: saves that reach the server this long after an attempt's deadline still count (in flight).
EXAM_SAVE_GRACE_SECONDS = env_int("EXAM_SAVE_GRACE_SECONDS", 30)
# Essays are marked by the institution's graders within this many days of the submission: the result
# page tells the trainee by when, and an essay still waiting after it reminds the institution's admins once.
EXAM_ESSAY_MARKING_DAYS = env_int("EXAM_ESSAY_MARKING_DAYS", 5)
# Supervision (README, "Supervision"): a figure (a pass rate, an item statistic) is shown only from
# this many responses, so that a handful of attempts is not read as a trend; a recomputation with no
# sign of life for this long died with its worker and frees the way for the next.
SUPERVISION_MIN_RESPONSES = env_int("SUPERVISION_MIN_RESPONSES", 20)
SUPERVISION_RECOMPUTE_STALE_SECONDS = env_int("SUPERVISION_RECOMPUTE_STALE_SECONDS", 900)
# A process reads which edition of the figures, institutions and cohorts the pages show at most this
# often (supervision.selectors.figures_state): a new one may take this long to show.
SUPERVISION_STATE_SECONDS = env_int("SUPERVISION_STATE_SECONDS", 1)
# A pending result page asks the server whether the result is out after this many seconds, then less
# and less often (up to EXAM_RESULT_POLL_MAX_SECONDS) while it waits.
EXAM_RESULT_POLL_SECONDS = env_int("EXAM_RESULT_POLL_SECONDS", 15)
EXAM_RESULT_POLL_MAX_SECONDS = env_int("EXAM_RESULT_POLL_MAX_SECONDS", 300)
# Every beat job is listed in config/beat.py; the fault drills sweep grading every few seconds.
EXAM_GRADING_SWEEP_EVERY_SECONDS = env_int("EXAM_GRADING_SWEEP_EVERY_SECONDS", 60)
CELERY_BEAT_SCHEDULE = beat_schedule(grading_sweep_every=EXAM_GRADING_SWEEP_EVERY_SECONDS)

# What operators watch (README, "Production"; config/monitoring): /readyz and /metrics answer only
# these addresses (default: this machine) or a request with "Authorization: Bearer <MONITORING_TOKEN>".
MONITORING_ALLOWED_NETWORKS = env_networks("MONITORING_ALLOWED_NETWORKS") or (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)
MONITORING_TOKEN = env.str("MONITORING_TOKEN", default="")
if MONITORING_TOKEN and len(MONITORING_TOKEN) < 32:
    raise ImproperlyConfigured("MONITORING_TOKEN must be at least 32 characters (e.g. `openssl rand -hex 32`)")
# Each part /readyz asks (database, cache, broker, a worker's answer to a ping) has this long.
READYZ_TIMEOUT_SECONDS = env_int("READYZ_TIMEOUT_SECONDS", 3)
MONITORED_QUEUES = ("celery", "webhooks")
# Every gunicorn and Celery process writes its metrics into this folder and /metrics adds them up; it
# must be the same folder for all of them and emptied before they start (Procfile, Procfile.dev).
PROMETHEUS_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
if PROMETHEUS_MULTIPROC_DIR:
    Path(PROMETHEUS_MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

# Certification (issue 6): years a certificate stays valid, continuing-education hours a renewal needs
# in that period.
CERTIFICATE_VALIDITY_YEARS = env_int("CERTIFICATE_VALIDITY_YEARS", 3)
# The certificate PDF embeds these TrueType fonts (Debian's fonts-arphic-uming and fonts-liberation, which
# make pdf-tools installs): Chinese in AR PL UMing TW (face 2 of the collection), the rest in Liberation Sans.
CERTIFICATE_CJK_FONT = env.str("CERTIFICATE_CJK_FONT", default="/usr/share/fonts/truetype/arphic/uming.ttc")
CERTIFICATE_CJK_FONT_INDEX = env_int("CERTIFICATE_CJK_FONT_INDEX", 2)
CERTIFICATE_LATIN_FONT = env.str(
    "CERTIFICATE_LATIN_FONT", default="/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"
)
CONTINUING_EDUCATION_HOURS = env_int("CONTINUING_EDUCATION_HOURS", 24)
# Certification follow-ups the broker lost (check, issued mail, issued event) are enqueued again by
# the beat sweep once this old, for certificates issued within the horizon.
CERTIFICATION_SWEEP_AFTER_SECONDS = env_int("CERTIFICATION_SWEEP_AFTER_SECONDS", 120)
CERTIFICATION_SWEEP_HORIZON_DAYS = env_int("CERTIFICATION_SWEEP_HORIZON_DAYS", 3)
VERIFY_RATE_LIMIT_PER_MINUTE = env_int("VERIFY_RATE_LIMIT_PER_MINUTE", 30)
# Printed on certificates and in mails (the QR code leads here), and the issuer of every portable
# credential (its ids never change once issued): required with DEBUG off.
SITE_URL = env.str("SITE_URL", default="") or ("http://localhost:8000" if DEBUG else env_required("SITE_URL"))
# Portable certificates (issue 21): Open Badges 3.0 credentials signed RS256 (VC-JOSE). A JWK Set in
# the environment, the signing key first, retired keys after it (public parts suffice); required with
# DEBUG off. Under DEBUG without it, a development key is made under var/ on first use.
CREDENTIAL_SIGNING_KEYS = env_jwks("CREDENTIAL_SIGNING_KEYS")
if CREDENTIAL_SIGNING_KEYS is None and not DEBUG:
    env_required("CREDENTIAL_SIGNING_KEYS")
CREDENTIAL_DEVELOPMENT_KEY_FILE = VAR_DIR / "credential-signing-keys.json"
# Reminder e-mails that the mail server refused are retried after 1, 2, 4 … times this (at most an hour).
REMINDER_RETRY_BASE_SECONDS = env_int("REMINDER_RETRY_BASE_SECONDS", 60)

REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The employers' API (/api/v1/) sets its authentication, errors and parsers on its own base
    # view (hr_api.views.base.ApiView), so that other DRF views keep the defaults.
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {
        "api_client": env.str("API_THROTTLE_RATE", default="600/min"),
        # The public schema, per address (hr_api.auth.AddressRateThrottle): a client fetches it now and then.
        "api_public": env.str("API_PUBLIC_THROTTLE_RATE", default="60/min"),
    },
}
# The token endpoint: requests per minute per address, and tokens issued per minute per client id (hr_api.token).
API_TOKEN_RATE_PER_MINUTE = env_int("API_TOKEN_RATE_PER_MINUTE", 20)
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read employees, enrolments, exam results and certificates",
        "enroll": "Register employees and enrol them in cohorts",
        "webhooks": "Register webhook endpoints",
        "evaluations": "Read and record the employees' evaluations",
        "managers": "Read the career register: managers' grades, lending authority, compliance and history",
    },
    "ACCESS_TOKEN_EXPIRE_SECONDS": env_int("API_TOKEN_SECONDS", 3600),
    "SCOPES_BACKEND_CLASS": "hr_api.auth.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "hr_api.auth.ClientValidator",
    # RFC 9700 (OAuth 2.0 Security BCP) throughout: only client credentials are used here anyway.
    "PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
    **{
        f"COMPLIANT_BCP_RFC9700_{gate}": True
        for gate in (
            "IMPLICIT_GRANT",
            "PASSWORD_GRANT",
            "PKCE_METHOD",
            "ACCESS_TOKEN_TRANSPORT",
            "AUTHZ_RESPONSE_ISS",
            "TOKEN_STORAGE",
            "REFRESH_TOKEN",
            "REDIRECT_URI_SCHEME",
            "REDIRECT_URI_MATCHING",
            "PKCE_REQUIRED",
        )
    },
}
# django-oauth-toolkit's swappable models, named so that the migration autodetector finds them.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"
SPECTACULAR_SETTINGS = {
    "TITLE": "BCM portal API for employers",
    "DESCRIPTION": (
        "Machine-to-machine API for banks' HR systems: register employees, enrol them in cohorts, "
        "pull exam results and certificates, read the career register of customer managers, receive "
        "signed webhooks. Every resource is limited to the employer of the OAuth2 client (client "
        "credentials grant)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # The career register's class and level, wherever a serializer names them (from/to in a grade's history).
    "ENUM_NAME_OVERRIDES": {
        "ManagerClassEnum": ["personal", "corporate", "comprehensive"],
        "ManagerLevelEnum": ["junior", "intermediate", "senior"],
    },
    "AUTHENTICATION_WHITELIST": ["hr_api.auth.ClientAuthentication"],
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/api/v1/oauth/token/",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hr_api.schema.add_problem_responses",
    ],
}
# Webhook deliveries: a receiver that does not answer within this many seconds counts as failed.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8)
# Back-off between attempts: this, then twice as long each time (30 s, 1 min, 2 min … at most 6 hours).
WEBHOOK_BACKOFF_BASE_SECONDS = env_int("WEBHOOK_BACKOFF_BASE_SECONDS", 30)
# A pending delivery this long past due (its queued retry was lost with the broker) is enqueued again.
WEBHOOK_SWEEP_AFTER_SECONDS = env_int("WEBHOOK_SWEEP_AFTER_SECONDS", 120)
# The most webhook endpoints an employer has, active or not (each active one gets every event it asks for).
WEBHOOK_ENDPOINTS_PER_EMPLOYER = env_int("WEBHOOK_ENDPOINTS_PER_EMPLOYER", 10)
# Webhook URLs are https to public addresses only (accounts.outbound). A developer's or a test's
# local receiver needs both of these; leave them off in production (also under DEBUG unless asked).
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "accounts.request_context.RequestIdLogFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Production hardening; `manage.py check --deploy` is clean with DEBUG off (tests/security).
# The reverse proxies in front of the site (addresses or CIDR networks). X-Forwarded-For and
# X-Forwarded-Proto are believed only from them (accounts.client_address; its ForwardedProtoMiddleware
# drops X-Forwarded-Proto from any other peer); default none: the peer's own address is the client's,
# and a request is HTTPS only if it reached the application server over TLS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
TRUSTED_PROXIES = env_networks("DJANGO_TRUSTED_PROXIES")
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # pages that post with JavaScript read the token from the form
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A refused form (a page open too long, cookies blocked): the site's page, templates/403_csrf.html.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts only from our own static files (no inline script
# anywhere, Swagger UI from drf-spectacular-sidecar); styles also allow inline `style=""`
# attributes, which the progress bars and Django's admin widgets set and which cannot carry a nonce.
# One inline handler is allowed by its hash: django-import-export's export page has
# `onchange="onSelectToggleChange(event)"` on its "select all" box (a browser test checks it).
from csp.constants import NONE, SELF, UNSAFE_HASHES, UNSAFE_INLINE  # noqa: E402

_IMPORT_EXPORT_SELECT_ALL = "'sha256-wid4zL8fR53ZYy1ljOepzR77Dn6vWUUxuNnnWWBP3I8='"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, UNSAFE_HASHES, _IMPORT_EXPORT_SELECT_ALL],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"] = "SIDECAR"
SPECTACULAR_SETTINGS["SWAGGER_UI_FAVICON_HREF"] = "SIDECAR"
# <id:…> in a path (accounts.converters): a row id, 1 … 2**63 - 1; anything else is a 404.
SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"] = {
    "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
}

# Sessions: one row per session with its user (accounts.sessions), so that deactivating someone
# ends every session at once. Idle: no request for SESSION_IDLE_MINUTES; absolute: a new log-in
# after SESSION_ABSOLUTE_HOURS whatever the activity (accounts.middleware.SessionExpiryMiddleware).
# The idle time must be longer than the longest exam: a trainee may read a paper without saving.
SESSION_ENGINE = "accounts.sessions"
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_MINUTES", 120) * 60
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_HOURS", 12) * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS


def _cache_from_env() -> dict[str, Any]:
    """CACHE_URL (or REDIS_URL): redis://… shared by every worker; file:///path; locmem://.

    Throttling (the API, the verification page) counts in this cache, so production needs one
    that gunicorn's workers share: without a URL that is a file cache under var/cache/ (one
    machine); with DEBUG on, per-process memory.
    """
    url = env.str("CACHE_URL", default="") or env.str("REDIS_URL", default="")
    if not url:
        if DEBUG:
            return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    parts = urlsplit(url)
    if parts.scheme in {"redis", "rediss"}:
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError as exc:
            raise ImproperlyConfigured(f"CACHE_URL is malformed: {exc}") from None
        if not parts.hostname:
            raise ImproperlyConfigured("CACHE_URL names no host")
        # Django's backend, one redis-py client per pool rather than per operation (config.redis_cache).
        return {"BACKEND": "config.redis_cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "bcm"}
    if parts.scheme == "file":
        return {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": parts.path}
    if parts.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL has an unsupported scheme {parts.scheme!r}; use redis://, file:// or locmem://"
    )


CACHES = {"default": _cache_from_env()}

# Uploads: request bodies (the API's JSON, forms) and imported files stay small; a bigger import
# is refused with a message before it is read (accounts.uploads).
# Every CSV/XLSX export writes through accounts.spreadsheets (admins: export_formats =
# spreadsheets.EXPORT_FORMATS): no cell becomes a formula, the text is kept, a control character is
# written as U+FFFD. import-export's own formula escape stays off: it only drops a leading "=" (the
# text changes, "+ - @" pass) and writes an empty cell as "None". Its U+FFFD escape stays on for any
# stock XLSX (tests/security/test_formula_injection.py refuses one in an admin).
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_BYTES", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 10_000)
# An imported file unpacked (accounts.uploads.check_unpacked_xlsx, before openpyxl reads an XLSX; the reader's
# rows, a CSV's too): a 300 KB XLSX can unpack to a 300-million-character cell or a row of three million cells.
# The widest import (the question bank's export) has 15 columns; no cell an import reads needs more than a
# long rubric's characters; a spreadsheet compresses 10 to 20 times, a zip bomb a thousand.
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 50)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 10_000)
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    # Probes and the scraper ask the application server directly, inside the network, without TLS.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

SITE_NAME = _("Bank Customer Manager Certification")
