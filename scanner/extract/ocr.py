"""Offline OCR with rapidocr-onnxruntime and the PP-OCR models its wheel ships (nothing is downloaded).

:func:`ocr_lines` takes an RGB array, whites out red pixels first (seals and red
mastheads would otherwise garble the text under them), and returns text lines
with their pixel boxes in reading order.  One engine per process, one thread by
default (``CUOMIN_OCR_THREADS``): the scanner runs beside other work.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scanner.errors import ExtractionError

_ENGINE = None
_LOCK = threading.Lock()


class OcrUnavailable(ExtractionError):
    code = "ocr_unavailable"


@dataclass(frozen=True, slots=True)
class OcrLine:
    text: str
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels
    score: float


def model_dir() -> Path:
    import rapidocr_onnxruntime

    return Path(rapidocr_onnxruntime.__file__).resolve().parent / "models"


def engine():
    """The process's OCR engine, built from the models inside the installed wheel."""
    global _ENGINE
    with _LOCK:
        if _ENGINE is None:
            models = model_dir()
            missing = [m for m in ("ch_PP-OCRv4_det_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx")
                       if not (models / m).is_file()]
            if missing:
                raise OcrUnavailable(f"OCR models missing from the rapidocr wheel: {', '.join(missing)}")
            from rapidocr_onnxruntime import RapidOCR

            threads = int(os.environ.get("CUOMIN_OCR_THREADS", "1"))
            _ENGINE = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False,
                               print_verbose=False)
        return _ENGINE


def remove_red(rgb: np.ndarray) -> np.ndarray:
    """A copy of ``rgb`` with red pixels (and a one-pixel halo) turned white."""
    from scanner.extract.image_raster import red_mask

    if not red_mask(rgb).any():
        return rgb
    import cv2

    # a looser "reddish" mask for removal: anti-aliased and JPEG-smeared edges of red strokes
    a = rgb.astype(np.int16)
    reddish = (a[..., 0] - np.maximum(a[..., 1], a[..., 2]) >= 35) & (a[..., 0] >= 120)
    mask = cv2.dilate(reddish.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    out = rgb.copy()
    out[mask] = 255
    return out


MAX_SIDE = 1300  # an A4 page at about 110 dpi: body text stays ~20 px high, detection costs half of 150 dpi


def ocr_lines(rgb: np.ndarray, drop_red: bool = True) -> list[OcrLine]:
    """Text lines of an RGB page image, top to bottom, left to right (boxes in the input's pixels)."""
    img = remove_red(rgb) if drop_red else rgb
    scale = 1.0
    if max(img.shape[:2]) > MAX_SIDE:
        import cv2

        scale = MAX_SIDE / max(img.shape[:2])
        img = cv2.resize(img, (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale))),
                         interpolation=cv2.INTER_AREA)
    bgr = np.ascontiguousarray(img[..., ::-1])
    result, _ = engine()(bgr)
    lines: list[OcrLine] = []
    for box, text, score in result or []:
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        if text and text.strip():
            lines.append(OcrLine(text.strip(), (min(xs), min(ys), max(xs), max(ys)), float(score)))
    # reading order: rows by vertical centre (a row is items whose centres are within half a line height)
    lines.sort(key=lambda l: ((l.box[1] + l.box[3]) / 2, l.box[0]))
    rows: list[list[OcrLine]] = []
    for line in lines:
        cy = (line.box[1] + line.box[3]) / 2
        h = line.box[3] - line.box[1]
        if rows:
            last = rows[-1][0]
            if abs(cy - (last.box[1] + last.box[3]) / 2) < 0.5 * max(h, last.box[3] - last.box[1]):
                rows[-1].append(line)
                continue
        rows.append([line])
    ordered: list[OcrLine] = []
    for row in rows:
        row.sort(key=lambda l: l.box[0])
        if len(row) == 1:
            ordered.append(row[0])
        else:
            text = " ".join(l.text for l in row)
            ordered.append(OcrLine(text, (min(l.box[0] for l in row), min(l.box[1] for l in row),
                                          max(l.box[2] for l in row), max(l.box[3] for l in row)),
                                   min(l.score for l in row)))
    return ordered
