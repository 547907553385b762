"""The production settings, plus the benchmark's floor view and a mail backend that sends nothing.

Everything else (middleware, database, Celery, security) is exactly config.settings: the bench
measures what production runs.
"""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
# Reminder runs over the whole data set would otherwise write thousands of files under var/mail/.
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
