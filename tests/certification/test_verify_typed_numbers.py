"""A certificate number typed on a Chinese keyboard or pasted from a document still verifies."""

import pytest

from .conftest import full_width

pytestmark = pytest.mark.django_db


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
def test_a_number_with_full_width_characters_or_spaces_finds_the_certificate(client, certificate_to_verify, typed):
    number = typed(certificate_to_verify.number)
    assert number != certificate_to_verify.number
    response = client.get("/en/verify/", {"number": number})
    assert response.status_code == 200, number
    assert certificate_to_verify.number in response.content.decode()


def test_a_wrong_number_in_full_width_is_still_not_found(client, certificate_to_verify):
    number = certificate_to_verify.number
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    assert client.get("/zh-hant/verify/", {"number": full_width(wrong)}).status_code == 404
