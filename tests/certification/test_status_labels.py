"""A certificate's status reads as a certificate's wherever it is shown: in Traditional Chinese an active one
is 有效 (valid, as its PDF says), never 啟用 ("enabled", an institution's or an API client's "active").

The labels are translated in a context of their own ("certificate status"); the tests give that context its
translations (``zh_hant_status_labels``, as locale/ will), so they check that every page asks for them and none
for the plain "active"."""

import pytest

from certification import services
from tests.conftest import logged_in
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


def _badge(body: str) -> str:
    start = body.index('class="badge certificate-status')
    return body[start : body.index("</span>", start)]


def test_my_certificates_and_the_verify_page_call_an_active_certificate_valid(client, zh_hant_status_labels):
    trainee = UserFactory(display_name="王小明")
    certificate = CertificateFactory(trainee=trainee)
    mine = logged_in(trainee).get("/zh-hant/certificates/").content.decode()
    verify = client.get(f"/zh-hant/verify/{certificate.verification_code}/").content.decode()
    for body in (mine, verify):
        assert _badge(body).endswith(">有效") and "啟用" not in body


def test_a_suspended_certificate_is_suspended_as_a_certificate_is(client, zh_hant_status_labels):
    certificate = CertificateFactory()
    services.do_suspend_certificate(certificate=certificate, by=None, reason="調查")
    body = client.get(f"/zh-hant/verify/{certificate.verification_code}/").content.decode()
    assert _badge(body).endswith(">已暫停") and "停權" not in body


def test_admin_lists_and_the_status_history_use_the_certificate_labels(client, program_office, zh_hant_status_labels):
    certificate = CertificateFactory()
    services.do_suspend_certificate(certificate=certificate, by=None, reason="調查")
    services.do_reinstate_certificate(certificate=certificate, by=None)
    office = logged_in(program_office)
    listed = office.get("/zh-hant/admin/certification/certificate/").content.decode()
    change = office.get(f"/zh-hant/admin/certification/certificate/{certificate.pk}/change/").content.decode()
    assert "有效" in listed and "啟用" not in listed
    # The history's statuses (its actions are named by accounts.audit, a verb of their own).
    assert "已暫停" in change and "有效" in change and "啟用" not in change
