"""Visual evidence for layout detectors (the red-header check), shared by all extractors.

Positions are in millimetres from the page's top-left corner, so one detector
reads PDF, DOCX (as laid out by LibreOffice or estimated from the page set-up),
images (from pixel size and DPI) and HTML (``kind="html"``: no physical page;
``order`` gives the reading order and ``y`` is None).
"""

from __future__ import annotations

from dataclasses import dataclass, field

RGB = tuple[int, int, int]


def is_red(rgb: RGB | None) -> bool:
    """Red as official documents print it: GB/T 9704's red renders as about (240, 89, 62), not only (255, 0, 0)."""
    if rgb is None:
        return False
    r, g, b = rgb
    return r >= 150 and r - max(g, b) >= 90 and g <= 150 and b <= 150


@dataclass(frozen=True, slots=True)
class TextRun:
    text: str
    color: RGB | None = None
    size_pt: float | None = None
    bold: bool = False
    bbox: tuple[float, float, float, float] | None = None  # x0, y0, x1, y1 in mm
    align: str | None = None  # left, center, right (when the format says so)
    start: int | None = None  # span in Document.text, when the run is part of it
    end: int | None = None
    order: int = 0
    source: str = ""  # where the colour came from: run, style, theme, css, fill ...


@dataclass(frozen=True, slots=True)
class Rule:
    """A line: a drawn line, a thin filled rectangle, a paragraph or table border, an <hr>."""

    x0: float | None
    y0: float | None
    x1: float | None
    y1: float | None
    color: RGB | None = None
    width_mm: float | None = None  # stroke thickness
    kind: str = "line"  # line, rect, border, hr, vml, drawingml
    order: int = 0

    @property
    def length_mm(self) -> float | None:
        if None in (self.x0, self.x1):
            return None
        return abs(self.x1 - self.x0)


@dataclass(frozen=True, slots=True)
class ImageBox:
    bbox: tuple[float, float, float, float] | None  # mm
    red_fraction: float | None = None  # share of red pixels, when measured
    kind: str = "image"  # image, inline, floating, shape (a drawn ellipse), blob (a red region of a raster)
    order: int = 0
    ring_coverage: float | None = None  # share of the red region's outer rim that is red (round seals ≈ 1)
    color: RGB | None = None  # outline/fill colour of a drawn shape


@dataclass(slots=True)
class PageLayout:
    number: int
    width_mm: float | None = None
    height_mm: float | None = None
    runs: list[TextRun] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    images: list[ImageBox] = field(default_factory=list)
    raster: object | None = None  # an RGB numpy array of the rendered page, when one was made


@dataclass(slots=True)
class Layout:
    kind: str  # pdf, docx, image, html
    pages: list[PageLayout] = field(default_factory=list)
