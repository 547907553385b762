"""The teacher names typed before teachers had accounts survive courses 0009 (issue 22, item 2).

Sessions are made at the latest migrations, the database goes back to courses 0008 (no teacher
accounts on sessions) and forward again. A name is linked to an account only where exactly one
teacher of the session's own institution has that exact name; every name and English name stays as
it was; a session that named only an account gets that account's name on the way back.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts.models import StaffMembership
from courses.models import TrainingSession
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory

# Transactional (migrations cannot run inside a test's transaction), restored for the tests after it.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("courses", "0008_course_class_hours")]


def migrate(targets: list[tuple[str, str | None]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def names() -> dict[int, tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, teacher, teacher_en FROM courses_trainingsession")
        return {pk: (teacher, teacher_en) for pk, teacher, teacher_en in cursor.fetchall()}


def test_teacher_names_are_linked_where_one_teacher_matches_and_never_lost(institution, other_institution):
    teacher = StaffMembership.Role.TEACHER
    chen = make_staff(institution, teacher, email="chen@a.example.test", display_name="陳志明").staff_membership
    make_staff(institution, teacher, email="huang1@a.example.test", display_name="黃美玲")
    make_staff(institution, teacher, email="huang2@a.example.test", display_name="黃美玲")
    make_staff(institution, StaffMembership.Role.ADMIN, email="wang@a.example.test", display_name="王大同")
    ours, theirs = CohortFactory(institution=institution), CohortFactory(institution=other_institution)
    sessions = {
        "linked": TrainingSessionFactory(cohort=ours, teacher="陳志明", teacher_en="Chen Chih-ming"),
        "other institution": TrainingSessionFactory(cohort=theirs, teacher="陳志明"),
        "two of that name": TrainingSessionFactory(cohort=ours, teacher="黃美玲", teacher_en="Huang Mei-ling"),
        "no account": TrainingSessionFactory(cohort=ours, teacher="客座講師 吳"),
        "not a teacher": TrainingSessionFactory(cohort=ours, teacher="王大同"),
        "not exactly": TrainingSessionFactory(cohort=ours, teacher="陳志明 老師"),
        "account only": TrainingSessionFactory(cohort=ours, teacher="", teacher_person=chen),
    }
    before = names()
    try:
        migrate(BEFORE)
        back = names()
        assert back == {**before, sessions["account only"].pk: ("陳志明", "")}
        migrate(latest())
    finally:
        migrate(latest())

    assert names() == back  # not a name lost or changed
    linked = dict(TrainingSession.objects.values_list("pk", "teacher_person"))
    assert {label for label, s in sessions.items() if linked[s.pk] is not None} == {"linked", "account only"}
    assert linked[sessions["linked"].pk] == linked[sessions["account only"].pk] == chen.pk
