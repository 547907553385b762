"""A person takes a stand-in's place (courses.services.do_move_enrolments): the stand-in's enrolment that
clashes with one of the person's is withdrawn like every other withdrawal. Its seat is free again, the
audit trail has the change, the apps above hear of it after commit, and the person's dashboard shows it.

The oracles read the database (enrolments, audit rows, cache tokens) or what receivers heard, never the
code under test.
"""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.utils import translation

from accounts.models import AuditEvent, User
from courses import caching, services
from courses.models import Cohort, Enrolment
from courses.signals import enrolment_state_changed
from tests.conftest import logged_in
from tests.courses.test_services import approved
from tests.factories import CohortFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

#: The states that hold a seat of the cohort, spelt out here rather than read from the model.
SEAT_HOLDING = ("pending", "approved", "in_training")


def seats_held(cohort: Cohort) -> int:
    return Enrolment.objects.filter(cohort=cohort, state__in=SEAT_HOLDING).count()


def seats_taken(cohort: Cohort) -> int:
    return Cohort.objects.values_list("seats_taken", flat=True).get(pk=cohort.pk)


def in_state(state: str, trainee: User, cohort: Cohort) -> Enrolment:
    enrolment = services.do_enrol(trainee=trainee, cohort=cohort)
    if state in ("approved", "in_training"):
        enrolment = services.do_approve_enrolment(enrolment=enrolment)
    if state == "in_training":
        enrolment = services.do_start_training(enrolment=enrolment)
    assert enrolment.state == state
    return enrolment


@dataclass
class Scene:
    stand_in: User
    person: User
    clash: Enrolment  # the stand-in's, in a curriculum the person already has an active enrolment in
    kept: Enrolment  # the stand-in's, in a curriculum the person has none in
    own: Enrolment  # the person's own, of the clash's curriculum
    cohort: Cohort  # the clash's


def scene(person: User, clash_state: str = "approved") -> Scene:
    """The stand-in's clashing enrolment sits in a full cohort of two seats, next to someone else's."""
    stand_in = UserFactory()
    retail, corporate = curriculum_of("standard", "retail"), curriculum_of("standard", "corporate")
    cohort = CohortFactory(curriculum=retail, capacity=2, code="CLASH-1")
    clash = in_state(clash_state, stand_in, cohort)
    approved(cohort=cohort)  # someone else's seat: the second of two
    kept = services.do_enrol(trainee=stand_in, cohort=CohortFactory(curriculum=corporate, code="KEPT-1"))
    own = services.do_enrol(trainee=person, cohort=CohortFactory(curriculum=retail, code="OWN-1"))
    return Scene(stand_in, person, clash, kept, own, cohort)


# --- the seat ------------------------------------------------------------------------------


@pytest.mark.parametrize("clash_state", SEAT_HOLDING)
def test_the_withdrawn_clash_frees_its_seat_and_the_counter_matches_the_enrolments(clash_state):
    s = scene(UserFactory(), clash_state)
    assert seats_taken(s.cohort) == seats_held(s.cohort) == 2

    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)

    assert Enrolment.objects.get(pk=s.clash.pk).state == "withdrawn"
    assert seats_held(s.cohort) == 1
    assert seats_taken(s.cohort) == 1
    # What the seat is for: the cohort was full, now someone else can enrol.
    services.do_enrol(trainee=UserFactory(), cohort=s.cohort)
    assert seats_taken(s.cohort) == seats_held(s.cohort) == 2


def test_the_kept_enrolments_seat_and_the_persons_own_seat_stay_taken():
    s = scene(UserFactory())
    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)
    for enrolment in (s.kept, s.own):
        assert Enrolment.objects.get(pk=enrolment.pk).state == "pending"
        assert seats_taken(enrolment.cohort) == seats_held(enrolment.cohort) == 1


def test_the_clash_is_withdrawn_under_the_cohorts_lock_then_the_enrolments(row_locks):
    """The order of every seat change (courses.services), so that two never wait on each other."""
    s = scene(UserFactory())
    row_locks.clear()
    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)
    assert row_locks == [["courses_cohort"], ["courses_enrolment"]]


# --- the audit trail -----------------------------------------------------------------------


@pytest.mark.parametrize("clash_state", SEAT_HOLDING)
def test_the_withdrawal_leaves_one_audit_row_with_both_states_and_the_person_as_actor(clash_state):
    s = scene(UserFactory(), clash_state)
    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)

    rows = AuditEvent.objects.filter(action="enrolment_state", object_id=str(s.clash.pk), detail__new_state="withdrawn")
    assert rows.count() == 1
    row = rows.get()
    assert row.object_type == "courses.Enrolment"
    assert row.institution_id == s.cohort.institution_id
    assert row.summary == f"{clash_state} -> withdrawn"
    # The enrolment is the person's once moved: the trail names them as its trainee, and as who acted
    # (the mailed link they followed proves the address; it needs no log-in).
    assert row.detail == {"old_state": clash_state, "new_state": "withdrawn", "trainee_id": s.person.pk}
    assert (row.actor_id, row.actor_label) == (s.person.pk, s.person.email)
    # Nothing else of the move is a state change.
    for enrolment in (s.kept, s.own):
        assert not AuditEvent.objects.filter(object_id=str(enrolment.pk), detail__new_state="withdrawn").exists()


def test_a_withdrawal_records_who_withdrew_outside_a_request():
    """``by`` is who withdrew (the trainee, an institution admin); a task or command has no request."""
    admin = UserFactory()
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    services.do_withdraw_enrolment(enrolment=enrolment, by=admin)
    row = AuditEvent.objects.get(action="enrolment_state", object_id=str(enrolment.pk), detail__new_state="withdrawn")
    assert (row.actor_id, row.actor_label) == (admin.pk, admin.email)


def test_a_withdrawal_by_nobody_named_outside_a_request_is_the_systems():
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    services.do_withdraw_enrolment(enrolment=enrolment)
    row = AuditEvent.objects.get(action="enrolment_state", object_id=str(enrolment.pk), detail__new_state="withdrawn")
    assert (row.actor_id, row.actor_label) == (None, "system")


# --- the announcement ----------------------------------------------------------------------


@pytest.fixture
def heard():
    """What receivers of enrolment_state_changed hear, connected as the apps above connect."""
    heard: list[tuple] = []

    def receiver(sender, enrolment, old_state, new_state, **kwargs):
        committed = Enrolment.objects.values_list("state", "trainee_id").get(pk=enrolment.pk)
        heard.append((sender, enrolment.pk, enrolment.trainee_id, old_state, new_state, committed))

    enrolment_state_changed.connect(receiver, sender=Enrolment)
    yield heard
    enrolment_state_changed.disconnect(receiver, sender=Enrolment)


@pytest.mark.parametrize("clash_state", SEAT_HOLDING)
def test_receivers_hear_the_withdrawal_once_after_commit_as_the_persons(
    clash_state, heard, django_capture_on_commit_callbacks
):
    s = scene(UserFactory(), clash_state)
    heard.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)
    assert heard == []  # nothing before the commit
    for callback in callbacks:
        callback()
    # The employer's webhook and certification find the trainee by the enrolment's trainee: the
    # person, as the stand-in's account is deleted in the same transaction.
    assert heard == [
        (Enrolment, s.clash.pk, s.person.pk, clash_state, "withdrawn", ("withdrawn", s.person.pk)),
    ]


def test_a_move_without_a_clash_announces_no_state_change(heard, django_capture_on_commit_callbacks):
    stand_in, person = UserFactory(), UserFactory()
    mine = services.do_enrol(trainee=stand_in, cohort=CohortFactory(curriculum=curriculum_of("standard", "corporate")))
    services.do_enrol(trainee=person, cohort=CohortFactory())
    heard.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.do_move_enrolments(from_trainee=stand_in, to_trainee=person)
    assert heard == []
    assert Enrolment.objects.get(pk=mine.pk).trainee_id == person.pk


# --- the person's dashboard ----------------------------------------------------------------


def test_the_persons_cached_dashboard_shows_the_moved_and_withdrawn_enrolments_at_once(
    trainee, django_capture_on_commit_callbacks
):
    s = scene(trainee)
    client = logged_in(trainee)
    before = client.get("/en/dashboard/").content.decode()  # now cached
    assert "OWN-1" in before and "CLASH-1" not in before and "KEPT-1" not in before
    token = cache.get(caching.trainee_key(trainee.pk))

    with django_capture_on_commit_callbacks(execute=True):
        services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=trainee)

    assert cache.get(caching.trainee_key(trainee.pk)) != token
    after = client.get("/en/dashboard/").content.decode()
    assert "OWN-1" in after and "CLASH-1" in after and "KEPT-1" in after
    card = after.split(f'id="enrolment-{s.clash.pk}"')[1].split('class="card mb-3')[0]
    assert ">Withdrawn<" in card and "Withdraw from this cohort" not in card


# --- clashes in several cohorts, and a withdrawal landing meanwhile ---------------------------------


@dataclass
class TwoClashes:
    stand_in: User
    person: User
    clashes: list[Enrolment]  # the stand-in's, by cohort id
    cohorts: list[Cohort]


def two_clashes() -> TwoClashes:
    """The stand-in and the person both enrolled in retail and corporate; the stand-in's enrolment with
    the lower id is in the cohort with the higher id (so the order of cohorts is not the order of rows)."""
    stand_in, person = UserFactory(), UserFactory()
    retail, corporate = curriculum_of("standard", "retail"), curriculum_of("standard", "corporate")
    low = CohortFactory(curriculum=retail, code="LOW-1")
    high = CohortFactory(curriculum=corporate, code="HIGH-1")
    in_high = services.do_enrol(trainee=stand_in, cohort=high)
    in_low = services.do_enrol(trainee=stand_in, cohort=low)
    assert in_high.pk < in_low.pk and low.pk < high.pk
    for curriculum in (retail, corporate):
        services.do_enrol(trainee=person, cohort=CohortFactory(curriculum=curriculum))
    return TwoClashes(stand_in, person, [in_low, in_high], [low, high])


def test_clashes_in_several_cohorts_are_locked_in_the_order_of_the_cohorts(monkeypatch):
    """Every writer that locks more than one cohort takes them in the order of their ids, so that two
    such writers never each hold one the other waits for."""
    s = two_clashes()
    locked_cohorts: list[int] = []
    lock_enrolment = services._lock_enrolment

    def recording(enrolment):
        cohort, locked = lock_enrolment(enrolment)
        locked_cohorts.append(cohort.pk)
        return cohort, locked

    monkeypatch.setattr(services, "_lock_enrolment", recording)
    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)
    assert locked_cohorts == [s.cohorts[0].pk, s.cohorts[1].pk]
    assert [Enrolment.objects.get(pk=e.pk).state for e in s.clashes] == ["withdrawn", "withdrawn"]


def test_a_clash_withdrawn_between_the_look_and_the_lock_is_left_alone_and_the_next_one_still_withdrawn(
    monkeypatch,
):
    """Someone withdraws the stand-in's first clash just before the move locks it (the interleaving
    written out): its seat is freed once, by that withdrawal, and the move goes on to the next clash."""
    s = two_clashes()
    first = s.clashes[0]
    lock_enrolment = services._lock_enrolment

    def withdrawn_meanwhile(enrolment):
        if enrolment == first.pk and Enrolment.objects.get(pk=first.pk).state == "pending":
            services.do_withdraw_enrolment(enrolment=Enrolment.objects.get(pk=first.pk))
        return lock_enrolment(enrolment)

    monkeypatch.setattr(services, "_lock_enrolment", withdrawn_meanwhile)
    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)
    assert [Enrolment.objects.get(pk=e.pk).state for e in s.clashes] == ["withdrawn", "withdrawn"]
    for cohort in s.cohorts:
        assert seats_taken(cohort) == seats_held(cohort) == 0
    withdrawals = AuditEvent.objects.filter(
        action="enrolment_state", object_id=str(first.pk), detail__new_state="withdrawn"
    )
    assert withdrawals.count() == 1


def test_the_stand_ins_ended_enrolments_are_moved_without_a_lock(row_locks):
    """A withdrawn enrolment of a curriculum the person holds is no clash: it moves with the rest, and
    no cohort or enrolment is locked for it."""
    s = scene(UserFactory())
    services.do_withdraw_enrolment(enrolment=s.clash)
    row_locks.clear()
    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)
    assert row_locks == []
    assert Enrolment.objects.get(pk=s.clash.pk).trainee_id == s.person.pk


# --- the person enrolled while the move runs -----------------------------------------------------------


def enrolled_meanwhile(monkeypatch, person: User, *curricula) -> list[Enrolment]:
    """The person is enrolled in each of ``curricula`` in turn, one each time the move locks an enrolment
    (after it looked for clashes, before it moves the rows: the interleaving written out). On PostgreSQL
    the move's UPDATE waits for that enrolment to commit, then the partial unique constraint refuses it."""
    planted: list[Enrolment] = []
    waiting = list(curricula)
    lock_enrolment = services._lock_enrolment

    def with_an_enrolment_meanwhile(enrolment):
        if waiting:
            planted.append(services.do_enrol(trainee=person, cohort=CohortFactory(curriculum=waiting.pop(0))))
        return lock_enrolment(enrolment)

    monkeypatch.setattr(services, "_lock_enrolment", with_an_enrolment_meanwhile)
    return planted


def test_an_enrolment_of_the_person_made_during_the_move_is_kept_and_the_stand_ins_clash_withdrawn(monkeypatch):
    s = scene(UserFactory())
    kept_cohort = s.kept.cohort
    planted = enrolled_meanwhile(monkeypatch, s.person, curriculum_of("standard", "corporate"))  # the kept's

    services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)

    (meanwhile,) = planted
    assert Enrolment.objects.get(pk=meanwhile.pk).state == "pending"  # the person's own stays
    assert Enrolment.objects.get(pk=s.kept.pk).state == "withdrawn"  # now a clash, withdrawn like the first
    assert Enrolment.objects.get(pk=s.clash.pk).state == "withdrawn"
    assert not Enrolment.objects.filter(trainee=s.stand_in).exists()
    assert set(Enrolment.objects.filter(trainee=s.person).values_list("pk", flat=True)) == {
        s.own.pk, s.clash.pk, s.kept.pk, meanwhile.pk
    }  # fmt: skip
    for cohort in (kept_cohort, s.cohort, meanwhile.cohort):
        assert seats_taken(cohort) == seats_held(cohort)


@translation.override("en")
def test_a_move_refused_twice_by_enrolments_made_meanwhile_says_so_and_moves_nothing(monkeypatch):
    s = scene(UserFactory())
    senior = services.do_enrol(trainee=s.stand_in, cohort=CohortFactory(curriculum=curriculum_of("senior", "retail")))
    enrolled_meanwhile(monkeypatch, s.person, curriculum_of("standard", "corporate"), curriculum_of("senior", "retail"))

    with translation.override("en"), pytest.raises(services.TrainingError) as refused:
        services.do_move_enrolments(from_trainee=s.stand_in, to_trainee=s.person)

    assert refused.value.code == "enrolled_meanwhile"
    assert str(refused.value).startswith("You were enrolled in a cohort at the very moment")
    # All or nothing: the stand-in's enrolments are as they were, withdrawals included.
    assert set(Enrolment.objects.filter(trainee=s.stand_in).values_list("pk", "state")) == {
        (s.clash.pk, "approved"), (s.kept.pk, "pending"), (senior.pk, "pending")
    }  # fmt: skip
    assert seats_taken(s.cohort) == seats_held(s.cohort) == 2
