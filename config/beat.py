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
    jobs = {
        "exams: submit overdue attempts": ("exams.tasks.submit_overdue_attempts", EVERY_MINUTE),
        "exams: sweep grading the broker lost": ("exams.tasks.sweep_grading", grading_sweep_every),
        # Essays waiting for a grader (exams.services.essay_marking): each grader's digest in the
        # morning, and the institution's admins told once of an essay past EXAM_ESSAY_MARKING_DAYS.
        "exams: grader digest of waiting essays": ("exams.tasks.send_grader_digests", crontab(hour=7, minute=30)),
        "exams: remind institutions of overdue essays": (
            "exams.tasks.remind_overdue_essays",
            crontab(hour=8, minute=30),
        ),
        # Certification checks, issued mails and certificate.issued events the broker lost: rare (an
        # outage, a killed worker), and a few minutes late is still on time for a certificate.
        "certification: sweep follow-ups the broker lost": ("certification.tasks.sweep_follow_ups", 5 * EVERY_MINUTE),
        # Enrolment decision mails lost to a broker outage or a mail server that kept refusing.
        "courses: sweep decision mails": ("courses.tasks.sweep_decision_mails", 5 * EVERY_MINUTE),
        # "Application received" mails (the trainee's own application, or their employer's over the HR API) owed on
        # the enrolment and lost to a broker outage or a mail server that kept refusing.
        "courses: send owed application receipts": ("courses.tasks.send_owed_receipts", 10 * EVERY_MINUTE),
        "certification-expire-lapsed": ("certification.tasks.expire_lapsed_certificates", crontab(hour=1, minute=15)),
        "certification-daily-reminders": ("certification.tasks.send_daily_reminders", crontab(hour=8, minute=0)),
        # The career register: grades whose certificate backing changed without the receiver hearing it
        # (a worker killed between the certificate's change and the flag, a changed rule), and
        # compliance_changed announcements a killed process lost.
        "career: sweep compliance with the certificate rule": ("career.tasks.sweep_compliance", 5 * EVERY_MINUTE),
        # Yesterday's compliance changes to each bank's HR staff, once per person and day.
        "career: daily compliance digest to HR staff": (
            "career.tasks.send_compliance_digests",
            crontab(hour=7, minute=45),
        ),
        # Every supervision figure from the day's exams, training and certificates (supervision.figures).
        "supervision: recompute the figures": ("supervision.tasks.recompute_nightly", crontab(hour=2, minute=30)),
        # The exchange: new questions and answers to the people of each cohort, each post once per person.
        "exchange: digest of new posts": ("exchange.tasks.send_digests", crontab(minute=10)),
        "api-sweep-webhook-deliveries": ("accounts.api.tasks.sweep_webhook_deliveries", EVERY_MINUTE),
        # Welcome mails to the people an import or the HR API created, owed on their profile and lost to a broker
        # outage (or a mail server that kept refusing): ten minutes late is still a welcome.
        "accounts: send owed welcome mails": ("accounts.tasks.send_owed_welcomes", 10 * EVERY_MINUTE),
        # Uploads of import previews never confirmed, once the confirm's 24 hours are over.
        "accounts: delete import uploads never confirmed": (
            "accounts.tasks.delete_stale_import_uploads",
            crontab(minute=20),
        ),
    }
    return {name: {"task": task, "schedule": schedule} for name, (task, schedule) in jobs.items()}
