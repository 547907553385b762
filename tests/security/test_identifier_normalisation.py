"""One normalisation of the log-in address (issue 15, item 2): however an address is typed — letter
case, spaces around it, full-width letters — log-in, the lock-out, sign-up, password reset, the
trainee import and the user manager all reach the same person, and the lock-out counts one account."""

import ast
import re
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from accounts import services
from accounts.identifiers import lockout_username, normalize_email
from accounts.models import TraineeProfile, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"
LOGIN = "/en/accounts/login/"
ADDRESS = "target@example.test"
# Each of these is ADDRESS as someone might type it; each used to be a separate lock-out counter.
VARIANTS = {
    "capitalised": "Target@example.test",
    "shouting": "TARGET@EXAMPLE.TEST",
    "spaces": "  target@example.test ",
    "full-width": "ｔａｒｇｅｔ@example.test",
    "mixed": "tArGeT@Example.Test",
    "domain": "target@EXAMPLE.test",
    "tab": "\tTarget@Example.TEST",
}


@pytest.fixture
def target() -> User:
    """A verified, active trainee whose address is ADDRESS."""
    user = UserFactory(email=ADDRESS, password=PASSWORD, is_active=True, email_verified_at=timezone.now())
    TraineeProfile.objects.create(user=user)
    return user


def log_in(typed: str, password: str) -> int:
    return Client(REMOTE_ADDR="198.51.100.1").post(LOGIN, {"username": typed, "password": password}).status_code


def test_six_wrong_passwords_spread_over_spellings_lock_the_account(target, password_checks):
    spellings = list(VARIANTS.values())
    for typed in spellings[:5]:
        assert log_in(typed, "wrong") == 200  # the form again: a failed log-in, counted
    assert log_in(spellings[5], "wrong") in (403, 429)  # the sixth failure locks
    assert password_checks == ["wrong"] * 6
    assert log_in(spellings[6], PASSWORD) in (403, 429)  # yet another spelling, the right password
    assert password_checks == ["wrong"] * 6  # never compared while locked


def test_the_stored_address_is_normalised_whatever_made_the_row():
    made = User.objects.create_user(email=" Chen@Bank.EXAMPLE", password=PASSWORD, display_name="陳")
    assert made.email == "chen@bank.example"
    by_orm = User.objects.create(email="ｗａｎｇ@Bank.Example", display_name="王")
    by_orm.refresh_from_db()
    assert by_orm.email == "wang@bank.example"


# --- Every entry point: a spelling of the address reaches the one person -----------------------


def enter_log_in(typed: str, target: User, capture) -> None:
    client = Client()
    assert client.post(LOGIN, {"username": typed, "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(target.pk)


def enter_backend(typed: str, target: User, capture) -> None:
    # The admin's log-in form passes the typed string to the backends as it is.
    assert authenticate(RequestFactory().post("/admin/login/"), username=typed, password=PASSWORD) == target


def enter_lockout_key(typed: str, target: User, capture) -> None:
    assert lockout_username(None, {"username": typed}) == target.email
    assert lockout_username(RequestFactory().post(LOGIN, {"username": typed}), None) == target.email


def enter_sign_up(typed: str, target: User, capture) -> None:
    with capture(execute=True), transaction.atomic():
        services.do_sign_up(email=typed, display_name="Mallory", password=PASSWORD,
                            preferred_language="en", site_url="http://testserver")  # fmt: skip
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [[target.email]]  # the owner's notice


def enter_password_reset(typed: str, target: User, capture) -> None:
    with capture(execute=True):
        Client().post("/en/accounts/password/reset/", {"email": typed})
    assert [m.to for m in mail.outbox] == [[target.email]]


def enter_trainee_import(typed: str, target: User, capture) -> None:
    row = services.check_trainee_row(values={"email": typed, "display_name": "Target"}, institution=None)
    assert row.profile is not None and row.profile.user == target and row.email == target.email


def enter_user_manager(typed: str, target: User, capture) -> None:
    assert User.objects.get_by_natural_key(typed) == target
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email=typed, password=PASSWORD, display_name="twin")


ENTRY_POINTS = [enter_log_in, enter_backend, enter_lockout_key, enter_sign_up, enter_password_reset,
                enter_trainee_import, enter_user_manager]  # fmt: skip


@pytest.mark.parametrize("typed", VARIANTS.values(), ids=VARIANTS.keys())
@pytest.mark.parametrize("entry", ENTRY_POINTS, ids=lambda f: f.__name__.removeprefix("enter_"))
def test_every_entry_point_takes_any_spelling_to_the_same_person(
    entry, typed, target, django_capture_on_commit_callbacks
):
    entry(typed, target, django_capture_on_commit_callbacks)


def test_the_normalisation_trims_folds_full_width_and_case():
    assert normalize_email("  ＣＨＥＮ@Bank.Example\t") == "chen@bank.example"


# --- The class: no identifier path compares addresses its own way -------------------------------

ROOT = Path(__file__).resolve().parents[2]
APP_PACKAGES = sorted(p.parent.name for p in ROOT.glob("*/__init__.py") if p.parent.name != "tests")
# Where a rule of its own is right, and why. Anything else found below is a new path without the rule.
ALLOWED = {
    # The rule itself.
    ("accounts/identifiers.py", "*"),
    # The database's own guard: unique on LOWER(email), whatever wrote the row.
    ("accounts/models.py", "Lower('email')"),
}


CASE_BLIND_LOOKUP = re.compile(r"email__i(exact|contains|startswith|endswith|regex)$")


def _app_files():
    for package in APP_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def own_comparisons(tree: ast.AST) -> list[str]:
    """Spots where code folds or compares an e-mail address its own way instead of normalize_email."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            # `user.email.lower()`, `email.strip().casefold()`, `row["email"].upper()`
            if (isinstance(func, ast.Attribute) and func.attr in {"lower", "casefold", "upper"}
                    and "email" in ast.unparse(func.value).lower()):  # fmt: skip
                found.append(ast.unparse(node))
            # Lower("email"), Upper("user__email")
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in {"Lower", "Upper"} and any("email" in ast.unparse(arg).lower() for arg in node.args):
                found.append(ast.unparse(node))
            # filter(email__iexact=…), Q(user__email__istartswith=…)
            for keyword in node.keywords:
                if keyword.arg and CASE_BLIND_LOOKUP.search(keyword.arg):
                    found.append(f"{keyword.arg}=…")
        # A Django form field for an address that is not accounts.forms.IdentifierEmailField.
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                value = getattr(statement, "value", None)
                if (isinstance(statement, ast.Assign | ast.AnnAssign) and isinstance(value, ast.Call)
                        and ast.unparse(value.func) == "forms.EmailField"):  # fmt: skip
                    found.append(ast.unparse(statement))
    return found


def test_no_identifier_path_folds_or_compares_addresses_its_own_way():
    offenders = []
    for path in _app_files():
        relative = path.relative_to(ROOT).as_posix()
        if (relative, "*") in ALLOWED:
            continue
        for spot in own_comparisons(ast.parse(path.read_text(), filename=relative)):
            if (relative, spot) not in ALLOWED:
                offenders.append(f"{relative}: {spot}")
    assert offenders == [], "use accounts.identifiers.normalize_email (or IdentifierEmailField):\n" + "\n".join(
        offenders
    )


@pytest.mark.parametrize("snippet", [
    "User.objects.filter(email__iexact=typed)",
    "Q(user__email__istartswith=typed)",
    "profile.user.email.lower() == typed",
    "User.objects.annotate(low=Lower('email'))",
    "class F(forms.Form):\n    email = forms.EmailField()",
])  # fmt: skip
def test_the_scan_finds_each_kind_of_own_comparison(snippet):
    assert own_comparisons(ast.parse(snippet))


def test_a_failed_log_in_is_audited_under_the_normalised_address(target):
    from accounts.models import AuditEvent

    authenticate(RequestFactory().post("/admin/login/"), username=" TARGET@Example.test", password="wrong")
    assert list(AuditEvent.objects.filter(action="login_failed").values_list("actor_label", flat=True)) == [ADDRESS]


# --- the lock-out key, function by function (mutation/RESULTS.md: the survivors of accounts/identifiers.py) ---


def test_no_address_normalises_to_the_empty_string():
    from accounts.identifiers import normalize_email

    assert normalize_email(None) == normalize_email("") == normalize_email("  ") == ""


def test_the_lockout_key_takes_the_address_under_email_when_there_is_no_username():
    from accounts.identifiers import lockout_username

    assert lockout_username(None, {"email": " Chen@Bank.example "}) == "chen@bank.example"
    assert lockout_username(None, {"username": "", "email": "CHEN@bank.example"}) == "chen@bank.example"


def test_the_lockout_key_of_an_api_request_comes_from_its_parsed_data():
    """A REST framework request carries the body in ``data`` (its ``POST`` is empty for JSON)."""
    from types import SimpleNamespace

    from accounts.identifiers import lockout_username

    api_request = SimpleNamespace(data={"username": " Chen@Bank.EXAMPLE"}, POST={})
    assert lockout_username(api_request, None) == "chen@bank.example"
    form_request = SimpleNamespace(POST={"username": "CHEN@bank.example "})
    assert lockout_username(form_request, None) == "chen@bank.example"


def test_the_lockout_key_without_a_request_body_is_the_empty_string():
    from accounts.identifiers import lockout_username

    assert lockout_username(None, None) == ""
    assert lockout_username(object(), {}) == ""
