"""Red-pixel measurements on raster images (embedded pictures, rendered or scanned pages).

:func:`red_mask` is the vectorised twin of :func:`scanner.extract.layout.is_red`
(loosened a little for JPEG and scanner noise); :func:`red_blobs` finds the red
regions of a page (masthead blocks, rules, seals) with their boxes; :func:`ring_coverage`
measures how much of a circle's rim is red — a round seal's outer ring is red all
round, a red character or a block of red text is not.
"""

from __future__ import annotations

import math

import numpy as np

MAX_SIDE = 1600  # pages are measured at most this many pixels on their long side


def red_mask(rgb: np.ndarray) -> np.ndarray:
    """Boolean mask of red pixels in an H×W×3 uint8 array (print red, incl. GB/T 9704's (240, 89, 62))."""
    a = rgb.astype(np.int16)
    r, g, b = a[..., 0], a[..., 1], a[..., 2]
    gb = np.maximum(g, b)
    return (r >= 140) & (r - gb >= 70) & (g <= 170) & (b <= 170)


def load_rgb(data_or_image, max_side: int = MAX_SIDE) -> tuple[np.ndarray, float]:
    """An RGB array of an image (bytes or PIL image), shrunk to ``max_side``; returns (array, scale)."""
    from PIL import Image

    img = data_or_image
    if isinstance(img, (bytes, bytearray)):
        import io

        img = Image.open(io.BytesIO(img))
        img.draft("RGB", (max_side, max_side))
    if img.mode in ("RGBA", "LA", "P"):
        img = img.convert("RGBA")
        bg = Image.new("RGBA", img.size, (255, 255, 255, 255))
        bg.alpha_composite(img)
        img = bg
    img = img.convert("RGB")
    scale = 1.0
    if max(img.size) > max_side:
        scale = max_side / max(img.size)
        img = img.resize((max(1, int(img.width * scale)), max(1, int(img.height * scale))))
    return np.asarray(img), scale


def ring_coverage(mask: np.ndarray, box: tuple[int, int, int, int] | None = None, samples: int = 72) -> float:
    """Share of directions from the box centre in which the outer rim (82–100 % of the radius) is red."""
    if box is None:
        ys, xs = np.nonzero(mask)
        if len(xs) == 0:
            return 0.0
        box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    x0, y0, x1, y1 = box
    cx, cy = (x0 + x1 - 1) / 2, (y0 + y1 - 1) / 2
    rx, ry = (x1 - x0) / 2, (y1 - y0) / 2
    if rx < 4 or ry < 4:
        return 0.0
    h, w = mask.shape
    t = np.linspace(0, 2 * math.pi, samples, endpoint=False)[:, None]
    fracs = np.linspace(0.80, 1.0, 8)[None, :]
    xs = np.clip(np.rint(cx + np.cos(t) * rx * fracs).astype(np.intp), 0, w - 1)
    ys = np.clip(np.rint(cy + np.sin(t) * ry * fracs).astype(np.intp), 0, h - 1)
    return float(mask[ys, xs].any(axis=1).mean())


def red_stats(data_or_image) -> tuple[float, float, tuple[int, int, int, int] | None, tuple[int, int]]:
    """(red fraction, ring coverage of the red bounding box, red bbox in pixels, (w, h)) of an image."""
    arr, _ = load_rgb(data_or_image, 400)
    return red_stats_rgb(arr)


def red_stats_rgb(arr: np.ndarray) -> tuple[float, float, tuple[int, int, int, int] | None, tuple[int, int]]:
    """:func:`red_stats` of an RGB array that is already small enough to measure."""
    mask = red_mask(arr)
    h, w = mask.shape
    count = int(mask.sum())
    if count == 0:
        return 0.0, 0.0, None, (w, h)
    ys, xs = np.nonzero(mask)
    box = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    return count / mask.size, ring_coverage(mask, box), box, (w, h)


def _label(mask: np.ndarray):
    try:
        import cv2

        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
        return [(int(s[0]), int(s[1]), int(s[0] + s[2]), int(s[1] + s[3]), int(s[4])) for s in stats[1:n]]
    except ImportError:  # pragma: no cover - opencv ships with rapidocr
        from scipy import ndimage  # type: ignore

        labels, n = ndimage.label(mask)
        out = []
        for i, sl in enumerate(ndimage.find_objects(labels), start=1):
            ys, xs = sl
            out.append((xs.start, ys.start, xs.stop, ys.stop, int((labels[sl] == i).sum())))
        return out


def red_blobs(mask: np.ndarray, close_px: int = 0, min_pixels: int = 12) -> list[tuple[int, int, int, int, int]]:
    """Connected red regions (x0, y0, x1, y1, red pixels), after closing gaps of ``close_px`` pixels."""
    m = mask
    if close_px > 0:
        import cv2

        k = np.ones((close_px, close_px), np.uint8)
        m = cv2.morphologyEx(mask.astype(np.uint8), cv2.MORPH_CLOSE, k) > 0
        blobs = _label(m)
        # count the original red pixels inside each closed region's box
        out = []
        for x0, y0, x1, y1, _ in blobs:
            n = int(mask[y0:y1, x0:x1].sum())
            if n >= min_pixels:
                out.append((x0, y0, x1, y1, n))
        return out
    return [b for b in _label(m) if b[4] >= min_pixels]
