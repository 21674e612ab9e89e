"""A process's short memory of values it would otherwise read or compute on every request: rows that
change a few times a year (the catalogue, the calendar), decrypted personal data."""

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
        self.remember(key, value)
        return value

    def remember(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` already known (as a value just encrypted is), without asking for it first."""
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        self._entries[key] = (time.monotonic(), value)

    def clear(self, **_) -> None:
        self._entries.clear()
