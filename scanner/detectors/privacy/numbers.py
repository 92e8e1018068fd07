"""Numeric recognisers: resident IDs (18 and 15 digits), HK/Macau/Taiwan residence permits,
IDs rounded by Excel, mobiles, landlines and bank cards, masked or not.

All of them read the same shared *number runs*: maximal runs of digits and mask
characters joined by single separators (space, hyphen), with an optional
+86/0086 prefix and a bracketed area code.  A run is tried whole and, when it
holds spaces, piece by piece (table cells joined by spaces).  ASCII letters or
digits right next to a run make it part of a code (order numbers, file names);
Chinese characters do not — 身份证号110101… is found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

from scanner.detectors.privacy import validators as v
from scanner.detectors.privacy.recognizer import Hit, Recognizer, Scan
from scanner.findings import Severity
from scanner.privacy.masking import MASK_CHARS, exposure

_RUN = re.compile(
    r"(?:(?:\+|00)86[ \-－]?)?"
    r"(?:[(（]0[0-9]{2,3}[)）][ \-－]?)?"
    r"[0-9*＊×●](?:[0-9*＊×●xX]|[ \-－—](?=[0-9*＊×●]))*"
)
_SEP = " -－—()（）"
_STRIP = str.maketrans("", "", _SEP)
_MASKS = "".join(sorted(MASK_CHARS - {"x", "X", "·"}))
_AMOUNT_AFTER = ("元", "万", "亿", "人", "户", "次", "个", "台", "件", "吨", "平方", "%", "‰", "年", "月", "日", "号文")


_LONGEST = 19  # the longest value a numeric recogniser accepts (bank cards); IDs 18, old IDs 15, phones ≤ 12


@dataclass(slots=True)
class Piece:
    start: int
    end: int
    raw: str  # text of the piece (normalised)
    chars: str  # separators removed, prefix removed, X upper-case
    groups: tuple[int, ...]  # lengths of separator-delimited groups (after the prefix)
    intl: bool  # had +86 / 0086
    masked: bool
    visible: int  # visible digits


def _piece(text: str, start: int, end: int) -> Piece | None:
    raw = text[start:end]
    if raw.isdigit() and not raw.startswith("00"):  # the common case: ASCII digits only (see _RUN), no 0086
        return Piece(start, end, raw, raw, (len(raw),), False, False, len(raw)) if 10 <= len(raw) <= _LONGEST else None
    intl = False
    body = raw
    m = re.match(r"(?:\+|00)86[ \-－]?", body)
    if m and len(re.sub(r"\D", "", body)) > 11:
        intl = True
        body = body[m.end():]
    chars = body.translate(_STRIP)
    if not 10 <= len(chars) <= _LONGEST:
        return None  # too short or too long for every numeric recogniser (a row of cells joined by spaces)
    chars = chars.upper()
    masked = any(c in _MASKS for c in chars) or "XX" in chars
    groups = tuple(len(g) for g in re.split(r"[ \-－—]+", body.replace("(", "").replace(")", "")
                                             .replace("（", "").replace("）", "")) if g)
    visible = sum(c.isdigit() for c in chars)
    if masked and visible < 2:
        return None
    return Piece(start, end, raw, chars, groups, intl, masked, visible)


# a match of _RUN can only begin with one of these characters (its +86/0086 prefix, its bracketed area code or
# its first digit/mask character): found by one charset scan, which the regex engine does much faster than
# trying the whole pattern at every position (a spreadsheet's text is mostly other characters)
_RUN_FIRST = re.compile(r"[0-9*＊×●+(（]")


def _runs(text: str) -> Iterator[re.Match[str]]:
    """``_RUN.finditer(text)``, the same matches: the pattern is tried only where a match can begin."""
    search, match = _RUN_FIRST.search, _RUN.match
    pos = 0
    while True:
        f = search(text, pos)
        if f is None:
            return
        at = f.start()
        m = match(text, at)
        if m is None:
            pos = at + 1
            continue
        yield m
        pos = m.end()


def number_pieces(scan: Scan) -> list[Piece]:
    """The shared runs of the document, split into candidate pieces (computed once per scan)."""

    def build() -> list[Piece]:
        # the bulk path's candidate cells are blanked in scan.masked; elsewhere it is the text itself (a run
        # never reaches a blanked cell, see bulk.ColumnPass._isolated), so pieces are read from it too
        text = scan.masked or scan.text
        out: list[Piece] = []
        for m in _runs(text):
            s, e = m.span()
            if e - s < 10:
                continue
            prev = text[s - 1] if s else ""
            nxt = text[e] if e < len(text) else ""
            if prev and prev.isascii() and (prev.isalnum() or prev in "./_\\%=&"):
                continue
            if nxt and nxt.isascii() and (nxt.isalnum() or nxt in "_" or (nxt == "." and text[e + 1:e + 2].isalnum())):
                continue
            # trailing separator-free hyphen/space is never part of the run (regex guarantees it)
            whole = _piece(text, s, e)
            if whole is not None:
                out.append(whole)
            g = m.group()
            if " " in g:
                pos = s
                for part in g.split(" "):
                    ps, pe = pos, pos + len(part)
                    pos = pe + 1
                    if pe - ps >= 10 and (ps, pe) != (s, e):
                        p = _piece(text, ps, pe)
                        if p is not None:
                            out.append(p)
        return out

    return scan.shared("number_pieces", build)


class NumberRecognizer(Recognizer):
    """Base of the numeric recognisers: iterate the shared pieces, ``check`` each."""

    lengths: ClassVar[frozenset[int]] = frozenset(range(10, _LONGEST + 1))  # of ``Piece.chars`` that check can accept

    def analyze(self, scan: Scan) -> Iterator[Hit]:
        lengths = self.lengths
        for p in number_pieces(scan):
            if len(p.chars) in lengths:
                hit = self.check(scan, p)
                if hit is not None:
                    yield hit

    def check(self, scan: Scan, p: Piece) -> Hit | None:  # pragma: no cover - abstract
        raise NotImplementedError

    # helpers -----------------------------------------------------------------
    @staticmethod
    def amount_after(scan: Scan, p: Piece) -> bool:
        after = scan.text[p.end:p.end + 3].lstrip()
        return after.startswith(_AMOUNT_AFTER)

    def partial(self, scan: Scan, p: Piece, kind: str, rule: str, severity: Severity, ctx: list[str],
                birth: tuple[int, int] | None = None) -> Hit | None:
        """A masked value: None when masked enough under the site's profile, else a partial hit."""
        lead, trail, visible = exposure(p.chars)
        birth_hidden = True
        if birth is not None:
            birth_hidden = not any(birth[0] <= i < birth[1] for i in visible)
        pol = scan.config["policy"]
        if pol.allows(kind, lead, trail, birth_hidden):
            if not scan.config.get("report_masked"):
                return None
            severity = Severity.INFO
            exposed = f"已按 {pol.name} 规则脱敏"
        else:
            parts = [f"仍显示前 {lead} 位、后 {trail} 位"]
            if len(visible) > lead + trail:
                parts.append(f"中间仍有 {len(visible) - lead - trail} 位未遮盖")
            if birth is not None and not birth_hidden:
                parts.append("出生日期未完全隐去")
            exposed = "，".join(parts)
        return Hit(kind, rule, p.start, p.end, p.chars, severity, 0.9, f"部分脱敏：{exposed}；{pol.describe(kind)}",
                   ctx, exposed=exposed, details={"masked_in_source": True, "profile": pol.name})


class ResidentIdRecognizer(NumberRecognizer):
    """18-character resident IDs (GB 11643) and HK/Macau/Taiwan residence permits (81/82/83 0000)."""

    name = "resident_id"
    kind = "id"
    context = "id"
    lengths = frozenset((18,))

    def check(self, scan: Scan, p: Piece) -> Hit | None:
        c = p.chars
        if len(c) != 18 or p.intl:
            return None
        ctx = scan.context(p.start, p.end, "id")
        if p.masked:
            if scan.context(p.start, p.end, "bank") and not ctx:
                return None  # 银行卡号：6222…  masked to 18 characters is a card, not an ID
            lead = c[:6]
            plausible = (not lead[:2].isdigit()) or lead[:2] in v.regions() or lead[:2] == "83"
            if not plausible and not ctx:
                return None
            if not ctx and c[:2].isdigit() and not (c[-1].isdigit() or c[-1] == "X" or c[-1] in _MASKS):
                return None
            return self.partial(scan, p, "id", "privacy.id_partial", Severity.MEDIUM, ctx, birth=(6, 14))
        if not c[:17].isdigit() or not (c[17].isdigit() or c[17] == "X"):
            return None
        region = v.region_name(c)
        date_ok = v.birth_date_ok(c[6:14])
        check_ok = v.id_checksum_ok(c)
        if region and date_ok and check_ok:
            if scan.context_before(p.start, "not_personal") and v.uscc_ok(c):
                return None  # an organisation's unified social credit code that happens to validate
            permit = c[:2] in ("81", "82", "83")
            kind = "permit" if permit else "id"
            what = "港澳台居民居住证号码" if permit else "居民身份证号码"
            ctx = ctx + scan.context(p.start, p.end, "permit") if permit else ctx
            return Hit(kind, f"privacy.{kind}", p.start, p.end, c, Severity.HIGH, 0.99 if ctx else 0.97,
                       f"{what}：GB 11643 MOD 11-2 校验位正确；行政区划代码有效（{region}）；出生日期有效", ctx)
        if region and date_ok and c.endswith("000") and not check_ok:
            return Hit("id", "privacy.id_rounded", p.start, p.end, c, Severity.MEDIUM, 0.85 if ctx else 0.75,
                       f"疑似被 Excel 按 15 位有效数字截断的身份证号码：行政区划代码有效（{region}）、出生日期有效，"
                       "末位被置零；仍泄露籍贯和出生日期", ctx, details={"rounded": True})
        if region and date_ok and ctx and not check_ok:
            return Hit("id", "privacy.id_invalid", p.start, p.end, c, Severity.MEDIUM, 0.7,
                       f"身份证号码校验位不符，但行政区划代码有效（{region}）、出生日期有效，且有上下文", ctx)
        return None


class OldIdRecognizer(NumberRecognizer):
    """First-generation 15-digit IDs: region + YYMMDD birth date, only with ID context words."""

    name = "old_resident_id"
    kind = "old_id"
    context = "id"
    lengths = frozenset((15,))

    def check(self, scan: Scan, p: Piece) -> Hit | None:
        c = p.chars
        if len(c) != 15 or p.intl:
            return None
        ctx = scan.context(p.start, p.end, "id")
        if not ctx:
            return None
        if p.masked:
            return self.partial(scan, p, "old_id", "privacy.old_id_partial", Severity.MEDIUM, ctx, birth=(6, 12))
        if not c.isdigit():
            return None
        region_ok, date_ok = v.old_id_ok(c)
        if region_ok and date_ok:
            return Hit("old_id", "privacy.old_id", p.start, p.end, c, Severity.HIGH, 0.9,
                       f"15 位旧身份证号码：行政区划代码有效（{v.region_name(c)}）；出生日期有效；上下文词", ctx)
        return None


class MobileRecognizer(NumberRecognizer):
    """Mainland mobiles: 1[3-9] + 9 digits, with +86/0086, spaces or hyphens in 3-4-4 / 3-8 / 7-4 groups."""

    name = "mobile"
    kind = "phone"
    context = "phone"
    lengths = frozenset((11,))
    _GROUPS: ClassVar[set[tuple[int, ...]]] = {(11,), (3, 4, 4), (3, 8), (7, 4), (3, 3, 5)}

    def check(self, scan: Scan, p: Piece) -> Hit | None:
        c = p.chars
        if len(c) != 11 or c[0] != "1":
            return None
        if p.groups not in self._GROUPS and not (p.intl and sum(p.groups) == 11):
            return None
        ctx = scan.context(p.start, p.end, "phone")
        if p.masked:
            if not c[1:2].isdigit() or c[1] not in "3456789":
                return None
            return self.partial(scan, p, "phone", "privacy.phone_partial", Severity.LOW, ctx)
        if not c.isdigit() or not v.mobile_ok(c) or self.amount_after(scan, p):
            return None
        if scan.context_before(p.start, "not_personal", 8) and not ctx:
            return None
        return classify_phone(scan, p, "phone", c, ctx, 0.95)


class LandlineRecognizer(NumberRecognizer):
    """Landlines with an area code (010-12345678, (0571)87654321, 0755 1234 5678): only personal ones."""

    name = "landline"
    kind = "landline"
    context = "phone"
    lengths = frozenset((10, 11, 12))  # landline_ok

    def check(self, scan: Scan, p: Piece) -> Hit | None:
        c = p.chars
        if p.masked or not c.isdigit() or not v.landline_ok(c):
            return None
        if len(p.groups) == 1 and "(" not in p.raw and "（" not in p.raw:
            pass  # unseparated: the area-code rule of landline_ok decides
        elif not (2 <= len(p.groups) <= 3 and p.groups[0] in (3, 4)):
            return None
        if self.amount_after(scan, p):
            return None
        ctx = scan.context(p.start, p.end, "phone")
        return classify_phone(scan, p, "landline", c, ctx, 0.85)


_HOME_WORDS = ("家庭电话", "住宅电话", "家庭联系", "家属", "本人", "我的电话", "我的手机", "个人手机", "紧急联系", "我的联系")
_CLAUSE_END = "。；！？!?;\n"


def _clause(scan: Scan, start: int, width: int = 24) -> str:
    """The text before ``start`` back to the sentence (or table row) start, at most ``width`` characters."""
    before = scan.before(start, width)
    cut = max(before.rfind(c) for c in _CLAUSE_END)
    return before[cut + 1:]


def _named_contact(clause: str) -> str | None:
    """联系人 followed by a person's name in ``clause`` (not 联系人：政务公开股)."""
    from scanner.detectors.privacy.names import is_name

    i = clause.rfind("联系人")
    if i < 0:
        return None
    rest = clause[i + 3:].lstrip("：: ")
    run = ""
    for ch in rest:
        if "\u4e00" <= ch <= "\u9fff" or ch == "·":
            run += ch
        else:
            break
    for k in (4, 3, 2):
        if is_name(run[:k]) and (len(run) == k or not run[k:k + 1].isalpha() or run[k:].startswith(("电话", "手机", "联系"))):
            return "联系人"
    return None


def classify_phone(scan: Scan, p: Piece, kind: str, canonical: str, ctx: list[str], score: float) -> Hit | None:
    """Severity of a phone number from its clause: a named contact's phone low, a department's number
    (咨询/监督/举报电话, 局/中心 …) not reported, a citizen's own number medium."""
    clause = _clause(scan, p.start)
    home = [w for w in _HOME_WORDS if w in clause]
    personal = scan.words_in(clause, "personal")
    office = scan.words_in(clause, "office")
    rule = "privacy.phone" if kind == "phone" else "privacy.landline"
    what = "手机号码" if kind == "phone" else "固定电话（含区号）"
    contact = _named_contact(clause)
    if contact and not home:
        return Hit(kind, "privacy.contact_phone", p.start, p.end, canonical, Severity.LOW, score - 0.1,
                   f"{what}：具名联系人的工作电话", ctx + [contact], details={"contact": True})
    if home:
        return Hit(kind, rule, p.start, p.end, canonical, Severity.MEDIUM, score, f"{what}：本人/家庭电话上下文",
                   ctx + home)
    if office:
        return None  # a department's published number (咨询/监督/举报电话 ...)
    if personal:
        return Hit(kind, rule, p.start, p.end, canonical, Severity.MEDIUM, score, f"{what}：个人信息上下文",
                   ctx + personal)
    if kind == "landline":
        return None  # landlines on government pages are office lines unless a person is named
    return Hit(kind, rule, p.start, p.end, canonical, Severity.MEDIUM, score, f"{what}：号段格式有效", ctx)


class BankCardRecognizer(NumberRecognizer):
    """Bank cards: 16-19 digits passing Luhn with a card-issuer prefix (UnionPay 62…), grouped in fours or 6 + rest."""

    name = "bank_card"
    kind = "bank"
    context = "bank"
    lengths = frozenset(range(15, 20))

    def check(self, scan: Scan, p: Piece) -> Hit | None:
        c = p.chars
        if not 15 <= len(c) <= 19 or p.intl:
            return None
        g = p.groups
        grouped = len(g) == 1 or all(x == 4 for x in g[:-1]) and 1 <= g[-1] <= 4 or (len(g) == 2 and g[0] == 6)
        if not grouped:
            return None
        ctx = scan.context(p.start, p.end, "bank")
        if p.masked:
            if len(c) == 18 and not ctx:
                return None  # an 18-character masked value is an ID unless said otherwise
            if not ctx and not (c[:2].isdigit() and v.bank_prefix_ok(c)):
                return None
            return self.partial(scan, p, "bank", "privacy.bank_partial", Severity.MEDIUM, ctx)
        if not c.isdigit() or len(c) < 16 or self.amount_after(scan, p):
            return None
        if not v.luhn_ok(c):
            return None
        if not ctx and (not v.bank_prefix_ok(c) or scan.context_before(p.start, "not_personal", 10)):
            return None
        if len(c) == 18 and v.region_name(c) and v.birth_date_ok(c[6:14]) and not ctx:
            return None  # looks like an ID: left to the ID recogniser
        return Hit("bank", "privacy.bank", p.start, p.end, c, Severity.HIGH, 0.97 if ctx else 0.9,
                   "银行卡号：Luhn 校验通过；发卡行前缀有效" + ("（银联 62）" if c.startswith("62") else ""), ctx)


_SCI = re.compile(r"(?<![0-9.])([1-9])\.([0-9]{4,14})[Ee]\+?(1[4-7])(?![0-9])")


class RoundedIdRecognizer(Recognizer):
    """IDs that a spreadsheet turned into a number in scientific notation (1.10101199003E+17)."""

    name = "rounded_id"
    kind = "id"
    context = "id"
    pattern = _SCI

    def candidates(self, scan: Scan):
        if "E+1" not in scan.text and "e+1" not in scan.text and "E1" not in scan.text:
            return ()
        return self.pattern.finditer(scan.text)

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        digits = m.group(1) + m.group(2)
        if m.group(3) != "17":
            return None
        region = v.region_name(digits[:6]) if len(digits) >= 6 else None
        if region is None:
            return None
        leaked = ["籍贯（行政区划）"]
        if len(digits) >= 12 and v.birth_date_ok(digits[6:14] if len(digits) >= 14 else digits[6:12] + "01"):
            leaked.append("出生年月" if len(digits) < 14 else "出生日期")
        elif len(digits) >= 10:
            return None
        ctx = scan.context(m.start(), m.end(), "id")
        return Hit("id", "privacy.id_rounded", m.start(), m.end(), digits, Severity.MEDIUM, 0.85,
                   f"被 Excel 存成科学计数法的身份证号码（{len(digits)} 位有效数字）：行政区划代码有效（{region}），"
                   f"仍泄露{'、'.join(leaked)}", ctx, details={"rounded": True})
