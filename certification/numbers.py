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
"""

from __future__ import annotations

import re
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
    spaces anywhere (the ideographic one too) go. The case is kept, as a verification code's letters are
    case-sensitive; a number is upper-cased where it is looked up (:func:`normalize`)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def is_valid_number(number: str) -> bool:
    """Whether ``number`` has the shape of a certificate number and its check character matches."""
    number = normalize(number or "")
    if not NUMBER_RE.match(number):
        return False
    payload, check = number[:-2], number[-1]
    return check_character(payload) == check
