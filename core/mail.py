"""Mail to one person, rendered in their language (text and HTML), the one way every app mails.

A mail is three templates sharing a prefix: ``<prefix>_subject.txt``, ``<prefix>.txt`` and
``<prefix>.html``. The caller passes the recipient's language (``User.preferred_language`` in
accounts; the kernel knows no user model): everything the templates translate, and every lazy
text in the context, comes out in that language, whatever language the request or worker runs in.
Build links (``reverse``) under ``translation.override(language)`` too when the URLs carry it.
"""

from __future__ import annotations

from collections.abc import Mapping
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _

#: The site's name, as the navigation bar shows it.
SITE_NAME = _("BCM Certification")


def render_mail(template_prefix: str, *, language: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) from the prefix's three templates, rendered in ``language``.

    The subject is one line (a header cannot hold a line break): its whitespace runs become one space.
    """
    context = dict(context)
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", context).split())
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    return subject, text, html


def sender(language: str) -> str:
    """The From of a mail in ``language``: ``DEFAULT_FROM_EMAIL``'s address, named as the site names itself in that
    language ("銀行客戶經理認證", "BCM Certification"), so that a Chinese mail does not come from an English name."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    with translation.override(language):
        return formataddr((str(SITE_NAME), address))


def send_rendered(*, to: str, subject: str, text: str, html: str, language: str) -> None:
    """Send a rendered mail to one address from :func:`sender`: text, with HTML as its alternative.

    Raises what the mail backend raises (``OSError`` and smtplib's errors): the caller decides whether
    a claim rolls back and the send is retried.
    """
    message = EmailMultiAlternatives(subject, text, sender(language), [to])
    message.attach_alternative(html, "text/html")
    message.send()


def send_templated_mail(template_prefix: str, *, to: str, language: str, context: Mapping[str, Any]) -> None:
    """Render the prefix's templates in ``language`` and send them to ``to``."""
    subject, text, html = render_mail(template_prefix, language=language, context=context)
    send_rendered(to=to, subject=subject, text=text, html=html, language=language)
