"""A face-to-face session names its place, as a sitting does: trainees of a session saved without one had no
classroom to go to. The session form refuses it in the reader's language, the service refuses it to every other
caller, the database refuses a write past both; a live remote session has no place. Sessions saved without a
place before are given "place to be announced" by courses 0014, never refused and never lost."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import StaffMembership
from courses import services
from courses.models import TrainingSession
from courses.services import TrainingError
from tests.conftest import make_staff
from tests.factories import CohortFactory, TrainingSessionFactory

NO_PLACE = "Give the place of a face-to-face session, or make it live remote."


def session_form(cohort, **fields) -> dict:
    return {
        "cohort": cohort.pk,
        "purpose": "exam_prep",
        "mode": "face_to_face",
        "held_on": cohort.starts_on.isoformat(),
        "hours": "8",
        "teacher": "林老師",
        **fields,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_session_form_refuses_a_face_to_face_session_without_a_place(alice, institution, language):
    cohort = CohortFactory(institution=institution, offers_remote=True)
    url = f"/{language}/admin/courses/trainingsession/add/"
    response = alice.post(url, session_form(cohort, location="  "))
    assert response.status_code == 200
    with translation.override(language):
        shown = gettext(NO_PLACE)
    assert response.content.decode().count(shown) == 1  # said once
    assert not TrainingSession.objects.exists()
    assert alice.post(url, session_form(cohort, location="301 教室")).status_code == 302
    assert alice.post(url, session_form(cohort, mode="live_remote")).status_code == 302
    assert sorted(TrainingSession.objects.values_list("mode", "location")) == [
        ("face_to_face", "301 教室"),
        ("live_remote", ""),
    ]


def test_the_service_refuses_a_face_to_face_session_without_a_place_and_a_live_remote_one_with_one():
    with pytest.raises(TrainingError) as refused:
        services.check_session_place(mode="face_to_face", location=" ", location_en="Room 301")
    with translation.override("en"):
        assert (refused.value.code, str(refused.value.message)) == ("no_location", NO_PLACE)
    with pytest.raises(TrainingError) as refused:
        services.check_session_place(mode="live_remote", location="", location_en="Room 301")
    assert refused.value.code == "remote_location"
    services.check_session_place(mode="face_to_face", location="301 教室")
    services.check_session_place(mode="live_remote", location="")


@pytest.mark.django_db
def test_the_database_refuses_a_face_to_face_session_without_a_place_written_past_the_service():
    session = TrainingSessionFactory(location="301 教室")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSessionFactory(cohort=session.cohort, location="")
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSession.objects.filter(pk=session.pk).update(location="")


# --- courses 0014 on a database holding sessions without a place -------------------------------------------------

BEFORE = [("courses", "0013_catalog_titles_guanxi")]


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sessions_saved_without_a_place_are_announced_as_to_be_given_and_printed(
    institution, other_institution, capsys
):
    cohort = CohortFactory(institution=institution, code="A-PLACE", offers_remote=True)
    try:
        migrate(BEFORE)
        placeless = TrainingSessionFactory(cohort=cohort, location="")
        english_only = TrainingSessionFactory(cohort=cohort, location="", location_en="Room 301")
        placed = TrainingSessionFactory(cohort=cohort, location="301 教室", location_en="Room 301")
        remote = TrainingSessionFactory(cohort=cohort, mode="live_remote", location="")
        migrate(latest())
    finally:
        migrate(latest())

    stored = dict(TrainingSession.objects.values_list("pk", "location"))
    stored_en = dict(TrainingSession.objects.values_list("pk", "location_en"))
    name_zh, name_en = institution.name_zh, institution.name_en
    assert (stored[placeless.pk], stored_en[placeless.pk]) == (
        f"地點待公布，請洽{name_zh}",
        f"Place to be announced: please ask {name_en}",
    )
    assert (stored[english_only.pk], stored_en[english_only.pk]) == ("Room 301", "Room 301")
    assert (stored[placed.pk], stored_en[placed.pk]) == ("301 教室", "Room 301")
    assert (stored[remote.pk], stored_en[remote.pk]) == ("", "")
    printed = capsys.readouterr().out
    assert f"courses 0014: session {placeless.pk} (cohort A-PLACE, {placeless.held_on}): no place" in printed
    assert f"courses 0014: session {english_only.pk} (cohort A-PLACE" in printed
    assert f"session {placed.pk} " not in printed and f"session {remote.pk} " not in printed

    # The rebuilt table kept the teacher guard of 0010 (on SQLite its triggers were made again).
    teacher = make_staff(other_institution, StaffMembership.Role.TEACHER, email="t@b.example.test").staff_membership
    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingSessionFactory(cohort=cohort, teacher_person=teacher)
