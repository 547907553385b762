"""Many trainees with exam attempts, made in bulk so that a drill of 1,000 starts in seconds.

Every trainee is employed by one bank whose HR system has a webhook endpoint; some have already
passed the other courses of the assistant curriculum and completed its training, so passing the
drill's exam earns them a certificate.
"""

from __future__ import annotations

import base64
import datetime
from types import SimpleNamespace

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import TraineeProfile, User
from courses.models import Enrolment
from exams.models import Attempt, AttemptQuestion, CourseResult, ExamPaper, Sitting
from exams.services.attempts import do_submit_attempt, draw_questions
from hr_api.models import WebhookEndpoint
from hr_api.services import do_create_client
from tests.exams.conftest import make_paper, open_sitting
from tests.factories import CohortFactory, EmployerFactory, InstitutionFactory, curriculum_of

PASSWORD = "drill-pass-2026"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"the drill's webhook signing key.").decode()
# The receiver is a local plain-http server: only the drill's workers may deliver to it.
RECEIVER_ENV = {"WEBHOOK_ALLOW_HTTP": "true", "WEBHOOK_ALLOW_PRIVATE_ADDRESSES": "true"}
EVENTS = ["exam.result_published", "certificate.issued"]


def build(n: int, *, certified: int = 0, webhook_url: str | None = None, submitted: bool = False) -> SimpleNamespace:
    """``n`` trainees (``drill0000@example.test`` …), each with one open attempt at the drill's exam.

    Trainees below ``certified`` answer right and hold everything else the certificate needs; the
    others answer the first question wrong. With ``submitted`` the attempts are submitted through
    ``exams.services.attempts.do_submit_attempt`` (each enqueues its grading after commit).
    """
    curriculum = curriculum_of("assistant")
    courses = [entry.course for entry in curriculum.entries.select_related("course").order_by("course__code")]
    drill_course, other_courses = courses[0], courses[1:]
    cohort = CohortFactory(institution=InstitutionFactory(), curriculum=curriculum, capacity=n + 10)
    paper = make_paper(drill_course)
    sitting = open_sitting(paper, cohort)
    employer = EmployerFactory()
    endpoint = None
    if webhook_url:
        do_create_client(employer=employer, name="Drill HR", scopes=["read", "webhooks"])  # events need `read`
        endpoint = WebhookEndpoint.objects.create(employer=employer, url=webhook_url, events=EVENTS,
                                                  secret=WEBHOOK_SECRET)  # fmt: skip
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(email=f"drill{i:04d}@example.test", display_name=f"演練學員{i}", preferred_language="en",
             password=password, email_verified_at=timezone.now())
        for i in range(n)
    )  # fmt: skip
    TraineeProfile.objects.bulk_create(
        TraineeProfile(user=u, employer=employer, employee_number=f"D{i:05d}") for i, u in enumerate(users)
    )
    hours = {"teaching_hours_owed": curriculum.teaching_hours, "teaching_days_owed": curriculum.teaching_days,
             "exam_prep_hours_owed": curriculum.exam_prep_hours,
             "exam_prep_days_owed": curriculum.exam_prep_days}  # fmt: skip
    Enrolment.objects.bulk_create(
        Enrolment(trainee=u, cohort=cohort, curriculum=curriculum,
                  state=Enrolment.State.COMPLETED if i < certified else Enrolment.State.APPROVED, **hours)
        for i, u in enumerate(users)
    )  # fmt: skip
    now = timezone.now()
    for course in other_courses:  # the certified trainees passed the other courses already
        other_paper = ExamPaper.objects.create(course=course)
        other_sitting = Sitting.objects.create(paper=other_paper, cohort=cohort,
                                               opens_at=now - datetime.timedelta(days=9),
                                               closes_at=now - datetime.timedelta(days=8), is_online=True)  # fmt: skip
        done = Attempt.objects.bulk_create(
            Attempt(sitting=other_sitting, paper=other_paper, trainee=u, number=1, seed=1, state="graded",
                    started_at=now - datetime.timedelta(days=9), deadline=now - datetime.timedelta(days=9),
                    submitted_at=now - datetime.timedelta(days=9))
            for u in users[:certified]
        )  # fmt: skip
        CourseResult.objects.bulk_create(
            CourseResult(attempt=a, trainee_id=a.trainee_id, course=course, score=90, max_score=100, percent=90,
                         passed=True, published_at=now - datetime.timedelta(days=9), mailed_at=now,
                         announced_at=now - datetime.timedelta(days=9))
            for a in done
        )  # fmt: skip
    drawn = draw_questions(paper=paper, seed=7)
    attempts = Attempt.objects.bulk_create(
        Attempt(sitting=sitting, paper=paper, trainee=u, number=1, seed=7, started_at=now,
                deadline=now + datetime.timedelta(minutes=paper.time_limit_minutes))
        for u in users
    )  # fmt: skip
    items = []
    for i, attempt in enumerate(attempts):
        for position, (question, order) in enumerate(drawn, start=1):
            answer = sorted(question.correct)
            if i >= certified and position == 1:
                answer = sorted(set(order) - set(question.correct))[:1]
            items.append(AttemptQuestion(attempt=attempt, question=question, position=position, option_order=order,
                                         answer=answer, answered_at=now))  # fmt: skip
    AttemptQuestion.objects.bulk_create(items, batch_size=2000)
    if submitted:
        for attempt in attempts:
            do_submit_attempt(attempt_id=attempt.pk)
    return SimpleNamespace(users=users, attempts=attempts, paper=paper, cohort=cohort, endpoint=endpoint,
                           certified_ids={u.pk for u in users[:certified]}, drawn=drawn)  # fmt: skip
