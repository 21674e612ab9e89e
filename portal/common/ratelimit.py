"""Request limits: a fixed-window counter per caller in the shared cache (Redis in deployment, so every
web worker counts together). One atomic increment per request. When the cache is unreachable the
limit is not applied: a Redis outage must never refuse a citizen's submission."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework.throttling import BaseThrottle

logger = logging.getLogger("portal.ratelimit")
PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """'120/min' → (120, 60)."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip()]


def rate_exceeded(*, scope: str, ident: str, now: float | None = None) -> int | None:
    """Count one request of ``ident`` under ``scope``'s rate (``settings.RATE_LIMITS``). Returns the
    seconds until the window reopens when over the limit, else None."""
    rate = settings.RATE_LIMITS.get(scope)
    if not rate:
        return None
    limit, period = parse_rate(rate)
    now = time.time() if now is None else now
    window = int(now // period)
    key = f"rl:{scope}:{ident}:{window}"
    try:
        count = _count(caches[settings.RATE_LIMIT_CACHE], key, timeout=period + 1)
    except Exception as exc:  # noqa: BLE001 - any cache failure means "no limit", never "refuse"
        logger.warning("ratelimit.cache_unavailable scope=%s error=%s", scope, type(exc).__name__)
        return None
    if count <= limit:
        return None
    return max(1, int((window + 1) * period - now))


def _count(cache, key: str, *, timeout: int) -> int:
    """Add one to the counter and return it. On Redis that is one round trip: INCR creates the key at 1,
    and EXPIRE in the same pipeline bounds its life (the key names its window, so pushing the expiry on
    with every request only keeps a finished window's counter a few seconds longer). Elsewhere add()
    creates the counter if absent and incr() is atomic."""
    if isinstance(cache, RedisCache):
        name = cache.make_and_validate_key(key)
        pipeline = _write_client(cache).pipeline(transaction=False)
        pipeline.incr(name)
        pipeline.expire(name, timeout)
        return pipeline.execute()[0]
    cache.add(key, 0, timeout=timeout)
    return cache.incr(key)


def _write_client(cache: RedisCache):
    """Django's Redis cache builds a new client object for every call (redis-py fills a table of
    response callbacks each time); writes always go to the first server, so one client per cache
    instance serves them all."""
    client = cache.__dict__.get("_ratelimit_client")
    if client is None:
        client = cache.__dict__["_ratelimit_client"] = cache._cache.get_client(write=True)
    return client


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
