"""Peers that fail their signature (agency callbacks, the hospital intake): counted per address in the
shared cache and refused for the rest of the window once an address passes its budget, so a flood
costs one cache read per request, writes no row and fills no log (one warning per address and window).
The totals are on /metrics."""

from __future__ import annotations

import contextlib
import logging

from django.conf import settings
from django.core.cache import caches

from .ratelimit import count_up, rate_hit, rate_reached

logger = logging.getLogger("portal.peers")
SCOPE = "unsigned"
CHANNELS = ("callback", "intake")
REFUSED = "Quá nhiều yêu cầu không có chữ ký hợp lệ từ địa chỉ này; thử lại sau {seconds} giây."


def client_address(request) -> str:
    """The caller's address: ``REMOTE_ADDR``, or behind ``TRUSTED_PROXIES`` proxies of our own the
    address the outermost of them saw (a client cannot forge it by sending X-Forwarded-For itself)."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def unsigned_wait(*, address: str) -> int | None:
    """Seconds until ``address`` may try again, when it already spent its budget of bad signatures."""
    return rate_reached(scope=SCOPE, ident=address)


def unsigned_count(*, channel: str, address: str, problem: str) -> None:
    """One more request from ``address`` whose signature did not hold."""
    hit = rate_hit(scope=SCOPE, ident=address)
    _total_add(channel)
    if hit is not None and hit.count == hit.limit:  # the budget is spent: said once per address and window
        logger.warning(
            "peers.unsigned.limited", extra={"channel": channel, "address": address, "problem": problem}
        )


def unsigned_totals() -> dict[str, int]:
    cache = caches[settings.RATE_LIMIT_CACHE]
    try:
        found = cache.get_many([f"peers:unsigned:{c}" for c in CHANNELS])
    except Exception:  # noqa: BLE001 - metrics never fail because the cache is away
        return {}
    return {c: int(found.get(f"peers:unsigned:{c}", 0)) for c in CHANNELS}


def _total_add(channel: str) -> None:
    with contextlib.suppress(Exception):  # a lost count is better than a refused peer
        count_up(caches[settings.RATE_LIMIT_CACHE], f"peers:unsigned:{channel}", timeout=None)
