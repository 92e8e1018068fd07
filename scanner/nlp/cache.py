"""Pickled caches of derived tables under ``CUOMIN_CACHE_DIR`` (never under dictionaries/)."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    return Path(os.environ.get("CUOMIN_CACHE_DIR") or Path.home() / ".cache" / "cuomin")


def cached(name: str, inputs: list[bytes], build: Callable[[], T]) -> T:
    """``build()``'s result, pickled under a key made of ``name`` and the ``inputs``' hash."""
    h = hashlib.sha256()
    for part in inputs:
        h.update(hashlib.sha256(part).digest())
    path = cache_dir() / f"{name}-{h.hexdigest()[:16]}.pkl"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only home: work without the cache
    return value
