"""DOCX run and paragraph properties resolved through styles and the theme.

Word stores a colour in many places: the run (``w:color w:val``), a character
style (``w:rStyle``), the paragraph style and its ``basedOn`` chain, the document
defaults, and — for any of these — as a theme colour (``w:themeColor`` with
optional ``themeTint``/``themeShade``) whose RGB lives in ``word/theme/theme1.xml``.
:class:`Styles` folds them in Word's order (defaults < paragraph style < character
style < direct formatting) and says where the winning colour came from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_W = "{%s}" % W
_A = "{%s}" % A

RGB = tuple[int, int, int]

THEME_NAMES = {
    "dark1": "dk1", "light1": "lt1", "dark2": "dk2", "light2": "lt2", "text1": "dk1", "text2": "dk2",
    "background1": "lt1", "background2": "lt2", "accent1": "accent1", "accent2": "accent2", "accent3": "accent3",
    "accent4": "accent4", "accent5": "accent5", "accent6": "accent6", "hyperlink": "hlink",
    "followedHyperlink": "folHlink", "tx1": "dk1", "tx2": "dk2", "bg1": "lt1", "bg2": "lt2",
    "dk1": "dk1", "lt1": "lt1", "dk2": "dk2", "lt2": "lt2", "hlink": "hlink", "folHlink": "folHlink",
}


def hex_rgb(value: str | None) -> RGB | None:
    if not value or len(value) != 6:
        return None
    try:
        return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
    except ValueError:
        return None


def apply_tint_shade(rgb: RGB, tint: str | None, shade: str | None) -> RGB:
    r, g, b = rgb
    if shade:
        try:
            s = int(shade, 16) / 255
            r, g, b = (round(c * s) for c in (r, g, b))
        except ValueError:
            pass
    if tint:
        try:
            t = int(tint, 16) / 255
            r, g, b = (round(c * t + 255 * (1 - t)) for c in (r, g, b))
        except ValueError:
            pass
    return r, g, b


def parse_theme(root) -> dict[str, RGB]:
    """Theme colour slot (dk1, accent2 ...) → RGB from a theme part's ``a:clrScheme``."""
    colors: dict[str, RGB] = {}
    if root is None:
        return colors
    scheme = root.find(f".//{_A}clrScheme")
    if scheme is None:
        return colors
    for slot in scheme:
        name = slot.tag.rsplit("}", 1)[-1]
        for child in slot:
            tag = child.tag.rsplit("}", 1)[-1]
            rgb = hex_rgb(child.get("val") if tag == "srgbClr" else child.get("lastClr") if tag == "sysClr" else None)
            if rgb:
                colors[name] = rgb
    return colors


@dataclass(frozen=True, slots=True)
class RunProps:
    color: RGB | None = None
    color_source: str = ""
    size_pt: float | None = None
    bold: bool = False
    hidden: bool = False
    spacing_pt: float = 0.0  # extra space after every character (w:spacing in rPr)


@dataclass(frozen=True, slots=True)
class ParaProps:
    align: str | None = None
    borders: tuple = ()  # ((side, val, sz_eighths, color, source, space_pt), ...)
    before_pt: float = 0.0
    after_pt: float = 0.0
    line: tuple[str, float] | None = None  # (rule, value): ("auto", 1.5) or ("exact", 28.0) in pt
    ind_left_pt: float = 0.0
    ind_right_pt: float = 0.0
    page_break_before: bool = False


_JC = {"center": "center", "centre": "center", "distribute": "center", "right": "right", "end": "right",
       "left": "left", "start": "left", "both": "left", "justify": "left"}


def _num(value: str | None, default: float = 0.0) -> float:
    try:
        return float(value) if value is not None else default
    except ValueError:
        return default


class Styles:
    def __init__(self, styles_root=None, theme: dict[str, RGB] | None = None):
        self.theme = theme or {}
        self._styles: dict[str, object] = {}
        self._run_cache: dict[str | None, RunProps] = {}
        self._para_cache: dict[str | None, ParaProps] = {}
        self.default_para: str | None = None
        self.default_char: str | None = None
        self.doc_rpr = None
        self.doc_ppr = None
        if styles_root is not None:
            for st in styles_root.iter(f"{_W}style"):
                sid = st.get(f"{_W}styleId")
                if sid:
                    self._styles[sid] = st
                    if st.get(f"{_W}default") in ("1", "true", "on"):
                        if st.get(f"{_W}type") == "paragraph":
                            self.default_para = sid
                        elif st.get(f"{_W}type") == "character":
                            self.default_char = sid
            dd = styles_root.find(f"{_W}docDefaults")
            if dd is not None:
                self.doc_rpr = dd.find(f"{_W}rPrDefault/{_W}rPr")
                self.doc_ppr = dd.find(f"{_W}pPrDefault/{_W}pPr")

    # -- colours --------------------------------------------------------------------------------------
    def color_of(self, el, source: str, attr: str = "val") -> tuple[RGB | None, str] | None:
        """(rgb, source) for a ``w:color`` element (``attr="val"``) or a border (``attr="color"``);
        None when it says nothing."""
        if el is None:
            return None
        theme = el.get(f"{_W}themeColor")
        if theme:
            slot = THEME_NAMES.get(theme, theme)
            rgb = self.theme.get(slot)
            if rgb is not None:
                return apply_tint_shade(rgb, el.get(f"{_W}themeTint"), el.get(f"{_W}themeShade")), f"{source}+theme"
        val = el.get(f"{_W}{attr}")
        if val is None:
            return None
        if val.lower() == "auto":
            return None, source
        rgb = hex_rgb(val)
        return (rgb, source) if rgb is not None else None

    # -- run properties --------------------------------------------------------------------------------
    def _apply_rpr(self, props: RunProps, rpr, source: str) -> RunProps:
        if rpr is None:
            return props
        changes: dict = {}
        c = self.color_of(rpr.find(f"{_W}color"), source)
        if c is not None:
            changes["color"], changes["color_source"] = c
        sz = rpr.find(f"{_W}sz")
        if sz is None:
            sz = rpr.find(f"{_W}szCs")
        if sz is not None and sz.get(f"{_W}val"):
            changes["size_pt"] = _num(sz.get(f"{_W}val"), 21) / 2
        b = rpr.find(f"{_W}b")
        if b is not None:
            changes["bold"] = b.get(f"{_W}val", "true") not in ("0", "false", "off")
        v = rpr.find(f"{_W}vanish")
        if v is not None:
            changes["hidden"] = v.get(f"{_W}val", "true") not in ("0", "false", "off")
        sp = rpr.find(f"{_W}spacing")
        if sp is not None and sp.get(f"{_W}val"):
            changes["spacing_pt"] = _num(sp.get(f"{_W}val")) / 20
        return replace(props, **changes) if changes else props

    def _chain(self, sid: str | None) -> list:
        out, seen = [], set()
        while sid and sid not in seen and len(out) < 20:
            seen.add(sid)
            st = self._styles.get(sid)
            if st is None:
                break
            out.append(st)
            based = st.find(f"{_W}basedOn")
            sid = based.get(f"{_W}val") if based is not None else None
        return list(reversed(out))

    def _style_run(self, sid: str | None, source: str, base: RunProps) -> RunProps:
        props = base
        for st in self._chain(sid):
            props = self._apply_rpr(props, st.find(f"{_W}rPr"), f"{source}:{st.get(f'{_W}styleId')}")
        return props

    def base_run(self, pstyle: str | None) -> RunProps:
        key = pstyle or self.default_para
        if key in self._run_cache:
            return self._run_cache[key]
        props = self._apply_rpr(RunProps(size_pt=10.5), self.doc_rpr, "defaults")
        props = self._style_run(key, "paragraph-style", props)
        self._run_cache[key] = props
        return props

    def run_props(self, pstyle: str | None, rpr) -> RunProps:
        props = self.base_run(pstyle)
        if rpr is not None:
            rs = rpr.find(f"{_W}rStyle")
            if rs is not None:
                props = self._style_run(rs.get(f"{_W}val"), "character-style", props)
            props = self._apply_rpr(props, rpr, "run")
        return props

    # -- paragraph properties --------------------------------------------------------------------------
    def _apply_ppr(self, props: ParaProps, ppr, source: str) -> ParaProps:
        if ppr is None:
            return props
        changes: dict = {}
        jc = ppr.find(f"{_W}jc")
        if jc is not None:
            changes["align"] = _JC.get(jc.get(f"{_W}val", ""), None)
        bdr = ppr.find(f"{_W}pBdr")
        if bdr is not None:
            borders = {b[0]: b for b in props.borders}
            for side in bdr:
                name = side.tag.rsplit("}", 1)[-1]
                val = side.get(f"{_W}val", "single")
                if val in ("nil", "none"):
                    borders.pop(name, None)
                    continue
                c = self.color_of(side, source, "color")
                rgb = c[0] if c else None
                borders[name] = (name, val, _num(side.get(f"{_W}sz"), 4), rgb, source, _num(side.get(f"{_W}space")))
            changes["borders"] = tuple(borders.values())
        sp = ppr.find(f"{_W}spacing")
        if sp is not None:
            if sp.get(f"{_W}before") is not None:
                changes["before_pt"] = _num(sp.get(f"{_W}before")) / 20
            if sp.get(f"{_W}after") is not None:
                changes["after_pt"] = _num(sp.get(f"{_W}after")) / 20
            if sp.get(f"{_W}line") is not None:
                rule = sp.get(f"{_W}lineRule", "auto")
                value = _num(sp.get(f"{_W}line"), 240)
                changes["line"] = ("auto", value / 240) if rule == "auto" else (rule, value / 20)
        ind = ppr.find(f"{_W}ind")
        if ind is not None:
            left = ind.get(f"{_W}left") or ind.get(f"{_W}start")
            right = ind.get(f"{_W}right") or ind.get(f"{_W}end")
            if left is not None:
                changes["ind_left_pt"] = _num(left) / 20
            if right is not None:
                changes["ind_right_pt"] = _num(right) / 20
        pb = ppr.find(f"{_W}pageBreakBefore")
        if pb is not None:
            changes["page_break_before"] = pb.get(f"{_W}val", "true") not in ("0", "false", "off")
        return replace(props, **changes) if changes else props

    def para_props(self, ppr) -> tuple[str | None, ParaProps]:
        ps = ppr.find(f"{_W}pStyle") if ppr is not None else None
        sid = ps.get(f"{_W}val") if ps is not None else self.default_para
        if sid not in self._para_cache:
            props = self._apply_ppr(ParaProps(), self.doc_ppr, "defaults")
            for st in self._chain(sid):
                props = self._apply_ppr(props, st.find(f"{_W}pPr"), f"paragraph-style:{st.get(f'{_W}styleId')}")
            self._para_cache[sid] = props
        props = self._para_cache[sid]
        return sid, self._apply_ppr(props, ppr, "paragraph")
