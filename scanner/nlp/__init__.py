"""Shared Chinese text utilities: segmentation with offsets, sentences, lexicon, pinyin and shape
confusion sets, the word language model.

Other detectors may import these.  Per-document results are cached through
``analysis.shared`` (see :func:`words` and :func:`sentences`).  The names below are imported on
first use, so importing one submodule (say :mod:`scanner.nlp.pinyin`) does not load the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from scanner.nlp.segment import Token, segment, words
    from scanner.nlp.sentences import Span, clauses, sentences, split_clauses, split_sentences

_EXPORTS = {
    "Token": "scanner.nlp.segment", "segment": "scanner.nlp.segment", "words": "scanner.nlp.segment",
    "Span": "scanner.nlp.sentences", "clauses": "scanner.nlp.sentences", "sentences": "scanner.nlp.sentences",
    "split_clauses": "scanner.nlp.sentences", "split_sentences": "scanner.nlp.sentences",
}

__all__ = ["Span", "Token", "clauses", "segment", "sentences", "split_clauses", "split_sentences", "words"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'scanner.nlp' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
