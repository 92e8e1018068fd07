"""Just enough CSS for extraction: inline styles, simple ``<style>`` rules, colours and sizes.

Only the properties that decide visibility (dark links), template look and the
red-header check are kept.  Selectors are compound selectors (``tag``, ``.cls``,
``#id``, ``tag.cls#id``) joined by descendant or child combinators; anything
fancier (attributes, pseudo-classes, siblings) is ignored, as are external
stylesheets.  Later and more specific rules win, inline styles win over rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

RGB = tuple[int, int, int]

PROPERTIES = frozenset({
    "display", "visibility", "position", "left", "top", "right", "bottom", "text-indent", "width", "height",
    "max-height", "max-width", "overflow", "font-size", "opacity", "color", "font-weight", "text-align",
    "border", "border-top", "border-bottom", "border-color", "border-top-color", "border-bottom-color",
    "border-top-style", "border-bottom-style", "border-top-width", "border-bottom-width", "border-style",
    "border-width", "background-color", "background", "font", "clip", "margin-left", "margin-top",
    "line-height", "transform", "z-index",
})
MAX_RULES = 5000
MAX_STYLE_CHARS = 1_000_000

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_AT_BLOCK = re.compile(r"@(media|supports|font-face|keyframes|-webkit-keyframes|page)[^{]*\{", re.IGNORECASE)
_RULE = re.compile(r"([^{}@]+)\{([^{}]*)\}")
_COMPOUND = re.compile(r"^(?P<tag>[a-zA-Z][a-zA-Z0-9-]*|\*)?(?P<rest>(?:[.#][-_a-zA-Z0-9\u00a0-\uffff]+)*)$")

NAMED_COLORS: dict[str, RGB] = {
    "red": (255, 0, 0), "darkred": (139, 0, 0), "crimson": (220, 20, 60), "firebrick": (178, 34, 34),
    "maroon": (128, 0, 0), "orangered": (255, 69, 0), "tomato": (255, 99, 71), "indianred": (205, 92, 92),
    "black": (0, 0, 0), "white": (255, 255, 255), "gray": (128, 128, 128), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "blue": (0, 0, 255), "navy": (0, 0, 128), "green": (0, 128, 0),
    "yellow": (255, 255, 0), "orange": (255, 165, 0), "purple": (128, 0, 128), "darkblue": (0, 0, 139),
    "lightgray": (211, 211, 211), "lightgrey": (211, 211, 211), "darkgray": (169, 169, 169),
    "transparent": None,  # type: ignore[dict-item]
}


def parse_color(value: str | None) -> RGB | None:
    """``#rgb``, ``#rrggbb``, ``rgb()``/``rgba()`` and common names → (r, g, b)."""
    if not value:
        return None
    v = value.strip().lower()
    if v.startswith("#"):
        h = v[1:]
        if len(h) in (3, 4) and all(c in "0123456789abcdef" for c in h):
            return tuple(int(c * 2, 16) for c in h[:3])  # type: ignore[return-value]
        if len(h) in (6, 8) and all(c in "0123456789abcdef" for c in h):
            return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)
        return None
    m = re.match(r"rgba?\(\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)\s*[, ]\s*([\d.]+%?)", v)
    if m:
        out = []
        for part in m.groups():
            n = float(part.rstrip("%")) * (2.55 if part.endswith("%") else 1)
            out.append(max(0, min(255, round(n))))
        return out[0], out[1], out[2]
    if re.fullmatch(r"[0-9a-f]{6}", v):  # <font color="ff0000">
        return int(v[0:2], 16), int(v[2:4], 16), int(v[4:6], 16)
    return NAMED_COLORS.get(v)


def find_color(value: str) -> RGB | None:
    """The first colour inside a shorthand such as ``1px solid #c00``."""
    for token in re.findall(r"rgba?\([^)]*\)|#[0-9a-fA-F]{3,8}\b|[a-zA-Z]+", value):
        rgb = parse_color(token)
        if rgb is not None:
            return rgb
    return None


def parse_length_px(value: str | None, font_px: float = 16.0) -> float | None:
    """A CSS length in px (px, pt, em, rem, %, cm, mm, in; bare numbers as px)."""
    if value is None:
        return None
    m = re.match(r"\s*(-?[\d.]+)\s*(px|pt|em|rem|%|cm|mm|in|vw|vh)?", value.strip().lower())
    if not m:
        return None
    try:
        n = float(m.group(1))
    except ValueError:
        return None
    unit = m.group(2) or "px"
    return n * {"px": 1, "pt": 4 / 3, "em": font_px, "rem": 16.0, "%": font_px / 100, "cm": 96 / 2.54,
                "mm": 96 / 25.4, "in": 96, "vw": 12.8, "vh": 7.2}[unit]


FONT_KEYWORDS_PX = {"xx-small": 9, "x-small": 10, "small": 13, "medium": 16, "large": 18, "x-large": 24,
                    "xx-large": 32, "xxx-large": 48}
FONT_TAG_SIZES_PX = {1: 10, 2: 13, 3: 16, 4: 18, 5: 24, 6: 32, 7: 48}


def font_size_px(value: str, parent_px: float) -> float | None:
    v = value.strip().lower()
    if v in FONT_KEYWORDS_PX:
        return float(FONT_KEYWORDS_PX[v])
    if v == "smaller":
        return parent_px / 1.2
    if v == "larger":
        return parent_px * 1.2
    return parse_length_px(v, parent_px)


def parse_declarations(style: str) -> dict[str, str]:
    """``color: red; font-size: 22pt`` → {"color": "red", "font-size": "22pt"} (known properties only)."""
    out: dict[str, str] = {}
    for decl in style.split(";"):
        name, sep, value = decl.partition(":")
        if not sep:
            continue
        name = name.strip().lower()
        if name in PROPERTIES:
            out[name] = value.replace("!important", "").strip()
    return out


@dataclass(frozen=True, slots=True)
class Compound:
    tag: str | None
    ids: tuple[str, ...]
    classes: tuple[str, ...]

    def matches(self, tag: str, el_id: str | None, classes: frozenset[str]) -> bool:
        if self.tag and self.tag != tag:
            return False
        if self.ids and (el_id is None or any(i != el_id for i in self.ids)):
            return False
        return all(c in classes for c in self.classes)


@dataclass(frozen=True, slots=True)
class CssRule:
    parts: tuple[Compound, ...]  # ancestors first, the subject last
    declarations: dict[str, str]
    specificity: tuple[int, int, int]
    order: int


def _compound(text: str) -> Compound | None:
    m = _COMPOUND.match(text)
    if not m or not text:
        return None
    tag = m.group("tag")
    rest = m.group("rest") or ""
    ids = tuple(x[1:] for x in re.findall(r"#[^.#]+", rest))
    classes = tuple(x[1:] for x in re.findall(r"\.[^.#]+", rest))
    return Compound(None if tag in (None, "*") else tag.lower(), ids, classes)


def parse_stylesheet(css: str, start_order: int = 0) -> list[CssRule]:
    """Simple rules of a ``<style>`` block; rules inside @media etc. are read as if the media matched."""
    css = _COMMENT.sub(" ", css[:MAX_STYLE_CHARS])
    css = _AT_BLOCK.sub(" ", css)
    rules: list[CssRule] = []
    order = start_order
    for m in _RULE.finditer(css):
        decls = parse_declarations(m.group(2))
        if not decls:
            continue
        for selector in m.group(1).split(","):
            selector = selector.strip().replace(">", " ")
            if not selector:
                continue
            parts = []
            for token in selector.split():
                comp = _compound(token)
                if comp is None:
                    parts = []
                    break
                parts.append(comp)
            if not parts:
                continue
            spec = (sum(len(p.ids) for p in parts), sum(len(p.classes) for p in parts),
                    sum(1 for p in parts if p.tag))
            rules.append(CssRule(tuple(parts), decls, spec, order))
            order += 1
            if len(rules) >= MAX_RULES:
                return rules
    return rules


class RuleIndex:
    """Rules indexed by their subject's id, first class or tag, for fast per-element lookup."""

    def __init__(self, rules: list[CssRule]):
        self.by_id: dict[str, list[CssRule]] = {}
        self.by_class: dict[str, list[CssRule]] = {}
        self.by_tag: dict[str, list[CssRule]] = {}
        self.universal: list[CssRule] = []
        for r in rules:
            s = r.parts[-1]
            if s.ids:
                self.by_id.setdefault(s.ids[0], []).append(r)
            elif s.classes:
                self.by_class.setdefault(s.classes[0], []).append(r)
            elif s.tag:
                self.by_tag.setdefault(s.tag, []).append(r)
            else:
                self.universal.append(r)

    def __bool__(self) -> bool:
        return bool(self.by_id or self.by_class or self.by_tag or self.universal)

    def declarations(self, tag: str, el_id: str | None, classes: frozenset[str],
                     ancestors: list[tuple[str, str | None, frozenset[str]]]) -> dict[str, str]:
        """Declarations of every matching rule, cascaded by specificity then order.

        ``ancestors`` are (tag, id, classes) from the root down to the parent.
        """
        found: list[CssRule] = list(self.universal)
        found += self.by_tag.get(tag, ())
        if el_id:
            found += self.by_id.get(el_id, ())
        for c in classes:
            found += self.by_class.get(c, ())
        if not found:
            return {}
        matched = [r for r in found if r.parts[-1].matches(tag, el_id, classes) and _ancestors_match(r, ancestors)]
        out: dict[str, str] = {}
        for r in sorted(matched, key=lambda r: (r.specificity, r.order)):
            out.update(r.declarations)
        return out


def _ancestors_match(rule: CssRule, ancestors: list[tuple[str, str | None, frozenset[str]]]) -> bool:
    need = len(rule.parts) - 2
    i = len(ancestors) - 1
    while need >= 0 and i >= 0:
        if rule.parts[need].matches(*ancestors[i]):
            need -= 1
        i -= 1
    return need < 0
