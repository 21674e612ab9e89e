"""HMAC signatures over ``timestamp.body``: the agency contract in both directions, and the medical
facilities' certificate intake."""

from __future__ import annotations

import hashlib
import hmac
import time

from .text import ascii_digits


def sign(*, secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={mac}"


def signed_headers(*, secret: str, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {"X-Timestamp": timestamp, "X-Signature": sign(secret=secret, timestamp=timestamp, body=body)}


def verify(
    *,
    secrets: list[str],
    timestamp: str,
    signature: str,
    body: bytes,
    window_seconds: float,
    now: float | None = None,
) -> str | None:
    """None when valid; otherwise why not. Any active secret verifies (rotation)."""
    if not ascii_digits(timestamp):
        return "missing or malformed X-Timestamp"
    if abs((now if now is not None else time.time()) - int(timestamp)) > window_seconds:
        return "timestamp outside the accepted window"
    # compare_digest takes only ASCII text: a signature in any other script is simply not ours.
    if not (signature or "").isascii() or not any(
        hmac.compare_digest(sign(secret=s, timestamp=timestamp, body=body), signature or "") for s in secrets
    ):
        return "bad signature"
    return None


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()
