"""Protection of personal data at rest: authenticated encryption for values that must be read back
(personal ID numbers) and a keyed HMAC for looking them up and enforcing uniqueness without decrypting.
Both keys are derived from ``settings.PERSONAL_DATA_KEY`` so a deployer manages one secret."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _derive(secret: str, purpose: bytes) -> bytes:
    if not secret:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY is not set.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())


@functools.cache
def _fernet_for(secret: str) -> Fernet:
    # One Fernet object per key: building it decodes and checks the key, which need not happen per value.
    return Fernet(base64.urlsafe_b64encode(_derive(secret, b"portal/encrypt/v1")))


def encrypt_text(value: str) -> str:
    return _fernet_for(settings.PERSONAL_DATA_KEY).encrypt(value.encode()).decode()


def decrypt_text(token: str) -> str:
    try:
        return _fernet_for(settings.PERSONAL_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never return garbage
        raise ImproperlyConfigured("Personal data cannot be decrypted with the configured key.") from exc


def lookup_hmac(value: str, *, purpose: str = "id_number") -> str:
    """A stable keyed digest: equal inputs give equal digests, and nobody without the key can
    enumerate 12-digit numbers against the column."""
    key = _derive(settings.PERSONAL_DATA_KEY, f"portal/lookup/{purpose}/v1".encode())
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
