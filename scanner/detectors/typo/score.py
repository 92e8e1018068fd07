"""How sure a character-layer hit is: a small logistic model over a few general features.

The language-model gain alone separates real typos from legitimate rare usage poorly (an
abbreviation such as 科工局 or a place name splits into single characters just like 大数局).  A
few more facts help: how common the original character and its two-character neighbourhoods are
in jieba's dictionary (a real typo leaves character pairs no word contains), how common the
proposed word is, which kind of confusion proposed it.  The weights live in
``dictionaries/typo/char_model.json``; they were fitted by ``bench/typo_ecspell.py --write-model``
and are judged there by k-fold held-out figures (see docs/benchmarks.md).
"""

from __future__ import annotations

import functools
import json
import math
import operator
from collections.abc import Mapping
from pathlib import Path

from scanner.nlp.lexicon import lexicon
from scanner.nlp.lexicon import pair_freq as nlp_pair_freq

MODEL = Path(__file__).resolve().parents[3] / "dictionaries" / "typo" / "char_model.json"

FEATURES = (
    "gain", "key_shape", "key_word", "key_known", "key_real", "gain_shape", "gain_word", "gain_known", "gain_real",
    "rel_near_sound", "rel_component", "rel_word_split", "log_word_freq", "log_char_freq_orig", "log_char_freq_cand",
    "log_orig_word_freq", "word_len", "pair_left", "pair_right", "pair_max", "pair_left_cand",
    "pair_right_cand",
)


def pair_freq() -> Mapping[str, int]:
    """Character pair → summed frequency of the dictionary words (2–6 chars) containing it
    (a lazily read table: :func:`scanner.nlp.lexicon.pair_freq`)."""
    return nlp_pair_freq()


def _lp(pair: str, pairs: Mapping[str, int]) -> float:
    return math.log10(pairs.get(pair, 0) + 1) if len(pair) == 2 else 0.0


def features(text: str, pos: int, orig: str, cand: str, word: str, key: str, relation: str,
             gain: float, word_freq: int) -> tuple[float, ...]:
    """The feature vector of one hit (order: ``FEATURES``); ``text`` is the clause."""
    lex = lexicon()
    pairs = pair_freq()
    left = text[pos - 1:pos + 1] if pos > 0 else ""
    right = text[pos:pos + 2]
    c = cand[:1]
    ks, kw, kk, kr = float(key == "shape"), float(key == "word"), float(key == "known"), float(key == "real")
    pl, pr = _lp(left, pairs), _lp(right, pairs)
    return (
        gain, ks, kw, kk, kr, gain * ks, gain * kw, gain * kk, gain * kr,
        float(relation == "near-sound"), float(relation == "component"), float(relation == "word-sound-split"),
        math.log10(word_freq + 1), math.log10(lex.char_freq.get(orig[:1], 0) + 1),
        math.log10(lex.char_freq.get(c, 0) + 1), math.log10(lex.freq.get(orig, 0) + 1), float(len(word)),
        pl, pr, max(pl, pr), _lp(left[:1] + c, pairs) if left else 0.0,
        _lp(c + right[1:], pairs) if len(right) == 2 else 0.0,
    )


@functools.lru_cache(maxsize=1)
def model() -> dict | None:
    """{"weights": [...], "bias": b, "threshold": t, ...} or None when no model file is shipped."""
    if not MODEL.exists():
        return None
    data = json.loads(MODEL.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        return None  # a model for another feature set: fall back to the LM margins
    return data


def probability(feats: tuple[float, ...], m: dict) -> float:
    z = m["bias"] + sum(map(operator.mul, m["weights"], feats))  # the products summed in order, as before
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))
