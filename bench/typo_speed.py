"""Typo detector speed on government prose (../shared/seeds), and the pre-publish check latency.

1. Throughput of the whole typo detector (all layers) in one process on one core, over the seed
   documents (real government prose), after a warm-up; characters per second.
2. The pre-publish check: 5,000-character articles through a ``Checker`` with every registered
   text detector, in-process, N runs: p50/p99 latency.  The runs rotate over the distinct,
   non-overlapping 5,000-character articles cut (at sentence ends) from the seeds and, when the
   data is there, from ECSpell's corrected official-document sentences, so a run does
   not simply re-check the article the previous run checked; the first pass over the articles (no
   article seen before in the process) is reported on its own as well.  The detectors registered
   at the time of measuring are printed.
3. The typo detector's CPU per article as the mean over whole rotations of the articles (first
   rotation, then best and median of ``--rotations``): steadier than single-run percentiles when
   other jobs share the cores.

    .venv/bin/python bench/typo_speed.py [--runs 200] [--rotations 8]
"""

from __future__ import annotations

import argparse
import bisect
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanner.detectors.typo import TypoDetector
from scanner.document import Document
from scanner.heap import settle_heap
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig

SEEDS = Path(os.environ.get("CUOMIN_SEEDS", ROOT.parent / "shared" / "seeds"))
ECSPELL = Path(os.environ.get("CUOMIN_ECSPELL", ROOT.parent / "shared" / "dev-data" / "ecspell-odw" / "odw.train.tsv"))
TEXT_DETECTORS = ("typo", "sensitive", "privacy")
# A warm-up text written for this bench (not from the seeds): loads every detector's tables.
WARM_UP = ("关于进一步加强政府网站信息内容建设的通知\n各乡镇人民政府、县直各单位：为深入贯彻落实国务院办公厅"
           "有关要求，切实提升政府网站的权威性和服务能力，现就有关事项通知如下。一、严格落实内容保障责任。"
           "各单位要明确分管领导和专职人员，建立信息采集、审核、发布制度，联系电话：0851-12345678，"
           "监督电话12345。二、加强安全防护，及时更新系统补丁，做好日常监测和应急处置。2024年5月20日（星期一）\n"
           "三、繁體頁面：進一步規範網站欄目設置與內容維護。\n")


def prose() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def throughput(docs: list[str], rounds: int = 5) -> tuple[float, float, int, int]:
    """(best, median) chars/s per core over ``rounds`` passes of CPU time, chars per pass, findings per pass."""
    det = TypoDetector()
    site = SiteConfig()
    for d in docs:  # warm-up: dictionaries, caches, the model
        list(det.detect(Analysis(Document.from_text(d), site)))
    chars = sum(len(d) for d in docs)
    rates = []
    found = 0
    for _ in range(rounds):
        t0 = time.process_time()
        found = 0
        for d in docs:
            found += len(list(det.detect(Analysis(Document.from_text(d), site))))
        rates.append(chars / (time.process_time() - t0))
    return max(rates), statistics.median(rates), chars, found


def cold_throughput(docs: list[str]) -> float:
    """One pass with the per-word caches emptied (dictionaries and the model stay loaded)."""
    from scanner.detectors.typo import chars
    from scanner.nlp import confusion, lm

    det = TypoDetector()
    site = SiteConfig()
    list(det.detect(Analysis(Document.from_text("预热。"), site)))
    for fn in (chars._window_matches, chars._single_proposals, chars._homophone_alts, chars._span_alts,
               chars.candidates, lm.in_vocab,
               confusion.candidates, confusion.same_sound, confusion.near_sound, confusion.sound_key):
        fn.cache_clear()
    t0 = time.process_time()
    for d in docs:
        list(det.detect(Analysis(Document.from_text(d), site)))
    return sum(len(d) for d in docs) / (time.process_time() - t0)


def more_prose() -> str:
    """ECSpell's official-document sentences (the corrected side), when the data is there: more
    distinct government prose to cut articles from (read in place, never copied)."""
    if not ECSPELL.exists():
        return ""
    out = []
    for line in ECSPELL.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 3:
            out.append(parts[2])
    return "\n".join(dict.fromkeys(out))  # each sentence once


def articles(docs: list[str], size: int = 5000) -> list[str]:
    """Distinct, non-overlapping articles of ``size`` characters (starting after a sentence end)."""
    text = "\n".join([*docs, more_prose()])
    ends = [m.end() for m in re.finditer(r"[。！？；\n]", text)]
    out = []
    start = ends[0] if ends else 0
    while start + size <= len(text):
        out.append(text[start:start + size])
        k = bisect.bisect_left(ends, start + size)
        if k >= len(ends):
            break
        start = ends[k]
    return out


def _q(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p * (len(xs) - 1)))]


def latency(texts: list[str], runs: int, only: str | None = None) -> tuple[list[str], dict[str, float]]:
    from scanner.detectors import registry

    names = [only] if only else [n for n in registry.names() if n in TEXT_DETECTORS]
    checker = Checker(detectors=names)
    checker.warm_up()  # as a server does before serving: every lazy load; the text is none of the articles
    settle_heap()  # ... and as the API's checker processes do after warm-up
    times, cpu = [], []
    for k in range(runs):
        text = texts[k % len(texts)]
        t0, c0 = time.perf_counter(), time.thread_time()
        checker.check_text(text)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    first = cpu[:len(texts)]
    return names, {"wall p50": _q(times, 0.50), "wall p99": _q(times, 0.99),
                   "cpu p50": _q(cpu, 0.50), "cpu p99": _q(cpu, 0.99),
                   "cpu p99 first pass": _q(first, 0.99), "wall mean": statistics.fmean(times)}


def rotations(texts: list[str], rounds: int, only: str = "typo") -> tuple[float, float, float]:
    """(first pass, best, median) mean CPU ms per article of whole rotations over the articles with
    one detector: a rotation's mean is steadier on a shared machine than single-run percentiles."""
    checker = Checker(detectors=[only])
    checker.check_text(WARM_UP)
    means = []
    for _ in range(rounds + 1):
        t0 = time.process_time()
        for text in texts:
            checker.check_text(text)
        means.append((time.process_time() - t0) * 1000 / len(texts))
    return means[0], min(means[1:]), statistics.median(means[1:])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--rotations", type=int, default=8, help="whole rotations for the per-article figure")
    args = ap.parse_args()
    docs = prose()
    if not docs:
        sys.exit(f"no seed documents under {SEEDS}")
    cache = TypoDetector().clause_cache
    # The rotations and the pre-publish runs check the same 13 articles again and again: with the clause
    # cache every clause with candidates is judged once, and the figures after the first pass are those of
    # repeated text.  CUOMIN_TYPO_CLAUSE_CACHE=0 measures text never seen before.
    print(f"typo clause cache: {0 if cache is None else cache.maxsize} clauses (CUOMIN_TYPO_CLAUSE_CACHE=0: none)")
    cold = cold_throughput(docs)
    print(f"typo detector, all layers, cold per-word caches (first pass): {cold:,.0f} chars/s per core")
    best, median, chars, found = throughput(docs)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"typo detector, all layers, warm (steady state): best {best:,.0f}, median {median:,.0f} chars/s per core "
          f"(CPU time, 5 passes over the {chars:,} chars of the seed documents); {found} findings per pass")
    texts = articles(docs)
    print(f"pre-publish articles: {len(texts)} distinct, non-overlapping, {len(texts[0]):,} chars each; runs rotate")
    first, best_rot, median_rot = rotations(texts, args.rotations)
    print(f"typo detector per 5,000-char article (CPU, mean of a rotation over the {len(texts)} articles): "
          f"first rotation {first:.1f} ms, then best {best_rot:.1f} ms, median {median_rot:.1f} ms over "
          f"{args.rotations} rotations (load average {os.getloadavg()[0]:.1f})")
    for only in ("typo", None):
        names, lat = latency(texts, args.runs, only)
        print(f"pre-publish check, detectors {names}: " +
              "  ".join(f"{k} {v:.1f} ms" for k, v in lat.items()) +
              f"  (runs={args.runs}, load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
