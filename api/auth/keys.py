"""API keys: ``cm_<prefix>_<secret>``; only the prefix and a SHA-256 of the whole key are stored.

The key has 256 bits of randomness, so a fast hash is enough (a slow password hash
would only slow every CMS call); comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

PREFIX = "cm_"


def generate_key() -> tuple[str, str, str]:
    """(full key to hand out once, prefix to store, hash to store)."""
    prefix = secrets.token_hex(4)
    key = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return key, prefix, hash_key(key)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def split_prefix(key: str) -> str | None:
    if not key.startswith(PREFIX):
        return None
    prefix, sep, rest = key[len(PREFIX):].partition("_")
    return prefix if sep and rest and len(prefix) == 8 else None


def matches(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def matches_hash(digest: str, stored_hash: str) -> bool:
    return hmac.compare_digest(digest, stored_hash)
