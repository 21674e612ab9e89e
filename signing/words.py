"""Dates in words as the civil-status forms write them: "Ngày hai mươi hai, tháng mười một, năm hai
nghìn không trăm hai mươi sáu"."""

from __future__ import annotations

from datetime import date

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def _tens(number: int, *, after_hundreds: bool) -> str:
    """0–99 in words; after a hundred, a lone unit reads "linh" (105: một trăm linh năm)."""
    tens, units = divmod(number, 10)
    if tens == 0:
        if units == 0:
            return ""
        return f"linh {DIGITS[units]}" if after_hundreds else DIGITS[units]
    head = "mười" if tens == 1 else f"{DIGITS[tens]} mươi"
    if units == 0:
        return head
    if units == 5:
        return f"{head} lăm"
    if units == 1 and tens > 1:
        return f"{head} mốt"
    if units == 4 and tens > 1:
        return f"{head} tư"
    return f"{head} {DIGITS[units]}"


def number_in_words(number: int) -> str:
    """0–9999 in words: 2026 → "hai nghìn không trăm hai mươi sáu", 1995 → "một nghìn chín trăm chín
    mươi lăm", 2005 → "hai nghìn không trăm linh năm"."""
    if not 0 <= number <= 9999:
        raise ValueError(number)
    if number == 0:
        return DIGITS[0]
    thousands, rest = divmod(number, 1000)
    hundreds, tail = divmod(rest, 100)
    parts = []
    if thousands:
        parts.append(f"{DIGITS[thousands]} nghìn")
    if hundreds or (thousands and tail):
        parts.append(f"{DIGITS[hundreds]} trăm")
    if tail:
        parts.append(_tens(tail, after_hundreds=bool(parts)))
    return " ".join(parts)


def date_in_words(day: date) -> str:
    return (
        f"Ngày {_tens(day.day, after_hundreds=False)}, tháng {_tens(day.month, after_hundreds=False)}, "
        f"năm {number_in_words(day.year)}"
    )
