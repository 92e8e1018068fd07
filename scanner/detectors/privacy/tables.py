"""Column-level inference over ``Document.tables`` (HTML, DOCX tables, spreadsheet sheets incl. hidden ones).

A header such as 姓名 / 身份证号码 / 公民身份号码 / 联系电话 / 银行账号 / 家庭住址 / 病种
(``dictionaries/privacy/headers.yaml``) makes its whole column strong evidence:
values the text pass found there gain the column as context; values it could
not judge alone are decided by the column (an ID whose check digit is wrong or
that Excel rounded, a bank account number that is not a card, a landline, an
address, a disease).  Health cells are reported when the row names a person.
Works in source offsets (the detector maps text-pass hits back first).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.detectors.privacy import validators as v
from scanner.detectors.privacy.health import category
from scanner.detectors.privacy.names import is_name
from scanner.detectors.privacy.recognizer import Hit
from scanner.document import Document, Table, TableCell
from scanner.findings import Severity
from scanner.normalize import normalize
from scanner.privacy.masking import MASK_CHARS, MaskPolicy, exposure

_EMPTY = frozenset(("", "无", "-", "—", "/", "／", "否", "正常", "健康", "良好", "合格", "未见异常", "空", "null", "None", "0"))
_ORDER = ("id", "bank", "phone", "address", "health", "name", "email", "plate")
_SCI = re.compile(r"^([1-9])\.([0-9]{4,14})[Ee]\+?17$")
_MASK_STR = "".join(sorted(MASK_CHARS))
_MASKED = re.compile("[" + re.escape(_MASK_STR) + "]")
# a line break inside a cell (with the spaces around it), or one space between two characters: a PDF cell wraps its
# value and spaces the parts of an address ("河西村 7 组 88 号"); wider gaps stay (two values side by side)
_CELL_GAP = re.compile(r"[ \t\u3000]*\n\s*|(?<=\S)[ \u3000](?=\S)")
_COMPACT = re.compile(r"[\s\-－]")
_WRAP_NOTE = "（单元格内折行拆开的数字按一个值校验）"


def _wrapped(value: str) -> bool:
    """True for a stripped cell value with whitespace inside it (a PDF cell wrapped it or spaced its parts)."""
    # str.split() splits on exactly the characters str.isspace() accepts: one C-level call instead of a generator
    return bool(value) and value.split(None, 1) != [value]


@functools.lru_cache(maxsize=1)
def _ascii_identity() -> bool:
    """True when the normaliser leaves every printable non-space ASCII character as it is."""
    return all(normalize(chr(i)).text == chr(i) for i in range(33, 127))


@functools.lru_cache(maxsize=8192)
def _fold_cached(value: str) -> str:
    return normalize(value).text


def _fold(value: str) -> str:
    """``normalize(value).text`` of a cell value; a bare ASCII value (digits, masks) is returned as it is.

    ``normalize`` runs its whole-document machinery (a large pattern) even on a
    short cell; a printable ASCII value without spaces is unchanged by it when
    each such character is (checked once), and other values repeat (addresses).
    """
    if value.isascii() and value.isprintable() and " " not in value and _ascii_identity():
        return value
    return _fold_cached(value)


def _kind_of(head: str, headers: Mapping[str, Sequence[str]]) -> str | None:
    h = re.sub(r"\s", "", head)
    if not h or len(h) > 20:
        return None
    for kind in _ORDER:
        if any(w in h for w in headers.get(kind, ())):
            return kind
    return None


def column_kinds(table: Table, text: str, headers: Mapping[str, Sequence[str]]) -> tuple[int | None, dict[int, tuple[str, str]]]:
    """(header row, column index → (kind, header text)) for the columns whose header names personal data.

    The header row is the table's ``header_row`` or, when a title row sits above
    the real header (合并单元格的公示标题), the row among the first six whose cells
    name the most personal-data columns.
    """
    first: dict[int, dict[int, str]] = defaultdict(dict)
    top = None
    for c in table.cells:
        if top is None:
            top = c.row
        if c.row - top > 6:
            break
        first[c.row][c.col] = text[c.start:c.end]
    best_row, best = table.header_row, {}
    for row in sorted(first):
        kinds = {}
        for col, head in first[row].items():
            kind = _kind_of(head, headers)
            if kind is not None:
                kinds[col] = (kind, re.sub(r"\s", "", head))
        if len(kinds) > len(best) or (len(kinds) == len(best) and row == table.header_row and kinds):
            best_row, best = row, kinds
    return best_row, best


Prepared = tuple[int | None, dict[int, tuple[str, str]], dict[int, dict[int, TableCell]] | None]


def prepare(table: Table, text: str, headers: Mapping[str, Sequence[str]]) -> Prepared:
    """(header row, personal-data columns, data rows: row → column → cell); rows is None for a table the
    table pass does not look at (no ID / bank / phone / address / health column)."""
    header_row, kinds = column_kinds(table, text, headers)
    if not kinds or not any(k in ("id", "bank", "phone", "address", "health") for k, _ in kinds.values()):
        return header_row, kinds, None
    rows: dict[int, dict[int, TableCell]] = defaultdict(dict)
    for c in table.cells:
        if header_row is None or c.row > header_row:
            rows[c.row][c.col] = c
    return header_row, kinds, rows


def mark_found(h: Hit, kind: str, head: str, label: str, where: tuple[int, int, int], hidden: bool) -> None:
    """What a personal-data column adds to a value the text pass found in one of its cells."""
    details = h.details
    details["_cell"] = where
    if label not in h.context:
        h.context.append(label)
    h.score = min(1.0, h.score + 0.03)
    details["column"] = head
    if hidden:
        details["hidden_sheet"] = True
    if kind == "phone" and h.kind in ("phone", "landline") and h.severity < Severity.MEDIUM:
        h.severity = Severity.MEDIUM
    if kind == "bank" and h.kind in ("id", "permit") and h.canonical.isdigit() \
            and not h.details.get("masked_in_source"):
        # 18 digits that also pass as an ID, in a 银行账号 column: the header decides
        luhn = "Luhn 校验通过" if v.luhn_ok(h.canonical) else "非卡号（Luhn 不适用）"
        h.kind, h.rule, h.severity = "bank", "privacy.bank", Severity.HIGH
        h.validator = f"银行账号：{luhn}；银行账号列（数字也符合身份证号码格式，按列标题判定）"


def _why(person: str) -> str:
    return "同一行有未脱敏的姓名或身份证号码" if person else "同一行的姓名已脱敏"


def link_row_health(h: Hit, person: str, head: str) -> None:
    """A health value found in a health column's cell, linked to its row's person (or masked name)."""
    h.severity, h.person = (Severity.HIGH if person else Severity.MEDIUM), person
    h.context.append(f"列标题：{head}")
    h.validator += f"；{_why(person)}"


def new_row_health(s: int, e: int, value: str, person: str, head: str) -> Hit:
    """A health column's cell the text pass found nothing in, linked to its row's person (or masked name)."""
    cat = category(value)
    return Hit("health", "privacy.health", s, e, value, Severity.HIGH if person else Severity.MEDIUM, 0.9,
               f"{cat}（敏感个人信息）；{_why(person)}", [f"列标题：{head}"], details={"category": cat}, person=person)


class TablePass:
    def __init__(self, document: Document, hits: list[Hit], headers: Mapping[str, Sequence[str]], pol: MaskPolicy,
                 report_masked: bool = False, prepared: dict[int, Prepared] | None = None):
        self.prepared = prepared or {}  # table index → prepare() result, when the bulk path built it already
        self.doc = document
        self.text = document.text
        self.headers = headers
        self.policy = pol
        self.report_masked = report_masked
        self.hits = hits
        hits.sort(key=lambda h: h.start)
        self._starts = [h.start for h in hits]
        self.added: list[Hit] = []
        self.linked_health: set[int] = set()

    def inside(self, cell: TableCell) -> list[Hit]:
        i = bisect.bisect_left(self._starts, cell.start)
        out = []
        while i < len(self.hits) and self.hits[i].start < cell.end:
            if self.hits[i].end <= cell.end:
                out.append(self.hits[i])
            i += 1
        return out

    def run(self) -> list[Hit]:
        for pos, table in enumerate(self.doc.tables):
            self._table_pos = pos
            _, kinds, rows = self.prepared[pos] if pos in self.prepared \
                else prepare(table, self.text, self.headers)
            if rows is None:
                continue
            self._labels = {col: f"列标题：{head}" for col, (_, head) in kinds.items()}
            for row in sorted(rows):
                self.row(table, kinds, rows[row])
        return self.added

    def row(self, table: Table, kinds: dict[int, tuple[str, str]], cells: dict[int, TableCell]) -> None:
        person = ""  # canonical value of the row's person (name or ID), for health linking
        person_masked = False
        health_cells: list[tuple[TableCell, str]] = []
        text, hits, starts, labels = self.text, self.hits, self._starts, self._labels
        n_hits, hidden, pos = len(hits), table.hidden, self._table_pos
        for col, (kind, head) in kinds.items():
            cell = cells.get(col)
            if cell is None:
                continue
            value = text[cell.start:cell.end].strip()
            if value in _EMPTY or not value.strip(_MASK_STR):
                continue
            # self.inside(cell), inlined: the hits lying wholly within the cell
            end = cell.end
            i = bisect.bisect_left(starts, cell.start)
            found = []
            while i < n_hits and (h := hits[i]).start < end:
                if h.end <= end:
                    found.append(h)
                i += 1
            label = labels[col]
            where = (pos, cell.row, col)
            for h in found:
                mark_found(h, kind, head, label, where, hidden)
                if h.kind in ("id", "old_id", "permit", "name") and h.details.get("masked_in_source") is None:
                    person = person or h.canonical
            if kind == "health":
                health_cells.append((cell, value))
                continue
            if kind == "name":
                if _MASKED.search(value):
                    person_masked = True
                elif is_name(value):
                    person = value
                    if not found:
                        self.add(Hit("name", "privacy.name", *self.span(cell, value), value, Severity.INFO, 0.85,
                                     f"个人信息表格“{head}”列中的姓名", [f"列标题：{head}"]), table, head, cell)
                continue
            if found and not (_wrapped(value) and kind in ("id", "phone", "bank", "address")
                              and not any(h.end - h.start >= len(value) for h in found)):
                continue
            # nothing found, or only pieces of a value a PDF cell wrapped: the cell decides the whole value
            # (overlaps are resolved afterwards, the stronger hit wins)
            hit = self.cell_hit(kind, head, cell, value)
            if hit is not None:
                self.add(hit, table, head, cell)
                if hit.kind in ("id", "old_id") and not hit.details.get("masked_in_source"):
                    person = person or hit.canonical
        for cell, value in health_cells:
            existing = [h for h in self.inside(cell) if h.kind == "health"]
            if not person and not person_masked:
                continue
            if existing:
                for h in existing:
                    link_row_health(h, person, kinds[cell.col][1])
                    self.linked_health.add(id(h))
                continue
            s, e = self.span(cell, value)
            h = new_row_health(s, e, value, person, kinds[cell.col][1])
            self.linked_health.add(id(h))
            self.add(h, table, kinds[cell.col][1], cell)

    def add(self, hit: Hit, table: Table, head: str, cell: TableCell) -> None:
        hit.details.setdefault("column", head)
        hit.details["_cell"] = (self._table_pos, cell.row, cell.col)
        if table.hidden:
            hit.details["hidden_sheet"] = True
        self.added.append(hit)

    def span(self, cell: TableCell, value: str, text: str | None = None) -> tuple[int, int]:
        raw = (self.text if text is None else text)[cell.start:cell.end]
        lead = len(raw) - len(raw.lstrip())
        return cell.start + lead, cell.start + lead + len(value)

    def cell_hit(self, kind: str, head: str, cell: TableCell, value: str, text: str | None = None) -> Hit | None:
        """The column's own test of a cell the text pass found nothing in (``text``: read the cell from it)."""
        folded = _fold(value)
        compact = _COMPACT.sub("", folded).upper()
        s, e = self.span(cell, value, text)
        ctx = [f"列标题：{head}"]
        masked = not MASK_CHARS.isdisjoint(compact[:-1])
        if kind == "id":
            if masked and len(compact) in (15, 18):
                lead, trail, visible = exposure(compact)
                birth = (6, 14) if len(compact) == 18 else (6, 12)
                hidden = not any(birth[0] <= i < birth[1] for i in visible)
                if self.policy.allows("id", lead, trail, hidden):
                    if not self.report_masked:
                        return None
                    return Hit("id", "privacy.id_partial", s, e, compact, Severity.INFO, 0.9, "已按规则脱敏", ctx,
                               details={"masked_in_source": True})
                exposed = f"仍显示前 {lead} 位、后 {trail} 位" + ("，出生日期未完全隐去" if not hidden else "")
                return Hit("id", "privacy.id_partial", s, e, compact, Severity.MEDIUM, 0.9,
                           f"部分脱敏：{exposed}；{self.policy.describe('id')}", ctx, exposed=exposed,
                           details={"masked_in_source": True})
            m = _SCI.match(compact)
            if m and v.region_name((m.group(1) + m.group(2))[:6]):
                return Hit("id", "privacy.id_rounded", s, e, m.group(1) + m.group(2), Severity.MEDIUM, 0.9,
                           "被 Excel 存成科学计数法的身份证号码：仍泄露籍贯和出生日期", ctx, details={"rounded": True})
            if len(compact) == 18 and compact[:17].isdigit():
                region, date_ok = v.region_name(compact), v.birth_date_ok(compact[6:14])
                if region and date_ok and _wrapped(value) and v.id_checksum_ok(compact):
                    # the text pass saw the pieces of a wrapped cell, never the ID: validated here as one value
                    permit = compact[:2] in ("81", "82", "83")
                    what = "港澳台居民居住证号码" if permit else "居民身份证号码"
                    return Hit("permit" if permit else "id", "privacy.permit" if permit else "privacy.id", s, e,
                               compact, Severity.HIGH, 0.99,
                               f"{what}：GB 11643 MOD 11-2 校验位正确；行政区划代码有效（{region}）；出生日期有效；"
                               f"身份证号码列{_WRAP_NOTE}", ctx)
                if region and date_ok:
                    rounded = compact.endswith("000")
                    return Hit("id", "privacy.id_rounded" if rounded else "privacy.id_invalid", s, e, compact,
                               Severity.MEDIUM if rounded else Severity.HIGH, 0.9,
                               ("疑似被 Excel 截断为 15 位有效数字的身份证号码" if rounded else "身份证号码（校验位不符）")
                               + f"：行政区划代码有效（{region}）、出生日期有效；身份证号码列", ctx)
            if len(compact) == 15 and compact.isdigit():
                region_ok, date_ok = v.old_id_ok(compact)
                if region_ok and date_ok:
                    return Hit("old_id", "privacy.old_id", s, e, compact, Severity.HIGH, 0.9,
                               "15 位旧身份证号码：行政区划代码、出生日期有效；身份证号码列", ctx)
            return None
        if kind == "bank":
            digits = compact
            if masked:
                lead, trail, _ = exposure(digits)
                if 12 <= len(digits) <= 25 and not self.policy.allows("bank", lead, trail):
                    return Hit("bank", "privacy.bank_partial", s, e, digits, Severity.MEDIUM, 0.9,
                               f"部分脱敏：仍显示前 {lead} 位、后 {trail} 位；{self.policy.describe('bank')}", ctx,
                               exposed=f"仍显示前 {lead} 位、后 {trail} 位", details={"masked_in_source": True})
                return None
            if digits.isdigit() and 12 <= len(digits) <= 25:
                luhn = "Luhn 校验通过" if v.luhn_ok(digits) else "非卡号（Luhn 不适用），按银行账号列判定"
                return Hit("bank", "privacy.bank", s, e, digits, Severity.HIGH, 0.9, f"银行账号：{luhn}；银行账号列", ctx)
            return None
        if kind == "phone":
            digits = re.sub(r"[()（）]", "", compact)
            if _wrapped(value) and len(digits) == 11 and digits.isdigit() and v.mobile_ok(digits) \
                    and not v.landline_ok(digits):
                return Hit("phone", "privacy.phone", s, e, digits, Severity.MEDIUM, 0.95,
                           f"手机号码：号段格式有效；个人信息表格的联系电话列{_WRAP_NOTE}", ctx)
            if digits.isdigit() and v.landline_ok(digits):
                return Hit("landline", "privacy.landline", s, e, digits, Severity.MEDIUM, 0.85,
                           "固定电话（含区号）：个人信息表格的联系电话列", ctx)
            return None
        if kind == "address":
            joined = _CELL_GAP.sub("", folded)  # "河西村 7 组 88 号" (PDF cells), wrapped lines
            if masked or len(joined) < 4 or not re.search(r"[\u4e00-\u9fff]", joined):
                return None
            if not re.search(r"[0-9一二三四五六七八九十]+(?:组|号|栋|幢|单元|室|队|社)", joined):
                return None  # a county or town alone is not a home address
            return Hit("address", "privacy.address", s, e, re.sub(r"\s", "", folded), Severity.MEDIUM, 0.9,
                       "家庭住址：个人信息表格的住址列", ctx)
        return None


# -- column aggregation ------------------------------------------------------------------------------------------
@dataclass(slots=True)
class ColumnLeak:
    """Every value of one rule found in one table column, reported as one finding (see :func:`aggregate`).

    The values are ``hits`` (each a :class:`Hit`) and/or ``records`` (``(ColumnRecords, indices)``: values
    the bulk path decided from the column without a Hit each); :meth:`items` merges them in text order.
    """

    table: Table
    col: int
    head: str
    rule: str
    hits: list[Hit]  # sorted by start; each was detected and validated on its own
    records: list[tuple[Any, list[int] | None]] = field(default_factory=list)  # None: all of them

    def items(self) -> LeakItems:
        return LeakItems(self.hits, self.records)


class LeakItems:
    """A column leak's values as parallel lists in text order, with what the column finding needs of them.

    ``first``/``last`` are Hits; ``severity``/``score`` the highest / lowest, ``exposed`` a Counter
    of the partly-masked descriptions; ``kind(i)`` the kind of value ``i``.
    """

    __slots__ = ("_kinds", "canon", "ends", "exposed", "first", "last", "persons", "score", "severity", "starts",
                 "validators")

    def __init__(self, hits: list[Hit], records: list[tuple[Any, list[int] | None]]):
        if not hits and len(records) == 1 and records[0][1] is None:
            rec = records[0][0]  # one column's records, all of them: their lists as they are
            self.starts, self.ends, self.canon = rec.starts, rec.ends, rec.canon
            self.persons, self.validators = rec.persons, rec.validators
            used = Counter(rec.tmpl)
            tm = [rec.templates[t] for t in used]
            self.severity = max(t.severity for t in tm)
            self.score = min(t.score for t in tm)
            self.exposed = Counter()
            for t, count in used.items():
                if rec.templates[t].exposed:
                    self.exposed[rec.templates[t].exposed] += count
            kinds, ts = [t.kind for t in rec.templates], rec.tmpl
            self._kinds = lambda i: kinds[ts[i]]
            self.first, self.last = rec.hit(0), rec.hit(len(rec) - 1)
            return
        if len(records) == 1 and records[0][1] is None and hits and len(hits) * 16 < len(records[0][0]) \
                and not any(h.exposed for h in hits) and not any(t.exposed for t in records[0][0].templates):
            self._few_hits(hits, records[0][0])
            return
        # hits and records merged in text order (each part is sorted; records never overlap the hits)
        parts: list[tuple[Any, Any]] = [(None, hits)] if hits else []
        parts += [(rec, range(len(rec)) if idx is None else idx) for rec, idx in records]
        starts_l: list[int] = []
        ends_l: list[int] = []
        canon_l: list[str] = []
        persons_l: list[str] = []
        validators_l: list[str] = []
        kinds_l: list[str] = []
        exposed_l: list[str | None] = []
        bounds: list[int] = []  # where each part begins in the merged lists
        severity, score = None, None
        for rec, idx in parts:
            bounds.append(len(starts_l))
            if rec is None:
                starts_l += [h.start for h in idx]
                ends_l += [h.end for h in idx]
                canon_l += [h.canonical for h in idx]
                persons_l += [h.person for h in idx]
                validators_l += [h.validator for h in idx]
                kinds_l += [h.kind for h in idx]
                exposed_l += [h.exposed for h in idx]
                sev, sc = max(h.severity for h in idx), min(h.score for h in idx)
            else:
                full = isinstance(idx, range)
                starts_l += rec.starts if full else [rec.starts[i] for i in idx]
                ends_l += rec.ends if full else [rec.ends[i] for i in idx]
                canon_l += rec.canon if full else [rec.canon[i] for i in idx]
                persons_l += rec.persons if full else [rec.persons[i] for i in idx]
                validators_l += rec.validators if full else [rec.validators[i] for i in idx]
                ts = rec.tmpl if full else [rec.tmpl[i] for i in idx]
                tm = rec.templates
                kinds_l += [tm[t].kind for t in ts]
                exposed_l += [tm[t].exposed for t in ts]
                used = [tm[t] for t in set(ts)]
                sev, sc = max(t.severity for t in used), min(t.score for t in used)
            severity = sev if severity is None else max(severity, sev)
            score = sc if score is None else min(score, sc)
        ends_at = [0, len(starts_l) - 1]
        if len(parts) > 1:
            import numpy as np

            order = np.argsort(np.asarray(starts_l, np.int64), kind="stable")
            ends_at = [int(order[0]), int(order[-1])]

            def take(values: list[Any]) -> list[Any]:
                arr = np.empty(len(values), object)
                arr[:] = values
                return arr[order].tolist()

            starts_l, ends_l, canon_l, persons_l, validators_l, kinds_l, exposed_l = (
                take(x) for x in (starts_l, ends_l, canon_l, persons_l, validators_l, kinds_l, exposed_l))
        self.starts, self.ends, self.canon, self.persons, self.validators = (
            starts_l, ends_l, canon_l, persons_l, validators_l)
        assert severity is not None and score is not None
        self.severity, self.score = severity, score
        self.exposed = Counter(x for x in exposed_l if x)
        self._kinds = kinds_l.__getitem__

        def hit(g: int) -> Hit:  # the value at position g of the unmerged lists
            k = bisect.bisect_right(bounds, g) - 1
            rec, idx = parts[k]
            return idx[g - bounds[k]] if rec is None else rec.hit(idx[g - bounds[k]])

        self.first, self.last = hit(ends_at[0]), hit(ends_at[1])

    def _few_hits(self, hits: list[Hit], rec: Any) -> None:
        """One column's records with a few Hits (its slow rows) slotted in by position (list slices, no sort)."""
        at = [bisect.bisect_left(rec.starts, h.start) for h in hits]  # hits are sorted by start

        def merge(values: list[Any], extra: list[Any]) -> list[Any]:
            out: list[Any] = []
            prev = 0
            for pos, x in zip(at, extra):
                out += values[prev:pos]
                out.append(x)
                prev = pos
            out += values[prev:]
            return out

        self.starts = merge(rec.starts, [h.start for h in hits])
        self.ends = merge(rec.ends, [h.end for h in hits])
        self.canon = merge(rec.canon, [h.canonical for h in hits])
        self.persons = merge(rec.persons, [h.person for h in hits])
        self.validators = merge(rec.validators, [h.validator for h in hits])
        used = [rec.templates[t] for t in set(rec.tmpl)]
        self.severity = max(max(t.severity for t in used), max(h.severity for h in hits))
        self.score = min(min(t.score for t in used), min(h.score for h in hits))
        self.exposed = Counter()
        hit_at = [pos + j for j, pos in enumerate(at)]  # each hit's index in the merged lists
        kinds, ts = [t.kind for t in rec.templates], rec.tmpl

        def kind(i: int) -> str:
            j = bisect.bisect_left(hit_at, i)
            if j < len(hit_at) and hit_at[j] == i:
                return hits[j].kind
            return kinds[ts[i - j]]

        def item(i: int) -> Hit:
            j = bisect.bisect_left(hit_at, i)
            return hits[j] if j < len(hit_at) and hit_at[j] == i else rec.hit(i - j)

        self._kinds = kind
        self.first, self.last = item(0), item(len(self.starts) - 1)

    def kind(self, i: int) -> str:
        return self._kinds(i)


def aggregate(hits: list[Hit], tables: Sequence[Table], over: int, records: Sequence[Any] = ()) \
        -> tuple[list[Hit], list[ColumnLeak]]:
    """Split ``hits`` (and the bulk path's column ``records``) into per-value hits and column leaks.

    A 公示 list leaks column by column: when one column of a table holds more
    than ``over`` values of the same rule (身份证号码 column: 100,000 unmasked
    IDs), they become one :class:`ColumnLeak` — one finding, one ticket, with the
    count, the first and last cell, masked samples and a keyed digest of the
    values — instead of one finding per cell.  Columns at or under the threshold,
    and everything outside table cells, stay per value (records are materialised
    as Hits then).  ``over`` ≤ 0 switches aggregation off.
    """
    groups: dict[tuple[int, int, str], list[Hit]] = defaultdict(list)
    rec_groups: dict[tuple[int, int, str], list[tuple[Any, list[int]]]] = defaultdict(list)
    for rec in records:
        rules = [t.rule for t in rec.templates]
        used = {rules[t] for t in set(rec.tmpl)}
        if len(used) == 1:  # one rule in the column (the common case): all its records, no index list
            rec_groups[(rec.pos, rec.col, used.pop())].append((rec, None))
            continue
        by_rule: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(rec.tmpl):
            by_rule[rules[t]].append(i)
        for rule, idx in by_rule.items():
            rec_groups[(rec.pos, rec.col, rule)].append((rec, idx))
    if over > 0:
        for h in hits:
            cell = h.details.get("_cell")
            if cell is not None:
                groups[(cell[0], cell[2], h.rule)].append(h)

    def size(key: tuple[int, int, str]) -> int:
        return len(groups.get(key, ())) + sum(len(rec if idx is None else idx) for rec, idx in rec_groups.get(key, ()))

    big = {key for key in set(groups) | set(rec_groups) if size(key) > over} if over > 0 else set()
    singles = hits
    if big & set(groups):
        singles = []
        for h in hits:
            cell = h.details.get("_cell")
            if cell is None or (cell[0], cell[2], h.rule) not in big:
                singles.append(h)
    small = [(rec, idx) for key, parts in rec_groups.items() if key not in big for rec, idx in parts]
    if small:
        singles = singles + [rec.hit(i) for rec, idx in small for i in (range(len(rec)) if idx is None else idx)]
        singles.sort(key=lambda h: h.start)  # records never overlap the other hits
    leaks = []
    for key in big:
        group = sorted(groups.get(key, ()), key=lambda h: h.start)
        parts = rec_groups.get(key, [])
        cands = ([(group[0].start, str(group[0].details.get("column", "")))] if group else []) + [
            (rec.starts[i], str(dict(rec.templates[rec.tmpl[i]].details).get("column", "")))
            for rec, idx in parts for i in [0 if idx is None else idx[0]]]
        first, head = min(cands, key=lambda x: x[0])
        leaks.append((first, ColumnLeak(tables[key[0]], key[1], head, key[2], group, parts)))
    leaks.sort(key=lambda x: x[0])
    return singles, [leak for _, leak in leaks]
