"""Shared fixtures: eager Celery for unit tests, a real worker process for the tests that ask, and the cast:
the named people and organisations every folder's tests use (below, "the cast")."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.utils import timezone
from kombu import pools as kombu_pools

from accounts import demo as accounts_demo
from accounts import services as accounts_services
from accounts.models import Employer, EmployerMembership, Institution, StaffMembership, TraineeProfile, User
from accounts.scoping import (
    EMPLOYER_HR_GROUP,
    INSTITUTION_ADMIN_GROUP,
    INSTITUTION_GRADER_GROUP,
    INSTITUTION_TEACHER_GROUP,
    PROGRAM_OFFICE_GROUP,
)
from config.celery_app import app as celery_app
from hr_api.models import SCOPES, ApiClient
from hr_api.services import do_create_client
from tests.factories import EmployerFactory, InstitutionFactory, StaffMembershipFactory, UserFactory
from tests.row_locks import recorded_row_locks

BASE_DIR = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"


def service_missing(reason: str) -> None:
    """Skip on a developer's machine; under CI a missing service fails the run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service is a failure)")
    pytest.skip(reason)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def redis_reachable(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(autouse=True)
def eager_celery(request: pytest.FixtureRequest) -> Iterator[None]:
    """Unit tests run tasks in-process; tests marked ``worker`` get the real thing."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    celery_app.conf.task_always_eager = True
    # /readyz asks for a worker's answer to a ping broadcast; the in-process "worker" answers it at once.
    answer_pings = mock.patch.object(celery_app.control, "ping", lambda *a, **kw: [{"eager@test": {"ok": "pong"}}])
    try:
        with answer_pings:
            yield
    finally:
        celery_app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the site's default language (zh-hant), whatever the last one read: a request leaves its
    page's language active in the thread, and a test that passed on the language an earlier test left behind
    failed when the order changed."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def supervision_state_read_every_time(settings) -> None:
    """A test changes the figures, institutions or cohorts and looks at once: the process's memo of
    which edition the pages show is off (tests/supervision/test_figures_cache.py tests it on)."""
    settings.SUPERVISION_STATE_SECONDS = 0


@pytest.fixture(autouse=True)
def site_url_of_the_test_client(settings) -> None:
    """Mails link to ``SITE_URL`` (core.links), never to the request's host: the test client's host, so that a
    test follows a mailed link with the client as a person clicks it (browser tests use the live server's)."""
    settings.SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    """Each test starts with an empty in-process cache (the only kind the suite runs with): the limits
    that count in it (the API's throttles, look-ups on the verify page, log-ins, mails asked for) start
    at zero, and a key built from ids (the supervision figures' edition) must not find the last test's
    page, since a test's rolled-back rows give their ids (SQLite's counters roll back too) to the next."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    yield
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def dns(monkeypatch: pytest.MonkeyPatch):
    """No test asks real DNS: outbound URLs resolve through tests/fake_dns.py (public unless mapped)."""
    from accounts import outbound
    from tests.fake_dns import FakeDns

    fake = FakeDns()
    monkeypatch.setattr(outbound, "resolve", fake)
    return fake


@pytest.fixture
def row_locks() -> Iterator[list[list[str]]]:
    """The tables each locking read of the test locks, as PostgreSQL would (``tests/row_locks.py``)."""
    with recorded_row_locks() as taken:
        yield taken


@pytest.fixture
def postgres_only() -> None:
    if not is_postgres():
        pytest.skip("needs PostgreSQL; runs in the PostgreSQL pass of .ci/run (DATABASE_URL=postgres://…)")


def _reset_celery_connections() -> None:
    """Make the test process's Celery client reconnect with the current configuration."""
    kombu_pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None
    celery_app._backend_cache = None
    celery_app._local = threading.local()


def _database_url_for_worker() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def celery_worker(transactional_db: None) -> Iterator[subprocess.Popen]:
    """A real ``celery worker`` process on the test database and a broker of its own.

    Redis when ``CELERY_BROKER_URL`` says so (CI), else kombu's filesystem transport in a
    temporary folder, so a running `make run` worker never steals the test's tasks.
    """
    with celery_worker_process() as process:
        yield process


@contextmanager
def celery_worker_process(extra_env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Start the worker of ``celery_worker``; the browser suite keeps one for its whole session.

    The test database must exist already; ``extra_env`` reaches only the worker process.
    """
    env = {**os.environ, "DATABASE_URL": _database_url_for_worker(), "DJANGO_DEBUG": "true", **(extra_env or {})}
    saved_conf = {key: celery_app.conf[key] for key in ("broker_url", "broker_transport_options", "result_backend")}
    folder = Path(tempfile.mkdtemp(prefix="bcm-broker-"))
    if settings.CELERY_BROKER_URL.startswith("redis"):
        if not redis_reachable(settings.CELERY_BROKER_URL):
            service_missing(f"Redis at {settings.CELERY_BROKER_URL} is not reachable")
        celery_app.control.purge()
    else:
        env["CELERY_FILESYSTEM_BROKER_DIR"] = str(folder)
        queue = str(folder / "queue")
        for sub in ("queue", "processed", "results", "control"):
            (folder / sub).mkdir()
        celery_app.conf.broker_transport_options = {
            "data_folder_in": queue,
            "data_folder_out": queue,
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
        celery_app.conf.result_backend = f"file://{folder / 'results'}"
    _reset_celery_connections()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            "celery,webhooks",
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):  # a test may have stopped it already
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        for key, value in saved_conf.items():
            celery_app.conf[key] = value
        _reset_celery_connections()
        shutil.rmtree(folder, ignore_errors=True)


def wait_until(predicate, timeout: float = 30.0, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


# Staff log in with a second factor (accounts.second_factor). Tests that log people in with
# ``client.force_login`` are about something else: for a staff person the login also gives them a
# confirmed authenticator (this key) and marks the session as verified by it, as the code page would.
TEST_TOTP_SECRET = "BCMTESTSTAFFTOTPSECRETAAAAAAAAAA"
_force_login_without_second_factor = Client.force_login  # Django's, kept before the fixture below patches it


def _force_login_with_second_factor(self, user, backend=None):
    from django_otp import DEVICE_ID_SESSION_KEY

    from accounts.second_factor import services as second_factor

    _force_login_without_second_factor(self, user, backend)
    if second_factor.needs_second_factor(user):
        device = second_factor.authenticator_of(user) or second_factor.do_set_authenticator(
            user=user, secret=TEST_TOTP_SECRET
        )
        session = self.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture(autouse=True)
def staff_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """``Client.force_login`` of a staff person gives a session verified by a second factor."""
    monkeypatch.setattr(Client, "force_login", _force_login_with_second_factor)


@pytest.fixture
def real_second_factor(staff_second_factor: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """``force_login`` as Django has it: a staff person's session still needs the second step."""
    monkeypatch.setattr(Client, "force_login", _force_login_without_second_factor)


@pytest.fixture(autouse=True)
def media_of_this_process(settings) -> None:
    """Under pytest-xdist each process has its own database, whose certificate 7 is not the other's:
    its files (the certificates' PDFs, cached by id) go to a folder of its own."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        settings.MEDIA_ROOT = BASE_DIR / "var" / "test-media" / worker


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The factories and the cast hash a password for every person; the real hasher makes big lists slow.

    The browser suite turns this off (tests/browser/conftest.py): there people log in as they do in production.
    """
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# ---------------------------------------------------------------- the cast
# The named people and organisations of every folder's tests, with the demo's names (accounts/demo.py):
# the program office; two institutions (``institution`` and ``other_institution``, inst-a and inst-b) with an
# admin and a grader each; two employers (bank-a and bank-b) with an HR system each; a trainee of each side.
# "other_…" is always the outsider a test checks it cannot see. They are made the way the portal makes them
# where it has a service: trainees through the trainee import's services (accounts.services), HR systems
# through do_create_client; institutions, employers and staff are made in admin only, so the factories make
# them here. ``make_*`` make one more of a kind, for a test that needs more people than the cast has.

PASSWORD = "correct-horse-battery-staple"  # the factories' password; every person of the cast has it
HR_CLIENTS = {"bank-a": ("Alpha HR", "hr-alpha", "s-a"), "bank-b": ("Bravo HR", "hr-bravo", "s-b")}


def make_program_office(**user_fields: Any) -> User:
    """A member of the program office (staff unless ``is_staff=False``, in its group)."""
    user = UserFactory(**{"is_staff": True, **user_fields})
    user.groups.add(Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0])
    return user


def make_staff(institution: Institution, role: str = StaffMembership.Role.ADMIN, **user_fields: Any) -> User:
    """A staff member of ``institution``: an admin (by default), a grader or a teacher, in the group of that role."""
    membership = StaffMembershipFactory(
        institution=institution, role=role, **{f"user__{name}": value for name, value in user_fields.items()}
    )
    group = {
        StaffMembership.Role.ADMIN: INSTITUTION_ADMIN_GROUP,
        StaffMembership.Role.TEACHER: INSTITUTION_TEACHER_GROUP,
    }.get(role, INSTITUTION_GRADER_GROUP)
    membership.user.groups.add(Group.objects.get_or_create(name=group)[0])
    return membership.user


def make_hr_staff(employer: Employer, **user_fields: Any) -> User:
    """An HR staff member of ``employer`` (staff status, in the employer HR group): they keep its career register."""
    user = UserFactory(**{"is_staff": True, **user_fields})
    EmployerMembership.objects.create(user=user, employer=employer)
    user.groups.add(Group.objects.get_or_create(name=EMPLOYER_HR_GROUP)[0])
    return user


def make_trainee(
    *,
    email: str,
    display_name: str,
    registered_by: Institution | None = None,
    password: str | None = PASSWORD,
    **row: str,
) -> User:
    """A trainee registered as a row of the trainee import is (``row``: employer code, employee_number, …).

    ``registered_by`` is the importing institution (None: the program office). With a ``password`` the
    person has since chosen it through the mailed link, which also verified the address.
    """
    values = {"email": email, "display_name": display_name, **row}
    accounts_services.check_may_register_trainees(institution=registered_by)
    checked = accounts_services.check_trainee_row(values=values, institution=registered_by)
    profile = checked.profile or TraineeProfile()
    accounts_services.apply_trainee_row(profile=profile, row=checked, institution=registered_by)
    user = accounts_services.do_register_trainee(profile=profile).user
    if password is not None:
        user.set_password(password)
        user.email_verified_at = timezone.now()
        user.save(update_fields=["password", "email_verified_at"])
    return user


def logged_in(user: User) -> Client:
    """A test client logged in as ``user`` (a staff person's session counts as past the second factor)."""
    client = Client()
    client.force_login(user)
    return client


def in_english(user: User) -> User:
    """``user``, who now prefers English: after log-in they land on the English pages a test names."""
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    return user


def _demo_institution(n: int) -> Institution:
    code, name_zh, name_en, number = accounts_demo.INSTITUTIONS[n]
    return InstitutionFactory(code=code, name_zh=name_zh, name_en=name_en, authorization_number=number)


def _demo_staff(institution: Institution, role: str) -> User:
    return make_staff(
        institution, role, email=f"{role}@{institution.code}.demo.test", display_name=f"{institution.name_zh} {role}"
    )


def _demo_employer(n: int) -> Employer:
    code, name_zh, name_en = accounts_demo.EMPLOYERS[n]
    return EmployerFactory(code=code, name_zh=name_zh, name_en=name_en)


def _hr_client(employer: Employer) -> ApiClient:
    name, client_id, secret = HR_CLIENTS[employer.code]
    client, _secret = do_create_client(
        employer=employer, name=name, scopes=SCOPES, client_id=client_id, client_secret=secret
    )
    return client


def _demo_trainee(n: int, employer: Employer, institution: Institution) -> User:
    """The demo's trainee number ``n`` (1 to 12), an employee of ``employer`` registered by ``institution``."""
    return make_trainee(
        email=f"trainee{n:02d}@demo.test", display_name=accounts_demo.TRAINEE_NAMES[n - 1], registered_by=institution,
        employer=employer.code, employee_number=f"{employer.code.upper()}-{n:04d}", branch="臺北分行",
        manager_class=TraineeProfile.ManagerClass.PERSONAL if n % 2 else TraineeProfile.ManagerClass.CORPORATE,
    )  # fmt: skip


@pytest.fixture
def program_office(db: None) -> User:
    """office@demo.test, the program office."""
    return make_program_office(email="office@demo.test", display_name="計畫辦公室")


@pytest.fixture
def institution(db: None) -> Institution:
    """inst-a, 臺北金融研訓中心 (Taipei Banking Training Centre), authorized today."""
    return _demo_institution(0)


@pytest.fixture
def other_institution(db: None) -> Institution:
    """inst-b, 線上金融學院 (Online Finance Academy): the other institution, whose rows ours must not see."""
    return _demo_institution(1)


@pytest.fixture
def institution_admin(institution: Institution) -> User:
    """admin@inst-a.demo.test"""
    return _demo_staff(institution, StaffMembership.Role.ADMIN)


@pytest.fixture
def institution_grader(institution: Institution) -> User:
    """grader@inst-a.demo.test"""
    return _demo_staff(institution, StaffMembership.Role.GRADER)


@pytest.fixture
def other_institution_admin(other_institution: Institution) -> User:
    """admin@inst-b.demo.test"""
    return _demo_staff(other_institution, StaffMembership.Role.ADMIN)


@pytest.fixture
def other_institution_grader(other_institution: Institution) -> User:
    """grader@inst-b.demo.test"""
    return _demo_staff(other_institution, StaffMembership.Role.GRADER)


# The admin-page tests' clients, logged in and reading English (a folder or file may name its own).


@pytest.fixture
def alice(institution_admin: User) -> Client:
    """inst-a's admin: imports trainees and enrolments into inst-a, runs its cohorts."""
    return logged_in(in_english(institution_admin))


@pytest.fixture
def bob(other_institution_admin: User) -> Client:
    """inst-b's admin, the outsider to Alice's rows."""
    return logged_in(in_english(other_institution_admin))


@pytest.fixture
def office(program_office: User) -> Client:
    """The program office."""
    return logged_in(in_english(program_office))


@pytest.fixture
def employer(db: None) -> Employer:
    """bank-a, 示範商業銀行 (Demo Commercial Bank)."""
    return _demo_employer(0)


@pytest.fixture
def other_employer(db: None) -> Employer:
    """bank-b, 範例儲蓄銀行 (Example Savings Bank): the other employer, whose rows ours must not see."""
    return _demo_employer(1)


@pytest.fixture
def hr_client(employer: Employer) -> ApiClient:
    """bank-a's HR system: client ``hr-alpha`` (secret ``s-a``) with every scope."""
    return _hr_client(employer)


@pytest.fixture
def other_hr_client(other_employer: Employer) -> ApiClient:
    """bank-b's HR system: client ``hr-bravo`` (secret ``s-b``) with every scope."""
    return _hr_client(other_employer)


@pytest.fixture
def hr_staff(employer: Employer) -> User:
    """hr@bank-a.demo.test, bank-a's HR staff: they keep bank-a's career register in admin."""
    return make_hr_staff(employer, email="hr@bank-a.demo.test", display_name="示範商業銀行 人資")


@pytest.fixture
def other_hr_staff(other_employer: Employer) -> User:
    """hr@bank-b.demo.test, bank-b's HR staff: the outsider to bank-a's register."""
    return make_hr_staff(other_employer, email="hr@bank-b.demo.test", display_name="範例儲蓄銀行 人資")


@pytest.fixture
def trainee(employer: Employer, institution: Institution) -> User:
    """trainee01@demo.test, 陳怡君: bank-a's employee BANK-A-0001, registered by inst-a; reads Chinese."""
    return _demo_trainee(1, employer, institution)


@pytest.fixture
def other_trainee(other_employer: Employer, other_institution: Institution) -> User:
    """trainee07@demo.test, 吳佩珊: bank-b's employee BANK-B-0007, registered by inst-b; reads Chinese."""
    return _demo_trainee(7, other_employer, other_institution)


@pytest.fixture
def generations(monkeypatch) -> list[str]:
    """The language of each generation of the HR API's schema (tests/api, tests/hr_api: it is generated once per
    language and process)."""
    from django.utils import translation
    from drf_spectacular.generators import SchemaGenerator

    calls: list[str] = []
    generate = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        calls.append(translation.get_language())
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    return calls


@contextlib.contextmanager
def broker_refusing() -> Iterator[None]:
    """As in production, the broker is really asked (no eager Celery), and it refuses every message: what an
    enqueue on commit meets during a broker outage (core.tasks logs it and leaves the work to a sweep)."""
    from kombu.exceptions import OperationalError

    from config.celery_app import app as celery_app

    celery_app.conf.task_always_eager = False
    try:
        with mock.patch("celery.app.task.Task.apply_async", side_effect=OperationalError("Connection refused")):
            yield
    finally:
        celery_app.conf.task_always_eager = True
