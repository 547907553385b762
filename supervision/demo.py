"""The demo's simulated year for `make run` (``supervision.simulation``), so that the supervision
area's charts and the item analysis show real shapes: about 400 extra trainees (``sim0001@demo.test``
on, with no usable password) in 16 finished or running cohorts of inst-a and inst-b over the past
year, their attendance, withdrawals, some 2,600 attempts with every answer, grades, published
results, essays still waiting for a grader, and the certificates of those who completed and passed.

Written set-based (``bulk_create``, a few dozen statements a table), not through the per-answer
services, so that loading stays quick; the rows are the ones those services would leave: states,
scores by ``grading.score_answer``, results by ``grading.outcome_of`` with the paper's pass mark,
published and announced, mailed results and certificates (their claims set, so that no sweep mails
or announces a year of history on the first beat), and the audit events they record. The named demo
people are not touched.

Idempotent: the first simulated trainee is the mark that the year is loaded; everything is written
in one transaction, so it is all there or none of it.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils import timezone, translation

from accounts import audit
from accounts.models import AuditEvent, Institution, TraineeProfile, User
from accounts.scoping import TRAINEE_GROUP
from certification import services as certification_services
from certification import status_list
from certification.models import (
    Certificate,
    CertificateSequence,
    CertificateStatusChange,
    ContinuingEducation,
    ReminderKind,
    ReminderSent,
)
from certification.numbers import make_number, prefix_for
from courses.models import Attendance, City, Cohort, Curriculum, Enrolment, Purpose, TrainingSession
from exams import demo as exams_demo
from exams.models import Attempt, AttemptQuestion, CourseResult, EssayOverdueReminder, ExamPaper, Question, Sitting
from exams.services import essay_marking
from exams.services.attempts import draw_from

from . import simulation
from .simulation import BankItem, ItemKey, Simulation

MARK = "sim0001@demo.test"
TEACHERS = {"inst-a": ("黃美玲", "Huang Mei-ling"), "inst-b": ("林淑華", "Lin Shu-hua")}
CLASSROOM = ("臺北金融研訓中心 302 教室", "Taipei Banking Training Centre, Room 302")
SECOND = datetime.timedelta(seconds=5)
EVENING = datetime.time(18, 30)  # when a certificate is issued (and earlier continuing education confirmed)
CLASSES = (TraineeProfile.ManagerClass.CORPORATE, TraineeProfile.ManagerClass.PERSONAL)


def email(number: int) -> str:
    return f"sim{number:04d}@demo.test"


@contextmanager
def _timestamps_as_given(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create write the past times given for ``auto_now``/``auto_now_add`` fields (a year
    of history created today would read as created today)."""
    switched = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if isinstance(f, models.DateField) and (f.auto_now or f.auto_now_add):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _curriculum_key(curriculum: Curriculum) -> str:
    return curriculum.tier.code + (f"/{curriculum.track.code}" if curriculum.track_id else "")


def _track_code(curriculum: Curriculum) -> str | None:
    return curriculum.track.code if curriculum.track is not None else None


def _issue_change(certificate: Certificate) -> CertificateStatusChange:
    """The status change an issue records."""
    return CertificateStatusChange(
        certificate=certificate, old_status="", new_status="active", action="issue", changed_at=certificate.created_at
    )


def _confirmed_activity(
    certificate: Certificate, title: str, completed_on: datetime.date, hours: Any, decided: datetime.datetime
) -> ContinuingEducation:
    """Continuing education of the certificate's holder, confirmed by its institution at ``decided``."""
    return ContinuingEducation(
        trainee=certificate.trainee,
        institution=certificate.institution,
        title=title,
        completed_on=completed_on,
        hours=Decimal(hours),
        status=ContinuingEducation.Status.CONFIRMED,
        decided_at=decided,
        created_at=decided,
    )


def inputs() -> dict[str, Any]:
    """What ``simulation.simulate`` needs from the database: the catalog, the demo bank and its draw."""
    curricula = {}
    for curriculum in Curriculum.objects.select_related("tier", "track").prefetch_related("entries__course"):
        curricula[_curriculum_key(curriculum)] = simulation.Curriculum(
            key=_curriculum_key(curriculum),
            courses=tuple(entry.course.code for entry in curriculum.entries.all()),
            teaching_hours=curriculum.teaching_hours,
            exam_prep_hours=curriculum.exam_prep_hours,
        )
    papers = list(ExamPaper.objects.select_related("course").prefetch_related("blueprint"))
    rules = {
        (p.pass_mark, p.max_attempts, p.retake_wait_days, p.time_limit_minutes, p.multiple_scoring) for p in papers
    }
    if len(rules) != 1:
        raise RuntimeError("The simulated year assumes the demo papers' common rules; the papers differ.")
    pass_mark, max_attempts, retake_wait_days, time_limit_minutes, scoring = rules.pop()
    key_of: dict[uuid.UUID, ItemKey] = exams_demo.family_keys()
    pools: dict[str, list[Question]] = {p.course.code: [] for p in papers}
    bank: dict[ItemKey, BankItem] = {}
    question_ids: dict[ItemKey, int] = {}
    for question in Question.objects.filter(status=Question.Status.ACTIVE).select_related("course").order_by("pk"):
        key = key_of.get(question.family)
        if key is None:
            raise RuntimeError(f"Question {question.pk} is not the demo bank's: the simulation would not know it.")
        pools[question.course.code].append(question)
        question_ids[key] = question.pk
        bank[key] = BankItem(
            key=key,
            options=tuple(str(o["key"]) for o in question.options),
            correct=tuple(question.correct),
            max_score=question.max_score,
        )
    blueprints = {p.course.code: sorted(p.blueprint.all(), key=lambda row: row.pk) for p in papers}

    def draw(course: str, seed: int) -> list[tuple[ItemKey, list[str]]]:
        return [
            (key_of[q.family], order)
            for q, order in draw_from(pool=pools[course], blueprint=blueprints[course], seed=seed)
        ]

    return {
        "simulate": {
            "curricula": curricula,
            "bank": bank,
            "draw": draw,
            "pass_mark": pass_mark,
            "max_attempts": max_attempts,
            "retake_wait_days": retake_wait_days,
            "time_limit_minutes": time_limit_minutes,
            "scoring": scoring,
        },
        "question_ids": question_ids,
        "papers": {p.course.code: p for p in papers},
    }


def the_simulation() -> Simulation:
    """The simulated year as the loader writes it (for tests: its known abilities and item parameters)."""
    return simulation.simulate(**inputs()["simulate"])


@transaction.atomic
def load() -> None:
    if User.objects.filter(email=MARK).exists():
        return
    institutions = {i.code: i for i in Institution.objects.filter(code__in=("inst-a", "inst-b"))}
    staff = {u.email: u for u in User.objects.filter(email__endswith=".demo.test", is_staff=True)}
    if len(institutions) < 2 or not all(f"admin@{code}.demo.test" in staff for code in institutions):
        return  # accounts' demo did not run: nothing to build on
    given = inputs()
    sim = simulation.simulate(**given["simulate"])
    _Writer(sim, institutions, staff, given).write()


class _Writer:
    def __init__(self, sim: Simulation, institutions: dict[str, Institution], staff: dict[str, User], given: dict):
        self.sim = sim
        self.institutions = institutions
        self.admins = {code: staff[f"admin@{code}.demo.test"] for code in institutions}
        self.graders = {code: staff.get(f"grader@{code}.demo.test") for code in institutions}
        self.office = staff.get("office@demo.test")
        self.question_ids = given["question_ids"]
        self.papers = given["papers"]
        self.curricula = {_curriculum_key(c): c for c in Curriculum.objects.select_related("tier", "track")}
        self.today = timezone.localdate()
        self.midnight = datetime.datetime.combine(self.today, datetime.time.min, tzinfo=timezone.get_current_timezone())
        self.trail: list[AuditEvent] = []

    def audit(
        self,
        action: str,
        target: models.Model,
        when: datetime.datetime,
        *,
        actor: User | None,
        institution: int,
        summary: str,
        detail: dict[str, Any],
    ) -> None:
        """The audit event the service would have recorded (``accounts.audit.record``; nobody: the system)."""
        self.trail.append(
            AuditEvent(
                created_at=when,
                action=action,
                actor=actor,
                actor_label=actor.email if actor else "system",
                institution_id=institution,
                object_type=target._meta.label,
                object_id=str(target.pk),
                summary=summary[:500],
                detail=detail,
            )
        )

    def at(self, offset: datetime.timedelta) -> datetime.datetime:
        return self.midnight + offset

    def day(self, days: int) -> datetime.date:
        return self.today + datetime.timedelta(days=days)

    def on(self, day: datetime.date, time: datetime.time) -> datetime.datetime:
        """``day`` at ``time``, local time."""
        return datetime.datetime.combine(day, time, tzinfo=self.midnight.tzinfo)

    def write(self) -> None:
        with _timestamps_as_given(
            TraineeProfile,
            Cohort,
            TrainingSession,
            Enrolment,
            Attendance,
            Sitting,
            CourseResult,
            EssayOverdueReminder,
            Certificate,
            CertificateStatusChange,
            ReminderSent,
            ContinuingEducation,
        ):
            users = self.people()
            cohorts = self.cohorts()
            enrolments = self.training(users, cohorts)
            self.exams(users, cohorts)
            self.certification(users, cohorts, enrolments)
        AuditEvent.objects.bulk_create(self.trail, batch_size=2000)

    def people(self) -> dict[int, User]:
        """The simulated trainees, then the earlier holders (numbered on), with their profiles."""
        sim = self.sim
        people = [
            (t.number, t.name, t.language, sim.cohorts[t.cohort].institution, self.at(t.enrolled)) for t in sim.trainees
        ]
        people += [
            (h.number, h.name, h.language, h.institution, self.at(datetime.timedelta(days=h.issued - 200)))
            for h in sim.holders
        ]
        users = User.objects.bulk_create(
            User(
                email=email(number),
                display_name=name,
                preferred_language=language,
                password="!simulated",  # no usable password: nobody logs in as a simulated trainee
                date_joined=joined - datetime.timedelta(hours=1),
                email_verified_at=joined - datetime.timedelta(minutes=50),
            )
            for number, name, language, _institution, joined in people
        )
        group = Group.objects.get_or_create(name=TRAINEE_GROUP)[0]
        User.groups.through.objects.bulk_create(User.groups.through(user_id=u.pk, group_id=group.pk) for u in users)
        TraineeProfile.objects.bulk_create(
            TraineeProfile(
                user=u,
                registered_by=self.institutions[institution],
                manager_class=CLASSES[number % 2],
                created_at=u.date_joined,
                updated_at=u.date_joined,
            )
            for u, (number, _name, _language, institution, _joined) in zip(users, people, strict=True)
        )
        return {number: u for u, (number, *_rest) in zip(users, people, strict=True)}

    def cohorts(self) -> list[Cohort]:
        rows = []
        for c in self.sim.cohorts:
            online = c.institution == "inst-b"
            held = [t for t in self.sim.trainees if self.sim.cohorts[t.cohort] is c]
            seats = sum(1 for t in held if t.state in Enrolment.ACTIVE_STATES)
            rows.append(
                Cohort(
                    institution=self.institutions[c.institution],
                    curriculum=self.curricula[c.curriculum],
                    code=c.code,
                    offers_face_to_face=not online,
                    offers_remote=True,
                    offers_self_study=True,
                    starts_on=self.day(c.starts),
                    ends_on=self.day(c.ends),
                    city="" if online else City.TAIPEI,
                    is_online=online,
                    capacity=40,
                    seats_taken=seats,
                    enrolment_opens_at=self.at(datetime.timedelta(days=c.enrolment_opens)),
                    enrolment_closes_at=self.at(datetime.timedelta(days=c.enrolment_closes)),
                    status=Cohort.Status.FINISHED if c.finished else Cohort.Status.RUNNING,
                    created_at=self.at(datetime.timedelta(days=c.enrolment_opens - 10)),
                    updated_at=self.at(datetime.timedelta(days=min(c.ends, -1))),
                )
            )
        return Cohort.objects.bulk_create(rows)

    def training(self, users: dict[int, User], cohorts: list[Cohort]) -> dict[int, Enrolment]:
        sim = self.sim
        sessions: dict[int, list[TrainingSession]] = {}
        rows = []
        for i, c in enumerate(sim.cohorts):
            online = c.institution == "inst-b"
            teacher, teacher_en = TEACHERS[c.institution]
            for s in c.sessions:
                rows.append(
                    TrainingSession(
                        cohort=cohorts[i],
                        purpose=Purpose.TEACHING if s.course else Purpose.EXAM_PREP,
                        mode=TrainingSession.Mode.LIVE_REMOTE if online else TrainingSession.Mode.FACE_TO_FACE,
                        course=self.papers[s.course].course if s.course else None,
                        held_on=self.at(s.at).date(),
                        hours=Decimal(s.hours),
                        teacher=teacher,
                        teacher_en=teacher_en,
                        starts_at=datetime.time(9, 0),
                        location="" if online else CLASSROOM[0],
                        location_en="" if online else CLASSROOM[1],
                        created_at=cohorts[i].created_at,
                    )
                )
        made = iter(TrainingSession.objects.bulk_create(rows))
        for i, c in enumerate(sim.cohorts):
            sessions[i] = [next(made) for _ in c.sessions]

        enrolments: dict[int, Enrolment] = {}
        rows = []
        for t in sim.trainees:
            c = sim.cohorts[t.cohort]
            curriculum = self.curricula[c.curriculum]
            admitted = t.state != Enrolment.State.REJECTED
            decided = self.at(t.decided) if t.decided is not None else None
            owed = (
                {
                    "teaching_hours_owed": curriculum.teaching_hours,
                    "teaching_days_owed": curriculum.teaching_days,
                    "exam_prep_hours_owed": curriculum.exam_prep_hours,
                    "exam_prep_days_owed": curriculum.exam_prep_days,
                }
                if admitted
                else {}
            )
            ended = self.at(t.ended) if t.ended is not None else None
            last_session = sessions[t.cohort][len(t.attended) - 1].held_on if t.attended else None
            updated = ended or (self.on(last_session, datetime.time(18)) if last_session else decided)
            enrolment = Enrolment(
                trainee=users[t.number],
                cohort=cohorts[t.cohort],
                curriculum=curriculum,
                state=t.state,
                decided_by=self.admins[c.institution],
                decided_at=decided,
                decision_mailed_at=decided,
                decision_note="" if admitted else "名額已滿，請報名下一梯次",
                completed_at=ended if t.state == Enrolment.State.COMPLETED else None,
                created_at=self.at(t.enrolled),
                updated_at=updated,
                **owed,
            )
            rows.append(enrolment)
            enrolments[t.number] = enrolment
        Enrolment.objects.bulk_create(rows)
        for t in sim.trainees:
            self.enrolment_trail(t, enrolments[t.number], cohorts[t.cohort])

        Attendance.objects.bulk_create(
            Attendance(
                session=session,
                enrolment=enrolments[t.number],
                hours=Decimal(hours),
                recorded_by=self.admins[sim.cohorts[t.cohort].institution],
                recorded_at=self.on(session.held_on, datetime.time(18)),
            )
            for t in sim.trainees
            for session, hours in zip(sessions[t.cohort], t.attended, strict=False)
        )
        return enrolments

    def enrolment_trail(self, t: simulation.SimTrainee, enrolment: Enrolment, cohort: Cohort) -> None:
        """The enrolment's state changes, as ``courses.services`` records each (enrol, decide, start, end)."""
        admin = self.admins[cohort.institution.code]
        started = self.on(cohort.starts_on, datetime.time(8))
        steps = [("", "pending", self.at(t.enrolled), enrolment.trainee)]
        if t.decided is not None:
            decided = "rejected" if t.state == "rejected" else "approved"
            steps.append(("pending", decided, self.at(t.decided), admin))
        if t.state != "rejected":
            steps.append(("approved", "in_training", started, admin))
        if t.ended is not None:
            steps.append(("in_training", t.state, self.at(t.ended), admin))
        for old, new, when, actor in steps:
            self.audit(
                audit.Action.ENROLMENT_STATE,
                enrolment,
                when,
                actor=actor,
                institution=cohort.institution_id,
                summary=f"{old or '-'} -> {new}",
                detail={"old_state": old, "new_state": new, "trainee_id": enrolment.trainee_id},
            )

    def exams(self, users: dict[int, User], cohorts: list[Cohort]) -> None:
        sim = self.sim
        with translation.override("zh-hant"):
            place = str(City(City.TAIPEI).label)
        with translation.override("en"):
            place_en = str(City(City.TAIPEI).label)
        sittings: dict[tuple[int, int], Sitting] = {}
        for i, c in enumerate(sim.cohorts):
            for s, sitting in enumerate(c.sittings):
                sittings[i, s] = Sitting(
                    paper=self.papers[sitting.course],
                    cohort=cohorts[i],
                    opens_at=self.at(sitting.opens),
                    closes_at=self.at(sitting.closes),
                    is_online=cohorts[i].is_online,
                    place="" if cohorts[i].is_online else place,
                    place_en="" if cohorts[i].is_online else place_en,
                    created_at=self.at(sitting.opens) - datetime.timedelta(days=30),
                )
        Sitting.objects.bulk_create(sittings.values())
        cohort_of = {t.number: t.cohort for t in sim.trainees}
        attempts = Attempt.objects.bulk_create(
            Attempt(
                sitting=sittings[cohort_of[a.trainee], a.sitting],
                paper=self.papers[a.course],
                trainee=users[a.trainee],
                number=a.number,
                seed=a.seed,
                state=Attempt.State.GRADED if a.outcome is not None else Attempt.State.GRADING,
                started_at=self.at(a.started),
                deadline=self.at(a.deadline),
                submitted_at=self.at(a.submitted),
                submitted_automatically=a.automatically,
            )
            for a in sim.attempts
        )
        items = []
        results = []
        for row, a in zip(attempts, sim.attempts, strict=True):
            institution = sim.cohorts[cohort_of[a.trainee]].institution
            objective_graded = self.at(a.submitted) + SECOND
            for position, answer in enumerate(a.answers, start=1):
                essay = answer.item[1] == simulation.ESSAY
                graded = self.at(a.essay_graded) if essay and a.essay_graded is not None else None
                items.append(
                    AttemptQuestion(
                        attempt=row,
                        question_id=self.question_ids[answer.item],
                        position=position,
                        option_order=answer.order,
                        answer=answer.answer,
                        answered_at=self.at(answer.answered) if answer.answered is not None else None,
                        score=answer.score,
                        grader=self.graders[institution] if graded else None,
                        graded_at=graded if essay else objective_graded,
                    )
                )
            published = self.at(a.published) if a.published is not None else None
            outcome = a.outcome
            results.append(
                CourseResult(
                    attempt=row,
                    trainee=row.trainee,
                    course=self.papers[a.course].course,
                    score=outcome.score if outcome else None,
                    max_score=a.max_score,
                    percent=outcome.percent if outcome else None,
                    passed=outcome.passed if outcome else None,
                    graded_at=objective_graded,
                    published_at=published,
                    announced_at=published,
                    mailed_at=published + datetime.timedelta(minutes=1) if published else None,
                )
            )
        AttemptQuestion.objects.bulk_create(items, batch_size=2000)
        CourseResult.objects.bulk_create(results)
        for item in items:
            if item.grader is not None and item.score is not None:
                attempt = item.attempt
                self.audit(
                    audit.Action.GRADE_CHANGED,
                    item,
                    item.graded_at,
                    actor=item.grader,
                    institution=attempt.sitting.cohort.institution_id,
                    summary=f"attempt {attempt.pk}: None -> {item.score.normalize():f}",
                    detail={"attempt_id": attempt.pk, "old_score": None, "new_score": f"{item.score.normalize():f}"},
                )
        # The beat has reminded the admins of every waiting essay past the service level, once each.
        overdue_before = essay_marking.overdue_before()
        late = datetime.timedelta(days=essay_marking.marking_days(), hours=1)
        EssayOverdueReminder.objects.bulk_create(
            EssayOverdueReminder(
                item=item,
                institution_id=item.attempt.sitting.cohort.institution_id,
                sent_at=item.attempt.submitted_at + late,
            )
            for item in items
            if item.score is None and item.attempt.submitted_at < overdue_before
        )

    def certification(self, users: dict[int, User], cohorts: list[Cohort], enrolments: dict[int, Enrolment]) -> None:
        sim = self.sim
        years = certification_services.validity_years()
        certificates = []
        earlier = self.earlier_certificates(users, years)
        for sc in sorted(sim.certificates, key=lambda sc: (sc.issued, sc.trainee)):
            c = sim.cohorts[sc.cohort]
            certificate = self.issued_certificate(
                users[sc.trainee],
                self.curricula[c.curriculum],
                self.institutions[c.institution],
                self.day(sc.issued),
                years,
                enrolment=enrolments[sc.trainee],
                status=sc.status,
                status_reason=sc.reason,
                updated_at=self.at(datetime.timedelta(days=sc.changed if sc.changed is not None else sc.issued)),
            )
            certificates.append((sc, certificate))
        # The earlier holders' first, then the year's in issue order.
        self.number([*(certificate for certificate, _c, _e in earlier), *(c for _sc, c in certificates)])
        made = [*(certificate for _sc, certificate in certificates), *(certificate for certificate, _c, _e in earlier)]
        for certificate, index in zip(made, status_list.free_indexes(len(made)), strict=True):
            certificate.status_list_index = index
        Certificate.objects.bulk_create(made)
        changes, claims, activities = [], [], []
        for certificate, history, ce in earlier:
            for change in history:
                change.certificate = certificate
            changes += history
            activities += ce
        for sc, certificate in certificates:
            changes.append(_issue_change(certificate))
            claims.append(
                ReminderSent(
                    user=certificate.trainee,
                    kind=ReminderKind.CERTIFICATE_ISSUED,
                    object_key=f"certificate:{certificate.pk}",
                    sent_at=certificate.created_at,
                )
            )
            if sc.status != Certificate.Status.ACTIVE:
                action = "suspend" if sc.status == Certificate.Status.SUSPENDED else "revoke"
                changes.append(
                    CertificateStatusChange(
                        certificate=certificate,
                        old_status="active",
                        new_status=sc.status,
                        action=action,
                        reason=sc.reason,
                        changed_by=self.office,
                        changed_at=certificate.updated_at,
                    )
                )
            if sc.ce_hours and sc.ce_on is not None:
                completed_on = self.day(sc.ce_on)
                activities.append(
                    _confirmed_activity(
                        certificate,
                        "金融消費者保護法實務研習",
                        completed_on,
                        sc.ce_hours,
                        self.on(completed_on, datetime.time(17)),
                    )
                )
        CertificateStatusChange.objects.bulk_create(changes)
        for change in changes:
            if change.action == "issue":
                continue  # issuing records no audit event (certification.services)
            certificate = change.certificate
            self.audit(
                audit.Action.CERTIFICATE_STATUS,
                certificate,
                change.changed_at,
                actor=change.changed_by,
                institution=certificate.institution_id,
                summary=f"{certificate.number}: {change.old_status} -> {change.new_status} ({change.action})",
                detail={
                    "old_status": change.old_status,
                    "new_status": change.new_status,
                    "action": change.action,
                    "reason": change.reason,
                },
            )
        ReminderSent.objects.bulk_create(claims)
        ContinuingEducation.objects.bulk_create(activities)

    def issued_certificate(
        self,
        trainee: User,
        curriculum: Curriculum,
        institution: Institution,
        issued: datetime.date,
        years: int,
        **fields: Any,
    ) -> Certificate:
        """The certificate of ``curriculum`` issued and announced on the evening of ``issued``, valid
        for ``years``; unnumbered (:meth:`number`) and unsaved."""
        certificate = Certificate(
            trainee=trainee,
            curriculum=curriculum,
            tier=curriculum.tier,
            track=curriculum.track,
            institution=institution,
            issued_on=issued,
            period_starts_on=issued,
            valid_until=issued + relativedelta(years=years),
            created_at=self.on(issued, EVENING),
            **fields,
        )
        certificate.announced_at = certificate.created_at
        return certificate

    def number(self, certificates: list[Certificate]) -> None:
        """Number ``certificates`` in the order given, by prefix and year of issue, after the numbers
        the sequences have handed out already (the named demo's)."""
        by_prefix_year: dict[tuple[str, int], list[Certificate]] = {}
        for certificate in certificates:
            prefix = prefix_for(certificate.curriculum.tier.code, _track_code(certificate.curriculum))
            by_prefix_year.setdefault((prefix, certificate.issued_on.year), []).append(certificate)
        for (prefix, year), issued_that_year in by_prefix_year.items():
            CertificateSequence.objects.get_or_create(prefix=prefix, year=year)
            sequence = CertificateSequence.objects.select_for_update().get(prefix=prefix, year=year)
            for certificate in issued_that_year:
                sequence.last += 1
                certificate.number = make_number(
                    tier_code=certificate.curriculum.tier.code,
                    track_code=_track_code(certificate.curriculum),
                    year=year,
                    sequence=sequence.last,
                )
            sequence.save(update_fields=["last"])

    def earlier_certificates(
        self, users: dict[int, User], years: int
    ) -> list[tuple[Certificate, list[CertificateStatusChange], list[ContinuingEducation]]]:
        """The earlier holders' certificates as the expiry job leaves them: lapsed ones expired, or
        renewed when the continuing education in the period reached the hours; the rest still active."""
        required = certification_services.hours_required()
        made = []
        for h in self.sim.holders:
            certificate = self.issued_certificate(
                users[h.number],
                self.curricula[h.curriculum],
                self.institutions[h.institution],
                self.day(h.issued),
                years,
            )
            certificate.updated_at = certificate.created_at
            history = [_issue_change(certificate)]
            ce = [
                _confirmed_activity(
                    certificate, "財富管理法規與實務研習", self.day(day), hours, self.on(self.day(day), EVENING)
                )
                for day, hours in h.ce
            ]
            lapsed = certificate.valid_until
            if lapsed < self.today:  # the expiry job ran the day after it lapsed
                ran = self.on(lapsed + datetime.timedelta(days=1), datetime.time(3))
                if sum((Decimal(hours) for _day, hours in h.ce), Decimal(0)) >= required:
                    certificate.period_starts_on = lapsed
                    certificate.valid_until = lapsed + relativedelta(years=years)
                    history.append(
                        CertificateStatusChange(
                            old_status="active", new_status="active", action="renew", changed_at=ran
                        )
                    )
                else:
                    certificate.status = Certificate.Status.EXPIRED
                    history.append(
                        CertificateStatusChange(
                            old_status="active", new_status="expired", action="expire", changed_at=ran
                        )
                    )
                certificate.updated_at = ran
            made.append((certificate, history, ce))
        return made
