"""The names of the audit trail's streams: one chain per bundle (its history, as staff and the family
read it) and one per user (sign-ins, account changes, what they looked at)."""

from __future__ import annotations

UNKNOWN_USER_STREAM = "auth:unknown-user"


def bundle_stream(bundle) -> str:
    return f"bundle:{bundle.public_id}"


def user_stream(user_id: int) -> str:
    return f"user:{user_id}"
