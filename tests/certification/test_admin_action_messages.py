"""What each certificate action says it did, with the true count, in the reader's language ("Suspended 1
certificate.", "Reinstated 2 certificates."), and each certificate it refused by its number with the reason;
every action said "1 certificate(s) changed." before, whatever it had done."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext, ngettext

from certification.models import Certificate
from tests.conftest import logged_in
from tests.courses.test_action_form_pages import through_the_form_page
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/{language}/admin/certification/certificate/"


def act(client: Client, language: str, action: str, certificates, pages: list[str], **extra) -> str:
    """Run ``action`` on ``certificates`` from the change list (its reason given on its page, where it asks); the
    page it lands on."""
    changelist = CHANGELIST.format(language=language)
    if extra:
        response = through_the_form_page(client, changelist, action, certificates, **extra)
    else:
        selected = {"action": action, "_selected_action": [c.pk for c in certificates]}
        response = client.post(changelist, selected, follow=True)
    assert response.status_code == 200
    pages.append(response.content.decode())
    return pages[-1]


def said(language: str, singular: str, plural: str, count: int) -> str:
    with translation.override(language):
        return ngettext(singular, plural, count) % {"count": count}


def refused(language: str, certificate: Certificate, why: str) -> str:
    with translation.override(language):
        return f"{certificate.number}: {gettext(why)}"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_each_certificate_action_names_what_it_did_and_why_it_refused(program_office, language):
    client = logged_in(program_office)
    pages = []
    first, second = CertificateFactory(), CertificateFactory(status="suspended")

    page = act(client, language, "suspend", [first, second], pages, reason="調查")
    assert said(language, "Suspended %(count)d certificate.", "Suspended %(count)d certificates.", 1) in page
    assert refused(language, second, "Only an active certificate can be suspended.") in page

    page = act(client, language, "reinstate", [first, second], pages)
    assert said(language, "Reinstated %(count)d certificate.", "Reinstated %(count)d certificates.", 2) in page

    page = act(client, language, "revoke", [first], pages, reason="舞弊")
    assert said(language, "Revoked %(count)d certificate.", "Revoked %(count)d certificates.", 1) in page

    page = act(client, language, "renew", [first], pages)
    assert refused(language, first, "Only an active or expired certificate can be renewed.") in page
    assert "Renewed" not in page

    page = act(client, language, "rerender_pdf", [first, second], pages)
    assert (
        said(
            language,
            "The PDF of %(count)d certificate is being made again.",
            "The PDFs of %(count)d certificates are being made again.",
            2,
        )
        in page
    )
    with translation.override(language):
        said_before = [gettext("%(count)d certificate(s) changed.") % {"count": n} for n in (1, 2)]
    assert not any(old in page for old in said_before for page in pages)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("revoked", "active")
