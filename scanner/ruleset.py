"""The ruleset version: one string derived from all dictionary data and detector versions.

Every result carries it, so a finding can always be traced to the rules that
produced it, and an unchanged page is re-checked when (and only when) it changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

DICTIONARY_ROOT = Path(__file__).resolve().parent.parent / "dictionaries"
FORMAT = "1"


def dictionary_files(root: Path = DICTIONARY_ROOT) -> list[Path]:
    """Every data file under ``dictionaries/`` (code and caches excluded), in a stable order."""
    if not root.is_dir():
        return []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
        and not p.name.startswith(".")
    )


def ruleset_version(parts: Iterable[tuple[str, bytes]], root: Path = DICTIONARY_ROOT) -> str:
    """``r<FORMAT>-<12 hex>`` over the dictionary files and the detectors' own parts."""
    h = hashlib.sha256()
    for path in dictionary_files(root):
        h.update(path.relative_to(root).as_posix().encode())
        h.update(b"\0")
        h.update(path.read_bytes())
        h.update(b"\0")
    for name, data in sorted(parts):
        h.update(name.encode())
        h.update(b"\0")
        h.update(data)
        h.update(b"\0")
    return f"r{FORMAT}-{h.hexdigest()[:12]}"
