"""Certificate numbers and their ISO 7064 MOD 37,36 check character (certification/numbers.py), for
every tier, track, year and sequence, and for whatever people type into the verification form."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from certification.numbers import (
    ALPHABET,
    CODE_ALPHABET,
    CONFUSABLE_CHECKS,
    NUMBER_RE,
    TIER_CODES,
    TRACK_CODES,
    canonical_code,
    canonical_number,
    check_character,
    grouped_code,
    is_new_code,
    is_valid_number,
    make_number,
    new_code,
    normalize,
)

PROPERTY = settings(max_examples=500, deadline=None, derandomize=True, database=None)

numbers = st.builds(
    lambda tier, track, year, sequence: make_number(tier_code=tier, track_code=track, year=year, sequence=sequence),
    st.sampled_from(sorted(TIER_CODES)),
    st.sampled_from(list(TRACK_CODES)),
    st.integers(2000, 9999),
    st.integers(1, 999_999),
)
payload_chars = st.sampled_from(ALPHABET)


@PROPERTY
@given(number=numbers)
def test_every_number_made_has_the_documented_shape_and_is_valid(number):
    assert NUMBER_RE.match(number)
    assert is_valid_number(number)
    assert number[-1] in ALPHABET


@PROPERTY
@given(number=numbers, data=st.data())
def test_people_may_type_it_in_lower_case_and_with_spaces(number, data):
    spaced = "".join(char + data.draw(st.sampled_from(["", " ", "  ", "\t"]), label="gap") for char in number.lower())
    assert is_valid_number(f"  {spaced} ")
    assert normalize(spaced) == number


@PROPERTY
@given(number=numbers, data=st.data())
def test_any_single_mistyped_letter_or_digit_is_caught(number, data):
    position = data.draw(st.sampled_from([i for i, c in enumerate(number) if c in ALPHABET]), label="position")
    wrong = data.draw(payload_chars.filter(lambda c: c != number[position]), label="typed")
    assert not is_valid_number(number[:position] + wrong + number[position + 1 :])


@PROPERTY
@given(payload=st.text(payload_chars, min_size=1, max_size=30), data=st.data())
def test_the_check_character_catches_every_single_substitution_in_any_payload(payload, data):
    position = data.draw(st.integers(0, len(payload) - 1), label="position")
    wrong = data.draw(payload_chars.filter(lambda c: c != payload[position]), label="typed")
    assert check_character(payload) != check_character(payload[:position] + wrong + payload[position + 1 :])


@settings(PROPERTY, max_examples=60)
@given(before=st.text(payload_chars, max_size=20), after=st.text(payload_chars, max_size=6))
def test_a_swap_of_two_neighbours_goes_unnoticed_for_exactly_one_pair_of_characters_in_630(before, after):
    """ISO 7064's hybrid MOD 37,36 cannot catch every swap (the pure MOD 37-2 needs a 37th symbol, "*"):
    wherever the two neighbours stand, one of the 630 pairs of distinct characters swaps unnoticed."""
    unnoticed = [
        (a, b) for a in ALPHABET for b in ALPHABET
        if a < b and check_character(before + a + b + after) == check_character(before + b + a + after)
    ]  # fmt: skip
    assert len(unnoticed) == 1


@PROPERTY
@given(payload=st.text(string.printable + "臺北", max_size=40))
def test_separators_and_case_do_not_change_the_check_character(payload):
    letters_and_digits = "".join(c for c in payload.upper() if c in ALPHABET)
    assert check_character(payload) == check_character(letters_and_digits)
    assert check_character(payload) in ALPHABET


@PROPERTY
@given(text=st.text(max_size=60))
def test_anything_typed_is_answered_true_or_false_never_an_error(text):
    assert is_valid_number(text) in (True, False)


# --- what an employer types from paper (canonical_number, canonical_code) ----------------------

LOOK_ALIKES = {"0": "0Oo", "1": "1IiLl"}


@PROPERTY
@given(number=numbers, data=st.data())
def test_a_number_typed_with_look_alikes_small_letters_and_no_dashes_reads_as_itself(number, data):
    head, year_and_sequence, check = number[:10], number[10:-2], number[-1]
    typed_digits = "".join(data.draw(st.sampled_from(LOOK_ALIKES.get(c, c)), label="digit") for c in year_and_sequence)
    check_class = next((group for group in CONFUSABLE_CHECKS if check in group), check)
    typed_check = data.draw(st.sampled_from(check_class + check_class.lower()), label="check")
    dash = data.draw(st.sampled_from(["-", "", " ", "\u2013"]), label="dash")
    typed = (head.lower() + typed_digits + "-" + typed_check).replace("-", dash)
    assert canonical_number(typed) == number


@PROPERTY
@given(number=numbers, data=st.data())
def test_a_wrong_digit_in_the_year_or_sequence_never_reads_as_the_number_printed(number, data):
    position = data.draw(st.sampled_from([i for i, c in enumerate(number[:-2]) if c.isdigit()]), label="position")
    wrong = data.draw(st.sampled_from(string.digits).filter(lambda c: c != number[position]), label="typed")
    found = canonical_number(number[:position] + wrong + number[position + 1 :])
    assert found != number
    if number[-1] not in "".join(CONFUSABLE_CHECKS):
        assert found is None  # a check character without look-alikes catches every single mistake, as before


@PROPERTY
@given(number=numbers, wrong=payload_chars)
def test_a_check_character_that_is_no_look_alike_is_not_found(number, wrong):
    check_class = next((group for group in CONFUSABLE_CHECKS if number[-1] in group), number[-1])
    found = canonical_number(number[:-1] + wrong)
    assert found == (number if wrong in check_class else None)


@PROPERTY
@given(text=st.text(max_size=60))
def test_anything_typed_reads_as_no_number_or_a_valid_one_and_no_code_or_a_new_one(text):
    number = canonical_number(text)
    assert number is None or is_valid_number(number)
    code = canonical_code(text)
    assert code is None or is_new_code(code)


def test_new_codes_are_twenty_characters_of_crockfords_base32():
    for _ in range(100):
        code = new_code()
        assert len(code) == 20 and set(code) <= set(CODE_ALPHABET) and is_new_code(code)


@PROPERTY
@given(code=st.text(st.sampled_from(CODE_ALPHABET), min_size=20, max_size=20), data=st.data())
def test_a_new_code_reads_back_grouped_or_not_in_any_case_with_look_alikes(code, data):
    typed = "".join(
        data.draw(st.sampled_from(LOOK_ALIKES.get(c, c + c.lower())), label="c") for c in grouped_code(code)
    )
    assert canonical_code(typed) == code
    assert canonical_code(typed.replace("-", data.draw(st.sampled_from(["", " "]), label="sep"))) == code
