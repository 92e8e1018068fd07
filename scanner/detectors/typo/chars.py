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

import bisect
import functools
import itertools
import operator
import re
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scanner.detectors.typo import score as scoring
from scanner.nlp import confusion, lm
from scanner.nlp.lexicon import lexicon
from scanner.nlp.segment import Token, segment
from scanner.nlp.segment import _cut as _segment_cut


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
        return _margin_key(self.relation, self.known, self.real)


def _margin_key(relation: str, known: bool, real: bool) -> str:
    """:attr:`CharHit.margin_key` of a hit not built yet."""
    if relation.startswith("word-sound"):
        return "word"
    if real:
        return "real"
    if known:
        return "known"
    return "shape" if relation in ("shape", "component") else "sound"


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
    return _segment_cut()


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


def _merge_single(proposals: dict, i: int, lo: int, found) -> None:
    """Add the proposals ``found`` for the character at ``i`` (its window starting at ``lo``): the longest
    word wins, and an unknown window anywhere makes the whole proposal "unknown"."""
    for da, c, rel, word, f, known in found:
        key = (i, c)
        old = proposals.get(key)
        if old is None or len(word) > len(old[0]):
            proposals[key] = (word, lo + da, rel, f, known and (old is None or old[4]), False)
        elif not known and old[4]:
            proposals[key] = (*old[:4], False, False)


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
        _merge_single(proposals, i, lo, _single_proposals(text[lo:min(n, i + 4)], i - lo, min_word_freq,
                                                          max_orig_freq))
    if params.real_words:
        for w, a, b in toks:
            if not 2 <= b - a <= 4 or any(base + k in protected for k in range(a, b)):
                continue
            for k, c, rel, word, f in _real_word_alts(w, params.real_min_freq, params.real_ratio):
                proposals.setdefault((a + k, c), (word, a, rel, f, False, True))
    if not proposals and not words:
        return []
    return _judge_clause(text, [w for w, _, _ in toks], proposals, words, params)


def _judge_env(params: CharParams) -> tuple:
    """What :func:`_judge_clause` needs besides the clause, looked up once per document: the LM
    scorer, the hit model and its threshold, the margins by key (``CharParams.margin``), ``cut``."""
    model = scoring.model()
    threshold = params.min_score if params.min_score is not None else (model or {}).get("threshold", 0.5)
    margins = {"word": params.margin_word, "known": params.margin_known, "shape": params.margin_shape,
               "real": params.margin_real}
    return lm.scorer(), model, threshold, margins, _cut()


def _judge_clause(text: str, tok_words: list[str], proposals: dict, words: dict, params: CharParams,
                  env: tuple | None = None) -> list[CharHit]:
    """The language-model half of :func:`check_clause`: ``words`` (whole-span proposals, (start, alt) →
    (frequency, split)) and ``proposals`` (single characters, (offset, candidate) → (word, word start,
    relation, frequency, known, real)) of the clause ``text`` whose tokens are ``tok_words``,
    re-segmented and scored, judged by the hit model; the kept hits in offset order.  ``env``:
    :func:`_judge_env` of ``params`` when the caller has it."""
    lm_score, model, threshold, margins, cut = env or _judge_env(params)
    base_score = lm_score(tok_words)
    best: dict[int, CharHit] = {}
    floor_sound = params.margin_sound

    def judge(pos: int, orig: str, cand: str, word: str, word_start: int, relation: str, gain: float,
              word_freq: int, known: bool = False, real: bool = False) -> None:
        """Keep the hit when its gain passes the floor and the model (if any) is sure enough."""
        key = _margin_key(relation, known, real)
        if gain < margins.get(key, floor_sound):
            return
        if model is None:
            hit = CharHit(pos, orig, cand, word, word_start, relation, gain, word_freq, known, real)
            strength = gain
        else:
            feats = scoring.features(text, pos, orig, cand, word, key, relation, gain, word_freq)
            strength = scoring.probability(feats, model)
            if strength < threshold:
                return
            hit = CharHit(pos, orig, cand, word, word_start, relation, gain, word_freq, known, real, strength, feats)
        old = best.get(pos)
        if old is None or strength > old.strength:
            best[pos] = hit

    for (a, alt), (f, split) in words.items():
        gain = lm_score(cut(text[:a] + alt + text[a + len(alt):], False)) - base_score  # (text, hmm)
        if gain < params.margin_word:
            continue
        diff = [j for j in range(len(alt)) if alt[j] != text[a + j]]
        judge(a + diff[0], text[a + diff[0]:a + diff[-1] + 1], alt[diff[0]:diff[-1] + 1], alt, a,
              "word-sound-split" if split else "word-sound", gain, f)
    # The floor a proposal's gain must pass (CharHit.margin_key without building the hit: most
    # proposals stay below it and are dropped straight away).
    floor_real, floor_known, floor_shape = params.margin_real, params.margin_known, params.margin_shape
    for (i, c), (word, a, rel, f, known, real) in proposals.items():
        new_words = cut(text[:i] + c + text[i + 1:], False)  # (text, hmm): positional is faster
        # the words partition the clause: the one holding i must have two or more characters
        end = 0
        for w in new_words:
            end += len(w)
            if end > i:
                break
        if len(w) < 2:
            continue
        gain = lm_score(new_words) - base_score
        if gain < (floor_real if real else floor_known if known else
                   floor_shape if rel in ("shape", "component") else floor_sound):
            continue
        judge(i, text[i], c, word, a, rel, gain, f, known, real)
    if not best:
        return []
    # Two hits a character or two apart compete for one error: keep the stronger.
    kept: list[CharHit] = []
    for hit in sorted(best.values(), key=lambda h: -h.strength):
        if all(abs(hit.pos - k.pos) > 1 for k in kept):
            kept.append(hit)
    return sorted(kept, key=lambda h: h.pos)


@functools.lru_cache(maxsize=8)
def _span_alts_of(min_word_freq: int, ratio: float):
    """:func:`_span_alts` with these parameters as a cached one-argument function of a token (() for a
    token not of 2–4 characters): mapped over a document's tokens in one C-level pass."""

    @functools.lru_cache(maxsize=65536)
    def alts(word: str) -> tuple[tuple[str, int], ...]:
        if not 2 <= len(word) <= 4:
            return ()
        return _span_alts(word, min_word_freq, ratio)

    return alts


class ClauseCache:
    """What :func:`check_document` judged in a clause with candidates (the language-model half, most of
    the cost), for the next time the same clause comes (a site repeats its boilerplate: navigation,
    footers, standard sentences), bounded, least recently used dropped first.

    Keyed by the detector's parameters (as a small number), the clause's text and which of its
    characters are protected; an entry also holds the clause's tokens and is used only when they are
    the same again (the same text gives the same tokens in practice, but it is checked), and the cache
    is emptied when the hit model changes, so a hit gives exactly what computing again would.  One cache
    serves every detector of a process (:func:`shared_clause_cache`: a server keeps a checker per site).
    Entries are tuples of strings (and of the rare hits), which the cyclic garbage collector stops
    tracking: a full cache costs collections nothing.  Shared between threads without a lock: each
    operation on the ordered dict is atomic, and an entry another thread dropped meanwhile is simply
    missing."""

    def __init__(self, maxsize: int = 4096):
        self.maxsize = maxsize
        self.model = None  # the hit model the entries were judged with
        self.hits = 0  # statistics (not exact under threads)
        self.misses = 0
        self.data: OrderedDict = OrderedDict()
        self._params: dict[CharParams, int] = {}

    def params_key(self, params: CharParams) -> int:
        """A small number standing for ``params`` in the keys (hashed once per document, not per clause)."""
        key = self._params.get(params)
        if key is None:
            key = self._params.setdefault(params, len(self._params))
        return key

    def clear(self) -> None:
        self.data.clear()

    def __len__(self) -> int:
        return len(self.data)

    def __bool__(self) -> bool:  # an empty cache is still a cache
        return True


_SHARED_CACHES: dict[int, ClauseCache] = {}


def shared_clause_cache(maxsize: int) -> ClauseCache:
    """The process's clause cache of that size (detectors with other parameters share it: their entries
    are keyed apart)."""
    cache = _SHARED_CACHES.get(maxsize)
    if cache is None:
        cache = _SHARED_CACHES.setdefault(maxsize, ClauseCache(maxsize))
    return cache


def check_document(text: str, words: list[str], starts: list[int], clause_spans: Iterable[tuple[int, int]],
                   protected: set[int] | frozenset[int] = frozenset(), params: CharParams = CharParams(),
                   cache: ClauseCache | None = None) -> Iterator[tuple[int, list[CharHit]]]:
    """(clause start, hits) for each clause ``(s, e)`` of ``clause_spans`` (in order) with hits: the
    same hits as ``check_clause(text[s:e], protected, params, base=s, toks=<the clause's tokens>)``.

    ``words`` / ``starts``: the document's tokens, in order and covering ``text`` (as
    :func:`scanner.nlp.segment.cut_columns` gives them).  A clause whose edges fall inside a token is
    segmented on its own, as :func:`check_clause` does without tokens.

    Instead of one pass over each clause's tokens, the tokens worth a look are found once for the
    whole document (single Han characters; tokens and single-character pairs of 2–4 Han characters
    with a much more frequent homophone word, mapped through a cached function), and only the clauses
    holding one are visited further; what is proposed there, in which order, and how it is judged is
    :func:`check_clause`'s.  With a ``cache``, a clause with something to judge that was judged before
    (same text, protected characters, tokens and hit model) is answered from it."""
    n = len(text)
    bounds = set(starts)
    bounds.add(n)
    bisect_left = bisect.bisect_left
    spans = clause_spans if isinstance(clause_spans, list) else list(clause_spans)
    clause_starts = [s for s, _ in spans]
    find, marks = _document_finder(text, words, starts, clause_starts, [e for _, e in spans], protected, params,
                                   cache)
    # the clauses holding a position worth a look (numbered from 1): the others have nothing to find
    worth = set(map(bisect.bisect_right, itertools.repeat(clause_starts), marks))
    for number, (s, e) in enumerate(spans, 1):
        if e - s < 2:
            continue
        if s not in bounds or e not in bounds or params.real_words:
            if s not in bounds or e not in bounds:
                toks = None  # a token crosses the clause's edge: the clause is segmented on its own
            else:
                t0 = bisect_left(starts, s)
                t1 = bisect_left(starts, e, t0)
                toks = [(w, a - s, a - s + len(w)) for w, a in zip(words[t0:t1], starts[t0:t1])]
            hits = check_clause(text[s:e], protected, params, base=s, toks=toks)
            if hits:
                yield s, hits
            continue
        if number not in worth:
            continue
        hits = find(s, e)
        if hits:
            yield s, hits


_NO_HITS: list[CharHit] = []


def _document_finder(text: str, words: list[str], starts: list[int], clause_starts: list[int],
                     clause_ends: list[int], protected, params: CharParams, cache: ClauseCache | None = None):
    """``(find, marks)``: ``find(s, e)`` gives the hits of the clause ``text[s:e]`` (its edges token
    edges), after one look at the whole document for what is worth proposing (see
    :func:`check_document`); with a ``cache``, a clause with something to judge is looked up there
    first.  ``marks``: the positions worth a look (a clause holding none has no hits)."""
    nt = len(words)
    mwf, mof, ratio = params.min_word_freq, params.max_orig_freq, params.word_ratio
    # single Han-character tokens, in order (before the frequency filter: pairs are found among all)
    singles = [p for w, p in zip(words, starts) if len(w) == 1 and "\u4e00" <= w <= "\u9fff"]
    alts_of = _span_alts_of(mwf, ratio)
    # tokens of 2–4 Han characters with homophone words: (start, end, alternatives)
    span_list = [(starts[k], starts[k] + len(words[k]), alts_of(words[k]))
                 for k in itertools.compress(range(nt), map(alts_of, words))]
    span_starts = [a for a, _, _ in span_list]
    # two single Han-character tokens in a row with homophone words: (start, alternatives)
    pair_list = [(p, a) for p, a in ((p, alts_of(text[p:p + 2])) for p, q in itertools.pairwise(singles) if q == p + 1)
                 if a]
    pair_starts = [p for p, _ in pair_list]
    if params.max_single_freq < 10**9:
        freq = lexicon().freq
        singles = [p for p in singles if freq.get(text[p], 0) < params.max_single_freq]
    # Each single character's proposals, all looked up in one C-level pass, with up to three characters
    # of context either side within its clause (as check_clause looks them up; offsets relative to
    # ``los``).  Every Han character lies in a clause (clauses end at punctuation).
    number = list(map(bisect.bisect_right, itertools.repeat(clause_starts), singles))
    los = list(map(max, map(clause_starts.__getitem__, map(operator.sub, number, itertools.repeat(1))),
                   map(operator.sub, singles, itertools.repeat(3))))
    his = map(min, map(clause_ends.__getitem__, map(operator.sub, number, itertools.repeat(1))),
              map(operator.add, singles, itertools.repeat(4)))
    found_at = list(map(_single_proposals, map(text.__getitem__, map(slice, los, his)),
                        map(operator.sub, singles, los), itertools.repeat(mwf), itertools.repeat(mof)))
    bisect_left = bisect.bisect_left
    env = _judge_env(params)
    isdisjoint = (protected if isinstance(protected, (set, frozenset)) else frozenset(protected)).isdisjoint

    pmask = b""
    if cache is not None:
        data, maxsize, pkey = cache.data, cache.maxsize, cache.params_key(params)
        model = scoring.model()
        if cache.model is not model:  # judged with another hit model: start afresh
            cache.clear()
            cache.model = model
        mask = bytearray(len(text))
        for k in protected:
            if 0 <= k < len(text):
                mask[k] = 1
        pmask = bytes(mask)

    def find(s: int, e: int) -> list[CharHit]:
        j0 = bisect_left(singles, s)
        j1 = bisect_left(singles, e, j0)
        w0 = bisect_left(span_starts, s)
        w1 = bisect_left(span_starts, e, w0)
        q0 = bisect_left(pair_starts, s)
        q1 = bisect_left(pair_starts, e, q0)
        if j0 == j1 and w0 == w1 and q0 == q1:
            return _NO_HITS
        # whole spans first (tokens, then pairs), as _word_proposals orders them
        word_props: dict[tuple[int, str], tuple[int, bool]] = {}
        for a, b, alts in span_list[w0:w1]:
            if not isdisjoint(range(a, b)):
                continue
            for alt, f in alts:
                word_props[(a - s, alt)] = (f, False)
        for a, alts in pair_list[q0:q1]:
            if a in protected or a + 1 in protected:
                continue
            for alt, f in alts:
                word_props[(a - s, alt)] = (f, True)
        proposals: dict[tuple[int, str], tuple[str, int, str, int, bool, bool]] = {}
        for j in range(j0, j1):
            found = found_at[j]
            if not found:
                continue
            p = singles[j]
            if p in protected:
                continue
            _merge_single(proposals, p - s, los[j] - s, found)
        if not proposals and not word_props:
            return _NO_HITS
        t0 = bisect_left(starts, s)
        toks = words[t0:bisect_left(starts, e, t0)]
        if cache is None:
            return _judge_clause(text[s:e], toks, proposals, word_props, params, env) or _NO_HITS
        # what is proposed follows from the clause's text, protected characters and tokens: the key
        key = (pkey, text[s:e], pmask[s:e])
        toks_t = tuple(toks)
        entry = data.get(key)
        if entry is not None and entry[0] == toks_t:
            cache.hits += 1  # statistics (not exact under threads)
            try:
                data.move_to_end(key)
            except KeyError:  # dropped by another thread meanwhile
                pass
            return list(entry[1])
        cache.misses += 1
        hits = _judge_clause(key[1], toks, proposals, word_props, params, env) or _NO_HITS
        data[key] = (toks_t, tuple(hits))
        if len(data) > maxsize:
            try:
                data.popitem(last=False)
            except KeyError:  # emptied by another thread meanwhile
                pass
        return hits

    return find, sorted({*singles, *span_starts, *pair_starts})
