"""Word segmentation with code-point offsets (rjieba: jieba's dictionary, Rust speed).

Dictionary-only segmentation (no HMM new-word guessing): a typo usually breaks a
word into single characters, which is what the typo detector looks for, and
the same tokens serve other detectors.  ``columns(analysis)`` caches the tokens of the
normalised text once per document under ``analysis.shared("word_columns")`` as three parallel
lists (words, starts, ends: no object per token); ``words(analysis)`` gives the same tokens as
:class:`Token` tuples, built from those columns on first use.
"""

from __future__ import annotations

from itertools import accumulate
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


def cut_columns(text: str) -> tuple[list[str], list[int], list[int]]:
    """(words, starts, ends) of ``text``: the tokens of :func:`segment`, as parallel lists.

    rjieba's ``cut`` gives the words of ``tokenize`` without offsets, in order and covering the
    text (every character in exactly one word), so the offsets are the running sums of the words'
    lengths in code points (tests/test_typo_speed_paths.py checks that they equal
    ``tokenize``'s); ``cut`` and the sums cost about half of ``tokenize``, and no tuple is built
    per token."""
    ws = _cut()(text, False)  # (text, hmm): a positional argument costs less than a keyword
    ends = list(accumulate(map(len, ws)))
    starts = [0]
    starts += ends[:-1]
    if not ws:
        starts = []
    return ws, starts, ends


def _tokenize():
    """rjieba's tokenizer, imported on first use (the import loads its dictionary, ~0.2 s)."""
    global _TOKENIZE
    if _TOKENIZE is None:
        import rjieba

        _TOKENIZE = rjieba.tokenize
    return _TOKENIZE


def _cut():
    """rjieba's ``cut`` (words without offsets), imported on first use."""
    global _CUT
    if _CUT is None:
        import rjieba

        _CUT = rjieba.cut
    return _CUT


_TOKENIZE = None
_CUT = None


def columns(analysis: Analysis) -> tuple[list[str], list[int], list[int]]:
    """(words, starts, ends) of ``analysis.norm.text``, computed once per document."""
    return analysis.shared("word_columns", lambda: cut_columns(analysis.norm.text))


def words(analysis: Analysis) -> list[Token]:
    """Tokens of ``analysis.norm.text``, computed once per document (from :func:`columns`)."""
    return analysis.shared("words", lambda: list(map(Token, *columns(analysis))))
