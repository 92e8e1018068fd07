"""Shared Chinese text utilities: segmentation with offsets, sentences, lexicon, pinyin and shape
confusion sets, the word language model.

Other detectors may import these.  Per-document results are cached through
``analysis.shared`` (see :func:`words` and :func:`sentences`).
"""

from scanner.nlp.segment import Token, segment, words
from scanner.nlp.sentences import Span, clauses, sentences, split_clauses, split_sentences

__all__ = ["Span", "Token", "clauses", "segment", "sentences", "split_clauses", "split_sentences", "words"]
