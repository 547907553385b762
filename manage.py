#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # manage.py in a source checkout is a developer's tool (cookiecutter-django's manage.py picks its
    # local settings the same way). Production sets DJANGO_SECRET_KEY, so its commands keep DEBUG off
    # unless told otherwise, and gunicorn and Celery never get this default.
    if "DJANGO_SECRET_KEY" not in os.environ:
        os.environ.setdefault("DJANGO_DEBUG", "true")

    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    # Load the settings before Django's system checks do: they run in no fixed order, and one that
    # reads the model registry first would hide the message naming the missing variable.
    try:
        _ = settings.INSTALLED_APPS  # the first setting read loads them all
    except ImproperlyConfigured as error:
        sys.exit(f"Configuration error: {error}")

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
