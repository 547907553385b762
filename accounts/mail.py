"""Mail to one person, rendered in their preferred language (text and HTML)."""

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


def render_mail(template_prefix: str, *, language: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) from ``<prefix>_subject.txt``, ``<prefix>.txt`` and ``<prefix>.html``."""
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def send_rendered(*, to: str, subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()
