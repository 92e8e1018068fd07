"""Keyed hashes of personal values: HMAC-SHA256 with a per-installation secret.

The key comes from ``CUOMIN_HASH_KEY`` or from a key file created once under
``CUOMIN_DATA_DIR`` (default ``~/.local/share/cuomin``) with 0600 permissions.
The same value hashes the same way on every page and every scan of one
installation, while the hash cannot be reversed by enumerating IDs or phone
numbers without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import threading
from pathlib import Path

_lock = threading.Lock()
_cached: tuple[str, bytes] | None = None  # (source description, key)

KEY_FILE_NAME = "privacy-hash.key"
_raw_env: tuple[str | None, str | None] | None = None  # environment the cached key was read under


def data_dir() -> Path:
    base = os.environ.get("CUOMIN_DATA_DIR")
    return Path(base) if base else Path.home() / ".local" / "share" / "cuomin"


def _source() -> str:
    env = os.environ.get("CUOMIN_HASH_KEY")
    return "env:" + hashlib.sha256(env.encode()).hexdigest() if env else "file:" + str(data_dir() / KEY_FILE_NAME)


def _load_or_create(path: Path) -> bytes:
    try:
        data = path.read_bytes().strip()
        if data:
            return data
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as fh:
        fh.write(key + b"\n")
    os.chmod(path, 0o600)
    return key


def hash_key() -> bytes:
    """The installation's secret (read once per process, re-read when the environment changes)."""
    global _cached
    raw = (os.environ.get("CUOMIN_HASH_KEY"), os.environ.get("CUOMIN_DATA_DIR"))
    fast = _cached
    if fast is not None and _raw_env == raw:
        return fast[1]
    src = _source()
    with _lock:
        globals()["_raw_env"] = raw
        if _cached is None or _cached[0] != src:
            env = os.environ.get("CUOMIN_HASH_KEY")
            key = env.encode() if env else _load_or_create(data_dir() / KEY_FILE_NAME)
            _cached = (src, key)
        return _cached[1]


def match_key(kind: str, canonical: str) -> str:
    """``pii:<kind>:<32 hex>``: a keyed hash of a personal value in canonical form.

    ``canonical`` is the value with separators removed, digits half-width and
    letters upper-case, so 138-0013-8000 and +86 13800138000 match.
    """
    digest = hmac.new(hash_key(), f"{kind}\x1f{canonical}".encode(), hashlib.sha256).hexdigest()
    return f"pii:{kind}:{digest[:32]}"


def set_key(kind: str, canonicals: list[str]) -> str:
    """``pii:<kind>:set:<32 hex>``: one keyed hash of a set of values (order and repeats ignored).

    A column finding carries it so the same published list is recognised on
    another page or in a later scan without keeping one hash per value.
    """
    payload = "\x1e".join(sorted(set(canonicals)))
    digest = hmac.new(hash_key(), f"{kind}\x1fset\x1f{payload}".encode(), hashlib.sha256).hexdigest()
    return f"pii:{kind}:set:{digest[:32]}"
