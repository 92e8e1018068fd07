"""Layer 2: wrong characters by similar sound or shape, confirmed by the language model.

For each clause (text between punctuation marks):

1. segment it (jieba's dictionary, no HMM); a typo usually leaves single-character
   tokens where a word should be (发展大数局产业 → 大数/局);
2. for each single Han character not inside a protected span, ask the lexicon's
   wildcard index which characters would complete a dictionary word of 2–4
   characters with its neighbours, and keep those in the character's sound/shape
   confusion set (局 → 据 makes 数据);
3. the original span must not itself be a word, and the new word must be common;
4. the clause is re-segmented with the replacement and scored with the word
   3-gram model; a candidate whose log10 gain passes a small floor is judged by the
   hit model (:mod:`.score`: gain, confusion kind, word and character-pair
   frequencies), and reported when the model's probability reaches its threshold.

The model's weights and threshold were fitted and judged by k-fold held-out figures
(bench/typo_ecspell.py, docs/benchmarks.md).

Candidates: pypinyin homophones and fuzzy-pinyin near-homophones, look-alikes from the glyph
table (``shape_similar.tsv``, ``shape_extra.tsv``) and characters that keep or drop one component
(``shape_component.tsv``: 则/测, 足/促, 每/海).  A window the language model knows as a token
(but jieba's dictionary does not) is still looked at; the hit model knows it is one.

"""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from scanner.detectors.typo import score as scoring
from scanner.nlp import confusion, lm
from scanner.nlp.lexicon import lexicon
from scanner.nlp.segment import Token, segment


@dataclass(frozen=True, slots=True)
class CharParams:
    # The least LM log10 gain a replacement must bring before the hit model looks at it (with no
    # model shipped, the only test):
    margin_sound: float = 1.5  # a homophone replacement
    margin_shape: float = 1.5  # ... a look-alike one
    margin_word: float = 1.5  # ... a whole homophone word (悔意 → 会议)
    margin_known: float = 1.5  # ... a replacement of a span the LM knows as a token (not a jieba word)
    margin_real: float = 1.5  # ... one character of a dictionary word making a much more common word (实验区 → 试验区)
    real_words: bool = False  # look inside dictionary words too (real-word errors; off: more false alarms than finds)
    real_min_freq: int = 500  # the new word's least frequency in jieba's dictionary ...
    real_ratio: float = 5.0  # ... and how many times more frequent than the original word it must be
    min_score: float | None = None  # the hit model's probability a hit must reach (None: the model's own)
    word_ratio: float = 3.0  # the homophone word must be this many times more frequent than the original
    min_word_freq: int = 50  # the completed word must be at least this frequent in jieba's dictionary
    max_orig_freq: int = 0  # the original span may not be a word more frequent than this
    max_single_freq: int = 10**9  # single characters more frequent than this as words are skipped (no limit:
    # the hit model judges 不/是/地 too; 50,000 skipped them before the model)

    def margin(self, key: str) -> float:
        return {"word": self.margin_word, "known": self.margin_known, "shape": self.margin_shape,
                "real": self.margin_real}.get(key, self.margin_sound)


@dataclass(frozen=True, slots=True)
class CharHit:
    pos: int  # offset in the clause
    orig: str
    cand: str
    word: str  # the dictionary word the replacement forms
    word_start: int
    relation: str  # sound / near-sound / shape / component / word-sound(-split)
    gain: float  # LM log10 gain
    word_freq: int
    known: bool = False  # the original span is a token of the language model
    real: bool = False  # the original is itself a dictionary word (a real-word error)
    score: float | None = None  # the hit model's probability (None: no model shipped)
    features: tuple[float, ...] = ()

    @property
    def strength(self) -> float:
        """What ranks competing hits: the model's probability, else the LM gain."""
        return self.gain if self.score is None else self.score

    @property
    def margin_key(self) -> str:
        """Which margin applies: word / real / known / shape / sound."""
        if self.relation.startswith("word-sound"):
            return "word"
        if self.real:
            return "real"
        if self.known:
            return "known"
        return "shape" if self.relation in ("shape", "component") else "sound"


COMPONENTS = Path(__file__).resolve().parents[3] / "dictionaries" / "typo" / "shape_component.tsv"


@functools.lru_cache(maxsize=1)
def _component_table() -> dict[str, str]:
    table: dict[str, set[str]] = {}
    if COMPONENTS.exists():
        for line in COMPONENTS.read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 2 and parts[0] and parts[1]:
                table.setdefault(parts[0], set()).add(parts[1])
                table.setdefault(parts[1], set()).add(parts[0])
    return {a: "".join(sorted(bs)) for a, bs in table.items()}


@functools.lru_cache(maxsize=16384)
def candidates(ch: str) -> dict[str, str]:
    """The sound/shape confusion set of ``ch`` plus the characters sharing all but one component."""
    out = dict(confusion.candidates(ch))
    for c in _component_table().get(ch, ""):
        out.setdefault(c, "component")
    out.pop(ch, None)
    return out


def _cut():
    """rjieba's ``cut`` (the words of ``segment``, without offsets: what a candidate's LM query needs)."""
    import rjieba

    return rjieba.cut


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


_HAN_RUN = re.compile("[\u4e00-\u9fff]*")


def _all_han(text: str, a: int, b: int) -> bool:
    """Whether ``text[a:b]`` is all Han characters."""
    return _HAN_RUN.match(text, a, b).end() == b


@functools.lru_cache(maxsize=131072)
def _single_proposals(ctx: str, k: int, min_word_freq: int, max_orig_freq: int
                      ) -> tuple[tuple[int, str, str, str, int, bool], ...]:
    """(window start in ``ctx``, candidate, relation, new word, its frequency, window known to the LM)
    for the single character ``ctx[k]`` with up to three characters of context either side: every
    all-Han window of 2–4 characters around it that a confusable candidate completes to a common
    dictionary word while the window itself is no (frequent) word, in scanning order."""
    freq = lexicon().freq
    ch = ctx[k]
    n = len(ctx)
    out = []
    for a in range(max(0, k - 3), k + 1):
        for b in range(max(k + 1, a + 2), min(n, a + 4) + 1):
            if not _all_han(ctx, a, b):
                continue
            left, right = ctx[a:k], ctx[k + 1:b]
            matches = _window_matches(left, right, ch)
            if not matches:
                continue
            orig = ctx[a:b]
            if freq.get(orig, 0) > max_orig_freq:
                continue
            known = lm.in_vocab(orig)
            for c, rel in matches:
                word = left + c + right
                f = freq.get(word, 0)
                if f >= min_word_freq:
                    out.append((a, c, rel, word, f, known))
    return tuple(out)


@functools.lru_cache(maxsize=65536)
def _homophone_alts(orig: str, min_word_freq: int, ratio: float) -> tuple[tuple[str, int], ...]:
    key = confusion.sound_key(orig)
    if key is None:
        return ()
    f0 = lexicon().freq.get(orig, 0)
    return tuple((alt, f) for alt, f in confusion.homophone_words().get(key, ())[:3]
                 if alt != orig and f >= min_word_freq and f >= ratio * max(f0, 1))


@functools.lru_cache(maxsize=65536)
def _real_word_alts(word: str, min_freq: int, ratio: float) -> tuple[tuple[int, str, str, str, int], ...]:
    """(offset, candidate, relation, new word, its frequency): one character of the dictionary word
    ``word`` replaced by a confusable one that makes a much more frequent word (实验区 → 试验区)."""
    if not all(_is_han(ch) for ch in word):
        return ()
    freq = lexicon().freq
    need = max(min_freq, ratio * max(freq.get(word, 0), 1))
    out = []
    for k, ch in enumerate(word):
        left, right = word[:k], word[k + 1:]
        for c, rel in _window_matches(left, right, ch):
            new = left + c + right
            f = freq.get(new, 0)
            if f >= need:
                out.append((k, c, rel, new, f))
    return tuple(out)


@functools.lru_cache(maxsize=262144)
def _window_matches(left: str, right: str, ch: str) -> tuple[tuple[str, str], ...]:
    """(candidate, relation) for ``ch`` between ``left`` and ``right`` that complete a dictionary word."""
    compl = lexicon().completions(left, right)
    if not compl:
        return ()
    conf = candidates(ch)
    return tuple((c, conf[c]) for c in compl if c in conf)


@functools.lru_cache(maxsize=65536)
def _span_alts(span: str, min_word_freq: int, ratio: float) -> tuple[tuple[str, int], ...]:
    """:func:`_homophone_alts` of an all-Han span; () for a span with any other character."""
    if not _all_han(span, 0, len(span)):
        return ()
    return _homophone_alts(span, min_word_freq, ratio)


def _token_kinds(toks) -> tuple[list[int], list[tuple[int, int]], list[int]]:
    """One pass over the (word, start, end) tokens: the starts of single Han characters, the
    (start, end) of tokens of 2–4 characters, and the starts of two single-character tokens in a row."""
    singles: list[int] = []
    spans: list[tuple[int, int]] = []
    pairs: list[int] = []
    prev_end = -1  # end of the previous token when it was a single character
    for w, a, b in toks:
        if b - a == 1:
            if prev_end == a:
                pairs.append(a - 1)
            prev_end = b
            if "\u4e00" <= w <= "\u9fff":
                singles.append(a)
        else:
            prev_end = -1
            if 2 <= b - a <= 4:
                spans.append((a, b))
    return singles, spans, pairs


def _word_proposals(text, spans, pairs, protected, params, base) -> dict[tuple[int, str], tuple[int, bool]]:
    """Whole spans that sound like a much more frequent word: multi-character tokens (``spans``), and
    two single-character tokens in a row (``pairs``, 照/开 → 召开; ``split`` True)."""
    mwf, ratio = params.min_word_freq, params.word_ratio
    out: dict[tuple[int, str], tuple[int, bool]] = {}
    for a, b in spans:
        alts = _span_alts(text[a:b], mwf, ratio)
        if not alts or any(base + k in protected for k in range(a, b)):
            continue
        for alt, f in alts:
            out[(a, alt)] = (f, False)
    for a in pairs:
        alts = _span_alts(text[a:a + 2], mwf, ratio)
        if not alts or base + a in protected or base + a + 1 in protected:
            continue
        for alt, f in alts:
            out[(a, alt)] = (f, True)
    return out


def check_clause(text: str, protected: set[int] | frozenset[int] = frozenset(),
                 params: CharParams = CharParams(), base: int = 0, toks: list[Token] | None = None) -> list[CharHit]:
    """Typo hits in ``text`` (one clause); ``protected`` holds offsets (relative to ``base``) to skip;
    ``toks`` are the clause's tokens when the caller has them ((word, start, end) tuples such as
    :class:`Token`, clause-relative offsets)."""
    lex = lexicon()
    if toks is None:
        toks = segment(text)
    # Single characters more frequent as words than ``max_single_freq`` are not looked at (no limit
    # by default: the hit model judges 不/是/地 too; the confusable rules cover 的/地/得).
    freq = lex.freq
    singles, spans, pairs = _token_kinds(toks)
    if params.max_single_freq < 10**9:
        singles = [i for i in singles if freq.get(text[i], 0) < params.max_single_freq]
    n = len(text)
    proposals: dict[tuple[int, str], tuple[str, int, str, int, bool, bool]] = {}
    words = _word_proposals(text, spans, pairs, protected, params, base)
    min_word_freq, max_orig_freq = params.min_word_freq, params.max_orig_freq
    for i in singles:
        if base + i in protected:
            continue
        lo = max(0, i - 3)
        found = _single_proposals(text[lo:min(n, i + 4)], i - lo, min_word_freq, max_orig_freq)
        for da, c, rel, word, f, known in found:
            key = (i, c)
            old = proposals.get(key)
            if old is None or len(word) > len(old[0]):
                # an unknown window anywhere makes the whole proposal "unknown"
                proposals[key] = (word, lo + da, rel, f, known and (old is None or old[4]), False)
            elif not known and old[4]:
                proposals[key] = (*old[:4], False, False)
    if params.real_words:
        for w, a, b in toks:
            if not 2 <= b - a <= 4 or any(base + k in protected for k in range(a, b)):
                continue
            for k, c, rel, word, f in _real_word_alts(w, params.real_min_freq, params.real_ratio):
                proposals.setdefault((a + k, c), (word, a, rel, f, False, True))
    if not proposals and not words:
        return []
    base_score = lm.score([w for w, _, _ in toks])
    model = scoring.model()
    threshold = params.min_score if params.min_score is not None else (model or {}).get("threshold", 0.5)
    best: dict[int, CharHit] = {}

    def judge(hit: CharHit) -> None:
        """Keep ``hit`` when its gain passes the floor and the model (if any) is sure enough."""
        if hit.gain < params.margin(hit.margin_key):
            return
        if model is not None:
            feats = scoring.features(text, hit.pos, hit.orig, hit.cand, hit.word, hit.margin_key, hit.relation,
                                     hit.gain, hit.word_freq)
            p = scoring.probability(feats, model)
            if p < threshold:
                return
            hit = dataclasses.replace(hit, score=p, features=feats)
        if hit.pos not in best or hit.strength > best[hit.pos].strength:
            best[hit.pos] = hit

    cut = _cut()
    for (a, alt), (f, split) in words.items():
        new = text[:a] + alt + text[a + len(alt):]
        gain = lm.score(cut(new, hmm=False)) - base_score
        if gain < params.margin_word:
            continue
        diff = [k for k in range(len(alt)) if alt[k] != text[a + k]]
        i = a + diff[0]
        judge(CharHit(i, text[a + diff[0]:a + diff[-1] + 1], alt[diff[0]:diff[-1] + 1], alt, a,
                      "word-sound-split" if split else "word-sound", gain, f))
    # The floor a proposal's gain must pass (CharHit.margin_key without building the hit: most
    # proposals stay below it and are dropped by ``judge`` straight away).
    floor_real, floor_known = params.margin_real, params.margin_known
    floor_shape, floor_sound = params.margin_shape, params.margin_sound
    for (i, c), (word, a, rel, f, known, real) in proposals.items():
        new_words = cut(text[:i] + c + text[i + 1:], hmm=False)
        # the words partition the clause: the one holding i must have two or more characters
        end = 0
        for w in new_words:
            end += len(w)
            if end > i:
                break
        if len(w) < 2:
            continue
        gain = lm.score(new_words) - base_score
        if gain < (floor_real if real else floor_known if known else
                   floor_shape if rel in ("shape", "component") else floor_sound):
            continue
        judge(CharHit(i, text[i], c, word, a, rel, gain, f, known, real))
    if not best:
        return []
    # Two hits a character or two apart compete for one error: keep the stronger.
    kept: list[CharHit] = []
    for hit in sorted(best.values(), key=lambda h: -h.strength):
        if all(abs(hit.pos - k.pos) > 1 for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.pos)
