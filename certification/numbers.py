"""Certificate numbers: ``BCM-<tier>-<track>-<year>-<sequence>-<check>``.

Example: ``BCM-STD-R-2026-000123-K``.

* tier: ``AST`` assistant, ``STD`` standard, ``SNR`` senior;
* track: ``C`` corporate, ``R`` retail, ``G`` a tier without tracks (assistant);
* year of issue, then a six-digit sequence that restarts each year per tier and track;
* one check character by ISO 7064 MOD 37,36 (the hybrid system for alphanumeric strings)
  over every letter and digit before it, so any single mistyped character is caught, and a swap
  of two neighbours is caught for all but one of the 630 pairs of distinct characters (wherever
  they stand; tests/fuzz/test_number_properties.py). The check character is a digit or a capital
  letter.

:func:`is_valid_number` accepts lower case and surrounding spaces (people type numbers); :func:`typed` is
what a person typed or pasted, a number or a verification code, as either is stored.

People copy both from paper, where O and 0, I, l and 1 look alike. :func:`canonical_number` is the number a
person meant: dashes optional, a letter typed in the year or the sequence read as the digit it looks like, and
at the check position a character of the right one's look-alike class (:data:`CONFUSABLE_CHECKS`) accepted.
The check character still catches a mistyped letter or digit, but for a number whose check character is in such
a class and whose mistake happens to give a look-alike of it: a single substitution in 8 of 1260 on average (0 for
a check character outside those classes, 1 in 35 for 0 or O, 2 in 35 for 1, I or L).

Verification codes are :data:`CODE_LENGTH` characters of Crockford's base32 (no I, L, O or U: 100 random bits),
printed in groups (:func:`grouped_code`); :func:`canonical_code` reads one whatever its case, dashes or spaces,
an O as 0 and an I or L as 1. Codes issued before (``secrets.token_urlsafe(16)``: 22 characters, capital and
small letters distinct) are never of that shape, and are looked up exactly as typed.
"""

from __future__ import annotations

import re
import secrets
import string
import unicodedata

ALPHABET = string.digits + string.ascii_uppercase  # value of a character = its index
TIER_CODES = {"assistant": "AST", "standard": "STD", "senior": "SNR"}
TRACK_CODES = {"corporate": "C", "retail": "R", None: "G"}
NUMBER_RE = re.compile(r"^BCM-(AST|STD|SNR)-([CRG])-(\d{4})-(\d{6})-([0-9A-Z])$")


def check_character(payload: str) -> str:
    """ISO 7064 MOD 37,36 check character of the letters and digits of ``payload``."""
    modulus = 36
    product = modulus
    for char in payload.upper():
        if char not in ALPHABET:
            continue
        total = (product + ALPHABET.index(char)) % modulus or modulus
        product = (2 * total) % (modulus + 1)
    return ALPHABET[(1 - product) % modulus]


def prefix_for(tier_code: str, track_code: str | None) -> str:
    tier = TIER_CODES.get(tier_code, tier_code[:3].upper())
    track = TRACK_CODES.get(track_code, (track_code or "G")[:1].upper())
    return f"BCM-{tier}-{track}"


def make_number(*, tier_code: str, track_code: str | None, year: int, sequence: int) -> str:
    payload = f"{prefix_for(tier_code, track_code)}-{year:04d}-{sequence:06d}"
    return f"{payload}-{check_character(payload)}"


def normalize(number: str) -> str:
    return "".join(number.split()).upper()


def typed(text: str) -> str:
    """A number or a verification code as typed on a Chinese keyboard or copied from a document, as stored but
    for the number's case: full-width letters, digits, dashes and underscores become ordinary ones (NFKC), and
    spaces anywhere (the ideographic one too) go. The case is kept, as the letters of a code issued before
    :func:`new_code` are case-sensitive; a number and a new code are folded where they are looked up
    (:func:`canonical_number`, :func:`canonical_code`)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_valid_number(number: str) -> bool:
    """Whether ``number`` has the shape of a certificate number and its check character matches."""
    number = normalize(number or "")
    if not NUMBER_RE.match(number):
        return False
    payload, check = number[:-2], number[-1]
    return check_character(payload) == check


# --- what people type from paper -------------------------------------------------------------

#: Dashes as copied from a document or typed on a Chinese keyboard (NFKC leaves these as they are).
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")
#: In the year and the sequence, a letter is the digit it looks like; in the prefix, a digit is the letter.
_AS_DIGIT = str.maketrans("OQILZSGB", "00112568")
_AS_LETTER = str.maketrans("012568", "OIZSGB")
#: Check characters that look alike on paper: typed one for another, the check still matches. Each class costs
#: some of the check's power (module docstring), so only the confusions of O, 0, I, 1 and l.
CONFUSABLE_CHECKS = ("0O", "1IL")
_PREFIX_RE = re.compile(r"BCM(AST|STD|SNR)([CRG])")


def _plain(text: str) -> str:
    """``text`` in NFKC, upper case, without spaces or dashes."""
    return "".join(c for c in unicodedata.normalize("NFKC", text or "") if not c.isspace() and c not in _DASHES).upper()


def _check_class(char: str) -> str:
    return next((group for group in CONFUSABLE_CHECKS if char in group), char)


def canonical_number(text: str) -> str | None:
    """The certificate number ``text`` means, as stored (``BCM-STD-R-2026-000123-K``), or None when it is no
    number: case, spaces and dashes do not matter, a look-alike letter in the year or the sequence is its digit
    (O→0, I or L→1, Z→2, S→5, G→6, B→8; a digit in the prefix the letter), and the check character may be
    typed as one of its look-alikes (:data:`CONFUSABLE_CHECKS`). A wrong letter or digit otherwise is caught by
    the check character."""
    plain = _plain(text)
    if len(plain) != 18:
        return None
    prefix = _PREFIX_RE.fullmatch(plain[:7].translate(_AS_LETTER))
    digits, check = plain[7:17].translate(_AS_DIGIT), plain[17]
    if prefix is None or any(c not in string.digits for c in digits) or check not in ALPHABET:
        return None
    payload = f"BCM-{prefix[1]}-{prefix[2]}-{digits[:4]}-{digits[4:]}"
    correct = check_character(payload)
    if _check_class(check) != _check_class(correct):
        return None
    return f"{payload}-{correct}"


#: Crockford's base32: digits and capital letters but I, L, O and U (https://www.crockford.com/base32.html).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 20  # 5 bits each: 100 random bits
CODE_GROUP = 5
_CODE_FOLD = str.maketrans("OIL", "011")


def new_code() -> str:
    """A new verification code: :data:`CODE_LENGTH` random characters of :data:`CODE_ALPHABET`, as stored."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def is_new_code(code: str) -> bool:
    """Whether ``code`` is a verification code as :func:`new_code` makes and stores them."""
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def grouped_code(code: str) -> str:
    """A verification code as printed: a new one in groups of five (``7KQ2M-X9DFA-R3BWE-5HN0C``), one issued
    before as it is (its dashes and underscores are its own, and its case counts)."""
    if not is_new_code(code):
        return code
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, CODE_LENGTH, CODE_GROUP))


def canonical_code(text: str) -> str | None:
    """The new verification code ``text`` means, as stored, or None when it is none: case, spaces and dashes do
    not matter, and an O is a 0, an I or an L a 1 (Crockford's reading). Never a code issued before: those are
    22 characters, and are looked up exactly."""
    plain = _plain(text).translate(_CODE_FOLD)
    return plain if is_new_code(plain) else None
