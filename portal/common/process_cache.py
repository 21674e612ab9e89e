"""A process's short memory of rows it would otherwise read on every request and that change a few
times a year: the procedure catalogue and the calendar's overrides. Never personal data."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any


class ProcessCache:
    """Values this process read or computed, kept for ``seconds``. For rows, forgotten at once when the
    process itself saves or deletes one they came from (connect ``clear`` to post_save and
    post_delete); other processes see such a change within ``seconds``. Past ``max_entries`` (a
    back-fill or a rebuild asking about many days) it starts again, so memory stays bounded."""

    def __init__(self, *, seconds: float = 60, max_entries: int = 512):
        self.seconds, self.max_entries = seconds, max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        cached = self._entries.get(key)
        if cached and time.monotonic() - cached[0] < self.seconds:
            return cached[1]
        value = compute()
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic(), value)
        return value

    def clear(self, **_) -> None:
        self._entries.clear()
