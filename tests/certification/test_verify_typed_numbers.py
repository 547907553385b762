"""A certificate number typed on a Chinese keyboard or pasted from a document still verifies."""

import pytest
from django.core.cache import cache

from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def full_width(text: str) -> str:
    """ASCII letters, digits and '-' as their full-width forms (Ａ, ０, －)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@pytest.mark.parametrize(
    "typed",
    [
        full_width,
        lambda n: "  " + " - ".join(n.split("-")) + " ",
        lambda n: "\u3000" + full_width(n.lower()).replace("－", "－ ") + "\u3000",
        lambda n: n[:7] + " " + n[7:],
    ],
    ids=["full-width", "spaces", "ideographic-spaces-lower-case", "a-space-inside"],
)
def test_a_number_with_full_width_characters_or_spaces_finds_the_certificate(client, typed):
    certificate = CertificateFactory(trainee=UserFactory(display_name="Alice Chen"))
    number = typed(certificate.number)
    assert number != certificate.number
    response = client.get("/en/verify/", {"number": number})
    assert response.status_code == 200, number
    assert certificate.number in response.content.decode()


def test_a_wrong_number_in_full_width_is_still_not_found(client):
    certificate = CertificateFactory()
    wrong = certificate.number[:-1] + ("0" if certificate.number[-1] != "0" else "1")
    assert client.get("/zh-hant/verify/", {"number": full_width(wrong)}).status_code == 404
