import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("bcm")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Each task run's time and outcome for /metrics (connects to task_prerun/task_postrun).
import config.monitoring.task_metrics  # noqa: E402,F401


@task_prerun.connect
@task_postrun.connect
def close_old_connections(sender=None, **kwargs) -> None:
    """Treat a task like a request: keep the database connection (CELERY_DB_REUSE_MAX) but drop it when it is
    broken, left inside a transaction, or older than CONN_MAX_AGE; the next query reconnects."""
    if getattr(sender.request, "is_eager", False):  # the caller's own connection, maybe inside its transaction
        return
    from django import db

    db.close_old_connections()
