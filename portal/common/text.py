"""Text rules shared by every form: Unicode NFC names and accent-insensitive search keys."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# Letters of any script (Vietnamese diacritics included), spaces, apostrophes and hyphens.
_NAME_RE = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")


class Vietnamese(str):
    """Text that stays as written whatever the page's language (a name, an address, a ward, an
    ethnic group): pages mark it ``lang="vi"`` so it is read, and checked, as Vietnamese."""


def normalize_name(value: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value or "")).strip()


def name_errors(value: str) -> list[str]:
    name = normalize_name(value)
    if not name:
        return ["Vui lòng nhập họ và tên."]
    if len(name) > 100:
        return ["Họ và tên không được dài quá 100 ký tự."]
    if not _NAME_RE.match(name):
        return ["Họ và tên chỉ gồm chữ cái, dấu cách, dấu nháy đơn và dấu gạch nối."]
    return []


def fold_accents(value: str) -> str:
    """'Đặng Thị Ánh' → 'dang thi anh'. Unicode decomposition leaves đ/Đ alone, so fold them by hand."""
    decomposed = unicodedata.normalize("NFD", (value or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip().lower()


def ascii_digits(value: str) -> bool:
    """Only 0–9: ``str.isdigit`` also says yes to "²" and "١٢٣", which ``int`` then refuses or reads
    as another number."""
    return value.isascii() and value.isdigit()


def size_shown(nbytes: int) -> str:
    """A size limit as a person reads it: "10 MB", "40 MB", "200 KB" (never "0 MB")."""
    mb, kb = 1024 * 1024, 1024
    if nbytes >= mb and nbytes % mb == 0:
        return f"{nbytes // mb} MB"
    if nbytes >= mb:
        return f"{nbytes / mb:.1f} MB".replace(".", ",")
    return f"{max(1, nbytes // kb)} KB"
