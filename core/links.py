"""The portal's own address, which every link it sends out starts with."""

from django.conf import settings


def site_url() -> str:
    """``SITE_URL`` without its trailing slash: the start of every link in a mail, a certificate or a credential.

    Never the request's host: a link mailed while answering a request must not follow a forged ``Host`` header or a
    second name the portal answers to, nor drop to plain HTTP behind a TLS-ending proxy; and a mail sent by the
    worker, which has no request, links to the same place as one sent from a page."""
    return str(settings.SITE_URL).rstrip("/")
