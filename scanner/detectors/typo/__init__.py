"""The typo detector (错别字): four layers, each a family of rules with its own ids.

1. ``typo.confusable.*`` — government-writing confusables with context (dictionaries/typo/confusables.yaml)
2. ``typo.char.sound`` / ``typo.char.shape`` / ``typo.word.sound`` — wrong characters, candidates from
   pinyin, glyph and component confusion sets, scored with a word 3-gram language model and judged by
   a small logistic hit model (:mod:`.chars`, :mod:`.score`)
3. ``typo.format.docnum``, ``typo.punct.*``, ``typo.dup.word``, ``typo.date.*`` — formal checks (:mod:`.formal`)
4. protection: 《》 titles, quotations, names, the site's own names are never "corrected" by layer 2
   (:mod:`.protect`)
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import ClassVar

from scanner.detectors.base import Detector
from scanner.detectors.typo import confusables, formal, score
from scanner.detectors.typo.chars import CharParams, check_clause, check_document, shared_clause_cache
from scanner.detectors.typo.common import finding
from scanner.detectors.typo.protect import protected_offsets
from scanner.findings import Finding, Severity
from scanner.nlp import confusion, lm
from scanner.nlp.lexicon import jieba_dict_path, lexicon
from scanner.nlp.segment import columns
from scanner.nlp.sentences import clauses

__all__ = ["CharParams", "TypoDetector", "check_clause"]

LAYERS = ("confusable", "char", "format", "punct", "dup", "date")
REPEATED_USAGE = 3  # a "wrong" span the document writes this many times is its own usage (运维 ×5)
MAX_REPEAT_SCAN = 1_000_000
CLAUSE_CACHE = 4096  # clauses whose character-layer result the process remembers (see chars.ClauseCache)


class TypoDetector(Detector):
    name = "typo"
    version = "1"
    default_config: ClassVar[dict] = {
        "layers": list(LAYERS),
        # The character layer: least LM log10 gains (floors) before the hit model (dictionaries/typo/
        # char_model.json) decides; see docs/benchmarks.md.
        "margin_sound": CharParams().margin_sound,
        "margin_shape": CharParams().margin_shape,
        "margin_word": CharParams().margin_word,
        "margin_known": CharParams().margin_known,
        "margin_real": CharParams().margin_real,
        "real_words": CharParams().real_words,
        "max_single_freq": CharParams().max_single_freq,
        "min_score": None,  # the hit model's probability threshold (None: the one shipped with the model)
        "min_word_freq": CharParams().min_word_freq,
        "own_names": [],
        "allow": [],
    }

    def __init__(self, config=None):
        super().__init__(config)
        self.rules = confusables.load()
        self._loaded = self._stamp()
        self.params = CharParams(margin_sound=float(self.config["margin_sound"]),
                                 margin_shape=float(self.config["margin_shape"]),
                                 margin_word=float(self.config["margin_word"]),
                                 margin_known=float(self.config["margin_known"]),
                                 margin_real=float(self.config["margin_real"]),
                                 real_words=bool(self.config["real_words"]),
                                 max_single_freq=int(self.config["max_single_freq"]),
                                 min_score=(None if self.config.get("min_score") is None
                                            else float(self.config["min_score"])),
                                 min_word_freq=int(self.config["min_word_freq"]))
        self.layers = set(self.config.get("layers") or LAYERS)
        self.allow = set(self.config.get("allow") or [])
        # "clause_cache": how many clauses' character-layer results the process keeps for the next time
        # the same clause comes (a site's boilerplate; one cache for every detector of that size); 0:
        # none; unset: $CUOMIN_TYPO_CLAUSE_CACHE, else CLAUSE_CACHE.  Taken out of the configuration: it
        # changes no finding, so not the ruleset.
        size = self.config.pop("clause_cache", None)
        if size is None:
            size = os.environ.get("CUOMIN_TYPO_CLAUSE_CACHE") or CLAUSE_CACHE
        self.clause_cache = shared_clause_cache(int(size)) if int(size) > 0 else None

    def ruleset_parts(self) -> Iterable[tuple[str, bytes]]:
        # dictionaries/typo/* enter the ruleset through the dictionary hash; the model and
        # jieba's dictionary live outside the repository, so name them here.
        yield from super().ruleset_parts()
        yield "typo:lm", lm.describe().encode()
        yield "typo:jieba-dict", str(jieba_dict_path().stat().st_size).encode()

    def reload(self) -> bool:
        """Re-read dictionaries/typo/confusables.yaml (and the protection lists) when they changed."""
        from scanner.detectors.typo import chars, protect, score

        stamp = self._stamp()
        if stamp == self._loaded:
            return False
        self.rules = confusables.load()
        if self.clause_cache is not None:
            self.clause_cache.clear()
        protect.gov_terms.cache_clear()
        confusion._shape_table.cache_clear()
        confusion.candidates.cache_clear()
        chars._component_table.cache_clear()
        chars.candidates.cache_clear()
        chars._window_matches.cache_clear()
        chars._single_proposals.cache_clear()
        chars._homophone_alts.cache_clear()
        chars._span_alts.cache_clear()
        chars._span_alts_of.cache_clear()
        chars._real_word_alts.cache_clear()
        score.model.cache_clear()
        self._loaded = stamp
        return True

    @staticmethod
    def _stamp() -> tuple:
        from scanner.detectors.typo import chars, protect, score

        paths = [confusables.PATH, protect.GOV_TERMS, chars.COMPONENTS, score.MODEL, *confusion.data_files()]
        return tuple((str(p), p.stat().st_mtime_ns if p.exists() else 0) for p in paths)

    def detect(self, analysis) -> Iterator[Finding]:
        for f in self._detect(analysis):
            if f.keyword in self.allow:
                continue
            yield f

    def _detect(self, analysis) -> Iterator[Finding]:
        text = analysis.norm.text
        layers = self.layers
        if "confusable" in layers:
            for rule, s, e, suggestion, source in confusables.scan(text, self.rules):
                yield finding(analysis, rule.id, s, e, suggestion=suggestion, severity=rule.severity,
                              sentence=rule.why, entry=f"{text[s:e]} → {suggestion}（{source}）", confidence=0.95)
        if "char" in layers:
            yield from self._chars(analysis, text)
        original = analysis.text
        if "format" in layers:
            for hit in formal.docnum(original):
                yield self._formal(analysis, hit)
        if "punct" in layers:
            for hit in formal.punctuation(original):
                yield self._formal(analysis, hit)
        if "date" in layers:
            for hit in formal.dates(original):
                yield self._formal(analysis, hit)
        if "dup" in layers:
            for hit in formal.duplicate_words(text, *columns(analysis), lexicon().freq):
                yield finding(analysis, hit.rule, hit.start, hit.end, suggestion=hit.suggestion,
                              sentence=hit.sentence, severity=hit.severity, details=hit.details, confidence=0.8)

    @staticmethod
    def _formal(analysis, hit: formal.Hit) -> Finding:
        return finding(analysis, hit.rule, hit.start, hit.end, suggestion=hit.suggestion, sentence=hit.sentence,
                       severity=hit.severity, validator=hit.validator, details=hit.details, normalized=False,
                       confidence=0.95)

    def _scores(self, hit, margin: float) -> dict[str, float]:
        out = {"lm_gain_log10": round(hit.gain, 3), "word_freq": float(hit.word_freq), "margin": margin}
        if hit.score is not None:
            model = score.model() or {}
            out["model_probability"] = round(hit.score, 4)
            out["threshold"] = self.params.min_score if self.params.min_score is not None else model.get("threshold", 0.5)
        return out

    def _chars(self, analysis, text: str) -> Iterator[Finding]:
        own = list(self.config.get("own_names") or [])
        protected = protected_offsets(text, own)
        tok_words, starts, _ = columns(analysis)
        lm_described = lm.describe()  # (a file test: once per document, not per finding)
        for s, hits in check_document(text, tok_words, starts, clauses(analysis), protected, self.params,
                                          self.clause_cache):
            for hit in hits:
                pos = s + hit.pos
                shape = hit.relation in ("shape", "component")
                word = hit.relation.startswith("word-sound")
                rule = "typo.word.sound" if word else "typo.char.shape" if shape else "typo.char.sound"
                margin = self.params.margin(hit.margin_key)
                word_start = s + hit.word_start
                context = text[word_start:word_start + len(hit.word)]
                if text.count(context, 0, MAX_REPEAT_SCAN) >= REPEATED_USAGE:
                    continue  # the document uses this spelling again and again: the writer's term, not a slip
                if word:
                    why = (f"疑似同音词误用：“{context}”与常用词“{hit.word}”读音相同，"
                           f"改为“{hit.word}”后语言模型得分明显提高。")
                else:
                    why = (("疑似形近字错误" if shape else "疑似音近字错误") +
                           f"：“{context}”不成词，改“{hit.orig}”为“{hit.cand}”得常用词“{hit.word}”，语言模型得分明显提高。")
                yield finding(
                    analysis, rule, pos, pos + len(hit.orig), suggestion=hit.cand, severity=Severity.LOW,
                    sentence=why,
                    entry=f"{hit.orig} → {hit.cand}（{'形近' if shape else '音近'}，{hit.relation}）",
                    context=[hit.word],
                    scores=self._scores(hit, margin),
                    confidence=hit.score if hit.score is not None else min(0.99, 0.6 + hit.gain / 20),
                    details={"lm": lm_described, "pinyin": sorted({s for ch in hit.orig for s in confusion.syllables(ch)}),
                             "margin_key": hit.margin_key, "window_in_lm_vocab": hit.known,
                             "features": dict(zip(score.FEATURES, (round(x, 4) for x in hit.features)))},
                )
