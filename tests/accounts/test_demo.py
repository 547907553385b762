"""The demo cast: every log-in README lists works with the demo password, in its role; loading twice
changes nothing."""

from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

import accounts.demo
from accounts.models import Employer, Institution, StaffMembership, TraineeProfile, User
from accounts.scoping import institution_of, is_program_office

pytestmark = pytest.mark.django_db
README = Path(__file__).resolve().parents[2] / "README.md"


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (User, Institution, Employer, StaffMembership, TraineeProfile))


def test_loading_twice_changes_nothing():
    accounts.demo.load()
    first = counts()
    accounts.demo.load()
    assert counts() == first == (21, 2, 2, 6, 12)


def test_every_demo_log_in_works_with_the_demo_password(rf):
    accounts.demo.load()
    for email, _who in accounts.demo.demo_logins():
        assert authenticate(rf.post("/"), username=email, password=accounts.demo.DEMO_PASSWORD), email


def test_each_demo_person_has_their_role():
    accounts.demo.load()
    assert is_program_office(User.objects.get(email="office@demo.test"))
    for code in ("inst-a", "inst-b"):
        institution = Institution.objects.get(code=code)
        assert institution.is_authorized_on()
        for role in ("admin", "grader", "teacher"):
            user = User.objects.get(email=f"{role}@{code}.demo.test")
            assert user.is_staff and not is_program_office(user)
            assert institution_of(user) == institution and user.staff_membership.role == role
    employers = {n: TraineeProfile.objects.get(user__email=f"trainee{n:02d}@demo.test").employer for n in range(1, 13)}
    first, second = employers[1], employers[7]
    assert first and second and first != second
    assert [n for n, e in employers.items() if e == first] == [1, 2, 3, 4, 5, 6]
    assert [n for n, e in employers.items() if e == second] == [7, 8, 9, 10]
    assert [n for n, e in employers.items() if e is None] == [11, 12]
    assert not User.objects.filter(email__startswith="trainee", is_staff=True).exists()


def test_readme_lists_every_demo_log_in():
    text = README.read_text()
    for email, _who in accounts.demo.demo_logins():
        assert f"`{email}`" in text, email


def test_make_run_prints_the_demo_log_ins(capsys):
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert "demo-pass-2026" in out and "admin@inst-b.demo.test" in out and "trainee12@demo.test" in out
