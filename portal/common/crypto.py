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

from .process_cache import ProcessCache


@functools.cache
def _derive(secret: str, purpose: bytes) -> bytes:
    if not secret:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY is not set.")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(secret.encode())


@functools.cache
def _fernet_for(secret: str) -> Fernet:
    # Built once per key: a submission encrypts and decrypts about ten values, and building the
    # Fernet object each time (key decoding, checks) cost 26 µs a value inside a request.
    return Fernet(base64.urlsafe_b64encode(_derive(secret, b"portal/encrypt/v1")))


# What this process encrypted or decrypted lately, by key and token. A decryption costs 50 to 90 µs
# in a request (8 µs in a tight loop: OpenSSL's code is cold by the time a request reaches it), and a
# submission reads back the values its own draft wrote and its owner's account row on each request.
# The clear values stay in the worker's memory for minutes, as the key they are protected with does.
_recent = ProcessCache(seconds=300, max_entries=4096)


def encrypt_text(value: str) -> str:
    secret = settings.PERSONAL_DATA_KEY
    token = _fernet_for(secret).encrypt(value.encode()).decode()
    _recent.remember((secret, token), value)
    return token


def decrypt_text(token: str) -> str:
    secret = settings.PERSONAL_DATA_KEY
    return _recent.get((secret, token), lambda: _decrypt(secret, token))


def _decrypt(secret: str, token: str) -> str:
    try:
        return _fernet_for(secret).decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never return garbage
        raise ImproperlyConfigured("Personal data cannot be decrypted with the configured key.") from exc


def lookup_hmac(value: str, *, purpose: str = "id_number") -> str:
    """A stable keyed digest: equal inputs give equal digests, and nobody without the key can
    enumerate 12-digit numbers against the column."""
    key = _derive(settings.PERSONAL_DATA_KEY, f"portal/lookup/{purpose}/v1".encode())
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
