"""Reads of divisions. Ward codes are checked on every form; the set is cached in the process and a
miss is confirmed against the database, so a newly loaded ward is never refused."""

from __future__ import annotations

import time

from portal.common.text import fold_accents

from .models import Ward

_CACHE_SECONDS = 300
_cache: dict[str, object] = {"codes": frozenset(), "loaded_at": 0.0}


def ward_exists(code: int) -> bool:
    if time.monotonic() - _cache["loaded_at"] > _CACHE_SECONDS:
        _cache["codes"] = frozenset(Ward.objects.values_list("code", flat=True))
        _cache["loaded_at"] = time.monotonic()
    return code in _cache["codes"] or Ward.objects.filter(code=code).exists()


_index: dict[str, object] = {"rows": (), "loaded_at": 0.0}


def _ward_index() -> tuple[tuple[int, str, str], ...]:
    """(code, "Phường Trường Vinh, Tỉnh Nghệ An", folded label) for every ward, kept in the process."""
    if time.monotonic() - _index["loaded_at"] > _CACHE_SECONDS or not _index["rows"]:
        rows = []
        for code, name, province in Ward.objects.values_list("code", "name", "province__name"):
            label = f"{name}, {province}"
            rows.append((code, label, fold_accents(label)))
        _index["rows"] = tuple(rows)
        _index["loaded_at"] = time.monotonic()
    return _index["rows"]  # type: ignore[return-value]


def ward_label(code: int | None) -> str:
    if code is None:
        return ""
    return next((label for c, label, _ in _ward_index() if c == code), str(code))


def ward_search(text: str, *, limit: int = 15) -> list[tuple[int, str]]:
    """Wards whose name and province contain every typed word, accents and đ ignored; names that
    start with the first word come first, so "vinh" finds Phường Vinh Hưng before Phường Trường Vinh."""
    words = fold_accents(text).replace(",", " ").split()
    if not words:
        return []
    if len(words) == 1 and words[0].isdigit():
        return [(c, label) for c, label, _ in _ward_index() if str(c) == words[0]]
    found = [(c, label, folded) for c, label, folded in _ward_index() if all(w in folded for w in words)]
    found.sort(key=lambda row: (f" {words[0]}" not in f" {row[2].split(' ', 1)[-1]}", row[2]))
    return [(c, label) for c, label, _ in found[:limit]]


def ward_resolve(text: str) -> int | None:
    """A ward typed without the suggestion list: its code, its exact label, or one unique match."""
    text = (text or "").strip()
    if not text:
        return None
    if text.isdigit():
        return int(text) if ward_exists(int(text)) else None
    folded = fold_accents(text)
    exact = [c for c, _, f in _ward_index() if f == folded]
    if len(exact) == 1:
        return exact[0]
    matches = ward_search(text, limit=2)
    return matches[0][0] if len(matches) == 1 else None


_provinces: dict[str, object] = {"map": {}, "loaded_at": 0.0}


def province_of(ward_code: int) -> int | None:
    """The province of a ward, from a per-process map (wards do not move between provinces)."""
    mapping: dict[int, int] = _provinces["map"]  # type: ignore[assignment]
    if ward_code not in mapping:
        mapping.update(Ward.objects.values_list("code", "province_id"))
        _provinces["loaded_at"] = time.monotonic()
    return mapping.get(ward_code)
