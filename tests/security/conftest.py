import pytest
from django.contrib.auth.hashers import check_password as real_check_password

# The exam fixtures test_audit_grading.py asks for, offered here so that its parameters do not shadow imports.
from tests.exams.conftest import grader_a, world  # noqa: F401
from tests.exams.test_grading import essay_world  # noqa: F401


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Every time a password is compared with a stored hash (``User.check_password`` calls this)."""
    seen: list[str] = []

    def counting(password, encoded, *args, **kwargs):
        seen.append(password)
        return real_check_password(password, encoded, *args, **kwargs)

    monkeypatch.setattr("django.contrib.auth.base_user.check_password", counting)
    return seen
