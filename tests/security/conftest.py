# The exam fixtures test_audit_grading.py asks for, offered here so that its parameters do not shadow imports.
from tests.exams.conftest import grader_a, world  # noqa: F401
from tests.exams.test_grading import essay_world  # noqa: F401
