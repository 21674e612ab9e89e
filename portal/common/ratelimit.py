"""Request limits: a fixed-window counter per caller in the shared cache (Redis in deployment, so every
web worker counts together). One atomic increment per request. When the cache is unreachable the
limit is not applied: a Redis outage must never refuse a citizen's submission."""

from __future__ import annotations

import logging
import time
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("portal.ratelimit")
PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/min' → (120, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


class Window(NamedTuple):
    """``scope``'s rate applied to one caller now: its limit, the counter's cache key, the seconds
    until the window reopens, and the window's length."""

    limit: int
    key: str
    wait: int
    period: int


class Hit(NamedTuple):
    count: int  # this window's requests so far, this one included
    limit: int
    wait: int  # seconds until the window reopens


def _window(scope: str, ident: str, now: float | None) -> Window | None:
    """``scope``'s window for ``ident``, or None when the scope has no rate."""
    rate = settings.RATE_LIMITS.get(scope)
    if not rate:
        return None
    limit, period = parse_rate(rate)
    now = time.time() if now is None else now
    window = int(now // period)
    return Window(limit, f"rl:{scope}:{ident}:{window}", max(1, int((window + 1) * period - now)), period)


def rate_hit(*, scope: str, ident: str, now: float | None = None) -> Hit | None:
    """Count one request of ``ident`` under ``scope``'s rate (``settings.RATE_LIMITS``); None when
    unlimited or the cache is away."""
    window = _window(scope, ident, now)
    if window is None:
        return None
    try:
        count = count_up(caches[settings.RATE_LIMIT_CACHE], window.key, timeout=window.period + 1)
    except Exception as exc:  # noqa: BLE001 - any cache failure means "no limit", never "refuse"
        logger.warning("ratelimit.cache_unavailable scope=%s error=%s", scope, type(exc).__name__)
        return None
    return Hit(count, window.limit, window.wait)


def rate_exceeded(*, scope: str, ident: str, now: float | None = None) -> int | None:
    """Count one request; the seconds until the window reopens when over the limit, else None."""
    hit = rate_hit(scope=scope, ident=ident, now=now)
    return hit.wait if hit is not None and hit.count > hit.limit else None


def rate_reached(*, scope: str, ident: str, now: float | None = None) -> int | None:
    """Without counting: the seconds until the window reopens when ``ident`` has spent its budget."""
    window = _window(scope, ident, now)
    if window is None:
        return None
    try:
        count = caches[settings.RATE_LIMIT_CACHE].get(window.key, 0)
    except Exception:  # noqa: BLE001 - as above: no cache, no limit
        return None
    return window.wait if count >= window.limit else None


def count_up(cache, key: str, *, timeout: int | None) -> int:
    """Add one to a counter in ``cache`` and return it: add() creates it if absent (with its expiry),
    incr() is atomic on every backend."""
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between the two calls: a new counter starts at one
        cache.add(key, 1, timeout=timeout)
        return 1


class PerUserThrottle(BaseThrottle):
    """The API's default: signed-in callers counted per account, others per address."""

    def allow_request(self, request, view) -> bool:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._wait = rate_exceeded(scope="user", ident=str(user.pk))
        else:
            self._wait = rate_exceeded(scope="anon", ident=self.get_ident(request))
        return self._wait is None

    def wait(self) -> float | None:
        return self._wait
