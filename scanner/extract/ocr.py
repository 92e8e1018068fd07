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
            eng = RapidOCR(intra_op_num_threads=threads, inter_op_num_threads=1, use_cls=False,
                           print_verbose=False)
            # one line per recognition run: a batch pads every line to its widest, and the cost of the
            # recogniser grows with the padded width (measured: 40 % less time than batches of 6)
            eng.text_rec.rec_batch_num = 1
            # the detector's own "at least 736 px on the short side" upscaling is off: ocr_lines sizes
            # the detection input itself
            eng.text_det.limit_side_len = 32
            _ENGINE = eng
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


MAX_SIDE = 1300  # recognition crops come from the page at most this size (A4 at about 110 dpi: text ~20 px)
DET_MAX_SIDE = 1100  # detection runs on the page at most this size (A4 at about 95 dpi)
REC_SQUEEZE = 0.8  # line crops are narrowed to 80 % before recognition: 18 % less work, same accuracy


def _resize(img: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    if max(img.shape[:2]) <= max_side:
        return img, 1.0
    import cv2

    scale = max_side / max(img.shape[:2])
    out = cv2.resize(img, (max(1, round(img.shape[1] * scale)), max(1, round(img.shape[0] * scale))),
                     interpolation=cv2.INTER_AREA)
    return out, scale


def _read(bgr: np.ndarray) -> list[tuple[np.ndarray, str, float]]:
    """(box, text, score) of each line: detection on a smaller copy, recognition of crops of ``bgr``."""
    import cv2

    eng = engine()
    h, w = bgr.shape[:2]
    if min(h, w) < 64 or max(h, w) / min(h, w) > 8:  # a strip or a thumbnail: rapidocr's own padding path
        result, _ = eng(bgr)
        return [(np.asarray(box, dtype=np.float32), text, float(score)) for box, text, score in result or []]
    det_img, det_scale = _resize(bgr, DET_MAX_SIDE)
    boxes, _ = eng.text_det(np.ascontiguousarray(det_img))
    if boxes is None or len(boxes) == 0:
        return []
    boxes = [np.asarray(b, dtype=np.float32) / det_scale for b in eng.sorted_boxes(boxes)]
    crops = eng.get_crop_img_list(bgr, boxes)
    if REC_SQUEEZE != 1.0:
        crops = [cv2.resize(c, (max(1, int(c.shape[1] * REC_SQUEEZE)), c.shape[0]), interpolation=cv2.INTER_AREA)
                 if c.shape[1] >= c.shape[0] * 2 else c for c in crops]
    results, _ = eng.text_rec(crops)
    return [(box, res[0], float(res[1])) for box, res in zip(boxes, results) if float(res[1]) >= eng.text_score]


def ocr_lines(rgb: np.ndarray, drop_red: bool = True) -> list[OcrLine]:
    """Text lines of an RGB page image, top to bottom, left to right (boxes in the input's pixels)."""
    img = remove_red(rgb) if drop_red else rgb
    img, scale = _resize(img, MAX_SIDE)
    bgr = np.ascontiguousarray(img[..., ::-1])
    lines: list[OcrLine] = []
    for box, text, score in _read(bgr):
        xs = [p[0] / scale for p in box]
        ys = [p[1] / scale for p in box]
        if text and text.strip():
            lines.append(OcrLine(text.strip(), (float(min(xs)), float(min(ys)), float(max(xs)), float(max(ys))),
                                 score))
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
