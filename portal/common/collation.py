"""Vietnamese alphabetical order, as dictionaries and the civil-status books sort names: letters first
(a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư), tones second (a < à < ả < ã < á < ạ), case last.

Neither the databases' collations nor Python's code-point order do this (SQLite and PostgreSQL's "C"
put every accented letter after z), so every list a person reads is sorted in Python with this key."""

from __future__ import annotations

import unicodedata

ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
# Marks that make a letter of its own (ă, â, ê, ô, ơ, ư) and the five tones, as Unicode decomposes them.
_LETTER_MARKS = {"\u0306": "breve", "\u0302": "circumflex", "\u031b": "horn"}
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_LETTER_OF = {
    ("a", "breve"): "ă",
    ("a", "circumflex"): "â",
    ("e", "circumflex"): "ê",
    ("o", "circumflex"): "ô",
    ("o", "horn"): "ơ",
    ("u", "horn"): "ư",
}
_RANK = {letter: index for index, letter in enumerate(ALPHABET)}
# Letters outside the Vietnamese alphabet (f, j, w, z in foreign names) and other characters come after
# the letters next to them would, keeping their code-point order among themselves.
_OUTSIDE = len(ALPHABET)


def _letters(value: str) -> list[tuple[str, int, bool]]:
    """Each letter of ``value`` as (base letter with its own marks, tone, was upper case)."""
    out: list[tuple[str, int, bool]] = []
    for char in unicodedata.normalize("NFD", value or ""):
        if unicodedata.combining(char) and out:
            base, tone, upper = out[-1]
            if char in _TONES:
                out[-1] = (base, _TONES[char], upper)
            elif char in _LETTER_MARKS:
                out[-1] = (_LETTER_OF.get((base, _LETTER_MARKS[char]), base), tone, upper)
            continue
        out.append((char.lower(), 0, char != char.lower()))
    return out


def _primary(base: str) -> tuple[int, int]:
    """Spaces and punctuation first (so "An Bình" comes before "Anh"), then digits, then letters."""
    if base in _RANK:
        return (2, _RANK[base])
    if base.isdigit():
        return (1, ord(base))
    if base.isalpha():
        return (2, _OUTSIDE + ord(base))
    return (0, ord(base))


def vietnamese_key(value: str) -> tuple:
    """The sort key of ``value``: ``sorted(names, key=vietnamese_key)``."""
    letters = _letters(value)
    primary = tuple(_primary(base) for base, _tone, _upper in letters)
    return (primary, tuple(tone for _b, tone, _u in letters), tuple(upper for _b, _t, upper in letters))
