"""The word 3-gram language model: Debian's libime ``zh_CN.lm`` (a KenLM binary), read with ``kenlm``.

``score(words)`` is a log10 probability.  Without the model file or the ``kenlm``
package a unigram model from jieba's frequencies stands in (weaker: the typo
detector then raises its margin; see ``available()``).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from scanner.nlp.lexicon import lexicon

CANDIDATE_PATHS = (
    os.environ.get("CUOMIN_LM", ""),
    "/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm",
    "/usr/lib/aarch64-linux-gnu/libime/zh_CN.lm",
    "/usr/share/libime/zh_CN.lm",
)


def model_path() -> Path | None:
    for p in CANDIDATE_PATHS:
        if p and Path(p).is_file():
            return Path(p)
    return None


@functools.lru_cache(maxsize=1)
def _model():
    path = model_path()
    if path is None:
        return None
    try:
        import kenlm
    except ImportError:
        return None
    return kenlm.Model(str(path))


def available() -> bool:
    return _model() is not None


def describe() -> str:
    path = model_path()
    return f"kenlm:{path}" if available() else "unigram:jieba-dict"


def score(words: list[str], bos: bool = True, eos: bool = True) -> float:
    model = _model()
    if model is not None:
        return model.score(" ".join(words), bos=bos, eos=eos)
    lex = lexicon()
    return sum(lex.logp(w) for w in words)


def scorer():
    """:func:`score` with ``bos`` and ``eos`` as a function of the words alone, bound to the model
    (one call less per query in hot loops; the same numbers)."""
    model = _model()
    if model is None:
        return score
    query = model.score
    join = " ".join
    return lambda words: query(join(words), True, True)  # (sentence, bos, eos)


@functools.lru_cache(maxsize=65536)
def in_vocab(word: str) -> bool:
    """Whether the language model knows ``word`` (a word seen in its training text)."""
    model = _model()
    if model is not None:
        return word in model
    return word in lexicon().freq
