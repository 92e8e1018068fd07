"""Speed of the sensitive detector: banned-content matching with all evasion folding on,
over government prose, with a dictionary of ≥ 20,000 terms; load from cache; engines compared.

Prose: ../shared/seeds and the ecspell-odw target sentences (read in place), repeated
to ~2 M characters.  Dictionary: the real entries plus synthetic terms (two random
words of jieba's dictionary joined, 4–8 characters — realistic first characters, so the
automaton's root fans out as much as a real Chinese list does) up to 20,000+ terms.
Each figure is the best of 3 single-threaded runs in CPU time (= per core).

    .venv/bin/python bench/sensitive_speed.py
"""

from __future__ import annotations

import os
import pickle
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_CHARS = 2_000_000
N_TERMS = 20_000


def prose() -> str:
    from sensitive_precision import corpus

    text = "\n".join(t for _, t in corpus())
    return (text * (TARGET_CHARS // len(text) + 1))[:TARGET_CHARS]


def synthetic_entries(n: int):
    import jieba

    from scanner.detectors.sensitive.fold import fold_key
    from scanner.detectors.sensitive.ruleset import Entry
    from scanner.findings import Severity

    words = [l.split()[0] for l in (Path(jieba.__file__).parent / "dict.txt").read_text(encoding="utf-8").splitlines()]
    words = [w for w in words if 2 <= len(w) <= 4]
    rnd = random.Random(4)
    out, seen = [], set()
    while len(out) < n:
        term = rnd.choice(words) + rnd.choice(words)
        if term in seen or len(fold_key(term)) < 4:
            continue
        seen.add(term)
        out.append(Entry(term=term, category="gambling", severity=Severity.VETO, suggestion="删除", note=None,
                         source="synthetic", version="bench", provenance="synthetic", conditions={},
                         parts=((fold_key(term),),)))
    return out


def best(fn, repeat=3):
    """Best of ``repeat`` runs in CPU seconds of this process (the machine is shared: wall time would
    count other people's work; CPU time is what one core spends on ours)."""
    times = []
    for _ in range(repeat):
        t = time.process_time()
        result = fn()
        times.append(time.process_time() - t)
    return min(times), result


def main() -> int:
    from scanner.detectors.sensitive import SensitiveDetector
    from scanner.detectors.sensitive.fold import fold_text, fold_text_re
    from scanner.detectors.sensitive.ruleset import assemble, load_rules
    from scanner.document import Document
    from scanner.normalize import normalize
    from scanner.pipeline import Analysis
    from scanner.site import SiteConfig

    text = prose()
    n = len(text)
    real = load_rules()
    entries = real.entries + synthetic_entries(N_TERMS)
    print(f"prose: {n:,} characters of government text; dictionary: {len(entries):,} terms "
          f"({len(real.entries)} real + {N_TERMS:,} synthetic)")
    t_norm, norm = best(lambda: normalize(text))
    t_fold, folded = best(lambda: fold_text(norm.text))
    t_fold_re, _ = best(lambda: fold_text_re(norm.text))
    rows = []
    keysets = {}
    for backend in ("rs", "pyahocorasick"):
        t_build, rules = best(lambda b=backend: assemble(entries, real.allow_phrases, real.nearmiss.items,
                                                          real.shape_groups, b), repeat=1)
        keysets[backend] = rules
        t_match, hits = best(lambda r=rules: list(r.automaton.find(folded)))
        blob = pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL)
        with tempfile.NamedTemporaryFile(delete=False) as fh:
            fh.write(blob)
        t_load, _ = best(lambda: pickle.loads(Path(fh.name).read_bytes()))
        os.unlink(fh.name)
        rows.append((backend, len(rules.keys), t_build, t_match, len(hits), t_load, len(blob)))
    print()
    print(f"core normalise (foundation, not part of this detector): {n / t_norm / 1e6:.2f} M chars/s")
    print(f"evasion folding, numpy lookup tables and masks (used): {n / t_fold / 1e6:.1f} M chars/s; "
          f"the same with str.translate + regex: {n / t_fold_re / 1e6:.1f} M chars/s")
    print()
    print("| engine | keys | build | match only | folding + match | hits | load from cache | cache size |")
    print("|---|---|---|---|---|---|---|---|")
    for backend, keys, tb, tm, hits, tl, size in rows:
        print(f"| {backend} | {keys:,} | {tb:.2f} s | {n / tm / 1e6:.1f} M chars/s | "
              f"**{n / (tm + t_fold) / 1e6:.1f} M chars/s** | {hits:,} | {tl * 1000:.0f} ms | {size / 1e6:.1f} MB |")
    # The whole detector (folding, matching, conditions, near-miss, explanations) on one document
    det = SensitiveDetector()
    det.rules = keysets["rs"]
    doc = Document.from_text(text)

    def whole():
        a = Analysis(doc, SiteConfig())
        a.__dict__["norm"] = norm  # the pipeline normalises once for all detectors
        return list(det.detect(a))

    t_whole, found = best(whole)
    print()
    print(f"whole detector (20k-term rules, near-miss protection, conditions, explanations; normalised text "
          f"given): {n / t_whole / 1e6:.2f} M chars/s, {len(found)} findings")
    t_real = best(lambda: load_rules())[0]
    print(f"load of the shipped rules from the cache (CUOMIN_CACHE_DIR): {t_real * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
