"""Every beat job of the project, in one place: which task runs when.

``config.settings`` hands this schedule to Celery as ``CELERY_BEAT_SCHEDULE``. django_celery_beat's
database scheduler copies it into its tables each time beat starts (one ``PeriodicTask`` row per
entry, found by its name; the task and the schedule are taken from here, a row an operator disabled
in the admin stays disabled). A new beat job is one more entry here, never a data migration.

The entry names are those of the rows production databases already have: three jobs were rows made
by data migrations before this file (exams 0002 and 0003, certification 0004; those migrations stay,
as history, and still make their rows on a new database). Beat updates a row of the same name, so a
job runs once; renaming an entry would leave the old row running the job a second time.
"""

from celery.schedules import crontab

EVERY_MINUTE = 60.0


def beat_schedule(*, grading_sweep_every: float = EVERY_MINUTE) -> dict[str, dict]:
    """The schedule; the fault drills sweep grading more often (``EXAM_GRADING_SWEEP_EVERY_SECONDS``)."""
    return {
        "exams: submit overdue attempts": {
            "task": "exams.tasks.submit_overdue_attempts",
            "schedule": EVERY_MINUTE,
        },
        "exams: sweep grading the broker lost": {
            "task": "exams.tasks.sweep_grading",
            "schedule": grading_sweep_every,
        },
        # Essays waiting for a grader (exams.services.essay_marking): each grader's digest in the
        # morning, and the institution's admins told once of an essay past EXAM_ESSAY_MARKING_DAYS.
        "exams: grader digest of waiting essays": {
            "task": "exams.tasks.send_grader_digests",
            "schedule": crontab(hour=7, minute=30),
        },
        "exams: remind institutions of overdue essays": {
            "task": "exams.tasks.remind_overdue_essays",
            "schedule": crontab(hour=8, minute=30),
        },
        # Certification checks, issued mails and certificate.issued events the broker lost: rare (an
        # outage, a killed worker), and a few minutes late is still on time for a certificate.
        "certification: sweep follow-ups the broker lost": {
            "task": "certification.tasks.sweep_follow_ups",
            "schedule": 5 * EVERY_MINUTE,
        },
        # Enrolment decision mails lost to a broker outage or a mail server that kept refusing.
        "courses: sweep decision mails": {
            "task": "courses.tasks.sweep_decision_mails",
            "schedule": 5 * EVERY_MINUTE,
        },
        "certification-expire-lapsed": {
            "task": "certification.tasks.expire_lapsed_certificates",
            "schedule": crontab(hour=1, minute=15),
        },
        "certification-daily-reminders": {
            "task": "certification.tasks.send_daily_reminders",
            "schedule": crontab(hour=8, minute=0),
        },
        # The career register: grades whose certificate backing changed without the receiver hearing it
        # (a worker killed between the certificate's change and the flag, a changed rule), and
        # compliance_changed announcements a killed process lost.
        "career: sweep compliance with the certificate rule": {
            "task": "career.tasks.sweep_compliance",
            "schedule": 5 * EVERY_MINUTE,
        },
        # Yesterday's compliance changes to each bank's HR staff, once per person and day.
        "career: daily compliance digest to HR staff": {
            "task": "career.tasks.send_compliance_digests",
            "schedule": crontab(hour=7, minute=45),
        },
        # Every supervision figure from the day's exams, training and certificates (supervision.figures).
        "supervision: recompute the figures": {
            "task": "supervision.tasks.recompute_nightly",
            "schedule": crontab(hour=2, minute=30),
        },
        "api-sweep-webhook-deliveries": {
            "task": "accounts.api.tasks.sweep_webhook_deliveries",
            "schedule": EVERY_MINUTE,
        },
    }
