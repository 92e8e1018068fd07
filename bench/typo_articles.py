"""The typo detector on ``bench/api_load.py``'s articles: CPU per article, and a digest of its findings.

``bench/api_load.py`` sends 5,000-character articles made of the seed documents' paragraphs, shuffled
per request; on these the typo detector is most of the server's CPU.  This bench measures it
in-process, the way a checker process of the API runs it:

1. a ``Checker`` with every registered detector, ``warm_up()`` and ``settle_heap()`` (as
   ``api/`` does), then ``--warm`` articles of the load bench's warm-up range (article numbers from
   10,000,000, as ``api_load.py`` warms the server up), then ``--articles`` different articles
   (numbers 0, 1, ...): per article the CPU time (``time.thread_time``) of the typo detector
   alone (the normalised text is built before the clock starts) and of all detectors; p50 / p90 /
   p99 / mean.  ``--rounds`` repeats the measured pass (best round's p50 reported too).
2. ``--digest FILE``: every typo finding (rule, span, keyword, suggestion, confidence, scores,
   explanation, details) over (a) the articles, (b) the seed documents, (c) ECSpell's sentences
   (source and corrected side; with the shipped model and with the neutral model
   ``bench/typo_ecspell.py`` collects with), one line per finding, and its SHA-256 — identical
   before and after an optimisation means the same findings.

    .venv/bin/python bench/typo_articles.py                          # timing
    .venv/bin/python bench/typo_articles.py --digest /tmp/typo.digest  # timing + digest
    .venv/bin/python bench/typo_articles.py --profile /tmp/typo.prof   # cProfile of the measured pass
    .venv/bin/python bench/typo_articles.py --clause-cache 0 --rounds 3   # without the clause cache
    git archive a49b630 | tar -x -C /tmp/old     # an older checkout, then, interleaved in one process:
    .venv/bin/python bench/typo_articles.py --no-timing --rounds 3 --compare /tmp/old

The typo detector keeps a clause's character-layer result for the next time the same clause comes
(``ClauseCache``; a site's boilerplate).  These articles are the seed paragraphs reshuffled, so after
the warm-up nearly every clause has been seen: run with ``--clause-cache 0`` as well for the cost
of text never seen before.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from api_load import Articles  # the load bench's articles, made the same way

from scanner.detectors.typo import TypoDetector
from scanner.detectors.typo import score as scoring
from scanner.document import Document
from scanner.heap import settle_heap
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig

SEEDS = Path(os.environ.get("CUOMIN_SEEDS", ROOT.parent / "shared" / "seeds"))
ECSPELL = Path(os.environ.get("CUOMIN_ECSPELL", ROOT.parent / "shared" / "dev-data" / "ecspell-odw" / "odw.train.tsv"))
WARM_FIRST = 10_000_000  # api_load.py's warm-up articles start here


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, -(-len(s) * p // 100) - 1))]


def timing(article: Articles, n: int, warm: int, rounds: int, profile: str | None,
           clause_cache: int | None = None) -> dict:
    checker = Checker()
    typo = next(d for d in checker.detectors if d.name == "typo")
    if clause_cache is not None:  # the typo detector with another clause cache size (0: none)
        k = checker.detectors.index(typo)
        typo = checker.detectors[k] = TypoDetector({**typo.config, "clause_cache": clause_cache})
    checker.warm_up()
    settle_heap()
    for i in range(warm):
        checker.check_text(article(WARM_FIRST + i))
    texts = [article(i) for i in range(n)]
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
    out: dict = {"detectors": [d.name for d in checker.detectors], "articles": n, "warm_articles": warm}
    p50s = []
    best_typo: list[float] = []
    for r in range(rounds):
        typo_ms, all_ms = [], []
        for text in texts:
            analysis = Analysis(Document.from_text(text), checker.site)
            analysis.norm.text  # noqa: B018  (normalisation is shared by every detector: not the typo detector's)
            total = 0.0
            for det in checker.detectors:
                if prof is not None and det is typo:
                    prof.enable()
                c0 = time.thread_time()
                list(det.detect(analysis))
                dt = (time.thread_time() - c0) * 1000
                if prof is not None and det is typo:
                    prof.disable()
                total += dt
                if det is typo:
                    typo_ms.append(dt)
            all_ms.append(total)
        p50s.append(pct(typo_ms, 50))
        best_typo = typo_ms if r == 0 else list(map(min, best_typo, typo_ms))
        if r == 0:
            out.update({f"typo_{k}": round(v, 2) for k, v in (
                ("p50_ms", pct(typo_ms, 50)), ("p90_ms", pct(typo_ms, 90)), ("p99_ms", pct(typo_ms, 99)),
                ("mean_ms", statistics.fmean(typo_ms)))})
            out.update({f"all_{k}": round(v, 2) for k, v in (
                ("p50_ms", pct(all_ms, 50)), ("p99_ms", pct(all_ms, 99)))})
    if rounds > 1:
        # each article's least CPU time over the rounds (best of N per article): the steadiest figure
        # on a shared machine; later rounds see articles already checked in this process
        out["typo_p50_ms_per_round"] = [round(x, 2) for x in p50s]
        out.update({f"typo_best_of_{rounds}_{k}": round(v, 2) for k, v in (
            ("p50_ms", pct(best_typo, 50)), ("p99_ms", pct(best_typo, 99)), ("mean_ms", statistics.fmean(best_typo)))})
    if prof is not None:
        prof.dump_stats(profile)
    cache = getattr(typo, "clause_cache", None)
    out["clause_cache"] = None if cache is None else {"size": cache.maxsize, "held": len(cache), "hits": cache.hits,
                                                      "misses": cache.misses}
    out["loadavg"] = os.getloadavg()[0]
    return out


def _import_tree(tree: Path):
    """The typo detector and the pipeline's Analysis/Document of another checkout ``tree`` (an older
    commit, e.g. from ``git archive``), imported beside this one as the package ``scanner_old``: a copy of
    its ``scanner/`` with the package's imports renamed, its ``dictionaries/`` linked beside it."""
    import atexit
    import importlib
    import re
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="cuomin-typo-old-"))
    atexit.register(shutil.rmtree, tmp, True)
    shutil.copytree(tree / "scanner", tmp / "scanner_old")
    for f in (tmp / "scanner_old").rglob("*.py"):
        code = f.read_text(encoding="utf-8")
        code = re.sub(r"\bfrom scanner import\b", "from scanner_old import", code)
        f.write_text(re.sub(r"\bscanner\.", "scanner_old.", code), encoding="utf-8")
    (tmp / "dictionaries").symlink_to((tree / "dictionaries").resolve())
    sys.path.insert(0, str(tmp))
    typo = importlib.import_module("scanner_old.detectors.typo")
    pipeline = importlib.import_module("scanner_old.pipeline")
    document = importlib.import_module("scanner_old.document")
    site = importlib.import_module("scanner_old.site")
    return typo.TypoDetector, pipeline, document, site.SiteConfig


def compare(article: Articles, n: int, warm: int, rounds: int, tree: Path) -> dict:
    """The typo detector of ``tree`` (before) and of this checkout, with and without the clause cache,
    alternating article by article in one process (so each sees the same machine): per detector, each
    article's least CPU time over ``rounds`` rounds, p50 / p99 / mean."""
    import scanner.pipeline as new_pipeline

    old_det, old_pipeline, old_document, old_site = _import_tree(tree)
    sides = {"before": (old_det(), old_pipeline, old_document, old_site()),
             "after, clause cache off": (TypoDetector({"clause_cache": 0}), new_pipeline, sys.modules["scanner.document"],
                                         SiteConfig()),
             "after, clause cache on": (TypoDetector(), new_pipeline, sys.modules["scanner.document"], SiteConfig())}
    for det, pipeline, document, site in sides.values():
        for text in [pipeline.WARM_UP_TEXT] + [article(WARM_FIRST + i) for i in range(warm)]:
            list(det.detect(pipeline.Analysis(document.Document.from_text(text), site)))
    settle_heap()
    texts = [article(i) for i in range(n)]
    times = {name: [[] for _ in range(rounds)] for name in sides}
    names = list(sides)
    for r in range(rounds):
        for k, text in enumerate(texts):
            for name in names if (k + r) % 2 else names[::-1]:
                det, pipeline, document, site = sides[name]
                analysis = pipeline.Analysis(document.Document.from_text(text), site)
                analysis.norm.text  # noqa: B018  (shared normalisation: not the typo detector's)
                c0 = time.thread_time()
                list(det.detect(analysis))
                times[name][r].append((time.thread_time() - c0) * 1000)
    out = {}
    for name, per_round in times.items():
        best = list(map(min, *per_round)) if rounds > 1 else per_round[0]
        out[name] = {"p50_ms": round(pct(best, 50), 2), "p99_ms": round(pct(best, 99), 2),
                     "mean_ms": round(statistics.fmean(best), 2)}
    out["rounds"], out["articles"], out["loadavg"] = rounds, n, os.getloadavg()[0]
    return out


def _line(tag: str, f) -> str:
    e = f.explanation
    return json.dumps([tag, f.rule, f.start, f.end, f.keyword, f.suggestion, repr(f.confidence), e.rule, e.entry,
                       e.context, {k: repr(v) for k, v in sorted(e.scores.items())},
                       json.dumps(e.details, ensure_ascii=False, sort_keys=True, default=repr)], ensure_ascii=False)


def digest(article: Articles, n: int, path: Path) -> str:
    site = SiteConfig()
    lines: list[str] = []
    det = TypoDetector()

    def run(tag: str, text: str, d=det) -> None:
        for f in d.detect(Analysis(Document.from_text(text), site)):
            lines.append(_line(tag, f))

    for i in range(n):
        run(f"article:{i}", article(i))
    for p in sorted(SEEDS.glob("*.txt")):
        run(f"seed:{p.name}", p.read_text(encoding="utf-8"))
    if ECSPELL.exists():
        rows = [line.split("\t") for line in ECSPELL.read_text(encoding="utf-8").splitlines()]
        rows = [r for r in rows if len(r) == 3]
        ec = TypoDetector({"layers": ["confusable", "char"]})
        for k, (_label, src, tgt) in enumerate(rows):
            run(f"ecspell:{k}:src", src, ec)
            run(f"ecspell:{k}:tgt", tgt, ec)
        # the neutral model typo_ecspell.py collects training hits with (every hit above the LM floors)
        from typo_ecspell import NEUTRAL

        shipped = scoring.model
        scoring.model = lambda: NEUTRAL
        try:
            neutral = TypoDetector({"layers": ["confusable", "char"], "min_score": 0.0})
            for k, (_label, src, _tgt) in enumerate(rows):
                run(f"ecspell-neutral:{k}:src", src, neutral)
        finally:
            scoring.model = shipped
    body = "\n".join(lines) + "\n"
    path.write_text(body, encoding="utf-8")
    return f"{hashlib.sha256(body.encode()).hexdigest()} ({len(lines)} findings)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--warm", type=int, default=150, help="articles of the warm-up range checked first")
    ap.add_argument("--rounds", type=int, default=1)
    ap.add_argument("--profile", help="write a cProfile of the typo detector over the measured pass here")
    ap.add_argument("--digest", help="write every typo finding here and print the digest")
    ap.add_argument("--no-timing", action="store_true")
    ap.add_argument("--compare", metavar="TREE", type=Path,
                    help="also time another checkout's typo detector against this one, interleaved in one process")
    ap.add_argument("--clause-cache", type=int, default=None,
                    help="the typo detector's clause cache size for the timing (0: none; default: the detector's)")
    args = ap.parse_args()
    article = Articles()
    print(f"load average {Path('/proc/loadavg').read_text().strip()}")
    if not args.no_timing:
        print(json.dumps(timing(article, args.articles, args.warm, args.rounds, args.profile, args.clause_cache)))
    if args.compare:
        print(json.dumps(compare(article, args.articles, args.warm, max(1, args.rounds), args.compare),
                         ensure_ascii=False))
    if args.digest:
        print("digest", digest(article, args.articles, Path(args.digest)))
    print(f"load average {Path('/proc/loadavg').read_text().strip()}")


if __name__ == "__main__":
    main()
