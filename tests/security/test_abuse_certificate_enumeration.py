"""The public verification page cannot be used to list certificate holders (an outside probe).

Certificate numbers are sequential (``BCM-STD-R-2026-000123-K``: a sequence per tier, track and year, and a
check character anyone can compute), so the probe walked them at the page's 30 look-ups a minute per network and
read each holder's (masked) name, the issuing institution and the dates. A number alone now answers only what a
verifier needs to know of a certificate it holds on paper: whether it is valid (and its kind, which the number
says anyway). The holder, the institution and the dates need the holder's name as printed (checked, never shown
in full) or the verification code (100 random bits: the QR code and the link). A name that does not match is
said so; wrong names are limited per certificate and per name everywhere (not per address), so neither one
certificate's holder nor one person's certificate is found by guessing from many networks.
"""

from __future__ import annotations

import pytest

from certification import views
from certification.numbers import make_number
from tests.factories import CertificateFactory, InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID = "This certificate is valid."
DIFFERS = "The name you typed is not the name of this certificate's holder."
PAUSED = "Names are not checked for this certificate at present"
ASK_NAME = "type the holder's name as printed on the certificate"


def _issued(sequence: int, name: str, institution) -> object:
    number = make_number(tier_code="standard", track_code="retail", year=2026, sequence=sequence)
    return CertificateFactory(number=number, trainee=UserFactory(display_name=name), institution=institution)


@pytest.fixture
def register():
    """Three certificates numbered as the service numbers them: 1, 2, 3 of the year, tier and track."""
    institution = InstitutionFactory(name_en="Harbour Banking Institute")
    return [_issued(n, name, institution) for n, name in ((1, "Alice Chen"), (2, "王小明"), (3, "Bob Lin"))]


def _look_up(client, number: str, name: str | None = None, address: str = "192.0.2.1"):
    query = {"number": number} if name is None else {"number": number, "name": name}
    return client.get("/en/verify/", query, REMOTE_ADDR=address)


def test_walking_the_numbers_tells_validity_only(client, register):
    for sequence, certificate in enumerate(register, start=1):
        number = make_number(tier_code="standard", track_code="retail", year=2026, sequence=sequence)
        response = _look_up(client, number)
        assert response.status_code == 200
        body = response.content.decode()
        assert VALID in body and certificate.number in body
        for private in ("A**** C***", "王*明", "B** L**", "Harbour Banking Institute", "Alice", "王小明"):
            assert private not in body
        assert ASK_NAME in body  # and the verifier is told how to see more


@pytest.mark.parametrize(
    "typed", ["Alice Chen", "  alice   chen ", "Chen Alice", "ＡＬＩＣＥ　ＣＨＥＮ", "Alice-Chen."]
)
def test_the_holders_name_as_printed_shows_the_details(client, register, typed):
    body = _look_up(client, register[0].number, typed).content.decode()
    assert VALID in body and "A**** C***" in body and "Harbour Banking Institute" in body
    assert "The name you typed is the name of this certificate's holder." in body


def test_a_chinese_name_matches_with_spaces_or_full_width(client, register):
    for typed in ("王小明", "王 小明", "\u3000王小明\u3000"):
        body = _look_up(client, register[1].number, typed).content.decode()
        assert "王*明" in body, typed


def test_a_wrong_name_is_said_and_shows_nothing_more(client, register):
    response = _look_up(client, register[0].number, "Alice Wong")
    body = response.content.decode()
    assert response.status_code == 200 and VALID in body and DIFFERS in body
    assert "A**** C***" not in body and "Harbour Banking Institute" not in body


def test_the_verification_code_shows_the_details_without_a_name(client, register):
    body = client.get(f"/en/verify/{register[0].verification_code}/").content.decode()
    assert "A**** C***" in body and "Harbour Banking Institute" in body
    body = client.get("/en/verify/", {"number": register[0].verification_code}).content.decode()
    assert "A**** C***" in body


def test_wrong_names_for_one_certificate_are_limited_from_any_network(client, register, monkeypatch):
    monkeypatch.setattr(views, "NAME_MISMATCHES_PER_DAY", 3)
    for n, guess in enumerate(["Alice Wang", "Alice Lee", "Alice Lin"]):
        assert DIFFERS in _look_up(client, register[0].number, guess, address=f"203.0.113.{n + 1}").content.decode()
    # The right name from yet another network is not checked now: a guesser learns nothing by it.
    body = _look_up(client, register[0].number, "Alice Chen", address="198.51.100.9").content.decode()
    assert PAUSED in body and "A**** C***" not in body and "Harbour Banking Institute" not in body
    assert VALID in body  # validity is still answered
    # Another certificate's holder is checked as before, and the code still shows everything.
    assert "王*明" in _look_up(client, register[1].number, "王小明", address="198.51.100.9").content.decode()
    assert "A**** C***" in client.get(f"/en/verify/{register[0].verification_code}/").content.decode()


def test_one_name_tried_against_many_numbers_is_limited_from_any_network(client, register, monkeypatch):
    monkeypatch.setattr(views, "NAME_MISMATCHES_PER_DAY", 2)
    # Looking for Bob Lin's certificate number by trying his name on each number in turn, from new networks.
    assert DIFFERS in _look_up(client, register[0].number, "Bob Lin", address="203.0.113.1").content.decode()
    assert DIFFERS in _look_up(client, register[1].number, "bob  lin", address="203.0.113.2").content.decode()
    body = _look_up(client, register[2].number, "BOB LIN", address="203.0.113.3").content.decode()
    assert PAUSED in body and "B** L**" not in body


def test_a_name_that_matches_uses_up_nothing(client, register, monkeypatch):
    monkeypatch.setattr(views, "NAME_MISMATCHES_PER_DAY", 1)
    for _ in range(3):
        assert "A**** C***" in _look_up(client, register[0].number, "Alice Chen").content.decode()
