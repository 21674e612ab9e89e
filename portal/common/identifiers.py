"""Vietnamese identifier formats (DOMAIN.md §5). Pure functions: no database, no settings."""

from __future__ import annotations

import re
from datetime import date

# Birth-registration province codes of the pre-2025 list of 63 provinces. Personal ID numbers keep
# these prefixes after the 2025 merger, so they are validated against this list, not the 34 provinces.
LEGACY_PROVINCE_CODES = frozenset(
    (  # noqa: SIM905 - the list as the law prints it
        "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 "
        "034 035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 "
        "067 068 070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096 "
    ).split()
)
_PERSONAL_ID_RE = re.compile(r"^[0-9]{12}$")


def personal_id_century_digit(*, year: int, sex: str) -> int:
    """The G digit: 0/1 for the 1900s (male/female), 2/3 for the 2000s, 4/5 for the 2100s, …"""
    return 2 * ((year - 1900) // 100) + (1 if sex == "female" else 0)


def personal_id_errors(
    number: str, *, date_of_birth: date | None = None, sex: str | None = None, today: date | None = None
) -> list[str]:
    """Every reason ``number`` is not a valid personal ID number for that person, in Vietnamese. Even
    without a date of birth, the century digit and year must give a birth year that has come."""
    if not _PERSONAL_ID_RE.match(number or ""):
        return ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
    errors = []
    if number[:3] not in LEGACY_PROVINCE_CODES:
        errors.append(f"Mã tỉnh {number[:3]} ở đầu số định danh không tồn tại.")
    century_digit, year_digits = int(number[3]), number[4:6]
    if personal_id_birth_year(number) > (today or date.today()).year:
        errors.append("Chữ số thế kỷ và năm sinh trong số định danh cho một năm sinh chưa tới.")
    if date_of_birth is not None:
        if year_digits != f"{date_of_birth.year % 100:02d}":
            errors.append("Hai chữ số năm sinh trong số định danh không khớp với ngày sinh.")
        if sex in ("male", "female"):
            expected = personal_id_century_digit(year=date_of_birth.year, sex=sex)
            if century_digit != expected:
                errors.append(
                    "Chữ số thế kỷ và giới tính trong số định danh không khớp với ngày sinh và giới tính."
                )
    return errors


def personal_id_birth_year(number: str) -> int:
    """The year of birth a well-formed personal ID number encodes."""
    return 1900 + 100 * (int(number[3]) // 2) + int(number[4:6])


def mask_personal_id(number: str | None) -> str:
    """Lists, logs and exports show only the province prefix and the last two digits."""
    if not number:
        return ""
    return f"{number[:3]}{'•' * (len(number) - 5)}{number[-2:]}"


# Shared with the result schema of the health-insurance step (registrations/payload_schemas.py).
BHYT_PATTERN = r"^([0-9]{10}|[A-Z]{2}[1-5][0-9]{2}[0-9]{10})$"
_BHYT = re.compile(BHYT_PATTERN)


def bhyt_card_errors(number: str) -> list[str]:
    """A health-insurance card number: today's 10-digit social-insurance number, or the legacy
    15-character code (2 letters, benefit level 1–5, 2-digit province, 10 digits) on old data."""
    if _BHYT.match(number or ""):
        return []
    return ["Mã thẻ bảo hiểm y tế gồm 10 chữ số (hoặc mã cũ 15 ký tự, ví dụ TE1400123456789)."]


def bundle_code(*, province: int, ward: int, day, number: int) -> str:
    """{province}.{ward}-{YYMMDD}-{NNNN}: unique per ward and day, and sorting as text sorts in time."""
    return f"{province:02d}.{ward:05d}-{day:%y%m%d}-{number:04d}"
