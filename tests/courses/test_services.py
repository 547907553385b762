"""Every rule of courses.services: cohorts, enrolment states, seats, hours owed, training records."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.models import AuditEvent
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
    with translation.override("zh-hant"):
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
        services.do_reject_self_study(entry=entry, reason="重複登記")


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
    services.do_reject_self_study(entry=first, reason="重複登記")
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


# --- what each refusal says, and the boundaries of the rules ------------------------------


def english(error: TrainingError) -> str:
    """The refusal as an English reader sees it (raise it under ``translation.override("en")``)."""
    with translation.override("en"):
        return str(error)


def in_english(value) -> str:
    with translation.override("en"):
        return str(value)


def test_a_cohort_opens_on_the_last_day_of_its_institutions_authorization_not_the_day_after():
    institution = InstitutionFactory()
    cohort = CohortFactory(status="draft", institution=institution)
    day_after = institution.authorized_until + datetime.timedelta(days=1)
    with translation.override("en"), refused("not_authorized") as outcome:
        services.do_open_cohort(cohort=cohort, today=day_after)
    assert english(outcome.error) == f"{in_english(institution)} is not authorized today, so it cannot open cohorts."
    assert Cohort.objects.get(pk=cohort.pk).status == Cohort.Status.DRAFT
    opened = services.do_open_cohort(cohort=cohort, today=institution.authorized_until)
    assert opened.status == Cohort.Status.OPEN
    assert Cohort.objects.get(pk=cohort.pk).status == Cohort.Status.OPEN


# Each move of a cohort from each status: the status it ends in, or the refusal people read.
COHORT_MOVES = {
    "do_open_cohort": ({"draft", "closed"}, "open", "Only a draft or closed cohort can be opened."),
    "do_close_cohort": ({"open"}, "closed", "Only an open cohort can be closed."),
    "do_start_cohort": ({"open", "closed"}, "running", "Only an open or closed cohort can start."),
    "do_finish_cohort": ({"running"}, "finished", "Only a running cohort can finish."),
}


@pytest.mark.parametrize("move", sorted(COHORT_MOVES))
@pytest.mark.parametrize("status", ["draft", "open", "closed", "running", "finished"])
def test_a_cohort_moves_only_from_the_statuses_its_move_allows(move, status):
    allowed_from, to, refusal = COHORT_MOVES[move]
    cohort = CohortFactory(status=status)
    if status in allowed_from:
        assert getattr(services, move)(cohort=cohort).status == to
        assert Cohort.objects.get(pk=cohort.pk).status == to
        return
    with translation.override("en"), refused("bad_state") as outcome:
        getattr(services, move)(cohort=cohort)
    assert english(outcome.error) == refusal
    assert Cohort.objects.get(pk=cohort.pk).status == status


def test_refusing_your_own_second_enrolment_says_you_and_staff_are_told_the_trainees_name():
    trainee = UserFactory()
    cohort = CohortFactory()
    services.do_enrol(trainee=trainee, cohort=cohort)
    other = CohortFactory()  # the same curriculum
    curriculum = in_english(other.curriculum)
    yours = f"You already have an active enrolment for {curriculum}."
    with translation.override("en"), refused("already_enrolled") as outcome:
        services.do_enrol(trainee=trainee, cohort=other)
    assert english(outcome.error) == yours
    with translation.override("en"), refused("already_enrolled") as outcome:
        services.check_enrol(trainee=trainee, cohort=other)
    assert english(outcome.error) == yours
    with translation.override("en"), refused("already_enrolled") as outcome:
        services.do_enrol(trainee=trainee, cohort=other, on_behalf=True)
    assert english(outcome.error) == f"{trainee} already has an active enrolment for {curriculum}."
    assert Cohort.objects.get(pk=other.pk).seats_taken == 0


def test_a_trainee_who_lost_the_race_to_another_cohort_is_refused_as_already_enrolled(monkeypatch):
    """The check saw no active enrolment, but a concurrent one (another cohort's lock) was made before
    the insert: the database's constraint refuses it, and the person reads the same refusal."""
    trainee = UserFactory()
    cohort, elsewhere = CohortFactory(), CohortFactory()
    real_check = services.check_enrol

    def check_then_the_other_enrolment_commits(**kwargs):
        real_check(**kwargs)
        Enrolment.objects.create(trainee=trainee, cohort=elsewhere, curriculum_id=elsewhere.curriculum_id)

    monkeypatch.setattr(services, "check_enrol", check_then_the_other_enrolment_commits)
    with translation.override("en"), refused("already_enrolled") as outcome:
        services.do_enrol(trainee=trainee, cohort=cohort, on_behalf=True)
    assert english(outcome.error) == (f"{trainee} already has an active enrolment for {in_english(cohort.curriculum)}.")
    with translation.override("en"), refused("already_enrolled") as outcome:
        services.do_enrol(trainee=trainee, cohort=cohort)
    assert english(outcome.error).startswith("You already have an active enrolment for ")
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 0
    assert not Enrolment.objects.filter(cohort=cohort).exists()


def test_the_enrolment_window_opens_at_its_first_moment_and_is_closed_at_its_last():
    opens = timezone.now().replace(microsecond=0) + datetime.timedelta(days=2)
    closes = opens + datetime.timedelta(days=7)
    cohort = CohortFactory(enrolment_opens_at=opens, enrolment_closes_at=closes)
    with translation.override("en"), refused("not_open_yet") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=cohort, now=opens - datetime.timedelta(seconds=1))
    opening_day = timezone.localtime(opens).date()
    assert english(outcome.error) == f"Enrolment for {in_english(cohort)} opens on {opening_day}."
    with translation.override("en"), refused("window_passed") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=cohort, now=closes)
    closing_day = timezone.localtime(closes).date()
    assert english(outcome.error) == f"Enrolment for {in_english(cohort)} closed on {closing_day}."
    assert services.do_enrol(trainee=UserFactory(), cohort=cohort, now=opens).state == Enrolment.State.PENDING
    last = closes - datetime.timedelta(seconds=1)
    assert services.do_enrol(trainee=UserFactory(), cohort=cohort, now=last).state == Enrolment.State.PENDING
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 2


def test_enrolment_is_judged_by_the_authorization_on_the_local_day_it_is_made():
    institution = InstitutionFactory(authorized_until=timezone.localdate() + datetime.timedelta(days=3))
    cohort = CohortFactory(institution=institution)
    last_day = institution.authorized_until
    late_on_the_last_day = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time(23, 59)))
    services.do_enrol(trainee=UserFactory(), cohort=cohort, now=late_on_the_last_day)
    next_morning = timezone.make_aware(
        datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(0, 1))
    )
    with translation.override("en"), refused("not_authorized") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=cohort, now=next_morning)
    assert english(outcome.error) == (
        f"{in_english(institution)} is not authorized at the moment, so it cannot take enrolments."
    )
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 1


def test_the_refusals_of_a_foreign_closed_or_full_cohort_name_it():
    foreign = CohortFactory()
    with translation.override("en"), refused("foreign_cohort") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=foreign, acting_institution=InstitutionFactory())
    assert english(outcome.error) == f"Cohort {in_english(foreign)} belongs to another institution."
    shut = CohortFactory(status="closed")
    with translation.override("en"), refused("closed") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=shut)
    assert english(outcome.error) == f"Cohort {in_english(shut)} is not open for enrolment."


def test_each_enrolment_takes_one_seat_up_to_the_last_and_a_freed_seat_is_taken_again():
    cohort = CohortFactory(capacity=3)
    first, second, third = (services.do_enrol(trainee=UserFactory(), cohort=cohort) for _ in range(3))
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 3
    with translation.override("en"), refused("full") as outcome:
        services.do_enrol(trainee=UserFactory(), cohort=cohort)
    assert english(outcome.error) == f"Cohort {in_english(cohort)} is full."
    services.do_reject_enrolment(enrolment=first)
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 2
    services.do_withdraw_enrolment(enrolment=second)
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 1
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    services.do_enrol(trainee=UserFactory(), cohort=cohort)
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 3
    assert third.state == Enrolment.State.PENDING


# --- row locks -----------------------------------------------------------------------------


def test_seat_changes_lock_the_cohort_row_then_the_enrolment_row_and_nothing_else(row_locks):
    """The order every seat change keeps (so that two never wait on each other), and never the
    institution's or the curriculum's row, which every enrolment of the country would then wait for."""
    cohort = CohortFactory()
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    assert row_locks == [["courses_cohort"]]
    row_locks.clear()
    services.do_approve_enrolment(enrolment=enrolment)
    assert row_locks == [["courses_cohort"], ["courses_enrolment"]]
    row_locks.clear()
    services.do_start_cohort(cohort=cohort)
    assert row_locks == [["courses_cohort"], ["courses_enrolment"]]
    row_locks.clear()
    services.do_withdraw_enrolment(enrolment=enrolment)
    assert row_locks == [["courses_cohort"], ["courses_enrolment"]]


# --- the audit trail and the announcements of each state change ----------------------------


def test_every_state_change_leaves_an_audit_row_with_the_old_and_new_state():
    cohort = CohortFactory()
    trainee = UserFactory()
    enrolment = services.do_enrol(trainee=trainee, cohort=cohort)
    services.do_approve_enrolment(enrolment=enrolment)
    services.do_start_training(enrolment=enrolment)
    services.do_withdraw_enrolment(enrolment=enrolment)
    rows = AuditEvent.objects.filter(action="enrolment_state").order_by("pk")
    assert [(r.object_type, r.object_id, r.institution_id) for r in rows] == [
        ("courses.Enrolment", str(enrolment.pk), cohort.institution_id)
    ] * 4
    assert [r.summary for r in rows] == [
        "- -> pending",
        "pending -> approved",
        "approved -> in_training",
        "in_training -> withdrawn",
    ]
    assert [r.detail for r in rows] == [
        {"old_state": "", "new_state": "pending", "trainee_id": trainee.pk},
        {"old_state": "pending", "new_state": "approved", "trainee_id": trainee.pk},
        {"old_state": "approved", "new_state": "in_training", "trainee_id": trainee.pk},
        {"old_state": "in_training", "new_state": "withdrawn", "trainee_id": trainee.pk},
    ]


def test_receivers_of_enrolments_hear_each_change_with_the_enrolment_and_both_states(
    django_capture_on_commit_callbacks,
):
    heard = []

    def receiver(sender, enrolment, old_state, new_state, **kwargs):
        committed = Enrolment.objects.get(pk=enrolment.pk).state
        heard.append((sender, enrolment.pk, old_state, new_state, committed))

    enrolment_state_changed.connect(receiver, sender=Enrolment)  # as the apps above connect
    try:
        cohort = CohortFactory()
        with django_capture_on_commit_callbacks(execute=True):
            enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
        with django_capture_on_commit_callbacks(execute=True):
            services.do_approve_enrolment(enrolment=enrolment)
        with django_capture_on_commit_callbacks(execute=True):
            services.do_start_cohort(cohort=cohort)
        with django_capture_on_commit_callbacks(execute=True):
            services.do_withdraw_enrolment(enrolment=enrolment)
    finally:
        enrolment_state_changed.disconnect(receiver, sender=Enrolment)
    assert heard == [
        (Enrolment, enrolment.pk, "", "pending", "pending"),
        (Enrolment, enrolment.pk, "pending", "approved", "approved"),
        (Enrolment, enrolment.pk, "approved", "in_training", "in_training"),
        (Enrolment, enrolment.pk, "in_training", "withdrawn", "withdrawn"),
    ]


def test_progress_receivers_hear_it_from_enrolments(django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, enrolment, **kwargs):
        heard.append((sender, enrolment.pk))

    enrolment = approved()
    session = TrainingSessionFactory(cohort=enrolment.cohort)
    training_progress_changed.connect(receiver, sender=Enrolment)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.do_record_attendance(session=session, enrolment=enrolment, hours=8)
    finally:
        training_progress_changed.disconnect(receiver, sender=Enrolment)
    assert heard == [(Enrolment, enrolment.pk)]


# --- decisions -----------------------------------------------------------------------------


def test_approval_records_who_decided_and_when():
    admin = UserFactory()
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    before = timezone.now()
    services.do_approve_enrolment(enrolment=enrolment, by=admin)
    enrolment.refresh_from_db()
    assert enrolment.decided_by == admin
    assert before <= enrolment.decided_at <= timezone.now()
    assert (enrolment.teaching_hours_owed, enrolment.exam_prep_hours_owed, enrolment.credited_hours) == (64, 8, 0)


def test_approval_in_a_closed_cohort_waits_for_its_start():
    cohort = CohortFactory()
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    services.do_close_cohort(cohort=cohort)
    assert services.do_approve_enrolment(enrolment=enrolment).state == Enrolment.State.APPROVED
    assert Enrolment.objects.get(pk=enrolment.pk).state == Enrolment.State.APPROVED


def test_a_cohort_exactly_full_of_approved_trainees_approves_no_more_and_says_so():
    cohort = CohortFactory(capacity=2)
    approved(cohort=cohort)
    stray = Enrolment.objects.create(trainee=UserFactory(), cohort=cohort, curriculum_id=cohort.curriculum_id)
    services.do_approve_enrolment(enrolment=stray)  # the second of two seats
    late = Enrolment.objects.create(trainee=UserFactory(), cohort=cohort, curriculum_id=cohort.curriculum_id)
    with translation.override("en"), refused("full") as outcome:
        services.do_approve_enrolment(enrolment=late)
    assert english(outcome.error) == f"Cohort {in_english(cohort)} is full."
    assert Enrolment.objects.get(pk=late.pk).state == Enrolment.State.PENDING


def test_a_decision_on_a_decided_enrolment_is_refused_naming_its_state():
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    services.do_withdraw_enrolment(enrolment=enrolment)
    for decide, step in ((services.do_approve_enrolment, "approved"), (services.do_reject_enrolment, "rejected")):
        with translation.override("en"), refused("bad_state") as outcome:
            decide(enrolment=enrolment)
        assert english(outcome.error) == f"Only an enrolment pending approval can be {step}; this one is withdrawn."
    assert Enrolment.objects.get(pk=enrolment.pk).state == Enrolment.State.WITHDRAWN


def test_a_rejection_without_a_reason_keeps_no_note_and_records_when():
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    before = timezone.now()
    services.do_reject_enrolment(enrolment=enrolment)
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note, enrolment.decided_by) == ("rejected", "", None)
    assert before <= enrolment.decided_at <= timezone.now()


def test_a_rejections_reason_is_kept_to_500_characters():
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    reason = "名" * 499 + "額不足"
    services.do_reject_enrolment(enrolment=enrolment, reason=reason)
    enrolment.refresh_from_db()
    assert enrolment.decision_note == reason[:500]
    assert len(enrolment.decision_note) == 500


def test_bulk_decisions_record_the_decider_and_reason_on_each_and_report_each_refusal_with_why():
    cohort = CohortFactory(capacity=5)
    admin = UserFactory()
    first, second, gone, third, fourth = (services.do_enrol(trainee=UserFactory(), cohort=cohort) for _ in range(5))
    services.do_withdraw_enrolment(enrolment=gone)
    with translation.override("en"):
        outcome = services.do_approve_enrolments(enrolments=[first, gone, second], by=admin)
    assert [e.pk for e in outcome.done] == [first.pk, second.pk]
    assert [(e.pk, error.code, english(error)) for e, error in outcome.refused] == [
        (gone.pk, "bad_state", "Only an enrolment pending approval can be approved; this one is withdrawn.")
    ]
    assert {e.decided_by for e in Enrolment.objects.filter(pk__in=[first.pk, second.pk])} == {admin}
    with translation.override("en"):
        outcome = services.do_reject_enrolments(enrolments=[third, first, fourth], by=admin, reason="名額保留")
    assert [e.pk for e in outcome.done] == [third.pk, fourth.pk]
    assert [(e.pk, error.code, english(error)) for e, error in outcome.refused] == [
        (first.pk, "bad_state", "Only an enrolment pending approval can be rejected; this one is approved.")
    ]
    rejected = Enrolment.objects.filter(pk__in=[third.pk, fourth.pk])
    assert {(e.state, e.decided_by, e.decision_note) for e in rejected} == {("rejected", admin, "名額保留")}
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 2
    quiet = services.do_enrol(trainee=UserFactory(), cohort=cohort)
    services.do_reject_enrolments(enrolments=[quiet])
    quiet.refresh_from_db()
    assert (quiet.state, quiet.decided_by, quiet.decision_note) == ("rejected", None, "")


# --- a person takes a stand-in's place (accounts.signals.stand_in_replaced) ---------------


def test_a_stand_ins_enrolments_become_the_persons_and_a_second_active_one_per_curriculum_is_withdrawn():
    stand_in, person, someone_else = UserFactory(), UserFactory(), UserFactory()
    retail, corporate = curriculum_of("standard", "retail"), curriculum_of("standard", "corporate")
    refused_before = services.do_enrol(trainee=stand_in, cohort=CohortFactory(curriculum=retail))
    services.do_reject_enrolment(enrolment=refused_before)
    clash = services.do_enrol(trainee=stand_in, cohort=CohortFactory(curriculum=retail))
    kept = services.do_enrol(trainee=stand_in, cohort=CohortFactory(curriculum=corporate))
    own = services.do_enrol(trainee=person, cohort=CohortFactory(curriculum=retail))
    left_before = services.do_enrol(trainee=person, cohort=CohortFactory(curriculum=corporate))
    services.do_withdraw_enrolment(enrolment=left_before)  # not active: the stand-in's corporate one stays
    others = services.do_enrol(trainee=someone_else, cohort=CohortFactory(curriculum=corporate))
    long_ago = timezone.now() - datetime.timedelta(days=3)
    Enrolment.objects.filter(trainee=stand_in).update(updated_at=long_ago)

    services.do_move_enrolments(from_trainee=stand_in, to_trainee=person)

    assert not Enrolment.objects.filter(trainee=stand_in).exists()
    states = dict(Enrolment.objects.filter(trainee=person).values_list("pk", "state"))
    assert states == {
        refused_before.pk: "rejected",
        clash.pk: "withdrawn",
        kept.pk: "pending",
        own.pk: "pending",
        left_before.pk: "withdrawn",
    }
    # The employers' systems read changed rows by their last change: every moved row changed now.
    moved = Enrolment.objects.filter(pk__in=[refused_before.pk, clash.pk, kept.pk])
    assert all(e.updated_at > long_ago for e in moved)
    assert Enrolment.objects.get(pk=others.pk).trainee == someone_else
    assert Enrolment.objects.get(pk=others.pk).state == "pending"


def test_a_stand_in_with_no_enrolments_moves_nothing():
    person = UserFactory()
    own = services.do_enrol(trainee=person, cohort=CohortFactory())
    services.do_move_enrolments(from_trainee=UserFactory(), to_trainee=person)
    assert list(Enrolment.objects.values_list("pk", "trainee_id", "state")) == [(own.pk, person.pk, "pending")]


def test_completion_refused_for_missing_hours_says_what_is_done_of_each_part_and_keeps_the_seat():
    cohort = CohortFactory(curriculum=curriculum_of("assistant"))
    enrolment = approved(cohort=cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(16))
    services.do_record_attendance(session=session, enrolment=enrolment, hours=10)
    with translation.override("en"), refused("hours_missing") as outcome:
        services.do_complete_enrolment(enrolment=enrolment)
    assert english(outcome.error) == (
        "Teaching 10 of 16 hours and exam preparation 0 of 8 hours are done; the training is not complete yet."
    )
    services.do_record_attendance(session=session, enrolment=enrolment, hours=16)
    assert Enrolment.objects.get(pk=enrolment.pk).state == Enrolment.State.APPROVED
    assert Cohort.objects.get(pk=cohort.pk).seats_taken == 1
    prep = TrainingSessionFactory(cohort=cohort, purpose="exam_prep", hours=Decimal(8))
    services.do_record_attendance(session=prep, enrolment=enrolment, hours=8)
    before = timezone.now()
    services.do_complete_enrolment(enrolment=enrolment)
    stored = Enrolment.objects.get(pk=enrolment.pk)
    assert stored.state == Enrolment.State.COMPLETED
    assert before <= stored.completed_at <= timezone.now()
    with translation.override("en"), refused("bad_state") as outcome:
        services.do_complete_enrolment(enrolment=enrolment)
    assert english(outcome.error) == (
        "Only an approved enrolment or one in training can be marked complete; this one is completed."
    )
