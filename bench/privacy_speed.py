"""Bench: privacy detection speed over government prose, and the evaluation-set figures.

Usage: .venv/bin/python bench/privacy_speed.py
Prose: the five seed documents in ../shared/seeds (read, never copied), repeated
to ~1.5 M characters.  Speed counts the detector's own work on the normalised
text (the core normaliser is measured by the pipeline bench); CPU time of this
process, best of 5.  The evaluation set is tests/privacy_synth.py (synthetic).
"""

from __future__ import annotations

import glob
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]


def prose_speed() -> None:
    from scanner.document import Document
    from scanner.pipeline import Analysis, Checker

    seeds = sorted(glob.glob(str(ROOT.parent / "shared" / "seeds" / "*.txt")))
    text = "\n".join(Path(p).read_text(encoding="utf-8") for p in seeds)
    text = text * max(1, 1_500_000 // max(1, len(text)))
    checker = Checker(detectors=["privacy"])
    det = checker.detectors[0]
    doc = Document.from_text(text)
    det.hits(Analysis(doc, checker.site))  # warm: data, compiled patterns
    best = None
    for _ in range(5):
        a = Analysis(doc, checker.site)
        _ = a.norm  # normalise outside the timed detection
        t0 = time.process_time()
        hits = det.hits(a)
        dt = time.process_time() - t0
        best = dt if best is None else min(best, dt)
    print(f"prose: {len(seeds)} seed documents, {len(text)} chars, privacy detect {best:.3f} CPU s "
          f"= {len(text) / best / 1e6:.2f} M chars/s/core, findings={len(hits)}")


def evaluation() -> None:
    from privacy_synth import Score, prose_cases, score, table_items, table_rows, to_docx, to_html, to_xlsx

    from scanner.extract import extract
    from scanner.pipeline import Checker
    from scanner.site import SiteConfig

    checker = Checker(detectors=["privacy"])
    per_value = Checker(detectors=["privacy"], site=SiteConfig(detectors={"privacy": {"aggregate_over": 0}}))
    rng = random.Random(7)
    cases = prose_cases(rng, 400)
    totals: dict[str, Score] = {}
    per_format = {}
    scores: dict[str, Score] = {}
    for case in cases:
        score(case.text, checker.check_text(case.text).findings, case.items, scores)
    per_format["text"] = scores
    rows = table_rows(rng, 300)
    paras = [c.text for c in cases[:60] + cases[400:460]]
    items = [it for c in cases[:60] + cases[400:460] for it in c.items] + table_items(rows)
    for fmt in ("html", "docx", "xlsx"):
        if fmt == "html":
            data, its = to_html("大病救助公示", paras, rows).encode(), items
        elif fmt == "docx":
            data, its = to_docx("大病救助公示", paras, rows), items
        else:
            hidden = table_rows(rng, 50)
            data, its = to_xlsx("大病救助公示名单", rows, hidden), table_items(rows) + table_items(hidden)
        doc = extract(data, f"e.{fmt}", filename=f"e.{fmt}")
        scores = {}
        findings = checker.check(doc).findings
        score(doc.text, findings, its, scores)
        per_format[fmt] = scores
        # Column findings stand for every value of their column; score() counts each value they cover.
        # The same document scored with one finding per value must give the same figures.
        columns = [f for f in findings if getattr(f, "covers", None) is not None]
        flat: dict[str, Score] = {}
        score(doc.text, per_value.check(doc).findings, its, flat)
        same = all((flat[k].tp, flat[k].fn, flat[k].fp) == (s.tp, s.fn, s.fp) for k, s in scores.items())
        print(f"{fmt:5s} findings={len(findings)} of which column findings={len(columns)} covering "
              f"{sum(len(f.covers) for f in columns)} values; scored per value (aggregate_over=0): "
              f"{'same tp/fn/fp' if same else 'DIFFERENT'}")
    for fmt, scores in per_format.items():
        for kind, s in sorted(scores.items()):
            t = totals.setdefault(kind, Score())
            t.tp, t.fn, t.fp, t.high_on_negative = t.tp + s.tp, t.fn + s.fn, t.fp + s.fp, t.high_on_negative + s.high_on_negative
            print(f"{fmt:5s} {kind:6s} tp={s.tp:4d} fn={s.fn} fp={s.fp} recall={s.recall:.4f} precision={s.precision:.4f} "
                  f"high-on-negative={s.high_on_negative}")
    for kind, t in sorted(totals.items()):
        print(f"ALL   {kind:6s} tp={t.tp:4d} fn={t.fn} fp={t.fp} recall={t.recall:.4f} precision={t.precision:.4f} "
              f"high-on-negative={t.high_on_negative}")


if __name__ == "__main__":
    prose_speed()
    evaluation()
