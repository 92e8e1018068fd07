"""The privacy detector's data: context words and table headers (dictionaries/privacy/)."""

from __future__ import annotations

import functools
from pathlib import Path

from scanner.ruleset import DICTIONARY_ROOT

DATA_DIR = DICTIONARY_ROOT / "privacy"
FILES = (DATA_DIR / "context.yaml", DATA_DIR / "headers.yaml", DATA_DIR / "health.txt", DATA_DIR / "regions.tsv",
         DICTIONARY_ROOT / "common" / "surnames.tsv")


def _yaml(path: Path) -> dict:
    from scanner.yamlfile import safe_load

    return safe_load(path.read_text(encoding="utf-8")) or {}


@functools.lru_cache(maxsize=1)
def context_words() -> tuple[dict[str, tuple[str, ...]], int, int]:
    """(list name → words, window before, window after)."""
    data = _yaml(DATA_DIR / "context.yaml")
    window = int(data.pop("window", 16))
    after = int(data.pop("window_after", 6))
    return {k: tuple(str(w) for w in v) for k, v in data.items() if isinstance(v, list)}, window, after


@functools.lru_cache(maxsize=1)
def header_words() -> dict[str, tuple[str, ...]]:
    return {k: tuple(str(w) for w in v) for k, v in _yaml(DATA_DIR / "headers.yaml").items() if isinstance(v, list)}


def clear() -> None:
    from scanner.detectors.privacy import health, validators
    from scanner.privacy import surnames

    for f in (context_words, header_words, health.health_terms, health._pattern, validators.regions, validators._region6,
              surnames.surnames):
        f.cache_clear()
