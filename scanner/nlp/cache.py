"""Caches of derived tables under ``CUOMIN_CACHE_DIR`` (never under dictionaries/).

A cache file's name carries a hash of everything it was derived from (the data files' bytes,
package versions, parameters, a format version), so a changed input makes a new file and the old
one is simply no longer read.  Files are written atomically; when the cache directory cannot be
written, callers build in memory and go on without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    return Path(os.environ.get("CUOMIN_CACHE_DIR") or Path.home() / ".cache" / "cuomin")


def digest(inputs: list[bytes]) -> str:
    """A short hex key for ``inputs`` (the order matters)."""
    h = hashlib.sha256()
    for part in inputs:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:16]


def cache_path(name: str, inputs: list[bytes], suffix: str) -> Path:
    return cache_dir() / f"{name}-{digest(inputs)}{suffix}"


def package_version(name: str) -> bytes:
    """The installed version of distribution ``name`` (b"" when unknown), for cache keys."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name).encode()
    except PackageNotFoundError:
        return b""


def atomic_write(path: Path, write: Callable[[BinaryIO], None], mode: int | None = None) -> None:
    """``write(fh)`` into a temporary file beside ``path``, then rename it over ``path``: a reader sees
    the old file or the whole new one, never half of it.  ``mode``: the file's permissions (else
    mkstemp's 0600).  The temporary file is removed if anything fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def cached(name: str, inputs: list[bytes], build: Callable[[], T]) -> T:
    """``build()``'s result, pickled under a key made of ``name`` and the ``inputs``' hash."""
    path = cache_path(name, inputs, ".pkl")
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, ValueError, IndexError):
        pass
    value = build()
    try:
        atomic_write(path, lambda fh: pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL))
    except OSError:
        pass  # a read-only home: work without the cache
    return value
