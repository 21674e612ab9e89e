"""Reads of divisions. Ward codes are checked on every form; the set is cached in the process and a
miss is confirmed against the database, so a newly loaded ward is never refused."""

from __future__ import annotations

import time
from dataclasses import dataclass

from portal.common.text import ascii_digits, fold_accents

from .models import Ward

_CACHE_SECONDS = 300


@dataclass(frozen=True)
class _Entry:
    label: str  # "Phường Trường Vinh, Nghệ An"
    folded: str  # the label without accents, for search
    province: int


_cache: dict[str, object] = {"wards": {}, "loaded_at": 0.0}


def _wards(*, reload: bool = False) -> dict[int, _Entry]:
    """Every ward, kept in the process for a few minutes: one read of the table serves the form checks,
    the ward picker and the roll-ups' province lookups."""
    if reload or not _cache["wards"] or time.monotonic() - _cache["loaded_at"] > _CACHE_SECONDS:
        wards = {}
        for code, name, province, province_name in Ward.objects.values_list(
            "code", "name", "province_id", "province__name"
        ):
            label = f"{name}, {province_name}"
            wards[code] = _Entry(label=label, folded=fold_accents(label), province=province)
        _cache["wards"], _cache["loaded_at"] = wards, time.monotonic()
    return _cache["wards"]  # type: ignore[return-value]


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


def ward_search(text: str, *, limit: int = 15) -> list[tuple[int, str]]:
    """Wards whose name and province contain every typed word, accents and đ ignored; names that
    start with the first word come first, so "vinh" finds Phường Vinh Hưng before Phường Trường Vinh."""
    words = fold_accents(text).replace(",", " ").split()
    if not words:
        return []
    if len(words) == 1 and ascii_digits(words[0]):
        return [(c, e.label) for c, e in _wards().items() if str(c) == words[0]]
    found = [(c, e.label, e.folded) for c, e in _wards().items() if all(w in e.folded for w in words)]
    found.sort(key=lambda row: (f" {words[0]}" not in f" {row[2].split(' ', 1)[-1]}", row[2]))
    return [(c, label) for c, label, _ in found[:limit]]


def ward_resolve(text: str) -> int | None:
    """A ward typed without the suggestion list: its code, its exact label, or one unique match."""
    text = (text or "").strip()
    if not text:
        return None
    if ascii_digits(text):
        return int(text) if ward_exists(int(text)) else None
    folded = fold_accents(text)
    exact = [c for c, e in _wards().items() if e.folded == folded]
    if len(exact) == 1:
        return exact[0]
    matches = ward_search(text, limit=2)
    return matches[0][0] if len(matches) == 1 else None
