"""The per-process cache behind the catalogue, the calendar windows and decrypted personal data."""

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


def test_a_value_already_known_is_remembered_without_being_asked_for(monkeypatch):
    now = [100.0]
    monkeypatch.setattr(process_cache.time, "monotonic", lambda: now[0])
    cache = ProcessCache(seconds=60, max_entries=2)
    cache.remember("token", "clear")
    assert cache.get("token", lambda: "asked") == "clear"
    now[0] += 61
    assert cache.get("token", lambda: "asked") == "asked"
    cache.remember("b", 2)
    cache.remember("c", 3)  # past the bound: the memory starts again
    assert cache.get("token", lambda: "asked again") == "asked again"
