from datetime import date

import pytest

from signing.words import date_in_words, number_in_words


@pytest.mark.parametrize(
    "number, words",
    [
        (2026, "hai nghìn không trăm hai mươi sáu"),
        (1995, "một nghìn chín trăm chín mươi lăm"),
        (2005, "hai nghìn không trăm linh năm"),
        (2010, "hai nghìn không trăm mười"),
        (2015, "hai nghìn không trăm mười lăm"),
        (2021, "hai nghìn không trăm hai mươi mốt"),
        (2024, "hai nghìn không trăm hai mươi tư"),
        (2000, "hai nghìn"),
        (1900, "một nghìn chín trăm"),
        (1911, "một nghìn chín trăm mười một"),
        (1954, "một nghìn chín trăm năm mươi tư"),
    ],
)
def test_years_in_words(number, words):
    assert number_in_words(number) == words


def test_the_date_as_the_birth_extract_writes_it():
    assert date_in_words(date(2026, 11, 22)) == (
        "Ngày hai mươi hai, tháng mười một, năm hai nghìn không trăm hai mươi sáu"
    )
    assert date_in_words(date(2027, 1, 1)) == "Ngày một, tháng một, năm hai nghìn không trăm hai mươi bảy"
    assert date_in_words(date(2026, 12, 31)).startswith("Ngày ba mươi mốt, tháng mười hai,")
    assert date_in_words(date(2026, 10, 15)).startswith("Ngày mười lăm, tháng mười,")
    assert date_in_words(date(2026, 5, 25)).startswith("Ngày hai mươi lăm, tháng năm,")
