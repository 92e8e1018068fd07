"""Word segmentation with code-point offsets (rjieba: jieba's dictionary, Rust speed).

Dictionary-only segmentation (no HMM new-word guessing): a typo usually breaks a
word into single characters, which is what the typo detector looks for, and
the same tokens serve other detectors.  ``words(analysis)`` caches the tokens
of the normalised text once per document under ``analysis.shared("words")``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis


class Token(NamedTuple):
    word: str
    start: int
    end: int


def segment(text: str) -> list[Token]:
    """Tokens of ``text`` with [start, end) offsets (dictionary segmentation, no HMM)."""
    return [Token(w, s, e) for w, s, e in _tokenize()(text, hmm=False)]


def _tokenize():
    """rjieba's tokenizer, imported on first use (the import loads its dictionary, ~0.2 s)."""
    global _TOKENIZE
    if _TOKENIZE is None:
        import rjieba

        _TOKENIZE = rjieba.tokenize
    return _TOKENIZE


_TOKENIZE = None


def words(analysis: Analysis) -> list[Token]:
    """Tokens of ``analysis.norm.text``, computed once per document."""
    return analysis.shared("words", lambda: segment(analysis.norm.text))
