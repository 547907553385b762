"""The certificate PDF (certification/pdf.py) for any holder name a person may type at sign-up,
in their profile or an HR system may send: other scripts, emoji, control characters, very long."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certification.pdf import render_pdf
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=150)


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=names)
def test_the_certificate_pdf_renders_for_any_holder_name(db, name):
    with transaction.atomic():
        certificate = CertificateFactory()
        certificate.trainee.display_name = name
        certificate.trainee.save(update_fields=["display_name"])
        body = render_pdf(certificate)
        assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
        transaction.set_rollback(True)
