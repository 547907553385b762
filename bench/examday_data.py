"""The exam-day data set: N trainees, each enrolled in one cohort with a sitting of the 50-question paper open now.

``python -m bench.examday_data N`` (DATABASE_URL names a migrated PostgreSQL database, empty or made by this
module). Set-based SQL: 10,000 trainees take a few seconds. Every trainee has the same password, hashed once
(one PBKDF2 run, the same hash string in every row); the log-in itself hashes it again, as production does.

A second call grows the set to N if needed and clears the attempts of the last run (a run submits them all),
so every run starts with N trainees who have not started the paper: the load starts it, as a trainee does.
"""

from __future__ import annotations

import json
import os
import sys
import time

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction

from bench.dataset import GRADING_COURSE, Scale, _reference_rows, log, scalar, sql

PASSWORD = "exam-day-2026"  # every exam-day trainee's; the load logs in with it
EMAIL = "e{n}@examday.bench.test"  # trainee n (1..N)
COHORT = "B-EXAMDAY"
# The reference rows only: one institution, one employer, the courses' questions and papers.
REFERENCE = Scale("examday", 1, 1, 0, 0, 0, 0, 40, 0)


def _email_number(column: str = "email") -> str:
    return f"substring({column} from 2 for position('@' in {column}) - 2)::int"


@transaction.atomic
def prepare(count: int) -> dict:
    """N trainees with an eligible, not yet started sitting of the 50-question paper; returns the sitting id."""
    from accounts.models import Institution
    from courses.models import Curriculum

    started = time.monotonic()
    if not scalar("SELECT count(*) FROM exams_exampaper"):
        if scalar("SELECT count(*) FROM accounts_user") > 0:
            raise SystemExit("this database has users but no papers: give the exam day an empty, migrated database")
        _reference_rows(REFERENCE)
    have = scalar("SELECT count(*) FROM accounts_user WHERE email LIKE '%%@examday.bench.test'")
    trainee_group = Group.objects.get_or_create(name="trainee")[0].pk
    institution = Institution.objects.order_by("code").first()
    if not scalar("SELECT count(*) FROM courses_cohort WHERE code = %s", (COHORT,)):
        curriculum = Curriculum.objects.get(tier__level=1)
        sql(
            """
            INSERT INTO courses_cohort (institution_id, curriculum_id, code, offers_face_to_face, offers_remote,
                offers_self_study, starts_on, ends_on, city, is_online, capacity, enrolment_opens_at,
                enrolment_closes_at, status, seats_taken, created_at, updated_at)
            VALUES (%(i)s, %(c)s, %(code)s, false, true, true, current_date - 60, current_date + 1, '', true,
                    100000, now() - interval '90 days', now() - interval '61 days', 'running', 0, now(), now())
            """,
            {"i": institution.pk, "c": curriculum.pk, "code": COHORT},
        )
        sql(
            """
            INSERT INTO exams_sitting (paper_id, cohort_id, opens_at, closes_at, is_online, place, place_en, created_at)
            SELECT p.id, co.id, now() - interval '1 day', now() + interval '3650 days', true, '', '', now()
            FROM courses_cohort co, exams_exampaper p JOIN courses_course c ON c.id = p.course_id
            WHERE co.code = %(code)s AND c.code = %(g)s
            """,
            {"code": COHORT, "g": GRADING_COURSE},
        )
    if have < count:
        log(f"exam-day trainees {have + 1}..{count}")
        # Hashed once: the same string in every row, and the rows a later call adds reuse it.
        password = scalar(
            "SELECT password FROM accounts_user WHERE email LIKE '%%@examday.bench.test' LIMIT 1"
        ) or make_password(PASSWORD)
        sql(
            """
            INSERT INTO accounts_user (password, is_superuser, email, display_name, preferred_language, is_staff,
                                       is_active, date_joined, email_verified_at)
            SELECT %(p)s, false, 'e' || n || '@examday.bench.test', '考生 ' || n, 'zh-hant', false, true,
                   now() - interval '100 days', now() - interval '100 days'
            FROM generate_series(%(lo)s, %(hi)s) AS n ORDER BY n
            """,
            {"p": password, "lo": have + 1, "hi": count},
        )
        new_users = (
            f"SELECT id, {_email_number()} AS n FROM accounts_user"
            " WHERE email LIKE '%%@examday.bench.test' AND id NOT IN (SELECT user_id FROM accounts_user_groups"
            " WHERE group_id = %(g)s)"
        )
        sql(
            f"""
            INSERT INTO accounts_traineeprofile (user_id, employer_id, employee_number, branch, manager_class,
                phone, registered_by_id, listed_email, pending_email, deactivated_by, created_at, updated_at)
            SELECT u.id, NULL, '', '', 'personal', '', %(i)s, '', '', '', now(), now() FROM ({new_users}) u
            """,
            {"g": trainee_group, "i": institution.pk},
        )
        sql(
            f"""
            INSERT INTO courses_enrolment (trainee_id, cohort_id, curriculum_id, state, teaching_hours_owed,
                teaching_days_owed, exam_prep_hours_owed, exam_prep_days_owed, credited_hours, decision_note,
                decided_at, created_at, updated_at)
            SELECT u.id, co.id, co.curriculum_id, 'in_training', cu.teaching_hours, cu.teaching_days,
                   cu.exam_prep_hours, cu.exam_prep_days, 0, '', now(), now(), now()
            FROM ({new_users}) u, courses_cohort co JOIN courses_curriculum cu ON cu.id = co.curriculum_id
            WHERE co.code = %(code)s
            """,
            {"g": trainee_group, "code": COHORT},
        )
        sql(
            f"INSERT INTO accounts_user_groups (user_id, group_id) SELECT u.id, %(g)s FROM ({new_users}) u",
            {"g": trainee_group},
        )
        sql("UPDATE courses_cohort SET seats_taken = %s WHERE code = %s", (count, COHORT))
        sql("ANALYZE accounts_user, accounts_traineeprofile, courses_enrolment, accounts_user_groups")
    sitting = scalar(
        "SELECT s.id FROM exams_sitting s JOIN courses_cohort co ON co.id = s.cohort_id WHERE co.code = %s", (COHORT,)
    )
    attempts = "SELECT id FROM exams_attempt WHERE sitting_id = %(s)s"
    results = f"SELECT id FROM exams_courseresult WHERE attempt_id IN ({attempts})"
    sql(f"DELETE FROM certification_pendingcheck WHERE result_id IN ({results})", {"s": sitting})
    sql(f"DELETE FROM exams_courseresult WHERE id IN ({results})", {"s": sitting})
    sql(f"DELETE FROM exams_attemptquestion WHERE attempt_id IN ({attempts})", {"s": sitting})
    cleared = sql("DELETE FROM exams_attempt WHERE sitting_id = %(s)s", {"s": sitting})
    # Yesterday's log-ins (sessions, the lock-out's access log) are not part of today's exam.
    sql("DELETE FROM axes_accesslog")
    if cleared:
        log(f"cleared {cleared} attempts of the last run")
    return {"sitting": sitting, "trainees": count, "seconds": time.monotonic() - started}


if __name__ == "__main__":
    if len(sys.argv) != 2 or not sys.argv[1].isdigit():
        raise SystemExit("usage: python -m bench.examday_data N")
    print(json.dumps(prepare(int(sys.argv[1]))))
