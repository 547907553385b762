from certification.numbers import ALPHABET, check_character, is_valid_number, make_number


def test_it_makes_numbers_that_read_well_and_verify():
    number = make_number(tier_code="standard", track_code="retail", year=2026, sequence=123)
    assert number.startswith("BCM-STD-R-2026-000123-")
    assert is_valid_number(number)
    assert is_valid_number(f"  {number.lower()} ")
    assert make_number(tier_code="assistant", track_code=None, year=2026, sequence=1).startswith(
        "BCM-AST-G-2026-000001-"
    )


def test_it_catches_every_single_mistyped_character():
    number = make_number(tier_code="senior", track_code="corporate", year=2027, sequence=4521)
    for i, char in enumerate(number):
        if char == "-" or i < 4:
            continue
        for other in ALPHABET:
            if other != char:
                assert not is_valid_number(number[:i] + other + number[i + 1 :]), (i, other)


def test_it_catches_swapped_neighbours():
    payload = "BCM-STD-C-2026-012345"
    check = check_character(payload)
    digits = payload[-6:]
    for i in range(5):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            assert check_character(payload[:-6] + swapped) != check


def test_it_refuses_malformed_numbers():
    for bad in ["", "BCM", "BCM-STD-R-2026-000123", "BCM-XXX-R-2026-000123-0", "BCM-STD-R-26-000123-0", "x" * 500]:
        assert not is_valid_number(bad)
