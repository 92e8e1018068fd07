"""Build ``dictionaries/typo/shape_similar.tsv``: characters that look alike.

Run by hand when the character set changes (``python -m scanner.nlp.shape_build``);
the detector only reads the TSV.  Method (our own statistic, no list copied): render
each of the most frequent characters of jieba's dictionary with Debian's Noto Sans
CJK font, blur the bitmaps, and keep for each character the neighbours whose
cosine similarity is high — in the whole glyph and in its left/right or top/bottom
halves (characters that share a component: 很/银, 呆/保, 贝/员).  The hand-written
supplement ``shape_extra.tsv`` adds pairs the picture misses.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
SIZE = 40
OUT = Path(__file__).resolve().parents[2] / "dictionaries" / "typo" / "shape_similar.tsv"


def render(chars: list[str]) -> np.ndarray:
    font = ImageFont.truetype(FONT, SIZE - 4, index=0)  # index 0: the SC face in the collection
    out = np.zeros((len(chars), SIZE // 2, SIZE // 2), dtype=np.float32)
    for i, ch in enumerate(chars):
        img = Image.new("L", (SIZE, SIZE), 0)
        ImageDraw.Draw(img).text((2, -4), ch, fill=255, font=font)
        img = img.filter(ImageFilter.GaussianBlur(1.2)).resize((SIZE // 2, SIZE // 2), Image.BILINEAR)
        out[i] = np.asarray(img, dtype=np.float32) / 255.0
    return out


def _cos(a: np.ndarray) -> np.ndarray:
    v = a.reshape(len(a), -1)
    v = v - v.mean(axis=1, keepdims=True)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-6
    return v @ v.T


def build(n_chars: int = 4500, k: int = 6, whole: float = 0.72, part: float = 0.90) -> list[tuple[str, str, float]]:
    from scanner.nlp.lexicon import lexicon

    lex = lexicon()
    chars = [c for c, _ in sorted(lex.char_freq.items(), key=lambda kv: -kv[1])[:n_chars]]
    bm = render(chars)
    h = SIZE // 4
    sims_whole = _cos(bm)
    halves = [bm[:, :, :h], bm[:, :, h:], bm[:, :h, :], bm[:, h:, :]]
    sims_parts = [_cos(x) for x in halves]
    pairs = []
    for i, ch in enumerate(chars):
        best: dict[int, float] = {}
        row = sims_whole[i]
        for j in np.argsort(-row)[1:k + 1]:
            if row[j] >= whole:
                best[j] = float(row[j])
        for sp, other in ((0, 1), (1, 0), (2, 3), (3, 2)):
            same = sims_parts[sp][i]
            diff = sims_parts[other][i]
            # share one half almost exactly, and the glyphs are alike overall
            cand = np.where((same >= part) & (row >= 0.45))[0]
            for j in cand[np.argsort(-same[cand])][:k]:
                if j != i and diff[j] < 0.98:
                    best[j] = max(best.get(j, 0.0), float(row[j]))
        for j, s in sorted(best.items(), key=lambda kv: -kv[1])[:k * 2]:
            pairs.append((ch, chars[j], round(s, 3)))
    return pairs


def main() -> None:
    pairs = build()
    header = (
        "# Characters that look alike (形近字), for typo candidates.\n"
        "# provenance: computed by scanner/nlp/shape_build.py from glyph bitmaps of Noto Sans CJK SC\n"
        "#   (Debian fonts-noto-cjk) over the 4,500 most frequent characters of jieba's dictionary;\n"
        "#   no list was copied. Columns: char<TAB>look-alike<TAB>cosine similarity.\n"
        "# version: 2026-11-22.1\n"
        "# reviewed-by: typo engineer (issue 5)\n"
        "# review: sampled by eye (很/银, 木/术/本, 组/祖, 级/极); pairs only propose candidates, which\n"
        "#   the language model must confirm.\n"
    )
    with OUT.open("w", encoding="utf-8") as fh:
        fh.write(header)
        for a, b, s in pairs:
            fh.write(f"{a}\t{b}\t{s}\n")
    print(f"{len(pairs)} pairs -> {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
