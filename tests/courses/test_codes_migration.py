"""Codes saved before the rule (core.codes) are rewritten by courses 0011, never refused and never lost.

Rows are made at courses 0010 (no rule), the database goes forward: each code the rule refuses is
rewritten as the migration's docstring says and printed for the operator; valid codes stay as they were.
The teacher guard's triggers of 0010 survive the table rebuilds on SQLite.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from accounts.models import StaffMembership
from courses.models import Cohort, Course
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory

# Transactional (migrations cannot run inside a test's transaction), restored for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("courses", "0010_session_teacher_institution_guard")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_codes_the_rule_refuses_are_rewritten_and_printed(institution, other_institution, capsys):
    try:
        migrate(BEFORE)
        made = {
            code: CohortFactory(institution=institution, code=code).pk
            for code in ["EVIL-1", "EVIL/1", "ＴＰＥ－１", "台北 2026/1", "台北", "x" * 39 + "/", "KEEP_me-1"]
        }
        course = Course.objects.create(code="BCM 900", title_zh="課程", title_en="Course")
        migrate(latest())
    finally:
        migrate(latest())

    codes = dict(Cohort.objects.filter(pk__in=made.values()).values_list("pk", "code"))
    assert {old: codes[pk] for old, pk in made.items()} == {
        "EVIL-1": "EVIL-1",
        "EVIL/1": f"EVIL-1-{made['EVIL/1']}",  # EVIL-1 is taken
        "ＴＰＥ－１": "TPE-1",
        "台北 2026/1": "2026-1",
        "台北": f"COHORT-{made['台北']}",
        "x" * 39 + "/": "x" * 39,
        "KEEP_me-1": "KEEP_me-1",
    }
    course.refresh_from_db()
    assert course.code == "BCM-900"
    printed = capsys.readouterr().out
    assert f"courses 0011: cohort {made['EVIL/1']} 'EVIL/1' -> 'EVIL-1-{made['EVIL/1']}'" in printed
    assert f"courses 0011: course {course.pk} 'BCM 900' -> 'BCM-900'" in printed
    assert "'EVIL-1' ->" not in printed and "KEEP_me-1' ->" not in printed

    # The rebuilt tables kept the teacher guard of 0010 (on SQLite its triggers were made again).
    teacher = make_staff(other_institution, StaffMembership.Role.TEACHER, email="t@b.example.test").staff_membership
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSessionFactory(cohort=Cohort.objects.get(pk=made["EVIL-1"]), teacher_person=teacher)
