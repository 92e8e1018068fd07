"""Sentence and clause splitting with offsets."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis

_SENT_END = re.compile(r"[^。！？!?；;\n]*(?:[。！？!?；;]+[”’」』）)]*|\n|$)")
_CLAUSE = re.compile(r"[^。！？!?；;\n，,、：:（）()《》“”‘’「」『』【】〔〕\[\]…—]+")


class Span(NamedTuple):
    start: int
    end: int


def split_sentences(text: str) -> list[Span]:
    """Sentences (ending in 。！？； or a line break, closing quotes kept), blanks dropped."""
    out = []
    for m in _SENT_END.finditer(text):
        s, e = m.span()
        if e > s and text[s:e].strip():
            out.append(Span(s, e))
    return out


def split_clauses(text: str) -> list[Span]:
    """Runs of text between punctuation marks (the unit the typo language model scores)."""
    return [Span(*m.span()) for m in _CLAUSE.finditer(text)]


def sentences(analysis: Analysis) -> list[Span]:
    return analysis.shared("sentences", lambda: split_sentences(analysis.norm.text))


def clauses(analysis: Analysis) -> list[Span]:
    return analysis.shared("clauses", lambda: split_clauses(analysis.norm.text))
