"""The recogniser base class and registry (presidio-style, without regex word boundaries).

A :class:`Recognizer` has a ``pattern`` (run over the normalised text) or reads
the shared number runs, a ``validate`` step (check digits, dates, region codes,
masking policy) and ``context`` words that raise its score when found as
substrings within a character window around the value.  Chinese has no word
boundaries, so values glued to Chinese characters (身份证号110101…) are found;
only ASCII letters and digits next to a value stop a match.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scanner.findings import Severity


@dataclass(slots=True)
class Hit:
    """One recognised personal value, in normalised-text offsets until the detector maps it back.

    ``canonical`` is the value in canonical form (for the keyed hash only; it
    never leaves the detector), ``masked`` its display form.  ``validator`` and
    ``context`` explain the decision without repeating the value.
    """

    kind: str  # id, old_id, permit, phone, landline, bank, passport, email, qq, wechat, plate, address, name, health
    rule: str
    start: int
    end: int
    canonical: str
    severity: Severity
    score: float
    validator: str
    context: list[str] = field(default_factory=list)
    exposed: str | None = None  # partly masked values: what is still visible
    details: dict[str, Any] = field(default_factory=dict)
    person: str = ""  # health hits: canonical value of the linked person (for the keyed hash only)


class Recognizer:
    """Base class: subclasses set ``name``, ``kind``, ``context`` and implement ``analyze``."""

    name: ClassVar[str] = ""
    kind: ClassVar[str] = ""
    context: ClassVar[str] = ""  # key of the context-word list in dictionaries/privacy/context.yaml
    pattern: ClassVar[re.Pattern[str] | None] = None

    def candidates(self, scan: Scan) -> Iterable[re.Match[str]]:
        if self.pattern is None:
            return ()
        return self.pattern.finditer(scan.text)

    def analyze(self, scan: Scan) -> Iterator[Hit]:
        for m in self.candidates(scan):
            hit = self.validate(scan, m)
            if hit is not None:
                yield hit

    def validate(self, scan: Scan, match: Any) -> Hit | None:  # pragma: no cover - abstract
        raise NotImplementedError


class RecognizerRegistry:
    """An ordered set of recognisers; ``analyze`` runs them all over one scan."""

    def __init__(self, recognizers: Iterable[Recognizer] = ()):
        self._items: dict[str, Recognizer] = {}
        for r in recognizers:
            self.add(r)

    def add(self, recognizer: Recognizer) -> None:
        if not recognizer.name:
            raise ValueError(f"{type(recognizer).__name__} has no name")
        self._items[recognizer.name] = recognizer

    def remove(self, name: str) -> None:
        self._items.pop(name, None)

    def names(self) -> list[str]:
        return list(self._items)

    def analyze(self, scan: Scan, enabled: Callable[[str], bool] = lambda name: True) -> list[Hit]:
        hits: list[Hit] = []
        for name, r in self._items.items():
            if enabled(name):
                hits.extend(r.analyze(scan))
        return hits


_NOTHING = re.compile(r"(?!)")


@functools.lru_cache(maxsize=64)
def _any_word(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


class Scan:
    """One document's normalised text plus what recognisers share: context lookup, number runs."""

    def __init__(self, text: str, words: dict[str, tuple[str, ...]], window: int = 16, window_after: int = 6,
                 config: dict[str, Any] | None = None):
        self.text = text
        self.words = words
        self.window = window
        self.window_after = window_after
        self.config = config or {}
        # the text with the bulk path's candidate cells blanked (scanner.detectors.privacy.bulk): number runs, the
        # address and the health patterns are searched in it (never read from it); None: search ``text``
        self.masked: str | None = None
        self._cache: dict[str, Any] = {}
        self._any: dict[str, re.Pattern[str]] = {}  # word list → one pattern matching any of its words

    def shared(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]

    def before(self, start: int, width: int | None = None) -> str:
        w = self.window if width is None else width
        return self.text[max(0, start - w):start]

    def after(self, end: int, width: int | None = None) -> str:
        w = self.window_after if width is None else width
        return self.text[end:end + w]

    def context(self, start: int, end: int, key: str, before: int | None = None, after: int | None = None) -> list[str]:
        """Context words of list ``key`` found as substrings in the window around ``[start, end)``."""
        around = self.before(start, before) + "\x00" + self.after(end, after)
        return self.words_in(around, key)

    def context_before(self, start: int, key: str, width: int | None = None) -> list[str]:
        return self.words_in(self.before(start, width), key)

    def words_in(self, window: str, key: str) -> list[str]:
        """The words of list ``key`` that occur in ``window``, in list order.

        One regex search first tells whether any word occurs at all (the common
        case in a table row is none); only then is each word tested.
        """
        pattern = self._any.get(key)
        if pattern is None:
            words = self.words.get(key, ())
            pattern = self._any[key] = _any_word(words) if words else _NOTHING
        if pattern.search(window) is None:
            return []
        return [w for w in self.words[key] if w in window]
