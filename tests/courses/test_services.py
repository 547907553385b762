"""Every rule of courses.services: cohorts, enrolment states, seats, hours owed, training records."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from courses import selectors, services
from courses.models import Cohort, Enrolment, PriorLearning, SelfStudyEntry
from courses.services import TrainingError
from courses.signals import enrolment_state_changed, training_progress_changed
from tests.factories import (
    CohortFactory,
    InstitutionFactory,
    RemoteModuleFactory,
    TrainingSessionFactory,
    UserFactory,
    curriculum_of,
)

pytestmark = pytest.mark.django_db


def refused(code: str):
    return pytest.raises(TrainingError, match=r".") if code is None else _Refused(code)


class _Refused:
    def __init__(self, code: str) -> None:
        self.code = code

    def __enter__(self):
        return self

    def __exit__(self, kind, error, tb):
        assert kind is TrainingError, f"expected TrainingError({self.code!r}), got {kind}"
        assert error.code == self.code, f"expected {self.code!r}, got {error.code!r}: {error}"
        assert str(error)
        self.error = error
        return True


def approved(trainee=None, cohort=None) -> Enrolment:
    trainee = trainee or UserFactory()
    cohort = cohort or CohortFactory()
    enrolment = services.do_enrol(trainee=trainee, cohort=cohort)
    return services.do_approve_enrolment(enrolment=enrolment)


# --- cohorts -------------------------------------------------------------------------------


def test_an_authorized_institution_opens_a_draft_cohort():
    cohort = CohortFactory(status="draft")
    assert services.do_open_cohort(cohort=cohort).status == Cohort.Status.OPEN


@pytest.mark.parametrize(
    "institution",
    [
        {"authorized_until": datetime.date(2020, 1, 1), "authorized_from": datetime.date(2019, 1, 1)},
        {"status": "suspended"},
    ],
)
def test_an_institution_without_a_valid_authorization_cannot_open_a_cohort(institution):
    cohort = CohortFactory(status="draft", institution=InstitutionFactory(**institution))
    with refused("not_authorized"):
        services.do_open_cohort(cohort=cohort)
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.DRAFT


def test_a_running_cohort_cannot_be_opened_again():
    with refused("bad_state"):
        services.do_open_cohort(cohort=CohortFactory(status="running"))


def test_closing_stops_enrolment_and_starting_puts_approved_trainees_in_training():
    cohort = CohortFactory()
    enrolment = approved(cohort=cohort)
    pending = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    services.do_close_cohort(cohort=cohort)
    with refused("closed"):
        services.do_enrol(trainee=UserFactory(), cohort=cohort)
    services.do_start_cohort(cohort=cohort)
    enrolment.refresh_from_db()
    pending.refresh_from_db()
    assert enrolment.state == Enrolment.State.IN_TRAINING
    assert pending.state == Enrolment.State.PENDING
    assert services.do_finish_cohort(cohort=cohort).status == Cohort.Status.FINISHED
    with refused("bad_state"):
        services.do_close_cohort(cohort=cohort)


# --- enrolment -----------------------------------------------------------------------------


def test_enrolling_takes_a_seat_and_waits_for_approval():
    cohort = CohortFactory(capacity=2)
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    cohort.refresh_from_db()
    assert enrolment.state == Enrolment.State.PENDING
    assert enrolment.curriculum_id == cohort.curriculum_id
    assert cohort.seats_taken == 1
    assert enrolment.teaching_hours_owed is None


def test_it_refuses_a_full_cohort():
    cohort = CohortFactory(capacity=1)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    with translation.override("en"), refused("full") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=cohort)
    # The cohort by its human name, the code second (institution · tier · track · month (code)).
    with translation.override("en"):
        assert str(outcome.error) == f"Cohort {cohort.name} ({cohort.code}) is full."
    with translation.override("zh-hant"), refused("full") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=cohort)
        assert str(outcome.error) == f"梯次 {cohort.name} ({cohort.code}) 已額滿。"
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


@pytest.mark.parametrize("status", ["draft", "closed", "running", "finished"])
def test_it_refuses_a_cohort_that_is_not_open(status):
    with refused("closed"):
        services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(status=status))


def test_it_refuses_once_the_enrolment_window_passed_and_before_it_opens():
    cohort = CohortFactory(
        enrolment_opens_at=timezone.now() - datetime.timedelta(days=10),
        enrolment_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    with refused("window_passed"):
        services.do_enrol(trainee=UserFactory(), cohort=cohort)
    early = CohortFactory(
        enrolment_opens_at=timezone.now() + datetime.timedelta(days=1),
        enrolment_closes_at=timezone.now() + datetime.timedelta(days=10),
    )
    with refused("not_open_yet"):
        services.do_enrol(trainee=UserFactory(), cohort=early)


def test_it_refuses_a_second_active_enrolment_for_the_same_tier_and_track():
    trainee = UserFactory()
    services.do_enrol(trainee=trainee, cohort=CohortFactory())
    other = CohortFactory()
    with refused("already_enrolled"):
        services.do_enrol(trainee=trainee, cohort=other)
    other.refresh_from_db()
    assert other.seats_taken == 0
    # another track is another curriculum
    services.do_enrol(trainee=trainee, cohort=CohortFactory(curriculum=curriculum_of("standard", "corporate")))


def test_the_database_refuses_two_active_enrolments_even_past_the_service():
    trainee = UserFactory()
    first = services.do_enrol(trainee=trainee, cohort=CohortFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(trainee=trainee, cohort=CohortFactory(), curriculum_id=first.curriculum_id)


def test_the_database_refuses_more_seats_than_capacity():
    cohort = CohortFactory(capacity=1, seats_taken=1)
    cohort.seats_taken = 2
    with pytest.raises(IntegrityError), transaction.atomic():
        cohort.save(update_fields=["seats_taken"])


def test_it_refuses_when_the_institution_lost_its_authorization():
    institution = InstitutionFactory()
    cohort = CohortFactory(institution=institution)
    institution.status = "suspended"
    institution.save()
    with refused("not_authorized"):
        services.do_enrol(trainee=UserFactory(), cohort=cohort)


def test_an_institution_cannot_enrol_people_in_another_institutions_cohort():
    with refused("foreign_cohort"):
        services.do_enrol(trainee=UserFactory(), cohort=CohortFactory(), acting_institution=InstitutionFactory())
    cohort = CohortFactory()
    services.do_enrol(trainee=UserFactory(), cohort=cohort, acting_institution=cohort.institution)


def test_withdrawal_frees_the_seat_and_the_trainee_may_enrol_again():
    trainee = UserFactory()
    cohort = CohortFactory(capacity=1)
    enrolment = approved(trainee, cohort)
    services.do_withdraw_enrolment(enrolment=enrolment)
    cohort.refresh_from_db()
    assert cohort.seats_taken == 0
    again = services.do_enrol(trainee=trainee, cohort=cohort)
    assert again.pk != enrolment.pk
    with refused("bad_state"):
        services.do_withdraw_enrolment(enrolment=enrolment)


def test_rejection_frees_the_seat_and_keeps_the_reason():
    cohort = CohortFactory(capacity=1)
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    admin = UserFactory()
    services.do_reject_enrolment(enrolment=enrolment, by=admin, reason="名額保留給在職人員")
    enrolment.refresh_from_db()
    cohort.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note, enrolment.decided_by) == ("rejected", "名額保留給在職人員", admin)
    assert cohort.seats_taken == 0
    with refused("bad_state"):
        services.do_approve_enrolment(enrolment=enrolment)


def test_approval_fixes_the_whole_plan_for_a_newcomer():
    enrolment = approved()
    assert (enrolment.teaching_hours_owed, enrolment.teaching_days_owed) == (64, Decimal(8))
    assert (enrolment.exam_prep_hours_owed, enrolment.exam_prep_days_owed) == (8, Decimal(1))
    assert enrolment.credited_hours == 0
    assert enrolment.decided_at is not None


def complete_assistant_training(trainee) -> Enrolment:
    cohort = CohortFactory(curriculum=curriculum_of("assistant"))
    enrolment = approved(trainee, cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(16))
    prep = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", hours=Decimal(8))
    services.do_record_attendance(session=session, enrolment=enrolment, hours=16)
    services.do_record_attendance(session=prep, enrolment=enrolment, hours=8)
    return services.do_complete_enrolment(enrolment=enrolment)


def test_someone_who_completed_the_assistant_training_owes_48_and_8_hours_of_standard():
    trainee = UserFactory()
    complete_assistant_training(trainee)
    enrolment = approved(trainee)
    assert (enrolment.teaching_hours_owed, enrolment.teaching_days_owed) == (48, Decimal(6))
    assert (enrolment.exam_prep_hours_owed, enrolment.exam_prep_days_owed) == (8, Decimal(1))
    assert enrolment.credited_hours == 16


def test_prior_learning_entered_by_the_program_office_credits_the_same_hours():
    trainee = UserFactory()
    PriorLearning.objects.create(trainee=trainee, curriculum=curriculum_of("assistant"), completed_on="2019-06-30")
    enrolment = approved(trainee, CohortFactory(curriculum=curriculum_of("senior", "corporate")))
    assert (enrolment.teaching_hours_owed, enrolment.teaching_days_owed) == (80, Decimal(10))
    assert enrolment.exam_prep_hours_owed == 8


def test_hours_owed_stay_as_fixed_at_approval():
    trainee = UserFactory()
    enrolment = approved(trainee)
    PriorLearning.objects.create(trainee=trainee, curriculum=curriculum_of("assistant"), completed_on="2019-06-30")
    enrolment.refresh_from_db()
    assert enrolment.teaching_hours_owed == 64


def test_bulk_approval_reports_the_ones_it_refused():
    cohort = CohortFactory()
    pending = [services.do_enrol(trainee=UserFactory(), cohort=cohort) for _ in range(3)]
    services.do_withdraw_enrolment(enrolment=pending[2])
    outcome = services.do_approve_enrolments(enrolments=pending)
    assert [e.pk for e in outcome.done] == [pending[0].pk, pending[1].pk]
    assert [(e.pk, error.code) for e, error in outcome.refused] == [(pending[2].pk, "bad_state")]
    rejected = services.do_reject_enrolments(enrolments=pending[:1], reason="x")
    assert rejected.refused[0][1].code == "bad_state"


def test_approving_beyond_capacity_is_refused():
    cohort = CohortFactory(capacity=2)
    first = approved(cohort=cohort)
    second = approved(cohort=cohort)
    assert first.state == second.state == "approved"
    # A hand-made row past the counter cannot be approved beyond capacity.
    stray = Enrolment.objects.create(trainee=UserFactory(), cohort=cohort, curriculum_id=cohort.curriculum_id)
    with refused("full"):
        services.do_approve_enrolment(enrolment=stray)


def test_approval_in_a_running_cohort_goes_straight_into_training():
    cohort = CohortFactory()
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    services.do_start_cohort(cohort=cohort)
    assert services.do_approve_enrolment(enrolment=enrolment).state == Enrolment.State.IN_TRAINING


def test_completion_is_refused_while_hours_are_missing_and_frees_the_seat_when_done():
    cohort = CohortFactory(curriculum=curriculum_of("assistant"))
    enrolment = approved(cohort=cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(16))
    services.do_record_attendance(session=session, enrolment=enrolment, hours=16)
    with refused("hours_missing"):
        services.do_complete_enrolment(enrolment=enrolment)
    assert not selectors.training_complete(enrolment)
    prep = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", hours=Decimal(8))
    services.do_record_attendance(session=prep, enrolment=enrolment, hours=8)
    assert selectors.training_complete(enrolment)
    done = services.do_complete_enrolment(enrolment=enrolment)
    cohort.refresh_from_db()
    assert done.state == Enrolment.State.COMPLETED and done.completed_at
    assert cohort.seats_taken == 0


def test_start_training_moves_an_approved_enrolment_only():
    enrolment = approved()
    assert services.do_start_training(enrolment=enrolment).state == "in_training"
    with refused("bad_state"):
        services.do_start_training(enrolment=enrolment)


def test_a_pending_enrolment_never_counts_as_complete():
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    assert not selectors.training_complete(enrolment)


# --- signals and e-mail --------------------------------------------------------------------


def test_state_changes_are_announced_after_commit(django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, enrolment, old_state, new_state, **kwargs):
        heard.append((enrolment.pk, old_state, new_state))

    enrolment_state_changed.connect(receiver)
    try:
        cohort = CohortFactory()
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            services.do_approve_enrolment(enrolment=enrolment)
    finally:
        enrolment_state_changed.disconnect(receiver)
    assert heard == [(enrolment.pk, "", "pending"), (enrolment.pk, "pending", "approved")]


def test_progress_is_announced_when_hours_are_recorded(django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, enrolment, **kwargs):
        heard.append(enrolment.pk)

    enrolment = approved()
    session = TrainingSessionFactory(cohort=enrolment.cohort)
    training_progress_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    finally:
        training_progress_changed.disconnect(receiver)
    assert heard == [enrolment.pk]


@pytest.mark.parametrize(
    ("language", "subject", "body"),
    [
        ("en", "is approved", "You owe 48 teaching hours (6 d) and 8 exam preparation hours (1 d)"),
        ("zh-hant", "已核准", "您應修授課 48 課時（6 天）及考前輔導 8 課時（1 天）"),
    ],
)
def test_approval_mails_the_trainee_in_their_language_once(django_capture_on_commit_callbacks, language, subject, body):
    trainee = UserFactory(preferred_language=language)
    complete_assistant_training(trainee)
    enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_approve_enrolment(enrolment=enrolment)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [trainee.email]
    assert subject in message.subject
    assert body in message.body
    assert message.alternatives and "<p>" in message.alternatives[0][0]
    from courses.tasks import send_enrolment_decision_email

    assert send_enrolment_decision_email(enrolment.pk) is False  # a second run sends nothing
    assert len(mail.outbox) == 1


def test_rejection_mails_the_reason(django_capture_on_commit_callbacks):
    trainee = UserFactory(preferred_language="en")
    enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory())
    with django_capture_on_commit_callbacks(execute=True):
        services.do_reject_enrolment(enrolment=enrolment, reason="The cohort is for employees of member banks.")
    assert "not approved" in mail.outbox[-1].subject
    assert "The cohort is for employees of member banks." in mail.outbox[-1].body


def test_no_mail_is_sent_for_a_transaction_that_rolled_back(django_capture_on_commit_callbacks):
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.do_approve_enrolment(enrolment=enrolment)
                raise RuntimeError("boom")
        except RuntimeError:
            pass
    assert mail.outbox == []
    enrolment.refresh_from_db()
    assert enrolment.state == "pending"


# --- attendance ----------------------------------------------------------------------------


def test_attendance_counts_toward_face_to_face_and_the_course():
    enrolment = approved()
    session = TrainingSessionFactory(cohort=enrolment.cohort, hours=Decimal(8))
    services.do_record_attendance(session=session, enrolment=enrolment, hours="6.5")
    services.do_record_attendance(session=session, enrolment=enrolment, hours=7)  # a correction
    p = selectors.progress(enrolment)
    assert p.face_to_face == Decimal("7.0")
    assert {c.course.code: c.hours for c in p.courses}["BCM-101"] == Decimal("7.0")


def test_attendance_beyond_the_sessions_length_is_refused():
    enrolment = approved()
    session = TrainingSessionFactory(cohort=enrolment.cohort, hours=Decimal(4))
    with refused("hours_beyond_session"):
        services.do_record_attendance(session=session, enrolment=enrolment, hours="4.5")
    assert not session.attendances.exists()


@pytest.mark.parametrize("hours", [-1, "abc", 25, None])
def test_attendance_with_nonsense_hours_is_refused(hours):
    enrolment = approved()
    session = TrainingSessionFactory(cohort=enrolment.cohort)
    with refused("bad_hours"):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=hours)


def test_attendance_for_a_trainee_not_in_the_cohort_is_refused():
    enrolment = approved()
    session = TrainingSessionFactory()
    with refused("not_in_cohort"):
        services.do_record_attendance(session=session, enrolment=enrolment, hours=1)


def test_attendance_for_a_pending_trainee_is_refused():
    cohort = CohortFactory()
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    with refused("bad_state"):
        services.do_record_attendance(session=TrainingSessionFactory(cohort=cohort), enrolment=enrolment, hours=1)


def test_session_attendance_is_all_or_nothing():
    cohort = CohortFactory()
    good, other = approved(cohort=cohort), approved()
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    with refused("not_in_cohort"):
        services.do_record_session_attendance(session=session, hours_by_enrolment={good.pk: None, other.pk: 8})
    assert not session.attendances.exists()
    with refused("not_in_cohort"):
        services.do_record_session_attendance(session=session, hours_by_enrolment={999999: 1})
    records = services.do_record_session_attendance(session=session, hours_by_enrolment={good.pk: None})
    assert [r.hours for r in records] == [Decimal(8)]


def test_marking_a_whole_session_attended_covers_every_trainee_in_training_only():
    cohort = CohortFactory()
    a, b = approved(cohort=cohort), approved(cohort=cohort)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)  # pending: not marked
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(6))
    services.do_mark_whole_session_attended(session=session)
    assert sorted(session.attendances.values_list("enrolment_id", "hours")) == [(a.pk, Decimal(6)), (b.pk, Decimal(6))]


def test_first_recording_a_sessions_attendance_reads_the_enrolments_once_whatever_their_number():
    # The dashboard cache's receiver needs each row's trainee; it must come from the loaded
    # enrolment, not from a SELECT per row.
    cohort = CohortFactory()
    enrolments = [approved(cohort=cohort) for _ in range(4)]
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(6))
    with CaptureQueriesContext(connection) as queries:
        services.do_record_session_attendance(session=session, hours_by_enrolment={e.pk: None for e in enrolments})
    reads = [q["sql"] for q in queries if q["sql"].lstrip().startswith("SELECT") and '"courses_enrolment"' in q["sql"]]
    assert len(reads) == 1, reads
    assert session.attendances.count() == 4


def test_a_session_must_fit_its_cohort():
    cohort = CohortFactory()
    senior_course = curriculum_of("senior", "retail").entries.get(course__code="BCM-302").course
    with refused("course_not_in_curriculum"):
        services.check_session(cohort=cohort, purpose="teaching", course=senior_course, hours=8)
    with refused("course_not_in_curriculum"):
        services.check_session(cohort=cohort, purpose="teaching", course=None, hours=8)
    with refused("bad_hours"):
        services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=30)
    with refused("mode_not_offered"):
        services.check_session(
            cohort=CohortFactory(offers_face_to_face=False), purpose="exam_prep", course=None, hours=8
        )
    services.check_session(cohort=cohort, purpose="exam_prep", course=None, hours=8)


# --- remote learning -----------------------------------------------------------------------


def test_a_completed_remote_module_earns_its_hours_once():
    module = RemoteModuleFactory(hours=Decimal(4))
    enrolment = approved(cohort=module.cohort)
    services.do_record_remote_completion(module=module, enrolment=enrolment)
    services.do_record_remote_completion(module=module, enrolment=enrolment)
    assert selectors.progress(enrolment).remote == Decimal(4)


def test_remote_completion_is_refused_outside_the_cohort_and_in_the_future():
    module = RemoteModuleFactory()
    with refused("not_in_cohort"):
        services.do_record_remote_completion(module=module, enrolment=approved())
    enrolment = approved(cohort=module.cohort)
    with refused("future_date"):
        services.do_record_remote_completion(
            module=module, enrolment=enrolment, completed_on=timezone.localdate() + datetime.timedelta(days=1)
        )


# --- self-study ----------------------------------------------------------------------------


def course_of(enrolment, code="BCM-101"):
    return enrolment.curriculum.entries.get(course__code=code).course


def test_self_study_counts_once_the_institution_confirms_it():
    enrolment = approved()
    entry = services.do_log_self_study(
        trainee=enrolment.trainee,
        enrolment=enrolment,
        course=course_of(enrolment),
        studied_on=timezone.localdate(),
        hours="2.5",
        note="第三章",
    )
    p = selectors.progress(enrolment)
    assert (p.self_study, p.self_study_pending) == (0, Decimal("2.5"))
    services.do_confirm_self_study(entry=entry)
    assert selectors.progress(enrolment).self_study == Decimal("2.5")
    with refused("bad_state"):
        services.do_reject_self_study(entry=entry)


@pytest.mark.parametrize("hours", [0, -2, "24.5", "x"])
def test_self_study_hours_must_be_more_than_0_and_at_most_24(hours):
    enrolment = approved()
    with refused("bad_hours"):
        services.do_log_self_study(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            course=course_of(enrolment),
            studied_on=timezone.localdate(),
            hours=hours,
        )
    assert not SelfStudyEntry.objects.exists()


def test_a_day_holds_at_most_24_hours_of_self_study_but_rejected_entries_do_not_count():
    enrolment = approved()
    kwargs = {
        "trainee": enrolment.trainee,
        "enrolment": enrolment,
        "course": course_of(enrolment),
        "studied_on": timezone.localdate(),
    }
    first = services.do_log_self_study(**kwargs, hours=20)
    with refused("day_over_24"):
        services.do_log_self_study(**kwargs, hours=5)
    services.do_reject_self_study(entry=first)
    services.do_log_self_study(**kwargs, hours=5)


def test_self_study_is_refused_for_someone_elses_enrolment_a_future_day_a_foreign_course_or_no_self_study():
    enrolment = approved()
    today = timezone.localdate()
    with refused("not_yours"):
        services.do_log_self_study(
            trainee=UserFactory(), enrolment=enrolment, course=course_of(enrolment), studied_on=today, hours=1
        )
    with refused("future_date"):
        services.do_log_self_study(
            trainee=enrolment.trainee,
            enrolment=enrolment,
            course=course_of(enrolment),
            studied_on=today + datetime.timedelta(days=1),
            hours=1,
        )
    senior_course = curriculum_of("senior", "retail").entries.get(course__code="BCM-302").course
    with refused("course_not_in_curriculum"):
        services.do_log_self_study(
            trainee=enrolment.trainee, enrolment=enrolment, course=senior_course, studied_on=today, hours=1
        )
    no_self_study = approved(cohort=CohortFactory(offers_self_study=False))
    with refused("mode_not_offered"):
        services.do_log_self_study(
            trainee=no_self_study.trainee,
            enrolment=no_self_study,
            course=course_of(no_self_study),
            studied_on=today,
            hours=1,
        )


# --- progress ------------------------------------------------------------------------------


def test_progress_spreads_the_owed_teaching_hours_over_the_courses_not_yet_studied():
    trainee = UserFactory()
    complete_assistant_training(trainee)
    enrolment = approved(trainee)
    p = selectors.progress(enrolment)
    by_code = {c.course.code: c for c in p.courses}
    assert [code for code, c in by_code.items() if c.credited] == ["BCM-101", "BCM-102", "BCM-103"]
    assert by_code["BCM-201"].target == Decimal(16)  # 48 h over the three new courses
    assert (p.teaching_owed, p.exam_prep_owed, p.owed) == (48, 8, 56)
