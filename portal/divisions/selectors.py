"""Reads of divisions. Ward codes are checked on every form; the set is cached in the process and a
miss is confirmed against the database, so a newly loaded ward is never refused."""

from __future__ import annotations

import time

from .models import Ward

_CACHE_SECONDS = 300
_cache: dict[str, object] = {"codes": frozenset(), "loaded_at": 0.0}


def ward_exists(code: int) -> bool:
    if time.monotonic() - _cache["loaded_at"] > _CACHE_SECONDS:
        _cache["codes"] = frozenset(Ward.objects.values_list("code", flat=True))
        _cache["loaded_at"] = time.monotonic()
    return code in _cache["codes"] or Ward.objects.filter(code=code).exists()
