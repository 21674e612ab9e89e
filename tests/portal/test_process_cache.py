"""The per-process cache behind the catalogue, and the calendar windows."""

from portal.common import process_cache
from portal.common.process_cache import ProcessCache


def test_values_are_kept_for_their_time_forgotten_on_clear_and_bounded(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    reads = []

    def read(key):
        reads.append(key)
        return f"value of {key}"

    cache = ProcessCache(seconds=60, max_entries=2)
    assert cache.get("a", lambda: read("a")) == "value of a"
    now[0] += 59
    assert cache.get("a", lambda: read("a")) == "value of a"
    assert reads == ["a"]
    now[0] += 2  # past its minute: read again
    cache.get("a", lambda: read("a"))
    cache.clear()  # a saved change: read again at once
    cache.get("a", lambda: read("a"))
    assert reads == ["a", "a", "a"]
    cache.get("b", lambda: read("b"))
    cache.get("c", lambda: read("c"))  # a third key starts the memory again
    cache.get("a", lambda: read("a"))
    assert reads == ["a", "a", "a", "b", "c", "a"]
