"""Chinese surnames (single and compound) from ``dictionaries/common/surnames.tsv``."""

from __future__ import annotations

import functools

from scanner.ruleset import DICTIONARY_ROOT

SURNAMES_FILE = DICTIONARY_ROOT / "common" / "surnames.tsv"


@functools.lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    """(single-character surnames, compound surnames)."""
    single: set[str] = set()
    compound: set[str] = set()
    for line in SURNAMES_FILE.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith(("#", "surname\t")):
            continue
        name, _, kind = line.partition("\t")
        (compound if kind.strip() == "compound" or len(name) > 1 else single).add(name.strip())
    return frozenset(single), frozenset(compound)


def surname_of(name: str) -> str:
    """The surname a name starts with ('' when it starts with none)."""
    single, compound = surnames()
    if name[:2] in compound:
        return name[:2]
    if name[:1] in single:
        return name[:1]
    return ""
