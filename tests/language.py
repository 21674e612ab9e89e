"""What tests of the English pages look for: Vietnamese letters, and the visible text of a page."""

from __future__ import annotations

import re
import unicodedata

# The marks that make Vietnamese letters (ă â ê ô ơ ư and the five tones) on a Latin letter, and đ.
_MARKS = {"\u0306", "\u0302", "\u031b", "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"}


def vietnamese_words(text: str) -> list[str]:
    """The words of ``text`` written with a letter only Vietnamese uses (English has none of them)."""
    return [word for word in text.split() if _is_vietnamese(word)]


def _is_vietnamese(word: str) -> bool:
    if "đ" in word or "Đ" in word:
        return True
    return any(mark in _MARKS for mark in unicodedata.normalize("NFD", word))


def visible_text(html: str) -> str:
    """The text a page shows: no scripts, styles or tags."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
