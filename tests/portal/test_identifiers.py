from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from portal.common.identifiers import (
    LEGACY_PROVINCE_CODES,
    mask_personal_id,
    personal_id_birth_year,
    personal_id_century_digit,
    personal_id_errors,
)
from portal.common.text import fold_accents, name_errors, normalize_name


def test_a_valid_personal_id_matching_birth_date_and_sex_has_no_errors():
    assert personal_id_errors("040195012345", date_of_birth=date(1995, 3, 12), sex="female") == []
    assert personal_id_errors("001303000001", date_of_birth=date(2003, 1, 1), sex="female") == []


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("04019501234", "12 chữ số"),
        ("04019501234a", "12 chữ số"),
        ("003195012345", "Mã tỉnh 003"),  # 003 is not in the legacy list
        ("040194012345", "năm sinh"),
        ("040095012345", "thế kỷ và giới tính"),  # male digit for a woman
    ],
)
def test_invalid_personal_ids_are_explained(number, fragment):
    errors = personal_id_errors(number, date_of_birth=date(1995, 3, 12), sex="female")
    assert any(fragment in e for e in errors), errors


def test_legacy_province_list_has_63_codes():
    assert len(LEGACY_PROVINCE_CODES) == 63
    assert {"001", "040", "079", "096"} <= LEGACY_PROVINCE_CODES


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2299, 12, 31)), st.sampled_from(["male", "female"])
)
def test_century_digit_round_trips_the_birth_year(day, sex):
    g = personal_id_century_digit(year=day.year, sex=sex)
    number = f"040{g}{day.year % 100:02d}000001"
    assert personal_id_birth_year(number) == day.year
    assert personal_id_errors(number, date_of_birth=day, sex=sex, today=date(2299, 12, 31)) == []


def test_masking_keeps_only_prefix_and_last_two_digits():
    assert mask_personal_id("040195012345") == "040•••••••45"
    assert "0195012" not in mask_personal_id("040195012345")


def test_names_are_nfc_trimmed_and_checked():
    decomposed = "Nguye\u0302\u0303n  Thi\u0323 Lan "
    assert normalize_name(decomposed) == "Nguyễn Thị Lan"
    assert name_errors("Nguyễn Thị Lan") == []
    assert name_errors("H'Hen Niê") == []
    assert name_errors("Lan2") != []
    assert name_errors("") != []


def test_accent_folding_also_folds_d_with_stroke():
    assert fold_accents("Đặng Thị Ánh") == "dang thi anh"


# --- more properties ----------------------------------------------------------------------------
from portal.common.identifiers import bhyt_card_errors, bundle_code  # noqa: E402


@given(st.text(max_size=30))
def test_the_personal_id_validator_never_crashes_and_accepts_only_12_digits(text):
    errors = personal_id_errors(text)
    if not (len(text) == 12 and text.isascii() and text.isdigit()):
        assert errors
    assert all(isinstance(e, str) and e for e in errors)


@given(
    st.sampled_from(sorted(LEGACY_PROVINCE_CODES)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 12, 1)),
    st.sampled_from(["male", "female"]),
    st.integers(min_value=0, max_value=999_999),
)
def test_every_well_formed_number_for_its_owner_is_valid(province, born, sex, serial):
    number = (
        f"{province}{personal_id_century_digit(year=born.year, sex=sex)}{born.year % 100:02d}{serial:06d}"
    )
    assert personal_id_errors(number, date_of_birth=born, sex=sex, today=date(2026, 12, 1)) == []


@given(
    st.text(alphabet="0123456789", min_size=3, max_size=3).filter(lambda p: p not in LEGACY_PROVINCE_CODES)
)
def test_prefixes_outside_the_legacy_list_are_refused(prefix):
    assert any("Mã tỉnh" in e for e in personal_id_errors(f"{prefix}195012345"))


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
)
def test_a_number_for_one_birth_year_is_refused_for_another(born, other):
    number = f"040{personal_id_century_digit(year=born.year, sex='male')}{born.year % 100:02d}000001"
    errors = personal_id_errors(number, date_of_birth=other, sex="male", today=date(2099, 12, 31))
    assert (errors == []) == (born.year == other.year)


@given(st.text(max_size=20))
def test_bhyt_validator_never_crashes(text):
    assert isinstance(bhyt_card_errors(text), list)


def test_bhyt_accepts_the_current_and_legacy_formats():
    assert bhyt_card_errors("0123456789") == []
    assert bhyt_card_errors("TE1400123456789") == []
    assert bhyt_card_errors("TE6400123456789") != []  # benefit level 6 does not exist
    assert bhyt_card_errors("012345678") != []


@given(
    st.lists(
        st.tuples(
            st.dates(min_value=date(2026, 1, 1), max_value=date(2099, 12, 31)),
            st.integers(min_value=1, max_value=9999),
        ),
        min_size=2,
        max_size=20,
    )
)
def test_bundle_codes_of_a_ward_sort_in_time_order(entries):
    codes = [
        (day, number, bundle_code(province=40, ward=16690, day=day, number=number)) for day, number in entries
    ]
    assert sorted(codes, key=lambda c: c[2]) == sorted(codes, key=lambda c: (c[0], c[1]))


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        # Circular 59/2021/TT-BCA, Art. 7: the century digit and the two year digits give the year of
        # birth; without a date of birth they must still give a year that has come.
        ("040926012345", False),  # 9 → the 2300s: 2326
        ("040426012345", False),  # 4 → the 2100s: 2126
        ("040226012345", True),  # 2 → 2026
        ("040195012345", True),  # 1 → 1995
    ],
)
def test_without_a_date_of_birth_the_number_still_gives_a_possible_year(number, valid):
    assert (personal_id_errors(number, today=date(2026, 12, 1)) == []) is valid


@pytest.mark.parametrize(
    "digits",
    ["０９１２３４５６７８", "٠٩١٢٣٤٥٦٧٨", "०९१२३४५६७८", "𝟎𝟗𝟏𝟐𝟑𝟒𝟓𝟔𝟕𝟖"],
    ids=["fullwidth", "arabic-indic", "devanagari", "mathematical"],
)
def test_numbers_in_other_scripts_digits_are_refused_wherever_digits_are_typed(digits):
    """Python's \\d matches every script's digits; a phone, an account, a personal ID or a card number
    takes only 0–9 (found: a fullwidth phone number passed ``^(?:\\+84|0)\\d{9,10}$``)."""
    from django.core.exceptions import ValidationError
    from rest_framework.exceptions import ValidationError as ApiValidationError

    from registrations.validators import validate_account_number, validate_phone

    for check, value in ((validate_phone, digits), (validate_account_number, digits)):
        with pytest.raises((ValidationError, ApiValidationError)):
            check(value)
    assert bhyt_card_errors(digits) != []
    assert personal_id_errors(digits + "12") != []
