"""False positives of the sensitive detector on clean government text.

Corpus: every file of ../shared/seeds (5 real government documents) and the correct
(target) sentences of ../shared/dev-data/ecspell-odw/odw.train.tsv, read in place
(never copied into the repository).  Prints the figures and every finding, as
Markdown for docs/benchmarks.md.

    .venv/bin/python bench/sensitive_precision.py
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"


def corpus() -> list[tuple[str, str]]:
    docs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((SHARED / "seeds").glob("*.txt"))]
    tsv = SHARED / "dev-data" / "ecspell-odw" / "odw.train.tsv"
    if tsv.exists():
        for n, line in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
            cols = line.split("\t")
            if len(cols) == 3:
                docs.append((f"odw:{n}", cols[2]))
    return docs


def main() -> int:
    from scanner.detectors.sensitive import SensitiveDetector
    from scanner.detectors.sensitive.ruleset import BANNED
    from scanner.document import Document
    from scanner.pipeline import Analysis, resolve_overlaps
    from scanner.site import SiteConfig

    det = SensitiveDetector()
    docs = corpus()
    chars = sum(len(t) for _, t in docs)
    findings = []
    for name, text in docs:
        a = Analysis(Document.from_text(text, source=name), SiteConfig())
        for f in resolve_overlaps(det.detect(a)):
            findings.append((name, text, f))
    banned = [x for x in findings if x[2].category in BANNED]
    by_cat = Counter(f.category for _, _, f in findings)
    print(f"corpus: {len([d for d in docs if not d[0].startswith('odw')])} seed documents + "
          f"{len([d for d in docs if d[0].startswith('odw')])} ecspell-odw target sentences, {chars:,} characters")
    print(f"banned-category findings (a): {len(banned)} = {len(banned) / chars * 100000:.2f} per 100,000 characters")
    print(f"all findings by category: {dict(by_cat)}")
    print()
    print("| source | category | keyword | suggestion | context |")
    print("|---|---|---|---|---|")
    for name, text, f in findings:
        ctx = text[max(0, f.start - 12):f.end + 12].replace("\n", " ")
        print(f"| {name} | {f.category} | {f.keyword} | {f.suggestion} | {ctx} |")
    nearmiss_recall(det)
    return 0


def nearmiss_recall(det) -> None:
    """Near-miss protection on the *erroneous* ecspell-odw source sentences: every finding is checked
    against the corrected target (a true positive when the target differs inside the flagged span)."""
    from scanner.document import Document
    from scanner.pipeline import Analysis, resolve_overlaps
    from scanner.site import SiteConfig

    tsv = SHARED / "dev-data" / "ecspell-odw" / "odw.train.tsv"
    if not tsv.exists():
        return
    true = false = 0
    rows = []
    for line in tsv.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) != 3 or len(cols[1]) != len(cols[2]):
            continue
        src, tgt = cols[1], cols[2]
        for f in resolve_overlaps(det.detect(Analysis(Document.from_text(src), SiteConfig()))):
            if f.rule != "sensitive.nearmiss":
                continue
            ok = src[f.start:f.end] != tgt[f.start:f.end]
            true += ok
            false += not ok
            rows.append(f"| {f.keyword} | {f.suggestion} | {tgt[f.start:f.end]} | {'yes' if ok else 'NO'} |")
    print()
    print(f"near-miss findings on the ecspell-odw source sentences (with typos): {true + false}, "
          f"of which {true} are real errors (the corrected sentence differs in the span), {false} false")
    print()
    print("| found | suggestion | corrected text | real error |")
    print("|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    sys.exit(main())
