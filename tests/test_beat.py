"""The beat schedule is one list (config/beat.py): every periodic task of the project is in it once,
and after ``migrate`` and beat's start the database holds one row per job."""

import inspect
from collections import Counter

import pytest
from celery.schedules import crontab
from django.apps import apps
from django.conf import settings
from django_celery_beat import schedulers
from django_celery_beat.models import PeriodicTask

from config.beat import beat_schedule
from config.celery_app import app as celery_app

# What django_celery_beat adds by itself at start (it cleans expired task results), not a job of ours.
CELERY_OWN = {"celery.backend_cleanup"}


def _project_apps() -> set[str]:
    return {
        config.name.split(".")[0] for config in apps.get_app_configs() if config.path.startswith(str(settings.BASE_DIR))
    }


def _periodic_tasks() -> set[str]:
    """The project's tasks that take no argument: nothing but beat calls them like that."""
    celery_app.loader.import_default_modules()
    found = set()
    for name, task in celery_app.tasks.items():
        if name.split(".")[0] not in _project_apps():
            continue
        parameters = inspect.signature(task.run).parameters.values()
        if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
            found.add(name)
    return found


def test_every_periodic_task_is_in_the_schedule_once():
    tasks = Counter(entry["task"] for entry in beat_schedule().values())
    assert set(tasks) == _periodic_tasks()
    assert max(tasks.values()) == 1


def test_the_settings_are_the_schedule():
    assert beat_schedule(grading_sweep_every=settings.EXAM_GRADING_SWEEP_EVERY_SECONDS) == settings.CELERY_BEAT_SCHEDULE
    assert celery_app.conf.beat_schedule == settings.CELERY_BEAT_SCHEDULE


@pytest.fixture
def start_beat(monkeypatch: pytest.MonkeyPatch):
    """What ``celery beat --scheduler django_celery_beat...`` does first: copy the schedule into its tables."""
    # Beat, a process of its own, drops stale database connections; here the connection is the test's.
    monkeypatch.setattr(schedulers, "close_old_connections", lambda: None)
    return _start_beat


def _start_beat() -> None:
    scheduler = schedulers.DatabaseScheduler(app=celery_app)
    scheduler._finalize.cancel()  # no write-back at garbage collection, after the test's database is gone


@pytest.mark.django_db
def test_after_migrate_and_beat_start_each_job_has_one_row_with_its_schedule(start_beat):
    start_beat()
    start_beat()  # a restart changes nothing
    rows = {row.name: row for row in PeriodicTask.objects.select_related("interval", "crontab")}
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert set(rows) == set(schedule) | CELERY_OWN
    assert Counter(row.task for row in rows.values()) == Counter(
        entry["task"] for entry in schedule.values()
    ) + Counter(CELERY_OWN)
    for name, entry in schedule.items():
        row = rows[name]
        assert row.enabled and row.task == entry["task"]
        if isinstance(entry["schedule"], crontab):
            assert row.interval is None and row.crontab.schedule == entry["schedule"]
        else:  # seconds
            assert (row.interval.every, row.interval.period, row.crontab) == (entry["schedule"], "seconds", None)


@pytest.mark.django_db
def test_the_sweeps_run_every_minute_and_every_five_minutes(start_beat):
    start_beat()
    every = dict(PeriodicTask.objects.filter(interval__isnull=False).values_list("task", "interval__every"))
    assert every == {
        "exams.tasks.submit_overdue_attempts": 60,
        "exams.tasks.sweep_grading": 60,
        "certification.tasks.sweep_follow_ups": 300,
        "courses.tasks.sweep_decision_mails": 300,
        "career.tasks.sweep_compliance": 300,
        "accounts.api.tasks.sweep_webhook_deliveries": 60,
        "accounts.tasks.send_owed_welcomes": 600,
        "courses.tasks.send_owed_receipts": 600,
    }


@pytest.mark.django_db
def test_beat_leaves_a_job_the_admin_disabled_disabled(start_beat):
    PeriodicTask.objects.filter(task="exams.tasks.sweep_grading").update(enabled=False)
    start_beat()
    assert not PeriodicTask.objects.get(task="exams.tasks.sweep_grading").enabled
