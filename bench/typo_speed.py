"""Typo detector speed on government prose (../shared/seeds), and the pre-publish check latency.

1. Throughput of the whole typo detector (all layers) in one process on one core, over the seed
   documents (real government prose), after a warm-up; characters per second.
2. The pre-publish check: one 5,000-character article (cut from the seeds) through a ``Checker``
   with every registered text detector, in-process, N runs: p50/p95/p99 latency.  The detectors
   registered at the time of measuring are printed.

    .venv/bin/python bench/typo_speed.py [--runs 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scanner.detectors.typo import TypoDetector
from scanner.document import Document
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig

SEEDS = Path(os.environ.get("CUOMIN_SEEDS", ROOT.parent / "shared" / "seeds"))
TEXT_DETECTORS = ("typo", "sensitive", "privacy")


def prose() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]


def throughput(docs: list[str], rounds: int = 3) -> tuple[float, int, int]:
    det = TypoDetector()
    site = SiteConfig()
    for d in docs:  # warm-up: dictionaries, caches, the model
        list(det.detect(Analysis(Document.from_text(d), site)))
    chars = sum(len(d) for d in docs) * rounds
    t0 = time.process_time()
    found = 0
    for _ in range(rounds):
        for d in docs:
            found += len(list(det.detect(Analysis(Document.from_text(d), site))))
    return chars / (time.process_time() - t0), chars, found // rounds


def cold_throughput(docs: list[str]) -> float:
    """One pass with the per-word caches emptied (dictionaries and the model stay loaded)."""
    from scanner.detectors.typo import chars
    from scanner.nlp import confusion, lm

    det = TypoDetector()
    site = SiteConfig()
    list(det.detect(Analysis(Document.from_text("预热。"), site)))
    for fn in (chars._window_matches, chars._homophone_alts, lm.in_vocab, confusion.candidates,
               confusion.same_sound, confusion.near_sound, confusion.sound_key):
        fn.cache_clear()
    t0 = time.process_time()
    for d in docs:
        list(det.detect(Analysis(Document.from_text(d), site)))
    return sum(len(d) for d in docs) / (time.process_time() - t0)


def article(docs: list[str], size: int = 5000) -> str:
    text = "\n".join(docs)
    start = text.find("。") + 1
    return text[start:start + size]


def latency(text: str, runs: int, only: str | None = None) -> tuple[list[str], dict[str, float]]:
    from scanner.detectors import registry

    names = [only] if only else [n for n in registry.names() if n in TEXT_DETECTORS]
    checker = Checker(detectors=names)
    for _ in range(5):
        checker.check_text(text)
    times, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.thread_time()
        checker.check_text(text)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    times.sort()
    cpu.sort()
    q = lambda xs, p: xs[min(len(xs) - 1, round(p * (len(xs) - 1)))]
    return names, {"wall p50": q(times, 0.50), "wall p99": q(times, 0.99),
                   "cpu p50": q(cpu, 0.50), "cpu p99": q(cpu, 0.99), "wall mean": statistics.fmean(times)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    docs = prose()
    if not docs:
        sys.exit(f"no seed documents under {SEEDS}")
    cold = cold_throughput(docs)
    print(f"typo detector, all layers, cold per-word caches (first pass): {cold:,.0f} chars/s per core")
    cps, chars, found = throughput(docs)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"typo detector, all layers, warm (steady state): {cps:,.0f} chars/s per core (CPU time) over {chars:,} chars "
          f"of the seed documents; {found} findings per pass")
    text = article(docs)
    for only in ("typo", None):
        names, lat = latency(text, args.runs, only)
        print(f"pre-publish check, {len(text)} chars, detectors {names}: " +
              "  ".join(f"{k} {v:.1f} ms" for k, v in lat.items()) + f"  (runs={args.runs})")


if __name__ == "__main__":
    main()
