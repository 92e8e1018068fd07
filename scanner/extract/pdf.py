"""PDF: text with page/box locations (pypdfium2), visual evidence of the first and last pages, OCR of image pages.

Text comes from pdfium's text page, one segment per line located
``{"page": n, "bbox": [x0, top, x1, bottom]}`` in PDF points from the page's
top-left corner.  Visual evidence for the red-header check is read for the first
and last pages only (masthead and separator on page 1, the seal over the date on
the last) from pdfium's page objects: text objects with their fill colour (pdfium
has already converted CMYK, spot and indexed colours to RGB, where pdfminer-based
tools report raw tints), paths (lines, thin rectangles, circles) with stroke and
fill colours, and images with their share of red pixels.  Pages without a text
layer (scans) are rendered and read by the offline OCR engine, red pixels removed
first; their red regions (masthead blocks, rules, seals) are measured on the raster.
Pages that look like a 公示 list (personal-data column headers in their text) are
also read by pdfplumber for their tables (:mod:`scanner.extract.pdf_tables`).
"""

from __future__ import annotations

import ctypes
import math

from scanner.document import Document, Location, Segment
from scanner.errors import CorruptFile, EncryptedFile, ExtractionError, LimitExceeded
from scanner.extract.layout import ImageBox, Layout, PageLayout, Rule, TextRun
from scanner.extract.limits import check_pages, options_deadline
from scanner.extract.pdf_tables import PdfTables

MEDIA_TYPE = "application/pdf"
PT_MM = 25.4 / 72
SCAN_MIN_CHARS = 12  # a page with fewer text characters than this and a large image is treated as a scan
OCR_DPI = 150
LAYOUT_DPI = 72


def _open(data: bytes):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        msg = str(exc).lower()
        if "password" in msg or "security" in msg:
            raise EncryptedFile("PDF is password-protected") from None
        raise CorruptFile(f"not a readable PDF ({str(exc).splitlines()[0][:80]})") from None
    except Exception as exc:  # noqa: BLE001 - any pdfium failure to open is a corrupt file
        raise CorruptFile(f"not a readable PDF ({type(exc).__name__})") from None


class _Rgba:
    """Reusable out-parameters for pdfium's colour getters (one set per page, not four per object)."""

    __slots__ = ("a", "b", "g", "r", "refs")

    def __init__(self) -> None:
        self.r, self.g, self.b, self.a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
        self.refs = tuple(ctypes.byref(v) for v in (self.r, self.g, self.b, self.a))

    def get(self, fn, raw) -> tuple[int, int, int] | None:
        if not fn(raw, *self.refs) or self.a.value == 0:
            return None
        return self.r.value, self.g.value, self.b.value


def _bounds(obj) -> tuple[float, float, float, float] | None:
    try:
        return obj.get_bounds()
    except Exception:  # noqa: BLE001 - an object without bounds is skipped
        return None


def _text_of(raw, textpage_raw) -> str:
    import pypdfium2.raw as c

    n = c.FPDFTextObj_GetText(raw, textpage_raw, None, 0)
    if n <= 2:
        return ""
    buf = ctypes.create_string_buffer(n)
    c.FPDFTextObj_GetText(raw, textpage_raw, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)), n)
    return buf.raw[: n - 2].decode("utf-16-le", errors="replace")


def _path_info(raw) -> tuple[bool, bool, int]:
    """(filled, stroked, number of Bézier segments) of a path object."""
    import pypdfium2.raw as c

    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    if not c.FPDFPath_GetDrawMode(raw, ctypes.byref(fill), ctypes.byref(stroke)):
        return False, True, 0
    n = c.FPDFPath_CountSegments(raw)
    curves = 0
    for i in range(min(max(n, 0), 200)):
        seg = c.FPDFPath_GetPathSegment(raw, i)
        if seg and c.FPDFPathSegment_GetType(seg) == c.FPDF_SEGMENT_BEZIERTO:
            curves += 1
    return fill.value != 0, bool(stroke.value), curves


def _objects(parent, count, get, depth: int):
    """Raw page objects (type, handle) in content order, descending into Form XObjects ``depth`` levels."""
    import pypdfium2.raw as c

    form = c.FPDF_PAGEOBJ_FORM
    get_type = c.FPDFPageObj_GetType
    for i in range(max(count(parent), 0)):
        raw = get(parent, i)
        if not raw:
            continue
        kind = get_type(raw)
        if kind == form:
            if depth > 1:
                yield from _objects(raw, c.FPDFFormObj_CountObjects, c.FPDFFormObj_GetObject, depth - 1)
            continue
        yield kind, raw


def _chromatic(rgb: tuple[int, int, int] | None) -> bool:
    """A coloured (not black, grey or white) fill: the only text the red-header evidence keeps."""
    return rgb is not None and max(rgb) - min(rgb) >= 40


def _bitmap_rgb(bitmap, max_side: int = 128):
    """An image object's own pixels as a small RGB array (every n-th pixel, no resampling)."""
    import numpy as np

    a = bitmap.to_numpy()
    step = max(1, -(-max(a.shape[0], a.shape[1]) // max_side))
    a = a[::step, ::step]
    if a.ndim == 2:
        return np.repeat(a[..., None], 3, axis=2)
    mode = bitmap.mode
    rgb = a[..., 2::-1] if mode.startswith("BGR") else a[..., :3]
    if mode in ("BGRA", "RGBA"):  # transparent pixels show the white page
        alpha = a[..., 3:4].astype(np.uint16)
        return ((rgb.astype(np.uint16) * alpha + 255 * (255 - alpha)) // 255).astype(np.uint8)
    return np.ascontiguousarray(rgb)


def page_evidence(page, textpage, number: int) -> PageLayout:
    """Coloured text, rules, images and round shapes of one page, in mm from the top-left corner.

    Objects are read through pdfium's raw API (no wrapper object per page object).  Text
    objects are kept only when their fill is coloured: black and grey body text is no
    evidence of a red header, so its text and font size are not read at all.
    """
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    w, h = page.get_size()
    layout = PageLayout(number=number, width_mm=w * PT_MM, height_mm=h * PT_MM)
    order = 0
    TEXT, PATH, IMAGE = c.FPDF_PAGEOBJ_TEXT, c.FPDF_PAGEOBJ_PATH, c.FPDF_PAGEOBJ_IMAGE
    get_bounds = c.FPDFPageObj_GetBounds
    get_fill = c.FPDFPageObj_GetFillColor
    rgba = _Rgba()
    color_of = rgba.get
    fl, fb, fr, ft = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    bounds_refs = (ctypes.byref(fl), ctypes.byref(fb), ctypes.byref(fr), ctypes.byref(ft))

    for kind, raw in _objects(page.raw, c.FPDFPage_CountObjects, c.FPDFPage_GetObject, 3):
        if kind != TEXT and kind != PATH and kind != IMAGE:
            continue
        order += 1
        if kind == TEXT:
            color = color_of(get_fill, raw)
            if not _chromatic(color) or not get_bounds(raw, *bounds_refs):
                continue
            text = _text_of(raw, textpage.raw)
            if not text.strip():
                continue
            bx = _box_mm(fl.value, fb.value, fr.value, ft.value, h)
            size = ctypes.c_float()
            size_pt = None
            if c.FPDFTextObj_GetFontSize(raw, ctypes.byref(size)):
                m = _matrix(raw)
                size_pt = round(size.value * math.hypot(m.c, m.d), 2) if m is not None else round(size.value, 2)
            layout.runs.append(TextRun(text=text, color=color, size_pt=size_pt, bbox=bx, order=order, source="fill"))
        elif not get_bounds(raw, *bounds_refs):
            continue
        elif kind == PATH:
            bx = _box_mm(fl.value, fb.value, fr.value, ft.value, h)
            width = bx[2] - bx[0]
            height = bx[3] - bx[1]
            is_rule = height <= 3.0 and width >= 10.0
            if not is_rule and (width < 10 or height < 10 or not 0.8 <= width / max(height, 0.01) <= 1.25):
                continue  # neither a rule nor a round shape: not measured
            filled, stroked, curves = _path_info(raw)
            stroke = color_of(c.FPDFPageObj_GetStrokeColor, raw) if stroked else None
            fill = color_of(get_fill, raw) if filled else None
            color = stroke or fill
            if color is None:
                continue
            if is_rule:
                sw = ctypes.c_float()
                c.FPDFPageObj_GetStrokeWidth(raw, ctypes.byref(sw))
                thick = max(height, sw.value * PT_MM if stroked else 0.0)
                y = (bx[1] + bx[3]) / 2
                layout.rules.append(Rule(bx[0], round(y, 2), bx[2], round(y, 2), color=color, width_mm=round(thick, 3),
                                         kind="line" if stroked and not filled else "rect", order=order))
            elif curves >= 4:
                layout.images.append(ImageBox(bx, kind="shape", order=order, ring_coverage=1.0 if stroked else None,
                                              color=color))
        else:
            bx = _box_mm(fl.value, fb.value, fr.value, ft.value, h)
            iw_mm, ih_mm = bx[2] - bx[0], bx[3] - bx[1]
            if iw_mm < 5 or ih_mm < 5:
                continue
            red_fraction = ring = None
            box = bx
            # only pictures that could be a seal or a pasted masthead are measured
            seal_sized = 25 <= iw_mm <= 80 and 25 <= ih_mm <= 80
            masthead_sized = iw_mm >= 40 and bx[1] < 0.45 * layout.height_mm and number == 1
            if seal_sized or masthead_sized:
                try:
                    from scanner.extract.image_raster import red_stats_rgb

                    bitmap_raw = c.FPDFImageObj_GetBitmap(raw)
                    if not bitmap_raw:
                        raise LookupError
                    bitmap = pdfium.PdfBitmap.from_raw(bitmap_raw)  # freed by its finalizer
                    red_fraction, ring, rbox, (iw, ih) = red_stats_rgb(_bitmap_rgb(bitmap))
                    if rbox is not None:
                        sx, sy = (bx[2] - bx[0]) / iw, (bx[3] - bx[1]) / ih
                        box = (round(bx[0] + rbox[0] * sx, 2), round(bx[1] + rbox[1] * sy, 2),
                               round(bx[0] + rbox[2] * sx, 2), round(bx[1] + rbox[3] * sy, 2))
                        red_fraction = red_fraction * iw * ih / max(1, (rbox[2] - rbox[0]) * (rbox[3] - rbox[1]))
                except Exception:  # noqa: BLE001 - an image pdfium cannot decode
                    red_fraction = ring = None
            layout.images.append(ImageBox(box, red_fraction=red_fraction, kind="image", order=order,
                                          ring_coverage=ring))
    return layout


def _box_mm(left: float, bottom: float, right: float, top: float, h: float) -> tuple[float, float, float, float]:
    return (round(left * PT_MM, 2), round((h - top) * PT_MM, 2), round(right * PT_MM, 2), round((h - bottom) * PT_MM, 2))


def _matrix(raw):
    import pypdfium2.raw as c

    m = c.FS_MATRIX()
    return m if c.FPDFPageObj_GetMatrix(raw, ctypes.byref(m)) else None


def _image_area_share(page) -> float:
    import pypdfium2.raw as c

    w, h = page.get_size()
    area = 0.0
    for obj in page.get_objects(filter=(c.FPDF_PAGEOBJ_IMAGE,), max_depth=2):
        b = _bounds(obj)
        if b:
            area += max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])
    return area / max(1.0, w * h)


def _line_segments(raw: str, textpage, number: int, height: float) -> tuple[str, list[tuple[int, int, Location]]]:
    """The page text with pdfium's CRLF breaks made LF, and (start, end, location) for each line.

    pdfium counts a generated CRLF as two characters, so offsets into ``raw`` are its
    character indices; a line's box spans its first and last characters.
    """
    import pypdfium2.raw as c

    get_box = c.FPDFText_GetCharBox
    tp = textpage.raw
    l, r, b, t = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    refs = (ctypes.byref(l), ctypes.byref(r), ctypes.byref(b), ctypes.byref(t))
    out = []
    raw_pos = clean_pos = 0
    lines = raw.split("\r\n")
    for line in lines:
        e = len(line.rstrip(" \r\n\t"))
        s = len(line) - len(line.lstrip(" \t")) if e else 0
        if e > s:
            bbox = None
            if get_box(tp, raw_pos + s, *refs):
                x0, x1, y0, y1 = l.value, r.value, b.value, t.value
                if get_box(tp, raw_pos + e - 1, *refs):
                    bbox = (round(min(x0, l.value), 1), round(height - max(y1, t.value), 1),
                            round(max(x1, r.value), 1), round(height - min(y0, b.value), 1))
            out.append((clean_pos + s, clean_pos + e, Location(page=number, bbox=bbox)))
        raw_pos += len(line) + 2
        clean_pos += len(line) + 1
    text = "\n".join(lines).replace("\r", "\n")
    return text, out


def extract_pdf(data: bytes, source: str, options: object) -> Document:
    deadline = options_deadline(options, "PDF extraction")
    pdf = _open(data)
    tables: PdfTables | None = None
    try:
        try:
            count = len(pdf)
        except Exception:  # noqa: BLE001 - a damaged page tree is a corrupt file
            raise CorruptFile("PDF page tree is damaged") from None
        if count == 0:
            raise CorruptFile("PDF has no pages")
        check_pages(count, options)
        pieces: list[str] = []
        segments: list[Segment] = []
        pages: list[PageLayout] = []
        pos = 0
        ocr_pages: list[int] = []
        tables = PdfTables(data, deadline)
        want_ocr = getattr(options, "ocr", True)
        for i in range(count):
            deadline.check()
            try:
                page = pdf[i]
                textpage = page.get_textpage()
                raw = textpage.get_text_range()
            except ExtractionError:
                raise
            except Exception:  # noqa: BLE001 - an unreadable page is a corrupt file
                raise CorruptFile(f"PDF page {i + 1} cannot be read") from None
            number = i + 1
            _, h = page.get_size()
            visible_chars = len(raw) - raw.count(" ") - raw.count("\r") - raw.count("\n")
            scan = visible_chars < SCAN_MIN_CHARS and _image_area_share(page) > 0.3
            if scan:
                from scanner.extract.image import raster_page

                layout, lines = raster_page(page.render(scale=OCR_DPI / 72).to_pil(), number, OCR_DPI,
                                            ocr=want_ocr, deadline=deadline)
                ocr_pages.append(number)
                pages.append(layout)
                for text, bbox_pt in lines:
                    segments.append(Segment(pos, pos + len(text), Location(page=number, bbox=bbox_pt)))
                    pieces.append(text + "\n")
                    pos += len(text) + 1
            else:
                text, lines = _line_segments(raw, textpage, number, h)
                cut = None
                if tables.wanted(raw):
                    cut = tables.page(number, page, textpage, h, raw, pos, lines)
                if cut is not None:
                    segments.extend(cut)
                else:
                    for s_, e_, loc in lines:
                        segments.append(Segment(pos + s_, pos + e_, loc))
                if number == 1 or number == count:
                    pages.append(page_evidence(page, textpage, number))
                if text and not text.endswith("\n"):
                    text += "\n"
                pieces.append(text)
                pos += len(text)
        out = "".join(pieces)
        found = tables.finish()
        out, segments, found = tables.rejoin(out, segments, found)
        metadata: dict = {"pages": count, **({"ocr_pages": ocr_pages} if ocr_pages else {})}
        if tables.pages_read:
            metadata["table_pages_read"] = tables.pages_read
        if tables.stopped:
            metadata["tables_stopped"] = tables.stopped
        return Document(text=out, segments=segments, media_type=MEDIA_TYPE, layout=Layout(kind="pdf", pages=pages),
                        tables=found, metadata=metadata)
    except ExtractionError:
        raise
    except (MemoryError, RecursionError) as exc:
        raise LimitExceeded(f"PDF is too complex to read ({type(exc).__name__})") from None
    finally:
        if tables is not None:
            tables.finish()
        try:
            pdf.close()
        except Exception:  # noqa: BLE001, S110 - closing must not hide the result
            pass
