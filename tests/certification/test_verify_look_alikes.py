"""An employer's HR clerk checks a certificate from paper: O and 0, I, l and 1 look alike there, and people type
in small letters. A number or a new verification code still finds its certificate; a real mistake still does not;
a code issued before (case-sensitive, in QR codes already) verifies exactly as before and only so."""

import re
import shutil
import subprocess

import pytest

from certification import numbers, pdf
from certification.models import new_verification_code
from certification.numbers import canonical_code, canonical_number, grouped_code, is_valid_number, make_number
from tests.conftest import service_missing
from tests.factories import CertificateFactory, UserFactory

pytestmark = pytest.mark.django_db

# The tester's two numbers: check characters O (a letter) and 0 (a digit).
ENDS_IN_LETTER_O = "BCM-AST-G-2026-000089-O"
ENDS_IN_DIGIT_0 = "BCM-AST-G-2026-000091-0"
NOT_FOUND = "No certificate matches this number, verification code or link."
# A new code with a 0 and a 1 in it, and one issued before (secrets.token_urlsafe(16)) with O, 0, l, 1 and I.
NEW_CODE = "0KQ2MX9DFAR3BWE5HN1C"
OLD_CODE = "QcO0FkPUzqFaSBTlPX1FWA"


def test_the_testers_numbers_are_what_make_number_makes():
    assert make_number(tier_code="assistant", track_code=None, year=2026, sequence=89) == ENDS_IN_LETTER_O
    assert make_number(tier_code="assistant", track_code=None, year=2026, sequence=91) == ENDS_IN_DIGIT_0


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("BCM-AST-G-2026-000089-0", ENDS_IN_LETTER_O),  # the check letter O typed as a zero
        ("BCM-AST-G-2026-000091-O", ENDS_IN_DIGIT_0),  # the check zero typed as a letter O
        ("bcm-ast-g-2026-000091-o", ENDS_IN_DIGIT_0),
        ("BCM-AST-G-2O26-OOOO89-O", ENDS_IN_LETTER_O),  # letters O in the year and the sequence
        ("bcm-ast-g-2o26-ooo089-0", ENDS_IN_LETTER_O),
        ("BCM-AST-G-2026-OOOO9I-0", ENDS_IN_DIGIT_0),  # I for 1
        ("BCM-AST-G-2026-00009l-0", ENDS_IN_DIGIT_0),  # small l for 1
        ("BCM-AST-G-2026-00009L-0", ENDS_IN_DIGIT_0),
        ("BCMASTG2026000089O", ENDS_IN_LETTER_O),  # without dashes
        ("BCM\u2013AST\u2013G\u20132026\u2013000089\u2013O", ENDS_IN_LETTER_O),  # en dashes, as a document has them
        ("8CM-A5T-6-2026-000089-O", ENDS_IN_LETTER_O),  # digits for the prefix's letters
    ],
)
def test_a_number_typed_with_look_alike_characters_reads_as_meant(typed, meant):
    assert canonical_number(typed) == meant


@pytest.mark.parametrize("check", ["1", "I", "L", "l", "i"])
def test_a_check_character_of_the_one_i_l_class_is_read_as_any_of_them(check):
    number = next(
        n
        for n in (make_number(tier_code="standard", track_code="retail", year=2026, sequence=s) for s in range(1, 500))
        if n.endswith("-1")
    )
    assert canonical_number(number[:-1] + check) == number


def test_a_wrong_sequence_digit_is_still_not_found():
    # 000089 mistyped as 000088, with the check character as printed, or as its look-alike.
    assert canonical_number("BCM-AST-G-2026-000088-O") is None
    assert canonical_number("BCM-AST-G-2026-000088-0") is None
    # Any other check character is no look-alike: a real mistake at the check position is caught.
    for other in numbers.ALPHABET:
        if other not in "0O":
            assert canonical_number(ENDS_IN_LETTER_O[:-1] + other) is None, other


def test_every_single_wrong_digit_is_caught_when_the_check_character_has_no_look_alike():
    number = make_number(tier_code="senior", track_code="corporate", year=2027, sequence=4521)
    assert number[-1] not in "0O1IL"
    for position in [i for i, c in enumerate(number) if c.isdigit()]:
        for digit in "0123456789":
            if digit != number[position]:
                assert canonical_number(number[:position] + digit + number[position + 1 :]) is None, (position, digit)


def test_a_wrong_digit_never_reads_as_the_number_printed():
    # The look-alike check costs a little of the check's power (numbers.py: 8 in 1260 single substitutions on
    # average), but a mistyped digit never gives back the certificate printed.
    for number in (ENDS_IN_LETTER_O, ENDS_IN_DIGIT_0):
        for position in [i for i, c in enumerate(number) if c.isdigit()][:-1]:
            for digit in "0123456789":
                if digit != number[position]:
                    assert canonical_number(number[:position] + digit + number[position + 1 :]) != number


def test_the_strict_check_is_unchanged():
    assert is_valid_number(ENDS_IN_LETTER_O) and not is_valid_number(ENDS_IN_LETTER_O[:-1] + "0")


@pytest.mark.parametrize(
    "typed", ["", "BCM", "nonsense", "BCM-STD-R-2026-000123", "BCM-XXX-R-2026-000123-0", "x" * 500]
)
def test_what_is_no_number_reads_as_none(typed):
    assert canonical_number(typed) is None


# --- the verify page, by number ------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        (ENDS_IN_LETTER_O, "BCM-AST-G-2026-000089-0"),
        (ENDS_IN_DIGIT_0, "BCM-AST-G-2026-000091-O"),
        (ENDS_IN_DIGIT_0, "bcm-ast-g-2o26-ooo09l-o"),
    ],
)
@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_page_finds_a_number_typed_with_look_alikes(client, stored, typed, language):
    CertificateFactory(number=stored, trainee=UserFactory(display_name="Alice Chen"))
    # With the holder's name as printed (a number alone shows validity only: test_abuse_certificate_enumeration).
    response = client.post(f"/{language}/verify/", {"number": typed, "name": "Alice Chen"})
    assert response.status_code == 200, typed
    assert stored in response.content.decode() and "A**** C***" in response.content.decode()


def test_the_page_does_not_find_a_number_with_a_wrong_sequence_digit(client):
    CertificateFactory(number=ENDS_IN_LETTER_O)
    response = client.get("/en/verify/", {"number": "BCM-AST-G-2026-000088-0"})
    assert response.status_code == 404 and NOT_FOUND in response.content.decode()


# --- new verification codes ---------------------------------------------------------------


def test_a_new_code_is_twenty_characters_of_crockfords_base32_for_100_bits():
    codes = {new_verification_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 20 and set(code) <= set("0123456789ABCDEFGHJKMNPQRSTVWXYZ"), code
    assert len(numbers.CODE_ALPHABET) ** numbers.CODE_LENGTH >= 2**100
    assert not set("ILOU") & set(numbers.CODE_ALPHABET)
    # 200 codes use every character of the alphabet: nothing of it is left out by mistake.
    assert set("".join(codes)) == set(numbers.CODE_ALPHABET)


def test_a_certificate_gets_a_new_code():
    assert numbers.is_new_code(CertificateFactory().verification_code)


def test_a_new_code_is_printed_in_four_groups_of_five():
    assert grouped_code(NEW_CODE) == "0KQ2M-X9DFA-R3BWE-5HN1C"
    assert grouped_code(OLD_CODE) == OLD_CODE  # one issued before, as it was printed


@pytest.mark.parametrize(
    "typed",
    [
        "0KQ2MX9DFAR3BWE5HN1C",
        "0KQ2M-X9DFA-R3BWE-5HN1C",
        "0kq2m-x9dfa-r3bwe-5hn1c",
        "okq2mx9dfar3bwe5hnlc",  # O for 0 and l for 1, in small letters
        "OKQ2M X9DFA R3BWE 5HNIC",  # I for 1, spaces between the groups
        "0KQ2M\u2013X9DFA\u2013R3BWE\u20135HN1C",
    ],
)
def test_a_new_code_reads_in_any_case_grouped_or_not_and_with_look_alikes(typed):
    assert canonical_code(typed) == NEW_CODE


@pytest.mark.parametrize("typed", ["0KQ2M-X9DFA-R3BWE-5HN1", "0KQ2M-X9DFA-R3BWE-5HN1CC", "0KQ2M-X9DFA-R3BWE-5HNUC"])
def test_a_code_too_short_too_long_or_with_a_u_is_no_new_code(typed):
    assert canonical_code(typed) is None


@pytest.mark.parametrize(
    "typed",
    ["0KQ2M-X9DFA-R3BWE-5HN1C", "0kq2mx9dfar3bwe5hn1c", "okq2m-x9dfa-r3bwe-5hnlc", " OKQ2M X9DFA R3BWE 5HNIC "],
)
@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_page_finds_a_new_code_as_typed(client, typed, language):
    certificate = CertificateFactory(verification_code=NEW_CODE)
    response = client.get(f"/{language}/verify/", {"number": typed})
    assert response.status_code == 200, typed
    assert certificate.number in response.content.decode()


@pytest.mark.parametrize("in_link", ["0KQ2MX9DFAR3BWE5HN1C", "0KQ2M-X9DFA-R3BWE-5HN1C", "okq2m-x9dfa-r3bwe-5hnlc"])
def test_the_link_with_a_new_code_works_grouped_or_not(client, in_link):
    certificate = CertificateFactory(verification_code=NEW_CODE)
    response = client.get(f"/en/verify/{in_link}/")
    assert response.status_code == 200 and certificate.number in response.content.decode()


# --- codes issued before ------------------------------------------------------------------


@pytest.mark.parametrize("old", [OLD_CODE, "Qc-O0FkPUzqF_SBTlPX1FW"])
def test_an_old_code_verifies_exactly_as_before_on_the_form_and_by_its_link(client, old):
    certificate = CertificateFactory(verification_code=old)
    assert client.get(f"/en/verify/{old}/").status_code == 200
    response = client.get("/en/verify/", {"number": old})
    assert response.status_code == 200 and certificate.number in response.content.decode()


@pytest.mark.parametrize("typed", [OLD_CODE.lower(), OLD_CODE.upper(), OLD_CODE.swapcase(), OLD_CODE.replace("O", "0")])
def test_an_old_code_in_another_case_or_with_look_alikes_is_not_found(client, typed):
    CertificateFactory(verification_code=OLD_CODE)
    for response in (client.get("/en/verify/", {"number": typed}), client.get(f"/en/verify/{typed}/")):
        assert response.status_code == 404 and NOT_FOUND in response.content.decode()


def test_old_codes_that_differ_in_case_only_each_find_their_own_certificate(client):
    upper = CertificateFactory(verification_code="AbCdEfGhJkMnPqRsTvWxYz")
    lower = CertificateFactory(verification_code="abcdefghjkmnpqrstvwxyz")
    for certificate in (upper, lower):
        body = client.get("/en/verify/", {"number": certificate.verification_code}).content.decode()
        assert certificate.number in body
        assert ({upper.number, lower.number} - {certificate.number}).pop() not in body
    assert client.get("/en/verify/", {"number": "ABCDEFGHJKMNPQRSTVWXYZ"}).status_code == 404


def test_an_old_code_typed_exactly_wins_over_the_new_code_its_folding_reads_as(client):
    # An old code with two dashes folds to 20 characters of Crockford's base32: typed exactly, it is its own
    # certificate, never the new code's; the new code, typed, is the new one's.
    old = CertificateFactory(verification_code="0kq2m-x9dfar3bwe-5hn1c")
    new = CertificateFactory(verification_code=NEW_CODE)
    for url in ("/en/verify/0kq2m-x9dfar3bwe-5hn1c/", "/en/verify/?number=0kq2m-x9dfar3bwe-5hn1c"):
        body = client.get(url).content.decode()
        assert old.number in body and new.number not in body
    body = client.get("/en/verify/", {"number": "0KQ2M-X9DFA-R3BWE-5HN1C"}).content.decode()
    assert new.number in body and old.number not in body


# --- the not-found page -------------------------------------------------------------------

NOT_FOUND_ZH = {
    "No certificate matches this number, verification code or link. Check it against the certificate and try "
    "again:": "查無符合此編號、驗證碼或連結的證書。請對照證書核對以下各點後再試一次：",
    "A certificate number (e.g. BCM-STD-R-2026-000123-K): check its letters and digits, the last character too. "
    "Capital or small letters, dashes and spaces do not matter, nor a letter O or I typed for the digit 0 or 1.": (
        "證書編號（例如 BCM-STD-R-2026-000123-K）：請核對其中的字母與數字，最後一位也請核對。英文大小寫、連字號"
        "及空格不影響查詢，將數字 0 或 1 輸入成字母 O 或 I 也不影響。"
    ),
    "A verification code in four groups of five (e.g. 7KQ2M-X9DFA-R3BWE-5HN0C) has no letters I, L, O or U: an O "
    "is read as the digit 0, an I or L as 1. Capital or small letters, dashes and spaces do not matter.": (
        "分為四組、每組五個字元的驗證碼（例如 7KQ2M-X9DFA-R3BWE-5HN0C）不含字母 I、L、O、U：輸入的 O 視為數字 0，"
        "I 或 L 視為 1。英文大小寫、連字號及空格不影響查詢。"
    ),
    "A verification code of 22 characters not in groups (on certificates issued before): type it exactly as "
    "printed, as its capital and small letters differ.": (
        "未分組的 22 字元驗證碼（較早核發的證書）：請完全依證書所印輸入，英文大小寫視為不同。"
    ),
}


@pytest.fixture
def zh_hant_not_found(monkeypatch):
    """The zh-Hant catalog with the not-found page's lines, as locale/ is to give them."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("zh-hant")._catalog._catalogs[0]
    for msgid, msgstr in NOT_FOUND_ZH.items():
        monkeypatch.setitem(catalog, msgid, msgstr)


def test_the_not_found_page_says_what_to_check_in_english(client):
    body = client.get("/en/verify/", {"number": "BCM-AST-G-2026-000088-O"}).content.decode()
    assert NOT_FOUND in body
    assert "has no letters I, L, O or U" in body and "7KQ2M-X9DFA-R3BWE-5HN0C" in body
    assert "capital and small letters differ" in body  # codes issued before


def test_the_not_found_page_says_what_to_check_in_chinese(client, zh_hant_not_found):
    body = client.get("/zh-hant/verify/", {"number": "BCM-AST-G-2026-000088-O"}).content.decode()
    for msgstr in NOT_FOUND_ZH.values():
        assert msgstr in body


def test_the_example_code_on_the_page_is_a_new_code():
    assert numbers.is_new_code("7KQ2M-X9DFA-R3BWE-5HN0C".replace("-", ""))


@pytest.mark.parametrize(
    "typed",
    [
        "BCM-AST-G-2026-000088-O",  # a number with a wrong digit
        "BCM-SNR-R-2030-000007-" + make_number(tier_code="senior", track_code="retail", year=2030, sequence=7)[-1],
        "ABCDE-FGHJK-MNPQR-STVWX",  # a new code no certificate has
        OLD_CODE.lower(),  # an old code in the wrong case
        "BCM-AST-G-2026-000089",  # malformed
    ],
)
def test_a_miss_of_any_kind_is_the_same_page(client, typed):
    CertificateFactory(number=ENDS_IN_LETTER_O, verification_code=OLD_CODE)
    response = client.get("/en/verify/", {"number": typed})
    malformed = client.get("/en/verify/", {"number": "nonsense"})
    assert response.status_code == malformed.status_code == 404
    assert _without(response.content.decode(), typed) == _without(malformed.content.decode(), "nonsense")


def _without(body: str, typed: str) -> str:
    body = body.replace(typed, "")
    return re.sub(r'(nonce|csrfmiddlewaretoken" value|csrf-token" content)="[^"]*"', "", body)


# --- the PDF --------------------------------------------------------------------------------


def _pdf_text(certificate) -> str:
    tool = shutil.which("pdftotext")
    if not tool:
        service_missing("pdftotext (Debian poppler-utils) is not installed")
    path = pdf.ensure_pdf(certificate)
    return subprocess.run([tool, str(path), "-"], capture_output=True, check=True).stdout.decode()


def test_the_pdf_prints_a_new_code_in_groups_and_an_old_one_as_it_was():
    new = CertificateFactory(verification_code=NEW_CODE)
    text = _pdf_text(new)
    assert "0KQ2M-X9DFA-R3BWE-5HN1C" in text
    assert f"/verify/{NEW_CODE}/" in text  # the link (and the QR code) as before: the code as stored
    old = CertificateFactory(verification_code=OLD_CODE)
    text = _pdf_text(old)
    assert OLD_CODE in text and f"/verify/{OLD_CODE}/" in text
