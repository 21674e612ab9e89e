"""Reads of divisions. Ward codes are checked on every form; the set is cached in the process and a
miss is confirmed against the database, so a newly loaded ward is never refused."""

from __future__ import annotations

import time
from dataclasses import dataclass

from portal.common.collation import vietnamese_key
from portal.common.text import ascii_digits, fold_accents, normalize_name

from .models import Ward, province_full_name

_CACHE_SECONDS = 300


@dataclass(frozen=True)
class _Entry:
    label: str  # "Phường Trường Vinh, tỉnh Nghệ An"
    folded: str  # the label without accents, for search
    name: str  # the ward's own name without accents or its unit: "truong vinh"
    written: str  # the same with its accents, in lower case: "trường vinh"
    province: int
    order: tuple  # the label's place in Vietnamese alphabetical order


_cache: dict[str, object] = {"wards": {}, "loaded_at": 0.0}


def _wards(*, reload: bool = False) -> dict[int, _Entry]:
    """Every ward, kept in the process for a few minutes: one read of the table serves the form checks,
    the ward picker and the roll-ups' province lookups."""
    if reload or not _cache["wards"] or time.monotonic() - _cache["loaded_at"] > _CACHE_SECONDS:
        wards = {}
        rows = Ward.objects.values_list(
            "code", "name", "division_type", "province_id", "province__name", "province__division_type"
        )
        for code, name, unit, province, province_name, province_unit in rows:
            label = f"{name}, {province_full_name(province_name, province_unit)}"
            written = name.lower().removeprefix(unit.lower() + " ") if unit else name.lower()
            wards[code] = _Entry(
                label=label,
                folded=fold_accents(label),
                name=fold_accents(written),
                written=written,
                province=province,
                order=vietnamese_key(label),
            )
        _cache["wards"], _cache["loaded_at"] = wards, time.monotonic()
    return _cache["wards"]  # type: ignore[return-value]


def wards_forget() -> None:
    """Drop this process's copy of the ward list; the next read loads it again."""
    _cache["wards"], _cache["loaded_at"] = {}, 0.0


def ward_exists(code: int) -> bool:
    return code in _wards() or Ward.objects.filter(code=code).exists()


def ward_label(code: int | None) -> str:
    if code is None:
        return ""
    entry = _wards().get(code)
    return entry.label if entry else str(code)


def province_of(ward_code: int) -> int | None:
    """The province of a ward; a ward loaded since the last read is picked up at once."""
    entry = _wards().get(ward_code) or _wards(reload=True).get(ward_code)
    return entry.province if entry else None


def _rank(entry: _Entry, phrase: str, words: list[str]) -> int:
    """How closely a ward's own name matches what was typed: the whole name, its start, the words
    side by side, each as a whole word, or only somewhere in the label (lower is closer)."""
    name = f" {entry.name} "
    if entry.name == phrase:
        return 0
    if entry.name.startswith(phrase):
        return 1
    if f" {phrase} " in name:
        return 2
    if all(f" {w} " in f" {entry.folded.replace(',', ' ')} " for w in words):
        return 3
    return 4


def _containing(words: list[str]) -> list[tuple[int, _Entry]]:
    """Wards whose name and province hold every typed word (accents and đ folded)."""
    return [(c, e) for c, e in _wards().items() if all(w in e.folded for w in words)]


def ward_search(text: str, *, limit: int = 15) -> list[tuple[int, str]]:
    """Wards whose name and province contain every typed word, accents and đ ignored, the closest
    first: "Trường Vinh" finds Phường Trường Vinh before Phường Trường Long Hòa, Vĩnh Long, and "vinh"
    finds Phường Vinh Hưng before Phường Trường Vinh."""
    words = fold_accents(text).replace(",", " ").split()
    if not words:
        return []
    if len(words) == 1 and ascii_digits(words[0]):
        return [(c, e.label) for c, e in _wards().items() if str(c) == words[0]]
    phrase, typed = " ".join(words), " ".join(normalize_name(text).lower().replace(",", " ").split())
    found = _containing(words)
    # Closest first; among equals, the one written with the very accents typed ("Vinh" before "Vĩnh"),
    # then in Vietnamese alphabetical order.
    found.sort(
        key=lambda row: (_rank(row[1], phrase, words), not row[1].written.startswith(typed), row[1].order)
    )
    return [(c, e.label) for c, e in found[:limit]]


def ward_resolve(text: str) -> int | None:
    """A ward typed without the suggestion list: its code, its exact label, the one ward whose own
    name it is, or one unique match."""
    text = (text or "").strip()
    if not text:
        return None
    if ascii_digits(text):
        return int(text) if ward_exists(int(text)) else None
    folded = fold_accents(text)
    exact = [c for c, e in _wards().items() if e.folded == folded]
    if len(exact) == 1:
        return exact[0]
    words = folded.replace(",", " ").split()
    found = _containing(words)
    if len(found) == 1:
        return found[0][0]
    # Several contain the words: one whose own name is exactly what was typed is the one meant.
    phrase = " ".join(words)
    named = [c for c, e in found if _rank(e, phrase, words) == 0]
    return named[0] if len(named) == 1 else None
