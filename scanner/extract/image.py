"""Images (PNG, JPEG, GIF, BMP, TIFF, WebP) and scanned pages: OCR text and red-region evidence.

:func:`raster_page` serves both this extractor and image-only PDF pages: red
regions are measured on the raster (a masthead block, a separator rule, a round
seal) and the text is read by offline OCR with the red removed.  Positions are
in mm from the DPI the image declares (for an image without one, a page-shaped
image is taken to be A4 wide, anything else 96 dpi).
"""

from __future__ import annotations

import io

import numpy as np

from scanner.document import Document, Location, Segment
from scanner.errors import CorruptFile, LimitExceeded
from scanner.extract.layout import ImageBox, Layout, PageLayout, Rule
from scanner.extract.limits import MAX_IMAGE_PIXELS, options_deadline

MEDIA_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "BMP": "image/bmp",
               "TIFF": "image/tiff", "WEBP": "image/webp"}
OCR_MAX_SIDE = 2200


def _dpi_of(img) -> float:
    dpi = img.info.get("dpi")
    try:
        if dpi and 50 <= float(dpi[0]) <= 1200:
            return float(dpi[0])
    except (TypeError, ValueError, IndexError):
        pass
    w, h = img.size
    if w and 1.3 <= h / w <= 1.5:  # page-shaped: assume an A4 page
        return w / (210 / 25.4)
    return 96.0


def red_evidence(rgb: np.ndarray, dpi: float, number: int) -> PageLayout:
    """Red regions of a page raster as layout evidence (rules, blocks, round marks) in mm."""
    from scanner.extract.image_raster import red_blobs, red_mask, ring_coverage

    h, w = rgb.shape[:2]
    mm = 25.4 / dpi
    page = PageLayout(number=number, width_mm=w * mm, height_mm=h * mm)
    mask = red_mask(rgb)
    if mask.sum() < 20:
        return page
    import cv2

    # long horizontal red strokes first (separator lines): an opening with an 18 mm wide kernel keeps
    # them and drops characters; they are then taken out before the blobs are measured, so a rule
    # printed close under the masthead is not swallowed by it
    m8 = mask.astype(np.uint8)
    thick = cv2.dilate(m8, np.ones((3, 1), np.uint8))
    long_kernel = np.ones((1, max(15, int(round(18 / mm)))), np.uint8)
    lines = cv2.morphologyEx(thick, cv2.MORPH_OPEN, long_kernel)
    order = 0
    if lines.any():
        for x0, y0, x1, y1, count in red_blobs(lines > 0, close_px=max(3, int(round(1.5 / mm))), min_pixels=10):
            bw = (x1 - x0) * mm
            if bw < 30:
                continue
            order += 1
            strokes = int(mask[y0:y1, x0:x1].sum())
            y = round((y0 + y1) / 2 * mm, 2)
            page.rules.append(Rule(round(x0 * mm, 2), y, round(x1 * mm, 2), y, color=(230, 40, 40),
                                   width_mm=round(strokes / max(1, x1 - x0) * mm, 2), kind="raster", order=order))
        rest = mask & ~(cv2.dilate(lines, np.ones((5, 5), np.uint8)) > 0)
    else:
        rest = mask
    close = max(3, int(round(2.5 / mm)))  # merge strokes and characters closer than 2.5 mm
    for x0, y0, x1, y1, count in red_blobs(rest, close_px=close, min_pixels=int(4 / (mm * mm)) + 1):
        order += 1
        bw, bh = (x1 - x0) * mm, (y1 - y0) * mm
        box = (round(x0 * mm, 2), round(y0 * mm, 2), round(x1 * mm, 2), round(y1 * mm, 2))
        fraction = count / max(1, (x1 - x0) * (y1 - y0))
        ring = ring_coverage(mask[y0:y1, x0:x1]) if 0.75 <= bw / max(bh, 0.1) <= 1.33 else 0.0
        page.images.append(ImageBox(box, red_fraction=round(fraction, 4), kind="blob", order=order,
                                    ring_coverage=round(ring, 3), color=(230, 40, 40)))
    page.rules = _join_rules(page.rules)
    return page


def _join_rules(rules: list[Rule]) -> list[Rule]:
    """Join pieces of one rule broken by scanning (same height within 2 mm, gaps under 8 mm)."""
    out: list[Rule] = []
    for r in sorted(rules, key=lambda r: (r.x0 or 0)):
        for i, o in enumerate(out):
            if abs((o.y0 or 0) - (r.y0 or 0)) <= 2.0 and (r.x0 or 0) - (o.x1 or 0) <= 8.0:
                out[i] = Rule(o.x0, round(((o.y0 or 0) + (r.y0 or 0)) / 2, 2), max(o.x1 or 0, r.x1 or 0),
                              round(((o.y0 or 0) + (r.y0 or 0)) / 2, 2), color=o.color,
                              width_mm=max(o.width_mm or 0, r.width_mm or 0), kind=o.kind, order=o.order)
                break
        else:
            out.append(r)
    return out


def raster_page(img, number: int, dpi: float, ocr: bool = True, deadline=None):
    """(PageLayout, [(text, bbox in points)]) of one page image."""
    from scanner.extract.image_raster import load_rgb

    rgb, scale = load_rgb(img, OCR_MAX_SIDE)
    dpi = dpi * scale
    layout = red_evidence(rgb, dpi, number)
    lines: list[tuple[str, tuple[float, float, float, float]]] = []
    if ocr:
        if deadline is not None:
            deadline.check()
        from scanner.extract.ocr import ocr_lines

        pt = 72 / dpi
        for line in ocr_lines(rgb):
            x0, y0, x1, y1 = line.box
            lines.append((line.text, (round(x0 * pt, 1), round(y0 * pt, 1), round(x1 * pt, 1), round(y1 * pt, 1))))
    return layout, lines


def extract_image(data: bytes, source: str, options: object) -> Document:
    from PIL import Image, ImageOps, UnidentifiedImageError

    import warnings

    deadline = options_deadline(options, "image extraction")
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
        fmt = img.format or "PNG"
        frames = getattr(img, "n_frames", 1)
    except Image.DecompressionBombError:
        raise LimitExceeded(f"image has more than {MAX_IMAGE_PIXELS} pixels (decompression bomb defence)") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise CorruptFile(f"not a readable image ({type(exc).__name__})") from None
    if img.width * img.height > MAX_IMAGE_PIXELS:
        raise LimitExceeded(f"image has more than {MAX_IMAGE_PIXELS} pixels (decompression bomb defence)")
    max_pages = getattr(options, "max_pages", 2000) or 2000
    pieces: list[str] = []
    segments: list[Segment] = []
    pages: list[PageLayout] = []
    pos = 0
    multi = fmt == "TIFF" and frames > 1
    for number in range(1, (min(frames, max_pages) if multi else 1) + 1):
        deadline.check()
        try:
            if multi:
                img.seek(number - 1)
            frame = ImageOps.exif_transpose(img) if fmt in ("JPEG", "TIFF", "WEBP") else img
            dpi = _dpi_of(frame)
            frame.load()
        except Image.DecompressionBombError:
            raise LimitExceeded("image frame is too large (decompression bomb defence)") from None
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise CorruptFile(f"image data is damaged ({type(exc).__name__})") from None
        layout, lines = raster_page(frame, number, dpi, ocr=getattr(options, "ocr", True), deadline=deadline)
        pages.append(layout)
        for text, bbox in lines:
            segments.append(Segment(pos, pos + len(text), Location(page=number, bbox=bbox)))
            pieces.append(text + "\n")
            pos += len(text) + 1
    return Document(text="".join(pieces), segments=segments, media_type=MEDIA_TYPES.get(fmt, "image/png"),
                    layout=Layout(kind="image", pages=pages), metadata={"pages": len(pages), "ocr": True})
