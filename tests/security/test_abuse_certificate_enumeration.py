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
from django.test import Client

from certification import selectors, views
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
    """By the number alone, a GET (links out there); with a name, the form's POST (a name stays out of URLs)."""
    if name is None:
        return client.get("/en/verify/", {"number": number}, REMOTE_ADDR=address)
    return client.post("/en/verify/", {"number": number, "name": name}, REMOTE_ADDR=address)


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


def test_parallel_wrong_names_get_no_more_checks_than_the_limit(client, register, monkeypatch):
    # Two requests at once: the second arrives while the first is comparing its name (before it is counted, when
    # the counts were read first and raised after). Only one of them may be checked.
    monkeypatch.setattr(views, "NAME_MISMATCHES_PER_DAY", 1)
    real = selectors.holder_named
    second: list[str] = []

    def interleaved(certificate, name):
        if not second:
            second.append("")
            body = _look_up(Client(), register[0].number, "Alice Lee", address="198.51.100.2").content.decode()
            second[0] = body
        return real(certificate, name)

    monkeypatch.setattr(selectors, "holder_named", interleaved)
    first = _look_up(client, register[0].number, "Alice Wang", address="203.0.113.1").content.decode()
    outcomes = sorted(
        ["differs" if DIFFERS in body else "paused" if PAUSED in body else "?" for body in (first, second[0])]
    )
    assert outcomes == ["differs", "paused"]
    monkeypatch.setattr(selectors, "holder_named", real)
    assert PAUSED in _look_up(client, register[0].number, "Alice Chen", address="198.51.100.3").content.decode()


def test_a_name_not_checked_uses_up_nothing_of_its_count(client, register, monkeypatch):
    monkeypatch.setattr(views, "NAME_MISMATCHES_PER_DAY", 2)
    for guess in ("Alice Wang", "Alice Lee"):
        assert DIFFERS in _look_up(client, register[0].number, guess).content.decode()
    for _ in range(3):  # the first certificate's names are paused: Bob Lin's name is not checked there
        assert PAUSED in _look_up(client, register[0].number, "Bob Lin").content.decode()
    assert "B** L**" in _look_up(client, register[2].number, "Bob Lin").content.decode()


def test_a_name_in_the_query_string_is_not_read(client, register, monkeypatch):
    # The name goes by POST (the form's method): in a URL it would sit in access logs and the browser's history.
    monkeypatch.setattr(views, "NAME_MISMATCHES_PER_DAY", 1)
    for _ in range(2):
        response = client.get("/en/verify/", {"number": register[0].number, "name": "Alice Chen"})
        body = response.content.decode()
        assert response.status_code == 200 and VALID in body and ASK_NAME in body
        assert "A**** C***" not in body and "Alice Chen" not in body
    for _ in range(2):
        response = client.get("/en/verify/", {"number": register[0].number, "name": "Alice Wong"})
        assert DIFFERS not in response.content.decode()
    assert "A**** C***" in _look_up(client, register[0].number, "Alice Chen").content.decode()  # nothing counted


def test_the_form_posts_the_name_with_a_csrf_token_and_the_answer_is_not_cached(register):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get("/en/verify/", {"number": register[0].number}).content.decode()
    assert 'method="post"' in page and 'name="csrfmiddlewaretoken"' in page and 'method="get"' not in page
    data = {"number": register[0].number, "name": "Alice Chen"}
    assert browser.post("/en/verify/", data).status_code == 403  # no token: refused
    token = browser.cookies["csrftoken"].value
    response = browser.post("/en/verify/", data | {"csrfmiddlewaretoken": token})
    body = response.content.decode()
    assert response.status_code == 200 and "A**** C***" in body
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    wrong = browser.post("/en/verify/", data | {"name": "Alice Wong", "csrfmiddlewaretoken": token}).content.decode()
    assert DIFFERS in wrong and 'value="Alice Wong"' in wrong  # shown again in the page to retype, not in a URL


def test_a_look_up_by_post_counts_against_the_address_s_rate(client, register, settings):
    settings.VERIFY_RATE_LIMIT_PER_MINUTE = 2
    assert _look_up(client, register[0].number, address="203.0.113.50").status_code == 200
    assert _look_up(client, register[0].number, "Alice Chen", address="203.0.113.50").status_code == 200
    assert _look_up(client, register[0].number, "Alice Chen", address="203.0.113.50").status_code == 429
    assert _look_up(client, register[0].number, address="203.0.113.50").status_code == 429
