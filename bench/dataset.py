"""The national-scale data set of the benchmark, made with set-based SQL and bulk_create.

``python -m bench.dataset full|small`` (DATABASE_URL names a migrated PostgreSQL database).

Big tables (users, profiles, enrolments, attendance, attempts, 8 million answers, results,
certificates) are filled by ``INSERT … SELECT … FROM generate_series`` inside PostgreSQL: no row
crosses the wire, which is faster than COPY from Python. Small reference rows use bulk_create.
A row in ``bench_dataset`` marks a finished data set; a second run finds it and does nothing.

The benchmark's own rows (the load and burst trainees, their cohort and the open sitting of the
50-question paper) are made by :func:`prepare_run`, which the harness calls before every run:
they are consumed by the run (attempts get submitted and graded).
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from dataclasses import dataclass

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone


@dataclass(frozen=True)
class Scale:
    name: str
    institutions: int
    employers: int
    trainees: int
    cohorts: int
    enrolments: int
    attempts: int
    answers: int
    certificates: int


SCALES = {
    "full": Scale("full", 30, 200, 50_000, 1_500, 60_000, 200_000, 40, 30_000),
    "small": Scale("small", 3, 20, 5_000, 150, 6_000, 20_000, 40, 3_000),
}
QUESTIONS_PER_COURSE = 120
GRADING_COURSE = "BCM-101"  # its paper has 50 objective questions; the bench sits and grades it
GRADING_QUESTIONS = 50
BENCH_PASSWORD = "bench-pass-2026"  # the HR client's secret and nothing else
HR_CLIENT_ID = "bench-hr"
HR_CLIENT_SECRET = "bench-hr-secret-2026"
LOAD_TRAINEES = 200  # sessions the load tool rotates through
BURST_TRAINEES = 1_000
GRADING_ATTEMPTS = 400


def log(message: str) -> None:
    print(f"[dataset {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def sql(statement: str, params: tuple | dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def scalar(statement: str, params: tuple | dict | None = None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        row = cursor.fetchone()
        return row[0] if row else None


def ensure_marker_table() -> None:
    sql(
        "CREATE TABLE IF NOT EXISTS bench_dataset (scale text PRIMARY KEY, made_at timestamptz NOT NULL,"
        " seconds double precision NOT NULL)"
    )


def existing_scale() -> str | None:
    ensure_marker_table()
    return scalar("SELECT scale FROM bench_dataset LIMIT 1")


def generate(scale: Scale) -> float:
    """Make the data set of ``scale`` unless the database holds one; returns the seconds spent."""
    found = existing_scale()
    if found == scale.name:
        log(f"the {scale.name} data set is already there")
        return 0.0
    if found is not None:
        raise SystemExit(f"this database holds the {found} data set; use another database for {scale.name}")
    if scalar("SELECT count(*) FROM accounts_user") > 0:
        raise SystemExit("this database has users but no bench data set: give the bench an empty, migrated database")
    started = time.monotonic()
    with transaction.atomic():
        _skip_foreign_key_checks()
        _reference_rows(scale)
        _people(scale)
        _analyze("accounts_user", "accounts_traineeprofile")
        _training(scale)
        _analyze("courses_cohort", "courses_trainingsession", "courses_enrolment", "courses_attendance")
        _exams(scale)
        _analyze("exams_sitting", "exams_attempt", "exams_courseresult")
        _certificates(scale)
        seconds = time.monotonic() - started
        sql("INSERT INTO bench_dataset (scale, made_at, seconds) VALUES (%s, now(), %s)", (scale.name, seconds))
    log("ANALYZE")
    sql("ANALYZE")
    seconds = time.monotonic() - started
    sql("UPDATE bench_dataset SET seconds = %s", (seconds,))
    log(f"done in {seconds:.0f} s")
    return seconds


def _analyze(*tables: str) -> None:
    """The planner's statistics of tables just filled in this transaction (the next stage joins them;
    without statistics a join of 50,000 trainees to 60,000 enrolments can take minutes)."""
    sql(f"ANALYZE {', '.join(tables)}")


def _skip_foreign_key_checks() -> None:
    """Every row is made by joins on rows that exist, so the deferred foreign-key checks at commit
    (minutes for 8 million answers) prove nothing. Needs a superuser; otherwise they run."""
    try:
        with transaction.atomic():
            sql("SET LOCAL session_replication_role = replica")
    except Exception:
        log("foreign-key checks stay on (not a superuser)")


# --- reference rows ------------------------------------------------------------------------


def _reference_rows(scale: Scale) -> None:
    from accounts.models import Employer, Institution
    from courses.models import Course
    from exams.models import BlueprintRow, ExamPaper, Question
    from hr_api.services import do_create_client

    log("institutions, employers, questions, papers")
    today = timezone.localdate()
    Institution.objects.bulk_create(
        Institution(
            code=f"inst-{n:03d}", name_zh=f"研訓機構 {n:03d}", name_en=f"Training Institution {n:03d}",
            authorization_number=f"BCM-AUTH-B-{n:04d}", authorized_from=today - datetime.timedelta(days=2000),
            authorized_until=today + datetime.timedelta(days=2000),
        )
        for n in range(1, scale.institutions + 1)
    )  # fmt: skip
    Employer.objects.bulk_create(
        Employer(code=f"bank-{n:03d}", name_zh=f"商業銀行 {n:03d}", name_en=f"Commercial Bank {n:03d}")
        for n in range(1, scale.employers + 1)
    )
    do_create_client(
        employer=Employer.objects.get(code="bank-001"), name="bench HR client",
        scopes=["read", "enroll", "webhooks", "evaluations"], client_id=HR_CLIENT_ID, client_secret=HR_CLIENT_SECRET,
    )  # fmt: skip
    questions = []
    for course in Course.objects.all():
        for n in range(QUESTIONS_PER_COURSE):
            questions.append(
                Question(
                    course=course,
                    knowledge_area=["finance", "law", "marketing", "accounting"][n % 4],
                    difficulty=3,
                    question_type="single",
                    text_zh=f"{course.code} 題目 {n}",
                    text_en=f"{course.code} question {n}",
                    status="active",
                    options=[{"key": k, "zh": f"選項 {k}", "en": f"Option {k}"} for k in "abcd"],
                    correct=["a"],
                )
            )
    Question.objects.bulk_create(questions, batch_size=2000)
    for course in Course.objects.all():
        paper = ExamPaper.objects.create(course=course, time_limit_minutes=90, pass_mark=60, max_attempts=9)
        total = GRADING_QUESTIONS if course.code == GRADING_COURSE else scale.answers
        per_area, extra = divmod(total, 4)
        BlueprintRow.objects.bulk_create(
            BlueprintRow(
                paper=paper,
                question_type="single",
                difficulty=3,
                knowledge_area=area,
                count=per_area + (1 if i < extra else 0),
            )
            for i, area in enumerate(["finance", "law", "marketing", "accounting"])
        )


# --- people --------------------------------------------------------------------------------


def _people(scale: Scale) -> None:
    log(f"{scale.trainees} trainees and their profiles")
    trainee_group = Group.objects.get_or_create(name="trainee")[0].pk
    admin_group = Group.objects.get_or_create(name="institution admin")[0].pk
    # An unusable password (Django's "!" prefix): the harness opens sessions directly.
    sql(
        """
        INSERT INTO accounts_user (password, is_superuser, email, display_name, preferred_language, is_staff,
                                   is_active, date_joined, email_verified_at)
        SELECT '!bench' || n, false, 't' || n || '@trainee.bench.test', '學員 ' || n,
               CASE WHEN n %% 7 = 0 THEN 'en' ELSE 'zh-hant' END, false, true,
               now() - (n %% 900) * interval '1 day', now() - (n %% 900) * interval '1 day'
        FROM generate_series(1, %(n)s) AS n ORDER BY n
        """,
        {"n": scale.trainees},
    )
    sql(
        """
        INSERT INTO accounts_user_groups (user_id, group_id)
        SELECT id, %(g)s FROM accounts_user WHERE email LIKE '%%@trainee.bench.test'
        """,
        {"g": trainee_group},
    )
    # A fifth of the trainees work for bank-001 (the HR client's employer): a big bank's pages.
    sql(
        """
        INSERT INTO accounts_traineeprofile (user_id, employer_id, employee_number, branch, manager_class, phone,
                                             registered_by_id, listed_email, pending_email, deactivated_by,
                                             created_at, updated_at)
        SELECT u.id, e.id, 'E' || lpad(u.n::text, 6, '0'), '分行 ' || (u.n %% 40), 'personal', '',
               i.id, '', '', '', u.date_joined, u.date_joined + (u.n %% 50) * interval '1 hour'
        FROM (SELECT id, date_joined, substring(email from 2 for position('@' in email) - 2)::int AS n
              FROM accounts_user WHERE email LIKE '%%@trainee.bench.test') u
        JOIN accounts_employer e
          ON e.code = 'bank-' || lpad((CASE WHEN u.n %% 5 = 0 THEN 1 ELSE 2 + u.n %% (%(e)s - 1) END)::text, 3, '0')
        JOIN accounts_institution i ON i.code = 'inst-' || lpad((1 + u.n %% %(i)s)::text, 3, '0')
        """,
        {"e": scale.employers, "i": scale.institutions},
    )
    log("institution admins")
    sql(
        """
        INSERT INTO accounts_user (password, is_superuser, email, display_name, preferred_language, is_staff,
                                   is_active, date_joined, email_verified_at)
        SELECT '!bench', false, 'admin@' || code || '.bench.test', '管理員 ' || code, 'zh-hant', true, true,
               now(), now()
        FROM accounts_institution ORDER BY code
        """
    )
    sql(
        """
        INSERT INTO accounts_staffmembership (user_id, institution_id, role)
        SELECT u.id, i.id, 'admin' FROM accounts_institution i JOIN accounts_user u
          ON u.email = 'admin@' || i.code || '.bench.test'
        """
    )
    sql(
        """
        INSERT INTO accounts_user_groups (user_id, group_id)
        SELECT id, %(g)s FROM accounts_user WHERE email LIKE 'admin@%%.bench.test'
        """,
        {"g": admin_group},
    )


# --- training ------------------------------------------------------------------------------


def _training(scale: Scale) -> None:
    log(f"{scale.cohorts} cohorts, sessions")
    # Cohort c: institution c mod N, curriculum c mod 5; every tenth open for enrolment, four in ten
    # running, the rest finished.
    sql(
        """
        INSERT INTO courses_cohort (institution_id, curriculum_id, code, offers_face_to_face, offers_remote,
            offers_self_study, starts_on, ends_on, city, is_online, capacity, enrolment_opens_at,
            enrolment_closes_at, status, seats_taken, created_at, updated_at)
        SELECT i.id, cu.id, 'B-' || lpad(c::text, 5, '0'), c %% 4 <> 0, c %% 3 = 0 OR c %% 4 = 0, true,
               s.starts_on, s.starts_on + 60, CASE WHEN c %% 4 = 0 THEN ''
                    ELSE (ARRAY['TPE', 'NWT', 'TAO', 'TXG', 'TNN', 'KHH', 'KEE', 'HSZ', 'CYI', 'HSQ', 'MIA',
                                'CHA'])[1 + c %% 12] END,
               c %% 4 = 0, 200, s.starts_on - 60, s.starts_on - 1,
               CASE WHEN c %% 10 = 0 THEN 'open' WHEN c %% 10 < 5 THEN 'running' ELSE 'finished' END,
               CASE WHEN c %% 10 = 0 THEN 0 ELSE 60 END, now(), now()
        FROM generate_series(1, %(c)s) AS c
        JOIN accounts_institution i ON i.code = 'inst-' || lpad((1 + c %% %(i)s)::text, 3, '0')
        JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM courses_curriculum) cu ON cu.k = c %% 5
        JOIN LATERAL (SELECT CASE WHEN c %% 10 = 0 THEN current_date + 30 + c %% 60
                                  WHEN c %% 10 < 5 THEN current_date - 20 - c %% 30
                                  ELSE current_date - 100 - c %% 700 END AS starts_on) s ON true
        """,
        {"c": scale.cohorts, "i": scale.institutions},
    )
    sql(
        """
        INSERT INTO courses_trainingsession (cohort_id, purpose, mode, course_id, held_on, starts_at, hours,
                                             teacher, teacher_en, location, location_en, created_at)
        SELECT co.id, 'teaching', m.mode, cc.course_id, co.starts_on + cc.k::int * 7, '09:00', 8, '講師', '',
               CASE WHEN m.mode = 'live_remote' THEN '' ELSE '教室' END, '', now()
        FROM courses_cohort co
        JOIN LATERAL (SELECT course_id, row_number() OVER (ORDER BY course_id) AS k
                      FROM courses_curriculumcourse WHERE curriculum_id = co.curriculum_id) cc ON cc.k <= 3
        JOIN LATERAL (SELECT CASE WHEN co.is_online OR co.offers_remote AND cc.k = 2 THEN 'live_remote'
                           ELSE 'face_to_face' END
                      AS mode) m ON true
        """
    )
    log(f"{scale.enrolments} enrolments, attendance")
    # Enrolment e: trainee ((e-1) mod T) + 1, so the first (E - T) trainees have two; a second one
    # is completed, so no trainee holds two active enrolments for one curriculum.
    sql(
        """
        INSERT INTO courses_enrolment (trainee_id, cohort_id, curriculum_id, state, teaching_hours_owed,
            teaching_days_owed, exam_prep_hours_owed, exam_prep_days_owed, credited_hours, decision_note,
            decided_at, completed_at, created_at, updated_at)
        SELECT u.id, co.id, co.curriculum_id, st.state,
               CASE WHEN st.state = 'pending' THEN NULL ELSE cu.teaching_hours END,
               CASE WHEN st.state = 'pending' THEN NULL ELSE cu.teaching_days END,
               CASE WHEN st.state = 'pending' THEN NULL ELSE cu.exam_prep_hours END,
               CASE WHEN st.state = 'pending' THEN NULL ELSE cu.exam_prep_days END,
               0, '', now() - interval '30 days',
               CASE WHEN st.state = 'completed' THEN now() - interval '10 days' END,
               now() - (e %% 800) * interval '1 day', now() - (e %% 800) * interval '1 day'
        FROM generate_series(1, %(e)s) AS e
        JOIN accounts_user u ON u.email = 't' || (1 + (e - 1) %% %(t)s) || '@trainee.bench.test'
        JOIN courses_cohort co ON co.code = 'B-' || lpad((1 + (e * 7919) %% %(c)s)::text, 5, '0')
        JOIN courses_curriculum cu ON cu.id = co.curriculum_id
        JOIN LATERAL (SELECT CASE
            WHEN e > %(t)s THEN 'completed'
            WHEN co.status = 'open' THEN 'pending'
            WHEN e %% 37 = 0 THEN 'withdrawn'
            WHEN co.status = 'running' THEN CASE WHEN e %% 3 = 0 THEN 'approved' ELSE 'in_training' END
            ELSE 'completed' END AS state) st ON true
        """,
        {"e": scale.enrolments, "t": scale.trainees, "c": scale.cohorts},
    )
    sql(
        """
        INSERT INTO courses_attendance (session_id, enrolment_id, hours, recorded_at)
        SELECT s.id, en.id, 8, now()
        FROM courses_enrolment en JOIN courses_trainingsession s ON s.cohort_id = en.cohort_id
        WHERE en.state IN ('approved', 'in_training', 'completed') AND s.held_on <= current_date
        """
    )


# --- exams ---------------------------------------------------------------------------------


# The answers' response model (a Rasch model, seeded by hashes so every run makes the same rows).
# Trainee t has ability theta(t) ~ the sum of two uniforms on [-2.5, 2.5); question k of a course has
# difficulty b(k) spread evenly over [-2, 2); a trainee answers k right (key "a") with probability
# 1 / (1 + exp(-1.3 (theta - b))). 2 % of the answers are blank (NULL). A wrong answer is "b" (55 %),
# "c" (35 %) or "d" (10 %). Two planted bad items per course: k = 7 is miskeyed (the able pick "b",
# which the key calls wrong; the rest pick "a" at random), and on k = 11 nobody picks "d".
# u(x) is a uniform draw on [0, 1) from PostgreSQL's hashint8.
ANSWER_MODEL = """
SELECT CASE
         WHEN u.blank < 0.02 THEN NULL
         WHEN q.k = 7 THEN CASE WHEN u.hit < m.p THEN '["b"]' WHEN u.wrong < 0.5 THEN '["a"]' ELSE '["c"]' END
         WHEN u.hit < m.p THEN '["a"]'
         WHEN q.k = 11 THEN CASE WHEN u.wrong < 0.6 THEN '["b"]' ELSE '["c"]' END
         WHEN u.wrong < 0.55 THEN '["b"]' WHEN u.wrong < 0.9 THEN '["c"]' ELSE '["d"]'
       END::jsonb AS answer
FROM (SELECT (hashint8(a.id * 64 + p.p)::bigint + 2147483648)::float8 / 4294967296 AS hit,
             (hashint8(a.id * 64 + p.p + 9000000000)::bigint + 2147483648)::float8 / 4294967296 AS wrong,
             (hashint8(a.id * 64 + p.p + 18000000000)::bigint + 2147483648)::float8 / 4294967296 AS blank,
             5.0 * ((hashint8(a.trainee_id)::bigint + 2147483648)::float8 / 4294967296
                    + (hashint8(a.trainee_id + 7000000000)::bigint + 2147483648)::float8 / 4294967296) / 2 - 2.5
               AS theta) u
CROSS JOIN LATERAL (SELECT 1 / (1 + exp(-1.3 * (u.theta - (4.0 * ((q.k * 37) %% 120) / 120 - 2)))) AS p) m
"""


def _exams(scale: Scale) -> None:
    log("sittings")
    # One sitting per course of the cohort's curriculum (but the grading course), a week after the cohort.
    sql(
        """
        INSERT INTO exams_sitting (paper_id, cohort_id, opens_at, closes_at, is_online, place, place_en, created_at)
        SELECT p.id, co.id, co.ends_on + interval '7 days', co.ends_on + interval '8 days', true, '', '', now()
        FROM courses_cohort co
        JOIN courses_curriculumcourse cc ON cc.curriculum_id = co.curriculum_id
        JOIN courses_course c ON c.id = cc.course_id AND c.code <> %(g)s
        JOIN exams_exampaper p ON p.course_id = c.id
        """,
        {"g": GRADING_COURSE},
    )
    log(f"{scale.attempts} graded attempts")
    sql(
        """
        INSERT INTO exams_attempt (sitting_id, paper_id, trainee_id, number, seed, state, started_at, deadline,
                                   submitted_at, submitted_automatically)
        SELECT sitting_id, paper_id, trainee_id,
               row_number() OVER (PARTITION BY trainee_id, paper_id ORDER BY k), k, 'graded',
               opens_at, opens_at + interval '90 minutes', opens_at + interval '60 minutes', false
        FROM (SELECT s.id AS sitting_id, s.paper_id, en.trainee_id, s.opens_at,
                     row_number() OVER (ORDER BY (en.id * 2654435761 + s.id * 40503) %% 1000003, en.id, s.id) AS k
              FROM courses_enrolment en JOIN exams_sitting s ON s.cohort_id = en.cohort_id
              WHERE en.state NOT IN ('pending', 'withdrawn')) pairs
        WHERE k <= %(a)s
        ORDER BY k
        """,
        {"a": scale.attempts},
    )
    log(f"{scale.attempts * scale.answers} answers (in slices)")
    low, high = scalar("SELECT min(id) FROM exams_attempt"), scalar("SELECT max(id) FROM exams_attempt")
    step = 20_000
    _qbank()
    for start in range(low, high + 1, step):
        # Answer p of attempt a is question k = (a + p) mod 120 of the paper's course: 40 distinct ones,
        # answered by the response model of ``ANSWER_MODEL`` (see there).
        sql(
            f"""
            INSERT INTO exams_attemptquestion (attempt_id, question_id, position, option_order, answer,
                                               answered_at, score, grader_note, graded_at)
            SELECT a.id, q.id, p.p, '["a","b","c","d"]'::jsonb, r.answer,
                   CASE WHEN r.answer IS NULL THEN NULL ELSE a.started_at + p.p * interval '1 minute' END,
                   CASE WHEN r.answer = '["a"]'::jsonb THEN 1 ELSE 0 END, '', a.submitted_at
            FROM exams_attempt a
            JOIN exams_exampaper pa ON pa.id = a.paper_id
            CROSS JOIN generate_series(1, %(n)s) AS p(p)
            JOIN qbank q ON q.course_id = pa.course_id AND q.k = (a.id + p.p) %% %(q)s
            CROSS JOIN LATERAL ({ANSWER_MODEL}) r
            WHERE a.id >= %(lo)s AND a.id < %(hi)s
            ORDER BY a.id, p.p
            """,
            {"n": scale.answers, "q": QUESTIONS_PER_COURSE, "lo": start, "hi": start + step},
        )
        log(f"  answers of attempts {start}..{min(start + step, high + 1) - 1}")
    log("course results (the sum of the answers' scores)")
    sql(
        """
        INSERT INTO exams_courseresult (attempt_id, trainee_id, course_id, score, max_score, percent, passed,
                                        graded_at, published_at, mailed_at, announced_at)
        SELECT a.id, a.trainee_id, p.course_id, s.score, %(n)s, round(s.score * 100.0 / %(n)s, 2),
               s.score * 100.0 / %(n)s >= p.pass_mark, a.submitted_at + interval '1 minute',
               a.submitted_at + interval '1 minute', a.submitted_at + interval '2 minutes',
               a.submitted_at + interval '1 minute'
        FROM exams_attempt a JOIN exams_exampaper p ON p.id = a.paper_id
        JOIN (SELECT attempt_id, sum(score) AS score FROM exams_attemptquestion GROUP BY attempt_id) s
          ON s.attempt_id = a.id
        """,
        {"n": scale.answers},
    )


def _qbank() -> None:
    """A temporary numbering of each course's questions (0, 1, …), for the answers' joins."""
    sql(
        """
        CREATE TEMPORARY TABLE IF NOT EXISTS qbank ON COMMIT DROP AS
        SELECT id, course_id, (row_number() OVER (PARTITION BY course_id ORDER BY id) - 1)::int AS k
        FROM exams_question
        """
    )
    sql("CREATE INDEX IF NOT EXISTS qbank_course_k ON qbank (course_id, k)")


# --- certificates --------------------------------------------------------------------------


def _certificates(scale: Scale) -> None:
    log(f"{scale.certificates} certificates")
    # Holder t: issued (t * 37 mod 1130) days ago and valid three years, so about 3 % lapsed (the
    # expiry job's work) and about 8 % expiring within 90 days (the reminders' work); one in ten
    # renewed once (issued three years before its period starts); one in a hundred revoked, another
    # one in a hundred suspended.
    sql(
        """
        INSERT INTO certification_certificate (number, trainee_id, curriculum_id, tier_id, track_id,
            institution_id, enrolment_id, issued_on, period_starts_on, valid_until, status, status_reason,
            verification_code, created_at, updated_at, announced_at, status_list_index)
        SELECT 'BCM-BENCH-' || lpad(u.t::text, 7, '0'), en.trainee_id, en.curriculum_id, cu.tier_id, cu.track_id,
               co.institution_id, en.id, CASE WHEN u.t %% 10 = 3 THEN d.issued - 1095 ELSE d.issued END,
               d.issued, d.issued + 1095,
               CASE WHEN u.t %% 100 = 0 THEN 'revoked' WHEN u.t %% 50 = 0 THEN 'suspended' ELSE 'active' END,
               CASE WHEN u.t %% 50 = 0 THEN 'bench' ELSE '' END,
               md5('bench' || u.t), d.issued + interval '9 hours', now() - (u.t %% 700) * interval '1 day',
               d.issued + interval '9 hours',
               -- a status list index per holder: t * 40503 is one-to-one modulo 2^17 (40503 is odd),
               -- spread over the first list as certification.status_list's random draws would be
               (u.t::bigint * 40503) %% 131072
        FROM (SELECT id, substring(email from 2 for position('@' in email) - 2)::int AS t
              FROM accounts_user WHERE email LIKE '%%@trainee.bench.test') u
        JOIN (SELECT DISTINCT ON (trainee_id) * FROM courses_enrolment ORDER BY trainee_id, id) en
          ON en.trainee_id = u.id
        JOIN courses_cohort co ON co.id = en.cohort_id
        JOIN courses_curriculum cu ON cu.id = en.curriculum_id
        JOIN LATERAL (SELECT current_date - (u.t * 37 %% 1130) AS issued) d ON true
        WHERE u.t <= %(n)s
        """,
        {"n": scale.certificates},
    )
    log("continuing education")
    # A sixth of the holders have 6 confirmed hours inside their period, another sixth 3 self-reported
    # hours awaiting confirmation.
    sql(
        """
        INSERT INTO certification_continuingeducation (trainee_id, institution_id, title, completed_on, hours,
            self_reported, status, decided_at, created_at)
        SELECT c.trainee_id, c.institution_id, '在職訓練 ' || c.id, c.period_starts_on + (c.id % 300)::int,
               CASE WHEN c.id % 6 = 0 THEN 3 ELSE 6 END, c.id % 6 = 0,
               CASE WHEN c.id % 6 = 0 THEN 'pending' ELSE 'confirmed' END,
               CASE WHEN c.id % 6 = 0 THEN NULL ELSE now() END, now()
        FROM certification_certificate c
        WHERE c.id % 3 = 0
        """
    )


# --- the run's own rows --------------------------------------------------------------------


OFFICE_EMAIL = "office@office.bench.test"  # not @bench.bench.test: those are numbered trainees


def _office_user() -> int:
    """A member of the program office (staff, in its group), who sees every institution's figures."""
    from accounts.models import User
    from accounts.scoping import PROGRAM_OFFICE_GROUP

    sql(
        """
        INSERT INTO accounts_user (password, is_superuser, email, display_name, preferred_language, is_staff,
                                   is_active, date_joined, email_verified_at)
        SELECT '!bench', false, %(e)s, '主管機關 壓測', 'zh-hant', true, true, now(), now()
        WHERE NOT EXISTS (SELECT 1 FROM accounts_user WHERE email = %(e)s)
        """,
        {"e": OFFICE_EMAIL},
    )
    office = User.objects.get(email=OFFICE_EMAIL)
    group = Group.objects.get_or_create(name=PROGRAM_OFFICE_GROUP)[0]
    if not office.groups.filter(pk=group.pk).exists():
        office.groups.add(group)
    return office.pk


HR_STAFF_EMAIL = "hr@bank-001.bench.test"
GRADED_MANAGERS = 2_000  # of bank-001's employees (10,000 in the full set, 1,000 in the small one: all of them)


def _register() -> tuple[int, int]:
    """The career register of bank-001, the HR client's bank (made once, kept): its authority table, the
    grades of its first employees (each appointed junior, two in three promoted since; one in twenty not
    backed by a certificate), an HR staff member, and the scopes ``managers`` and ``evaluations`` for the bench
    client (given on every run, so a data set made before a scope existed gets it too).
    Returns the HR staff member's and a graded manager's user ids."""
    from accounts.models import Employer, EmployerMembership, User
    from accounts.scoping import EMPLOYER_HR_GROUP
    from career.models import AuthorityTable, ManagerGrade
    from hr_api.models import ApiClient

    bank = Employer.objects.get(code="bank-001")
    ApiClient.objects.filter(application__client_id=HR_CLIENT_ID).update(can_managers=True, can_evaluations=True)
    if not AuthorityTable.objects.filter(employer=bank).exists():
        AuthorityTable.objects.bulk_create(
            AuthorityTable(employer=bank, manager_class=c, level=level, amount=amount)
            for c in ("personal", "corporate", "comprehensive")
            for level, amount in (("junior", 3_000_000), ("intermediate", 15_000_000), ("senior", 60_000_000))
        )
    if not ManagerGrade.objects.filter(employer=bank).exists():
        log(f"career register: {GRADED_MANAGERS} graded managers of bank-001")
        sql(
            """
            INSERT INTO career_managergrade (employer_id, employee_id, manager_class, level, since, compliant,
                non_compliant_since, compliance_episode, created_at, updated_at)
            SELECT p.employer_id, p.id, (ARRAY['personal', 'corporate', 'comprehensive'])[(1 + p.id %% 3)::int],
                   (ARRAY['junior', 'intermediate', 'senior'])[(1 + p.id / 3 %% 3)::int],
                   current_date - (p.id %% 700)::int,
                   p.id %% 20 <> 0, CASE WHEN p.id %% 20 = 0 THEN now() - (p.id %% 90) * interval '1 day' END,
                   CASE WHEN p.id %% 20 = 0 THEN 1 ELSE 0 END, now() - interval '800 days',
                   now() - (p.id %% 300) * interval '1 hour'
            FROM accounts_traineeprofile p WHERE p.employer_id = %(e)s ORDER BY p.id LIMIT %(n)s
            """,
            {"e": bank.pk, "n": GRADED_MANAGERS},
        )
        sql(
            """
            INSERT INTO career_gradechange (grade_id, old_class, old_level, new_class, new_level, reason, note,
                changed_by_id, changed_at)
            SELECT g.id, '', '', g.manager_class, 'junior', 'appointment', '', NULL::bigint, g.created_at
            FROM career_managergrade g WHERE g.employer_id = %(e)s
            UNION ALL
            SELECT g.id, g.manager_class, 'junior', g.manager_class, g.level, 'promotion', '年度考核', NULL,
                   g.since + interval '9 hours'
            FROM career_managergrade g WHERE g.employer_id = %(e)s AND g.level <> 'junior'
            """,
            {"e": bank.pk},
        )
        sql(
            """
            INSERT INTO career_complianceevent (grade_id, episode, compliant, occurred_at, manager_class, level,
                announced_at)
            SELECT g.id, 1, false, g.non_compliant_since, g.manager_class, g.level, g.non_compliant_since
            FROM career_managergrade g WHERE g.employer_id = %(e)s AND NOT g.compliant
            """,
            {"e": bank.pk},
        )
    hr, created = User.objects.get_or_create(
        email=HR_STAFF_EMAIL, defaults={"display_name": "人資 壓測", "is_staff": True, "password": "!bench"}
    )
    if created:
        EmployerMembership.objects.create(user=hr, employer=bank)
        hr.groups.add(Group.objects.get_or_create(name=EMPLOYER_HR_GROUP)[0])
    manager = ManagerGrade.objects.filter(employer=bank).order_by("pk").values_list("employee__user_id", flat=True)
    return hr.pk, manager[0]


@dataclass
class RunRows:
    load_users: list[int]
    load_attempts: list[int]
    burst_users: list[int]
    burst_attempts: list[int]
    grading_attempts: list[int]
    admin_user: int
    office_user: int
    dashboard_users: list[int]
    hr_employee_numbers: list[str]
    hr_staff_user: int
    manager_user: int


@transaction.atomic
def prepare_run() -> RunRows:
    """Fresh open attempts for the load and the burst, submitted ones for the grading rate.

    The bench trainees (``b<n>@bench.bench.test``) are approved in cohort ``B-BENCH`` with a sitting
    of the 50-question paper open now; every call deletes their attempts and makes them anew.
    """
    from accounts.models import Institution
    from courses.models import Curriculum

    ensure_marker_table()
    count = LOAD_TRAINEES + BURST_TRAINEES
    trainee_group = Group.objects.get_or_create(name="trainee")[0].pk
    if not scalar("SELECT count(*) FROM accounts_user WHERE email LIKE '%%@bench.bench.test'"):
        sql(
            """
            INSERT INTO accounts_user (password, is_superuser, email, display_name, preferred_language, is_staff,
                                       is_active, date_joined, email_verified_at)
            SELECT '!bench', false, 'b' || n || '@bench.bench.test', '壓測 ' || n, 'zh-hant', false, true, now(), now()
            FROM generate_series(1, %(n)s) AS n ORDER BY n
            """,
            {"n": count},
        )
        sql(
            "INSERT INTO accounts_user_groups (user_id, group_id) SELECT id, %(g)s FROM accounts_user"
            " WHERE email LIKE '%%@bench.bench.test'",
            {"g": trainee_group},
        )
        institution = Institution.objects.order_by("code").first()
        curriculum = Curriculum.objects.get(tier__level=1)
        now = timezone.now()
        sql(
            """
            INSERT INTO courses_cohort (institution_id, curriculum_id, code, offers_face_to_face, offers_remote,
                offers_self_study, starts_on, ends_on, city, is_online, capacity, enrolment_opens_at,
                enrolment_closes_at, status, seats_taken, created_at, updated_at)
            VALUES (%(i)s, %(c)s, 'B-BENCH', false, true, true, current_date - 10, current_date + 50, '', true,
                    %(n)s, %(o)s, %(cl)s, 'running', %(n)s, now(), now())
            """,
            {"i": institution.pk, "c": curriculum.pk, "n": count, "o": now - datetime.timedelta(days=40),
             "cl": now - datetime.timedelta(days=11)},
        )  # fmt: skip
        sql(
            """
            INSERT INTO courses_enrolment (trainee_id, cohort_id, curriculum_id, state, teaching_hours_owed,
                teaching_days_owed, exam_prep_hours_owed, exam_prep_days_owed, credited_hours, decision_note,
                decided_at, created_at, updated_at)
            SELECT u.id, co.id, co.curriculum_id, 'in_training', cu.teaching_hours, cu.teaching_days,
                   cu.exam_prep_hours, cu.exam_prep_days, 0, '', now(), now(), now()
            FROM accounts_user u, courses_cohort co JOIN courses_curriculum cu ON cu.id = co.curriculum_id
            WHERE u.email LIKE '%%@bench.bench.test' AND co.code = 'B-BENCH'
            """
        )
        sql(
            """
            INSERT INTO exams_sitting (paper_id, cohort_id, opens_at, closes_at, is_online, place, place_en, created_at)
            SELECT p.id, co.id, now() - interval '1 day', now() + interval '3650 days', true, '', '', now()
            FROM courses_cohort co, exams_exampaper p JOIN courses_course c ON c.id = p.course_id
            WHERE co.code = 'B-BENCH' AND c.code = %(g)s
            """,
            {"g": GRADING_COURSE},
        )
    sitting = (
        "(SELECT s.id FROM exams_sitting s JOIN courses_cohort co ON co.id = s.cohort_id WHERE co.code = 'B-BENCH')"
    )
    bench_attempts = f"SELECT id FROM exams_attempt WHERE sitting_id = {sitting}"
    sql(
        "DELETE FROM certification_pendingcheck WHERE result_id IN "
        f"(SELECT id FROM exams_courseresult WHERE attempt_id IN ({bench_attempts}))"
    )
    sql(f"DELETE FROM exams_courseresult WHERE attempt_id IN ({bench_attempts})")
    sql(f"DELETE FROM exams_attemptquestion WHERE attempt_id IN ({bench_attempts})")
    sql(f"DELETE FROM exams_attempt WHERE id IN ({bench_attempts})")
    _qbank()
    # Open attempts (number 1) for every bench trainee, deadline in two hours; the grading attempts
    # (number 2, submitted) belong to the first GRADING_ATTEMPTS burst trainees.
    sql(
        f"""
        INSERT INTO exams_attempt (sitting_id, paper_id, trainee_id, number, seed, state, started_at, deadline,
                                   submitted_at, submitted_automatically)
        SELECT s.id, s.paper_id, u.id, 1, u.id, 'open', now(), now() + interval '2 hours', NULL, false
        FROM accounts_user u, exams_sitting s
        WHERE u.email LIKE '%%@bench.bench.test' AND s.id = {sitting}
        UNION ALL
        SELECT s.id, s.paper_id, u.id, 2, u.id, 'submitted', now() - interval '1 hour', now(),
               now() - interval '5 minutes', false
        FROM accounts_user u, exams_sitting s
        WHERE s.id = {sitting} AND u.email LIKE 'b%%@bench.bench.test'
          AND substring(u.email from 2 for position('@' in u.email) - 2)::int
              BETWEEN {LOAD_TRAINEES + 1} AND {LOAD_TRAINEES + GRADING_ATTEMPTS}
        """
    )
    sql(
        f"""
        INSERT INTO exams_attemptquestion (attempt_id, question_id, position, option_order, answer, answered_at,
                                           grader_note)
        SELECT a.id, q.id, p.p, '["b","a","d","c"]'::jsonb,
               CASE WHEN (a.id + p.p) % 4 = 0 THEN '["c"]'::jsonb ELSE '["a"]'::jsonb END, now(), ''
        FROM exams_attempt a JOIN exams_exampaper pa ON pa.id = a.paper_id
        CROSS JOIN generate_series(1, {GRADING_QUESTIONS}) AS p(p)
        JOIN qbank q ON q.course_id = pa.course_id AND q.k = (a.id + p.p) % {QUESTIONS_PER_COURSE}
        WHERE a.sitting_id = {sitting}
        """
    )

    def ids(query: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(query)
            return [row[0] for row in cursor.fetchall()]

    def bench_n(low: int, high: int, state: str) -> str:
        return f"""
            SELECT a.{{col}} FROM exams_attempt a JOIN accounts_user u ON u.id = a.trainee_id
            WHERE a.sitting_id = {sitting} AND a.state = '{state}'
              AND substring(u.email from 2 for position('@' in u.email) - 2)::int BETWEEN {low} AND {high}
            ORDER BY u.id"""

    load = bench_n(1, LOAD_TRAINEES, "open")
    burst = bench_n(LOAD_TRAINEES + 1, LOAD_TRAINEES + BURST_TRAINEES, "open")
    grading = bench_n(1, LOAD_TRAINEES + BURST_TRAINEES, "submitted")
    # A typical trainee for the dashboard: two enrolments (one in training), attendance, a certificate.
    dashboard_users = ids(
        """
        SELECT en.trainee_id FROM courses_enrolment en
        WHERE en.state = 'in_training'
          AND (SELECT count(*) FROM courses_enrolment e2 WHERE e2.trainee_id = en.trainee_id) = 2
        ORDER BY en.trainee_id LIMIT 50
        """
    )
    numbers = ids(
        """
        SELECT employee_number FROM accounts_traineeprofile p JOIN accounts_employer e ON e.id = p.employer_id
        WHERE e.code = 'bank-001' ORDER BY p.id LIMIT 4000
        """
    )
    hr_staff_user, manager_user = _register()
    return RunRows(
        load_users=ids(load.format(col="trainee_id")),
        load_attempts=ids(load.format(col="id")),
        burst_users=ids(burst.format(col="trainee_id")),
        burst_attempts=ids(burst.format(col="id")),
        grading_attempts=ids(grading.format(col="id")),
        admin_user=scalar("SELECT id FROM accounts_user WHERE email = 'admin@inst-001.bench.test'"),
        office_user=_office_user(),
        dashboard_users=dashboard_users,
        hr_employee_numbers=numbers,
        hr_staff_user=hr_staff_user,
        manager_user=manager_user,
    )


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "small"
    if name not in SCALES:
        raise SystemExit(f"usage: python -m bench.dataset {{{'|'.join(SCALES)}}}")
    seconds = generate(SCALES[name])
    print(json.dumps({"scale": name, "seconds": seconds}))
