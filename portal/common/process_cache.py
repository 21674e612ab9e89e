"""A process's memory of rows that change a few times a year but are read by every submission."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from typing import Any


class ProcessCache:
    """Values this process read, kept for ``seconds`` and forgotten at once when the process itself
    saves or deletes a row they came from (connect ``clear`` to post_save and post_delete); other
    processes see such a change within ``seconds``. Past ``max_entries`` (a back-fill or a rebuild
    asking about many days) it starts again, so memory stays bounded."""

    def __init__(self, *, seconds: float = 60, max_entries: int = 512):
        self.seconds, self.max_entries = seconds, max_entries
        self._entries: dict[Hashable, tuple[float, Any]] = {}

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        cached = self._entries.get(key)
        if cached and time.monotonic() - cached[0] < self.seconds:
            return cached[1]
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        value = compute()
        self._entries[key] = (time.monotonic(), value)
        return value

    def clear(self, **_) -> None:
        self._entries.clear()
