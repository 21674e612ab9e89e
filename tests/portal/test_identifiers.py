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
    assert personal_id_errors(number, date_of_birth=day, sex=sex) == []


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
