"""System checks of the certification app: the certificate PDF's fonts are there.

A server without them would fail at its first certificate download; ``manage.py check`` (and every command that
runs the checks: migrate, runserver) names the missing file instead. An error where DEBUG is off, so that a
production server without the packages fails ``check --deploy``; a warning on a developer's machine, where
``make pdf-tools`` installs them (``make test`` runs it).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from . import pdf


@checks.register()
def certificate_fonts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    missing = pdf.missing_fonts()
    if not missing:
        return []
    level = checks.WARNING if settings.DEBUG else checks.ERROR
    return [
        checks.CheckMessage(
            level,
            f"The certificate PDF's font file {path} is missing.",
            hint=(
                f"Install Debian's {pdf.FONT_PACKAGES} (make pdf-tools does), or name the file in "
                "CERTIFICATE_CJK_FONT / CERTIFICATE_LATIN_FONT."
            ),
            obj="certification.pdf",
            id="certification.E001" if level == checks.ERROR else "certification.W001",
        )
        for path in missing
    ]
