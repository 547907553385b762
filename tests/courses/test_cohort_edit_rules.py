"""A cohort's change keeps the rules of its creation and of the trainee's own logging, in one place
(``courses.services.cohort_problems``, the admin's form and ``do_save_cohort``, plus a database constraint):

- enrolment closes by the cohort's last day (late enrolments during the training are taken, after it nothing is
  left to enrol in);
- at least one delivery mode (unticking all three emptied the public page's "delivery" and hid the cohort from
  every mode's filter; the change form skipped the check because the curriculum is read-only there);
- new dates keep what the cohort holds inside them, named in the refusal: sessions (and their attendance), and the
  self-study and remote-module completions that count from its first day on; self-study after its last day still
  counts (a trainee in training may study for what they still owe), so it does not stop the end moving;
- self-study dated before the cohort's first day is not confirmed (the trainee's own logging refuses it).
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape

from courses import services
from courses.models import Cohort, Enrolment, SelfStudyEntry
from courses.services import TrainingError
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory, UserFactory

from .conftest import new_cohort_form

pytestmark = pytest.mark.django_db

MODES = ("offers_face_to_face", "offers_remote", "offers_self_study")


def change_form(cohort: Cohort, **changes) -> dict:
    """The cohort's change form as the admin shows it to its institution's staff, with ``changes`` (None: the
    box left unticked)."""
    opens, closes = timezone.localtime(cohort.enrolment_opens_at), timezone.localtime(cohort.enrolment_closes_at)
    data = {
        "code": cohort.code,
        "starts_on": cohort.starts_on.isoformat(),
        "ends_on": cohort.ends_on.isoformat(),
        "city": cohort.city,
        "capacity": cohort.capacity,
        "enrolment_opens_at_0": opens.date().isoformat(),
        "enrolment_opens_at_1": opens.strftime("%H:%M:%S"),
        "enrolment_closes_at_0": closes.date().isoformat(),
        "enrolment_closes_at_1": closes.strftime("%H:%M:%S"),
        **{mode: "on" for mode in MODES if getattr(cohort, mode)},
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def saved(client, cohort: Cohort, language: str = "en", **changes):
    return client.post(f"/{language}/admin/courses/cohort/{cohort.pk}/change/", change_form(cohort, **changes))


def refusal(problem_code: str, cohort: Cohort, language: str, **changes) -> str:
    """The service's refusal of ``cohort`` with ``changes`` (not saved), in ``language``, as a page shows it."""
    changed = Cohort.objects.get(pk=cohort.pk)
    for name, value in changes.items():
        setattr(changed, name, value)
    with translation.override(language):
        problems = [str(p) for p in services.cohort_problems(cohort=changed) if p.code == problem_code]
    assert problems, problem_code
    return escape(problems[0])


def approved(cohort: Cohort, name: str) -> Enrolment:
    return services.do_approve_enrolment(
        enrolment=services.do_enrol(trainee=UserFactory(display_name=name), cohort=cohort)
    )


def log(enrolment: Enrolment, day: datetime.date) -> SelfStudyEntry:
    return services.do_log_self_study(
        trainee=enrolment.trainee,
        enrolment=enrolment,
        course=enrolment.curriculum.entries.first().course,
        studied_on=day,
        hours=2,
    )


# --- enrolment closes by the cohort's last day ------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_enrolment_cannot_close_after_the_cohort_ends(alice, institution, language):
    cohort = CohortFactory(institution=institution)
    after = cohort.ends_on + datetime.timedelta(days=1)
    response = saved(alice, cohort, language, enrolment_closes_at_0=after.isoformat(), enrolment_closes_at_1="09:00")
    assert response.status_code == 200
    closes = timezone.make_aware(datetime.datetime.combine(after, datetime.time(9)))
    assert refusal("enrolment_after_end", cohort, language, enrolment_closes_at=closes) in response.content.decode()
    assert Cohort.objects.get(pk=cohort.pk).enrolment_closes_at == cohort.enrolment_closes_at  # unchanged
    # Its last day is the last day to enrol (late enrolments during the training are taken).
    last = saved(
        alice, cohort, language, enrolment_closes_at_0=cohort.ends_on.isoformat(), enrolment_closes_at_1="23:59"
    )
    assert last.status_code == 302
    assert timezone.localtime(Cohort.objects.get(pk=cohort.pk).enrolment_closes_at).date() == cohort.ends_on


def test_a_new_cohort_is_held_to_the_same_rule(alice):
    data = new_cohort_form("C-LATE") | {"enrolment_closes_at_0": "2027-03-04"}  # it ends on 3 March
    response = alice.post("/en/admin/courses/cohort/add/", data)
    assert response.status_code == 200
    assert "Enrolment closes on 4 March 2027, after the cohort&#x27;s last day (3 March 2027)" in (
        response.content.decode()
    )
    assert not Cohort.objects.filter(code="C-LATE").exists()
    assert alice.post("/en/admin/courses/cohort/add/", new_cohort_form("C-OK")).status_code == 302


def test_the_service_refuses_it_too(institution):
    cohort = CohortFactory(institution=institution)
    cohort.enrolment_closes_at = timezone.now() + datetime.timedelta(days=400)
    with pytest.raises(TrainingError) as refused:
        services.do_save_cohort(cohort=cohort)
    assert (refused.value.code, refused.value.field) == ("enrolment_after_end", "enrolment_closes_at")


# --- at least one delivery mode ----------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_cohort_keeps_at_least_one_delivery_mode(alice, institution, language):
    cohort = CohortFactory(institution=institution, offers_remote=True)
    response = saved(alice, cohort, language, **dict.fromkeys(MODES))
    assert response.status_code == 200
    assert refusal("no_mode", cohort, language, **dict.fromkeys(MODES, False)) in response.content.decode()
    cohort.refresh_from_db()
    assert (cohort.offers_face_to_face, cohort.offers_remote, cohort.offers_self_study) == (True, True, True)
    assert saved(alice, cohort, language, offers_face_to_face=None, offers_self_study=None).status_code == 302
    cohort.refresh_from_db()
    assert (cohort.offers_face_to_face, cohort.offers_remote, cohort.offers_self_study) == (False, True, False)


def test_the_database_refuses_a_cohort_without_a_mode(institution):
    cohort = CohortFactory(institution=institution)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cohort.objects.filter(pk=cohort.pk).update(
            offers_face_to_face=False, offers_remote=False, offers_self_study=False
        )


# --- new dates keep what the cohort holds ------------------------------------------------------


def test_the_start_cannot_move_after_self_study_logged(alice, institution):
    cohort = CohortFactory(institution=institution)
    first, second = cohort.starts_on, cohort.starts_on + datetime.timedelta(days=1)
    enrolment = approved(cohort, "王小明")
    log(enrolment, first), log(enrolment, second)
    later = cohort.starts_on + datetime.timedelta(days=3)
    response = saved(alice, cohort, starts_on=later.isoformat())
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("en"):
        named = f"王小明 {date_format(first)}, 王小明 {date_format(second)}"
        expected = (
            f"2 self-study entries are dated before {date_format(later)} ({named}); self-study before a cohort&#x27;s "
            "first day does not count, so the cohort cannot start later than that."
        )
    assert expected in page
    assert Cohort.objects.get(pk=cohort.pk).starts_on == first
    # A rejected entry never counts and is not in the way; the other still is.
    services.do_reject_self_study(entry=enrolment.self_study.get(studied_on=first), reason="不是本課程")
    assert "1 self-study entry is dated before" in saved(alice, cohort, starts_on=later.isoformat()).content.decode()
    assert saved(alice, cohort, starts_on=second.isoformat()).status_code == 302


def test_self_study_after_the_last_day_does_not_stop_the_end_moving(alice, institution):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort, "王小明")
    log(enrolment, timezone.localdate())
    earlier_end = timezone.localdate() - datetime.timedelta(days=1)
    response = saved(alice, cohort, ends_on=earlier_end.isoformat(), enrolment_closes_at_0=earlier_end.isoformat())
    assert response.status_code == 302
    assert Cohort.objects.get(pk=cohort.pk).ends_on == earlier_end


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_sessions_outside_the_new_dates_are_named(alice, institution, language):
    cohort = CohortFactory(institution=institution, offers_remote=True)
    TrainingSessionFactory(cohort=cohort, held_on=cohort.starts_on)
    TrainingSessionFactory(cohort=cohort, held_on=cohort.starts_on, mode="live_remote", purpose="exam_prep")
    later = cohort.starts_on + datetime.timedelta(days=1)
    response = saved(alice, cohort, language, starts_on=later.isoformat())
    assert response.status_code == 200
    page = response.content.decode()
    assert refusal("records_outside_dates", cohort, language, starts_on=later) in page
    if language == "en":
        code = cohort.curriculum.entries.first().course.code
        assert f"1 face-to-face session would fall outside these dates ({date_format(cohort.starts_on)} {code})" in page
        assert (
            f"1 live remote session would fall outside these dates ({date_format(cohort.starts_on)} exam preparation)"
            in page
        )
    assert Cohort.objects.get(pk=cohort.pk).starts_on == cohort.starts_on


def test_remote_module_completions_before_the_new_start_are_named(institution):
    cohort = CohortFactory(institution=institution, offers_remote=True)
    enrolment = approved(cohort, "李美玲")
    services.do_record_remote_completion(
        module=RemoteModuleFactory(cohort=cohort), enrolment=enrolment, completed_on=cohort.starts_on
    )
    cohort.starts_on += datetime.timedelta(days=1)
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_save_cohort(cohort=cohort)
    assert refused.value.code == "records_outside_dates"
    with translation.override("en"):
        assert f"(李美玲 {date_format(cohort.starts_on - datetime.timedelta(days=1))})" in str(refused.value)
    assert str(refused.value).startswith("1 remote-module completion is dated before")


def test_a_stale_form_does_not_write_back_the_seats_it_read(institution):
    cohort = CohortFactory(institution=institution)
    stale = Cohort.objects.get(pk=cohort.pk)
    approved(cohort, "王小明")  # takes a seat after the form was read
    stale.capacity = 10
    services.do_save_cohort(cohort=stale)
    cohort.refresh_from_db()
    assert (cohort.capacity, cohort.seats_taken) == (10, 1)


# --- self-study outside the cohort is not confirmed --------------------------------------------


def test_self_study_dated_before_the_start_is_not_confirmed(alice, institution, institution_admin):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort, "王小明")
    entry = log(enrolment, cohort.starts_on)
    # The start moved after it (by hand, as a data fix would, or before this rule).
    Cohort.objects.filter(pk=cohort.pk).update(starts_on=cohort.starts_on + datetime.timedelta(days=2))
    with translation.override("en"), pytest.raises(TrainingError) as refused:
        services.do_confirm_self_study(entry=entry, by=institution_admin)
    assert refused.value.code == "before_cohort_start"
    assert "it cannot be confirmed. Reject it instead." in str(refused.value)
    response = alice.post(
        "/en/admin/courses/selfstudyentry/", {"action": "confirm", "_selected_action": [entry.pk]}, follow=True
    )
    assert "it cannot be confirmed. Reject it instead." in response.content.decode()
    entry.refresh_from_db()
    assert entry.status == SelfStudyEntry.Status.LOGGED
    services.do_reject_self_study(entry=entry, reason="早於開課日", by=institution_admin)  # the way out
    inside = log(enrolment, timezone.localdate())
    assert services.do_confirm_self_study(entry=inside).status == SelfStudyEntry.Status.CONFIRMED
    assert inside.hours == Decimal(2)


# --- the migration gives a cohort without a mode the modes it uses ------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_gives_each_modeless_cohort_the_modes_it_uses(institution, capsys):
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([("courses", "0015_owed_receipt")])
        none = dict.fromkeys(MODES, False)
        used = CohortFactory(institution=institution, offers_remote=True)
        TrainingSessionFactory(cohort=used, mode="live_remote", location="")
        RemoteModuleFactory(cohort=used)
        bare = CohortFactory(institution=institution)
        online = CohortFactory(institution=institution, is_online=True)
        Cohort.objects.filter(pk__in=[used.pk, bare.pk, online.pk]).update(**none)
        kept = CohortFactory(institution=institution, offers_remote=True)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)

    def modes(cohort: Cohort) -> tuple[bool, ...]:
        return tuple(Cohort.objects.values_list(*MODES).get(pk=cohort.pk))

    assert modes(used) == (False, True, False)
    assert modes(bare) == (True, False, True)
    assert modes(online) == (False, False, True)
    assert modes(kept) == (True, True, True)
    printed = capsys.readouterr().out
    assert f"courses 0016: cohort {used.pk} ({used.code}) offered no mode; now: remote" in printed
    assert f"courses 0016: cohort {bare.pk} ({bare.code}) offered no mode; now: face_to_face, self_study" in printed
