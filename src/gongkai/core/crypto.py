"""Encryption at rest for personal data (ID numbers, phones, addresses).

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) under keys from
the environment (read in settings): ``GONGKAI_FIELD_KEYS`` is a comma-separated list of Fernet keys,
newest first. Decryption tries every key (MultiFernet), so a key is rotated by putting a new one first
and re-encrypting with :func:`rotate`. Lookups use a keyed hash (HMAC-SHA256 under
``GONGKAI_LOOKUP_KEY``), so an equality search never needs the clear text. In development, keys
are derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "enc1:"


def _derived_key(purpose: str) -> bytes:
    digest = hashlib.sha256(f"gongkai:{purpose}:{settings.SECRET_KEY}".encode()).digest()
    return base64.urlsafe_b64encode(digest)


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.GONGKAI_FIELD_KEYS)
    if not keys:
        if settings.GONGKAI_PRODUCTION:
            raise ImproperlyConfigured("GONGKAI_FIELD_KEYS must be set in production (Fernet keys).")
        keys = [_derived_key("field").decode()]
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _lookup_key() -> bytes:
    raw: str = settings.GONGKAI_LOOKUP_KEY
    if not raw and settings.GONGKAI_PRODUCTION:
        raise ImproperlyConfigured("GONGKAI_LOOKUP_KEY must be set in production.")
    return raw.encode() if raw else _derived_key("lookup")


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    if not token.startswith(PREFIX):
        raise ValueError("value is not encrypted")
    try:
        return _fernet().decrypt(token[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "cannot decrypt a personal-data field: is GONGKAI_FIELD_KEYS right?"
        ) from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` under the newest key."""
    return PREFIX + _fernet().rotate(token[len(PREFIX) :].encode()).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash for equality lookups of a normalised value."""
    return hmac.new(_lookup_key(), value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted; Python sees clear text. Not searchable: pair it with a hash field."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(PREFIX):
            return decrypt(value)
        return value
