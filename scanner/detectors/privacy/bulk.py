"""Bulk path for long 公示 lists: a table with a long personal-data column is decided column by column.

The per-value path finds every value with the text pass (number runs cut into
pieces, the address and health patterns over the whole text), makes a
:class:`Hit` per value, lets the table pass add each cell's column evidence row
by row, and finally folds a long column's hits into one column finding.  In a
100,000-row list almost all of that work is the same few steps on cells that
nothing else touches.

For a table holding a column (身份证号码 / 联系电话 / 银行账号 / 姓名 / 家庭住址 / 病种
header) with more than ``aggregate_over`` values, :class:`ColumnPass`:

1. takes the cells from the table's arrays and marks *candidate* cells: a
   bare number run (ID / phone / bank column) or an address / health value
   bounded by whitespace, whose runs and patterns cannot reach outside the
   cell (checked on the joined runs of neighbouring cells).  Candidate cells are
   blanked in ``Scan.masked``: the text pass builds no number pieces and runs
   no address / health pattern there;
2. decides each candidate as the text pass would: a quiet bare value (no word
   of any context list within the widest window a numeric check reads) with
   numpy over the digit matrix, reproducing the recognisers' outcome — a valid
   ID, a mobile, a Luhn card, or masked enough under the profile — and
   everything else by the recognisers' own ``check`` on the same piece; an
   address or health value by the recogniser on the value alone (once per
   distinct value, only when no address/office word is near);
3. after the text pass, a row is *fast* when every personal cell of it is a
   candidate decided inline, an empty / masked-out cell or a name, and no other
   hit touches those cells.  Slow rows get their values as :class:`Hit`
   objects and go through the table pass as before; fast rows are decided
   column by column (the row's person for health linking folded over the
   columns in header order) into :class:`ColumnRecords`: spans, canonical
   values, validators and a shared template per column — no ``Hit`` per value.

The column finding is built from those arrays (count, rows, samples, keyed
digest, covered spans).  ``PrivacyDetector.hits`` still returns every value as a
``Hit`` (the records materialised); ``tests/test_privacy_bulk.py`` requires every
hit and every finding to be identical with ``bulk_columns`` on and off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from scanner.detectors.privacy import validators as v
from scanner.detectors.privacy.address import AddressRecognizer
from scanner.detectors.privacy.health import HealthRecognizer, _pattern, category
from scanner.detectors.privacy.names import is_name
from scanner.detectors.privacy.numbers import (
    _AMOUNT_AFTER,
    _HOME_WORDS,
    BankCardRecognizer,
    LandlineRecognizer,
    MobileRecognizer,
    NumberRecognizer,
    OldIdRecognizer,
    ResidentIdRecognizer,
    _piece,
)
from scanner.detectors.privacy.recognizer import Hit, RecognizerRegistry, Scan
from scanner.findings import Severity
from scanner.privacy.masking import MASK_CHARS, exposure

_DEFAULT = (ResidentIdRecognizer, OldIdRecognizer, MobileRecognizer, LandlineRecognizer, BankCardRecognizer)
_NUMERIC = ("id", "phone", "bank")
_SLOW = object()
_NOTHING = object()
_SHAPE = str.maketrans("0123456789", "0000000000")
_SIMPLE = re.compile(r"[0-9*＊×●][0-9*＊×●xX]*")  # a number run without separators or prefix (numbers._RUN)
_LONG_RUN = re.compile(r"[0-9*＊×●xX \-－—()（）+]{10}")  # anything a 10-character number piece could come from
_FILL = "\x00"
# characters of numbers._RUN: a run char, a run's first char, the separators joining two parts of a run
_RUN_CHARS = np.array([ord(c) for c in "0123456789*＊×●xX)）"], dtype=np.uint32)
_RUN_FIRST = np.array([ord(c) for c in "0123456789*＊×●"], dtype=np.uint32)
_RUN_SEPS = np.array([ord(c) for c in " -－—"], dtype=np.uint32)
_PREV_BAD = np.array([ord(c) for c in "./_\\%=&)）+"], dtype=np.uint32)
_NEXT_BAD = np.array([ord(c) for c in "_."], dtype=np.uint32)
_SPACE = np.array([chr(i).isspace() for i in range(0x3001)], dtype=bool)


class Template(NamedTuple):
    """What the values of one kind of cell share (everything of a Hit but span, value, validator, person)."""

    kind: str
    rule: str
    severity: Severity
    score: float
    context: tuple[str, ...]
    exposed: str | None
    details: tuple[tuple[str, Any], ...]


def template_of(h: Hit) -> Template:
    return Template(h.kind, h.rule, h.severity, h.score, tuple(h.context), h.exposed,
                    tuple((k, val) for k, val in h.details.items() if k != "_cell"))


class ColumnRecords:
    """The values of one table column decided from the column, in text order (no Hit per value)."""

    __slots__ = ("canon", "col", "ends", "persons", "pos", "rows", "starts", "templates", "tmpl", "validators")

    def __init__(self, pos: int, col: int, templates: list[Template]):
        self.pos, self.col, self.templates = pos, col, templates
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.canon: list[str] = []
        self.validators: list[str] = []
        self.persons: list[str] = []
        self.rows: list[int] = []
        self.tmpl: list[int] = []

    def __len__(self) -> int:
        return len(self.starts)

    def hit(self, i: int) -> Hit:
        t = self.templates[self.tmpl[i]]
        details = dict(t.details)
        details["_cell"] = (self.pos, self.rows[i], self.col)
        return Hit(t.kind, t.rule, self.starts[i], self.ends[i], self.canon[i], t.severity, t.score,
                   self.validators[i], list(t.context), t.exposed, details, self.persons[i])

    def hits(self) -> list[Hit]:
        return [self.hit(i) for i in range(len(self.starts))]


def _cell_arrays(table: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, starts, ends) of a table's cells as int64 arrays, in text order."""
    cells = table.cells
    c = getattr(cells, "_c", None)
    if c is not None and hasattr(cells, "_lo"):  # a spreadsheet's CellSpans: the arrays themselves
        lo, hi = cells._lo, cells._hi

        def part(a: Any) -> np.ndarray:
            return np.frombuffer(a, dtype=np.int64)[lo:hi] if len(a) else np.zeros(0, np.int64)

        return part(c.rows), part(c.cols), part(c.starts), part(c.ends)
    rows = np.fromiter((x.row for x in cells), np.int64, len(cells))
    cols = np.fromiter((x.col for x in cells), np.int64, len(cells))
    starts = np.fromiter((x.start for x in cells), np.int64, len(cells))
    ends = np.fromiter((x.end for x in cells), np.int64, len(cells))
    return rows, cols, starts, ends


def _final(pre: tuple, kind: str, head: str, label: str, hidden: bool,
           tmpl_id: Callable[[Template], int]) -> tuple[int, str, bool]:
    """(template id, validator, names the row's person) of a value found in a cell, after the column's evidence."""
    _rs, _re, canon, tm, val, person = pre
    h = Hit(tm.kind, tm.rule, 0, 0, canon, tm.severity, tm.score, val, list(tm.context), tm.exposed, dict(tm.details),
            person)
    from scanner.detectors.privacy.tables import mark_found

    mark_found(h, kind, head, label, (0, 0, 0), hidden)
    ft = template_of(h)
    return tmpl_id(ft), h.validator, ft.kind in ("id", "old_id", "permit", "name") \
        and dict(ft.details).get("masked_in_source") is None


class _Col:
    """One personal-data column of a bulk table: its cells (lists) and what was decided per cell."""

    __slots__ = ("ce", "code", "col", "cs", "head", "kind", "label", "ns", "out", "region", "rows", "skip", "vals",
                 "vs")

    def __init__(self, col: int, kind: str, head: str):
        self.col, self.kind, self.head, self.label = col, kind, head, f"列标题：{head}"
        self.rows: list[int] = []
        self.cs: list[int] = []
        self.ce: list[int] = []
        self.vs: list[int] = []  # source start of the stripped value
        self.vals: list[str] = []  # stripped value (source text)
        self.out: list[Any] = []  # per cell: None (not a candidate) or (norm start, norm end, pre-values)
        self.code: Any = None  # number columns: per cell -1 (not a candidate), 0 (see out), 1 ID, 2 mobile,
        self.region: list[Any] = []  # 3 card, 4 card 62 (decided with numpy), 5 masked enough; region of an ID
        self.ns: Any = None  # norm start of each candidate's value
        self.skip: Any = None  # per cell: the table pass skips it (empty, 无, only mask characters)


class _Table:
    __slots__ = ("cols", "header_row", "hidden", "kinds", "pos", "rows", "slow", "table")

    def __init__(self, pos: int, table: Any, header_row: int | None, kinds: dict[int, tuple[str, str]]):
        self.pos, self.table, self.header_row, self.kinds = pos, table, header_row, kinds
        self.hidden = bool(table.hidden)
        self.cols: list[_Col] = []
        self.rows: list[int] = []  # every data row holding a cell (text order)
        self.slow: set[int] = set()


class ColumnPass:
    """Decide the long lists of a document column by column (see the module docstring)."""

    def __init__(self, scan: Scan, norm: Any, doc: Any, registry: RecognizerRegistry,
                 enabled: Callable[[str], bool], headers: Mapping[str, Sequence[str]], over: int,
                 policy: Any, report_masked: bool):
        self.scan, self.norm, self.doc, self.headers, self.over = scan, norm, doc, headers, over
        self.policy, self.report_masked = policy, report_masked
        self.src = doc.text
        self.numeric: list[NumberRecognizer] = [r for name, r in registry._items.items()
                                                if enabled(name) and isinstance(r, NumberRecognizer)]
        self.fast_ok = tuple(type(r) for r in self.numeric) == _DEFAULT
        items = registry._items
        self.address = next((r for n, r in items.items() if enabled(n) and type(r) is AddressRecognizer), None)
        self.health = next((r for n, r in items.items() if enabled(n) and type(r) is HealthRecognizer), None)
        n_address = sum(1 for n, r in items.items() if enabled(n) and isinstance(r, AddressRecognizer))
        n_health = sum(1 for n, r in items.items() if enabled(n) and isinstance(r, HealthRecognizer))
        self.address_ok = n_address == (self.address is not None)
        self.health_ok = n_health == (self.health is not None)
        words = sorted({w for ws in scan.words.values() for w in ws} | set(_HOME_WORDS), key=len, reverse=True)
        self._any = re.compile("|".join(re.escape(w) for w in words)) if words else re.compile(r"(?!)")
        self.before = max(scan.window, 24, 10)  # context window, phone clause (24), not_personal (8/10)
        self.after = max(scan.window_after, 3)  # context window, amount_after (3)
        self._allowed: dict[tuple[str, str], bool] = {}
        self._id_tmpl: dict[str, tuple] = {}
        self.tables: list[_Table] = []
        self.prepared: dict[int, Any] = {}  # table index → (header row, kinds, slow rows) for the table pass
        self.templates: list[Template] = []
        self._tid: dict[Template, int] = {}
        self.records: list[ColumnRecords] = []
        self.pre_hits: list[Hit] = []  # values of slow rows' candidate cells, as the text pass would give them
        self.pending: set[int] = set()
        self.decided = 0  # number cells decided here instead of the text pass (tests)

    # -- 1. plan ------------------------------------------------------------------------------------------------
    def plan(self) -> bool:
        """Find the bulk tables and their candidate cells; blank the candidates in ``scan.masked``."""
        from scanner.detectors.privacy.tables import _EMPTY, column_kinds

        src, over = self.src, self.over
        for pos, table in enumerate(self.doc.tables):
            header_row, kinds = column_kinds(table, src, self.headers)
            if not kinds or not any(k in ("id", "bank", "phone", "address", "health") for k, _ in kinds.values()):
                continue
            rows, cols, starts, ends = _cell_arrays(table)
            if header_row is not None:
                keep = rows > header_row
                rows, cols, starts, ends = rows[keep], cols[keep], starts[keep], ends[keep]
            long = False
            for col in kinds:
                sel = cols == col
                if int(np.count_nonzero(ends[sel] > starts[sel])) <= over:
                    continue
                n = 0
                for s, e in zip(starts[sel].tolist(), ends[sel].tolist()):
                    if src[s:e].strip() not in _EMPTY:
                        n += 1
                        if n > over:
                            long = True
                            break
                if long:
                    break
            if not long:
                continue
            t = _Table(pos, table, header_row, kinds)
            t.rows = np.unique(rows)
            for col, (kind, head) in kinds.items():
                sel = cols == col
                c = _Col(col, kind, head)
                c.rows, c.cs, c.ce = rows[sel].tolist(), starts[sel].tolist(), ends[sel].tolist()
                t.cols.append(c)
            self.tables.append(t)
        if not self.tables:
            return False
        self._candidates()
        return True

    def _candidates(self) -> None:
        """Mark candidate cells (``c.ns[i]``: the value's start in the normalised text) and build ``scan.masked``.

        Per column with numpy over the text's code points: the stripped value's span, whether
        normalising kept it 1:1, whether it is a bare number run (ID / phone / bank column) or
        a value without whitespace or anything a number piece could come from (address /
        health column).
        """
        from scanner.detectors.privacy.tables import _EMPTY, _MASK_STR

        src, ntext, norm = self.src, self.scan.text, self.norm
        identity = norm.is_identity
        sarr = np.frombuffer(src.encode("utf-32-le"), dtype=np.uint32)
        narr = sarr if ntext is src else np.frombuffer(ntext.encode("utf-32-le"), dtype=np.uint32)
        self._narr = narr
        n_src = len(sarr)

        def lut(chars: str) -> np.ndarray:
            t = np.zeros(0x10000, bool)
            for ch in chars:
                t[ord(ch)] = True
            return t

        def member(arr: np.ndarray, table: np.ndarray) -> np.ndarray:
            return (arr < 0x10000) & table[np.minimum(arr, 0xFFFF)]

        diff = np.flatnonzero(sarr != narr) if identity and narr is not sarr else None
        space_lut = np.zeros(0x10000, bool)
        space_lut[:0x3001] = _SPACE
        run_lut = lut("0123456789*＊×●xX")
        first_lut = lut("0123456789*＊×●")
        long_lut = lut("0123456789*＊×●xX -－—()（）+")
        n_text = len(narr)

        def gather(arr: np.ndarray, vs: np.ndarray, k: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
            """The first ``width`` code points of each value (0 past its end) and the in-value mask."""
            inside = np.arange(width) < k[:, None]
            pos = np.minimum(vs[:, None] + np.arange(width), max(n_text - 1, 0))
            return np.where(inside, arr[pos], 0), inside

        nstarts = None if identity else np.asarray(norm.starts)
        nends = None if identity else np.asarray(norm.ends)
        cand_s: list[np.ndarray] = []
        cand_e: list[np.ndarray] = []
        cand_simple: list[np.ndarray] = []
        cand_ref: list[tuple[_Col, np.ndarray]] = []
        for t in self.tables:
            for c in t.cols:
                kind = c.kind
                cs = np.asarray(c.cs, np.int64)
                ce = np.asarray(c.ce, np.int64)
                nonempty = ce > cs
                first = np.where(nonempty, cs, 0)
                last = np.where(nonempty, ce - 1, 0)
                trim = nonempty & (member(sarr[first], space_lut) | member(sarr[last], space_lut)) if n_src \
                    else nonempty
                vs = cs.copy()
                ve = ce.copy()
                vals = list(map(src.__getitem__, map(slice, c.cs, c.ce)))
                for i in np.flatnonzero(trim).tolist():
                    raw = vals[i]
                    value = raw.strip()
                    vals[i] = value
                    vs[i] = c.cs[i] + len(raw) - len(raw.lstrip())
                    ve[i] = vs[i] + len(value)
                c.vals = vals
                c.vs = vs.tolist()
                c.out = [None] * len(vals)
                # the table pass skips a value in _EMPTY or made of mask characters only (C-level maps)
                c.skip = np.fromiter(map(_EMPTY.__contains__, vals), bool, len(vals)) | ~np.fromiter(
                    map(bool, map(str.strip, vals, repeat(_MASK_STR))), bool, len(vals))
                c.ns = np.full(len(vals), -1, np.int64)
                c.code = np.full(len(vals), -1, np.int8)
                c.region = [None] * len(vals)
                if kind in _NUMERIC:
                    if not self.fast_ok:
                        continue
                elif kind == "address":
                    if self.address is None or not self.address_ok:
                        continue
                elif kind == "health":
                    if self.health is None or not self.health_ok:
                        continue
                else:
                    continue
                k = ve - vs
                if identity:
                    ns = vs
                    ok = k > 0
                else:
                    a = np.searchsorted(nstarts, vs, "left")
                    b = np.searchsorted(nends, ve, "right")
                    n = len(ntext)
                    ok = (k > 0) & (a < b) & (b <= n) & (b - a == k)
                    aa = np.minimum(a, max(n - 1, 0))
                    bb = np.clip(b - 1, 0, max(n - 1, 0))
                    if n:
                        ok &= (nstarts[aa] == vs) & (nends[bb] == ve)
                    ns = np.where(ok, a, 0)
                    idx = np.flatnonzero(ok)
                    for i in idx.tolist():  # rare: a document normalising changed in length
                        if ntext[ns[i]:ns[i] + k[i]] != vals[i]:
                            ok[i] = False
                ne = ns + k
                numeric = kind in _NUMERIC
                if identity and not (n_text and len(k) and int(k.max()) > 0):
                    ok[:] = False  # nothing but empty cells
                elif identity:
                    width = min(19 if numeric else 40, int(k.max()))
                    ok &= k <= width
                    ch, inside = gather(narr, ns, k, width)
                    if diff is not None:  # normalising changed a character inside the value
                        ok &= np.searchsorted(diff, vs) == np.searchsorted(diff, ve)
                    if numeric:
                        ok &= (k >= 10) & member(ch[:, 0], first_lut) & (member(ch, run_lut) | ~inside).all(1)
                    else:
                        ok &= ~(member(ch, space_lut) & inside).any(1)
                        flags = (member(ch, long_lut) & inside).astype(np.int8)
                        csum = np.zeros((len(flags), width + 1), np.int16)
                        np.cumsum(flags, axis=1, out=csum[:, 1:])
                        ok &= ~((csum[:, 10:] - csum[:, :-10]) == 10).any(1)
                else:
                    for i in np.flatnonzero(ok).tolist():
                        value = vals[i]
                        if numeric:
                            good = 10 <= len(value) <= 19 and _SIMPLE.fullmatch(value) is not None
                        else:
                            good = not _LONG_RUN.search(value) and value.split(None, 1) == [value]
                        if not good:
                            ok[i] = False
                idx = np.flatnonzero(ok)
                if len(idx):
                    cand_s.append(ns[idx])
                    cand_e.append(ne[idx])
                    cand_simple.append(np.full(len(idx), numeric))
                    cand_ref.append((c, idx))
        if not cand_s:
            return
        all_s = np.concatenate(cand_s)
        all_e = np.concatenate(cand_e)
        good = self._isolated(ntext, all_s, all_e, np.concatenate(cand_simple), narr)
        at = 0
        for c, idx in cand_ref:
            g = good[at:at + len(idx)]
            ns = np.full(len(c.out), -1, np.int64)
            ns[idx[g]] = all_s[at:at + len(idx)][g]
            c.ns = ns  # a candidate's norm start (-1: not a candidate); decided in ``decide``
            at += len(idx)
        # the masked text: every good candidate blanked (same length)
        gs, ge = all_s[good], all_e[good]
        masked = narr.copy()
        width = int((ge - gs).max()) if len(gs) else 0
        for lo in range(0, len(gs), 65536):
            a, b = gs[lo:lo + 65536], ge[lo:lo + 65536]
            pos = a[:, None] + np.arange(width)
            masked[pos[pos < b[:, None]]] = 0
        self.scan.masked = masked.tobytes().decode("utf-32-le")

    @staticmethod
    def _isolated(text: str, s: np.ndarray, e: np.ndarray, simple: np.ndarray, arr: Any = None) -> np.ndarray:
        """Which candidate spans (sorted, disjoint) the text pass sees only as themselves.

        A number run (``numbers._RUN``) joins parts across single separators: a bare
        number cell next to another (tab-joined spreadsheet rows fold to spaces)
        belongs to one run with it.  Such a chain of candidate cells is fine when every
        part is a bare number candidate and the whole is too long to be a piece; a
        chain touching anything else, or a run's neighbour rule (ASCII letters, ``./_``
        …) at its ends, makes its cells ordinary cells.  Address / health candidates
        must be bounded by whitespace (their patterns never cross it).
        """
        n = len(text)
        order = np.argsort(s, kind="stable")
        s, e, simple = s[order], e[order], simple[order]
        if arr is None:  # the text's code points
            arr = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)

        def at(idx: np.ndarray) -> np.ndarray:
            inside = (idx >= 0) & (idx < n)
            out = np.zeros(len(idx), np.uint32)  # 0: outside the text
            out[inside] = arr[idx[inside]]
            return out

        p1, p2, c0 = at(s - 1), at(s - 2), at(s)
        n0, n1, l1 = at(e), at(e + 1), at(e - 1)

        def space(ch: np.ndarray) -> np.ndarray:
            return (ch < 0x3001) & _SPACE[np.minimum(ch, 0x3000)]

        join_left = np.isin(p1, _RUN_SEPS) & np.isin(p2, _RUN_CHARS) & np.isin(c0, _RUN_FIRST)
        join_right = np.isin(n0, _RUN_SEPS) & np.isin(l1, _RUN_CHARS) & np.isin(n1, _RUN_FIRST)
        m = len(s)
        prev_adj = np.zeros(m, bool)
        prev_adj[1:] = e[:-1] == s[1:] - 1
        next_adj = np.zeros(m, bool)
        next_adj[:-1] = s[1:] == e[:-1] + 1
        link_left = join_left & prev_adj  # joined to the previous candidate
        link_right = join_right & next_adj
        extra = np.zeros(m, np.int64)  # characters of a short non-candidate part the run takes in
        bad = ~simple & (join_left | join_right)
        for i in np.flatnonzero(simple & join_left & ~link_left).tolist():
            k = _short_part(text, int(s[i]) - 1, -1)
            if k < 0:
                bad[i] = True
            else:
                extra[i] += k
        for i in np.flatnonzero(simple & join_right & ~link_right).tolist():
            k = _short_part(text, int(e[i]), 1)
            if k < 0:
                bad[i] = True
            else:
                extra[i] += k
        # a run starting or ending at a candidate: the text pass drops it next to ASCII letters, digits, ./_ …
        ascii_alnum = ((p1 >= 48) & (p1 <= 57)) | ((p1 >= 65) & (p1 <= 90)) | ((p1 >= 97) & (p1 <= 122))
        bad |= simple & ~join_left & (ascii_alnum | np.isin(p1, _PREV_BAD))
        n_alnum = ((n0 >= 48) & (n0 <= 57)) | ((n0 >= 65) & (n0 <= 90)) | ((n0 >= 97) & (n0 <= 122))
        bad |= simple & ~join_right & (n_alnum | np.isin(n0, _NEXT_BAD))
        bad |= ~((s == 0) | space(p1))  # other patterns (address chains, health terms) never cross whitespace
        bad |= ~((e == n) | space(n0))
        # chains: maximal runs of joined candidates
        chain = np.cumsum(~link_left)
        chain_bad = np.zeros(int(chain[-1]) + 1 if m else 1, bool)
        np.logical_or.at(chain_bad, chain, bad)
        size = np.bincount(chain, minlength=len(chain_bad)) + np.bincount(chain, weights=(extra > 0), minlength=len(chain_bad))
        length = np.bincount(chain, weights=(e - s + extra).astype(np.float64), minlength=len(chain_bad))
        chain_bad |= (size > 1) & (length <= 23)  # the joined run could itself be a piece
        ok_sorted = ~chain_bad[chain]
        ok = np.empty(m, bool)
        ok[order] = ok_sorted
        return ok

    # -- 2. decide candidates ------------------------------------------------------------------------------------
    def decide(self) -> None:
        """Decide every candidate cell.

        Number columns: ``c.code[i]`` (1 ID, 2 mobile, 3/4 card, 5 masked enough — decided
        with numpy) or 0 with ``c.out[i] = (norm start, norm end, pre)``; address and
        health columns: ``c.out[i]``.  ``pre`` lists the cell's values as the text pass gives
        them, each ``(relative start, relative end, canonical, Template, validator, person)``
        (health: ``(relative start, relative end, term)``); ``[]`` when the cell holds nothing
        to report, ``_SLOW`` when the table pass must decide it (a number cell no recogniser takes).
        The common bare values are decided with numpy over the digit matrix (check digit,
        region, birth date, Luhn, issuer prefix) and the words around (one search of the
        whole text); everything else by the recognisers' ``check`` on the cell's piece.
        """
        scan = self.scan
        text = scan.text
        spans = [m.span() for m in self._any.finditer(text)]
        self._ws = np.fromiter((x for x, _ in spans), np.int64, len(spans))
        self._we = np.fromiter((y for _, y in spans), np.int64, len(spans))
        addr_cache: dict[str, list] = {}
        health_cache: dict[str, list] = {}
        pattern = _pattern()
        for t in self.tables:
            for c in t.cols:
                out = c.out
                kind = c.kind
                sel = np.flatnonzero(c.ns >= 0)
                if not len(sel):
                    continue
                idx = sel.tolist()
                S = c.ns[sel]
                E = S + np.fromiter(map(len, map(c.vals.__getitem__, idx)), np.int64, len(idx))
                if kind in _NUMERIC:
                    self._decide_numbers(c, idx, S, E)
                elif kind == "address":
                    vals = c.vals  # a candidate's value is the same in the source and the normalised text
                    busy = self._touched(np.maximum(S - 24, 0), E).tolist()
                    for v in {vals[i] for i, b in zip(idx, busy) if not b} - addr_cache.keys():
                        addr_cache[v] = self._recognise(self.address, " " + v, 1, 1 + len(v))
                    for i, s, e, b in zip(idx, S.tolist(), E.tolist(), busy):
                        out[i] = (s, e, self._recognise(self.address, text, s, e) if b else addr_cache[vals[i]])
                else:
                    vals = c.vals
                    for v in {vals[i] for i in idx} - health_cache.keys():
                        health_cache[v] = [(m.start(), m.end(), m.group()) for m in pattern.finditer(v)]
                    for i, s, e in zip(idx, S.tolist(), E.tolist()):
                        out[i] = (s, e, health_cache[vals[i]])

    def _touched(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """For each window ``[lo, hi)``: does a match of the any-word pattern overlap it?

        The matches of one ``finditer`` over the text are disjoint; a word lying wholly in a
        window either starts a match or lies in one that overlaps the window — so False
        means no word in the window (True may be a word only partly in it: decided by ``check``).
        """
        ws, we = self._ws, self._we
        if not len(ws):
            return np.zeros(len(lo), bool)
        j = np.searchsorted(we, lo, "right")  # the first match ending after lo
        jj = np.minimum(j, len(ws) - 1)
        return (j < len(ws)) & (ws[jj] < hi)

    def _decide_numbers(self, c: _Col, idx: list[int], S: np.ndarray, E: np.ndarray) -> None:
        scan = self.scan
        text = scan.text
        narr = self._narr
        out = c.out
        column = c.kind
        K = E - S
        quiet = ~self._touched(np.maximum(S - self.before, 0), E + self.after)
        amount = _amount_after(narr, E)
        code = np.zeros(len(S), np.int64)  # 0: per value below; 1: ID; 2: phone; 3: card; 4: card 62
        region_of = np.empty(len(S), object)
        dig = (narr >= 48) & (narr <= 57)
        for k in (11, 16, 17, 18, 19):
            sel = np.flatnonzero(K == k)
            if not len(sel):
                continue
            pos = S[sel][:, None] + np.arange(k)
            ch = narr[pos]
            isd = dig[pos]
            m = ch.astype(np.int64) - 48
            alld = isd.all(1)
            q = quiet[sel] & ~amount[sel]
            if k == 18:
                first17 = isd[:, :17].all(1)
                idok = first17 & (alld | (ch[:, 17] == ord("X")))
                mm = np.where(isd, m, 0)
                chk = (mm[:, :17] * _ID_W).sum(1) % 11
                chk_ok = ch[:, 17] == _ID_CHECK[chk]
                code6 = mm[:, :6] @ _POW6
                ymd = mm[:, 6:14] @ _POW8
                u6, inv6 = np.unique(code6, return_inverse=True)
                names = np.array([v.region_name(f"{x:06d}") for x in u6.tolist()], object)[inv6]
                u8, inv8 = np.unique(ymd, return_inverse=True)
                born = np.array([v.birth_date_ok(f"{x:08d}") for x in u8.tolist()], bool)[inv8]
                has_region = np.array([x is not None for x in names], bool)
                lead2 = mm[:, 0] * 10 + mm[:, 1]
                permit = (lead2 == 81) | (lead2 == 82) | (lead2 == 83)
                is_id = idok & has_region & born & chk_ok & ~permit & quiet[sel]
                code[sel[is_id]] = 1
                region_of[sel[is_id]] = names[is_id]
                card = alld & ~(has_region & born) & q & _luhn(mm) & _prefix_ok(mm)
                code[sel[card & (lead2 == 62)]] = 4
                code[sel[card & (lead2 != 62)]] = 3
            elif k == 11:
                phone = alld & (m[:, 0] == 1) & (m[:, 1] >= 3) & (m[:, 1] <= 9) & q
                code[sel[phone]] = 2
            else:
                card = alld & q & _luhn(m) & _prefix_ok(m)
                lead2 = m[:, 0] * 10 + m[:, 1]
                code[sel[card & (lead2 == 62)]] = 4
                code[sel[card & (lead2 != 62)]] = 3
        numeric = self.numeric
        masked_cache: dict[tuple, Any] = {}
        self.decided += len(idx)
        cell_code = np.full(len(out), -1, np.int8)  # per cell; -1: not a candidate
        cell_code[idx] = code
        regions: list[Any] = [None] * len(out)
        for i, r in zip(np.asarray(idx)[code == 1].tolist(), region_of[code == 1].tolist()):
            regions[i] = r
        for j in np.flatnonzero(code == 0).tolist():
            i, s, e = idx[j], int(S[j]), int(E[j])
            value = text[s:e]
            if "*" in value and value.isascii() and quiet[j]:
                key = (value.translate(_SHAPE), value[:2], value[-1])
                verdict = masked_cache.get(key)
                if verdict is None:
                    verdict = masked_cache[key] = self.fast_masked(value, column)
                if verdict is _NOTHING:
                    cell_code[i] = 5
                    continue
            p = _piece(text, s, e)
            pre: Any = []
            if p is not None:
                k = len(p.chars)
                for r in numeric:
                    if k in r.lengths:
                        h = r.check(scan, p)
                        if h is not None:
                            pre.append((h.start - s, h.end - s, h.canonical, template_of(h), h.validator, h.person))
            out[i] = (s, e, pre or _SLOW)  # nothing found: the table pass decides the cell (cell_hit)
        c.code = cell_code
        c.region = regions

    def _pre(self, c: _Col, i: int) -> Any:
        """A number cell's values as ``decide`` left them: a list of pre-values, or _SLOW."""
        cd = c.code[i]
        if cd == 0:
            return c.out[i][2]
        if cd == 5:
            return []
        value = c.vals[i]
        if cd == 1:
            got = self._id_pre(c.region[i])
        else:
            got = _PHONE if cd == 2 else _BANK if cd == 3 else _BANK62
        return [(0, len(value), value, got[0], got[1], "")]

    def _id_pre(self, region: str) -> tuple[Template, str]:
        got = self._id_tmpl.get(region)
        if got is None:
            got = self._id_tmpl[region] = (
                Template("id", "privacy.id", Severity.HIGH, 0.97, (), None, ()),
                f"居民身份证号码：GB 11643 MOD 11-2 校验位正确；行政区划代码有效（{region}）；出生日期有效")
        return got

    def _recognise(self, rec: Any, text: str, s: int, e: int) -> list:
        """The address recogniser's hits on ``text[s:e]`` (relative spans)."""
        sub = Scan(text, self.scan.words, self.scan.window, self.scan.window_after, self.scan.config)
        out = []
        for m in rec.pattern.finditer(text, s, e):
            h = rec.validate(sub, m)
            if h is not None:
                out.append((h.start - s, h.end - s, h.canonical, template_of(h), h.validator, h.person))
        return out

    def fast_masked(self, c: str, column: str) -> Any:
        """``_NOTHING`` for a bare masked value masked enough under the profile (with no word around it: tested by
        the caller); else _SLOW.  Depends only on the value's mask shape, its first two and its last character.

        Only where the table pass's own test of the cell (``TablePass.cell_hit``, run on a
        cell the text pass found nothing in) also gives nothing: in an ID column an
        18-character ID or an 11/16/17/19-character value, in a phone column any masked
        value, in a bank column a masked card or an 18-character value masked enough for both.
        """
        k = len(c)
        if column == "id" and k not in (18, 11, 16, 17, 19) or column == "bank" and k not in (15, 16, 17, 18, 19):
            return _SLOW
        if self.report_masked or MASK_CHARS.isdisjoint(c[:-1]):
            return _SLOW
        if sum(ch.isdigit() for ch in c) < 2:
            return _SLOW
        if column == "bank" and k == 18:
            # the ID recogniser reports a plausible masked 18-character value as a partial ID unless masked enough
            # for an ID; the card recogniser takes no 18-character masked value without bank context; the table
            # pass's test of the cell then reports a partial account unless masked enough for a card
            lead, trail, visible = exposure(c)
            if not self.policy.allows("bank", lead, trail):
                return _SLOW
            plausible = not c[:2].isdigit() or c[:2] in v.regions() or c[:2] == "83"
            if not plausible or c[:2].isdigit() and not (c[-1].isdigit() or c[-1] == "X" or c[-1] in "*＊×●"):
                return _NOTHING
            hidden = not any(6 <= i < 14 for i in visible)
            return _NOTHING if self.policy.allows("id", lead, trail, hidden) else _SLOW
        if k == 18:  # ResidentId (BankCard: an 18-character masked value without bank context is no card)
            if c[:2].isdigit() and not (c[:2] in v.regions() or c[:2] == "83"):
                return _SLOW
            if c[:2].isdigit() and not (c[-1].isdigit() or c[-1] == "X" or c[-1] in "*＊×●"):
                return _SLOW
            kind, birth = "id", (6, 14)
        elif k == 11:  # Mobile (Landline never takes a masked value)
            if c[0] != "1" or not c[1:2].isdigit() or c[1] not in "3456789":
                return _SLOW
            kind, birth = "phone", None
        elif k in (15, 16, 17, 19):  # BankCard (OldId needs a context word)
            if not (c[:2].isdigit() and v.bank_prefix_ok(c)):
                return _SLOW
            kind, birth = "bank", None
        else:
            return _SLOW
        key = (kind, c.translate(_SHAPE))
        allowed = self._allowed.get(key)
        if allowed is None:
            lead, trail, visible = exposure(c)
            hidden = birth is None or not any(birth[0] <= i < birth[1] for i in visible)
            allowed = self._allowed[key] = self.policy.allows(kind, lead, trail, hidden)
        if not allowed:
            return _SLOW
        return _NOTHING


    def _fast_numbers(self, c: _Col, rec: ColumnRecords, slow_arr: np.ndarray, person: dict[int, str],
                      finals: dict, tmpl_id: Callable[[Template], int], hidden: bool) -> None:
        """A number column's values in the fast rows, as records (the cells decided with numpy need no loop)."""
        rows = np.asarray(c.rows, np.int64)
        code = c.code
        fast = ~c.skip & (code >= 0) & (code != 5)
        if len(slow_arr):
            fast &= ~np.isin(rows, slow_arr)
        idx = np.flatnonzero(fast)
        if not len(idx):
            return
        kind, head, label = c.kind, c.head, c.label
        vals, region, out = c.vals, c.region, c.out
        il = idx.tolist()
        codes = code[idx].tolist()
        keys = [region[i] if cd == 1 else cd for i, cd in zip(il, codes)]
        fin: dict[Any, tuple[int, str, bool]] = {}
        for key in set(keys):
            if key == 0:
                continue
            got = _PHONE if key == 2 else _BANK if key == 3 else _BANK62 if key == 4 else self._id_pre(key)
            fin[key] = finals.get(got) or finals.setdefault(
                got, _final((0, 0, "", got[0], got[1], ""), kind, head, label, hidden, tmpl_id))
        canon = [vals[i] for i in il]
        vs = np.asarray(c.vs, np.int64)[idx]
        starts = vs.tolist()
        ends = (vs + np.fromiter(map(len, canon), np.int64, len(canon))).tolist()
        persons = [""] * len(il)
        tmpl = [fin[k][0] if k != 0 else 0 for k in keys]
        validators = [fin[k][1] if k != 0 else "" for k in keys]
        row_l = rows[idx].tolist()
        for j in [j for j, cd in enumerate(codes) if cd == 0]:  # values the recognisers' check gave
            pre = out[il[j]][2][0]
            f = _final(pre, kind, head, label, hidden, tmpl_id)
            rs, re_, value, _tm, _val, who = pre
            starts[j], ends[j] = starts[j] + rs, starts[j] + re_
            canon[j], persons[j], tmpl[j], validators[j] = value, who, f[0], f[1]
            keys[j] = ("check", j)
            fin[keys[j]] = f
        for row, value, key in zip(row_l, canon, keys):
            if fin[key][2]:
                person.setdefault(row, value)  # ``person or value``: the first ID in the row
        rec.starts += starts
        rec.ends += ends
        rec.canon += canon
        rec.validators += validators
        rec.persons += persons
        rec.rows += row_l
        rec.tmpl += tmpl

    # -- 3. after the text pass -----------------------------------------------------------------------------------
    def people(self) -> tuple[list[int], list[str], list[str]]:
        """(norm starts, kinds, canonical values) of the number cells' values that name a person (health linking)."""
        starts: list[int] = []
        kinds: list[str] = []
        canon: list[str] = []
        for t in self.tables:
            for c in t.cols:
                if c.kind not in _NUMERIC:
                    continue
                ids = np.flatnonzero(c.code == 1)
                starts += c.ns[ids].tolist()
                kinds += ["id"] * len(ids)
                canon += [c.vals[i] for i in ids.tolist()]
                for i in np.flatnonzero(c.code == 0).tolist():
                    s0, _e, pre = c.out[i]
                    if pre is _SLOW:
                        continue
                    for rs, _re, value, tm, _val, _p in pre:
                        if tm.kind in ("name", "id", "old_id", "permit") and tm.severity >= Severity.INFO \
                                and not dict(tm.details).get("masked_in_source"):
                            starts.append(s0 + rs)
                            kinds.append(tm.kind)
                            canon.append(value)
        return starts, kinds, canon

    def link_candidates(self, link: Callable[[int, int], Any]) -> None:
        """The sentence link (``PrivacyDetector._link_health``'s linker) of each health value in a candidate cell."""
        for t in self.tables:
            for c in t.cols:
                if c.kind != "health":
                    continue
                out = c.out
                idx = [i for i, got in enumerate(out) if got is not None and got[2]]
                starts = [out[i][0] + out[i][2][0][0] for i in idx]
                ends = [out[i][0] + out[i][2][0][1] for i in idx]
                links = link.many(starts, ends, self._narr) if hasattr(link, "many") \
                    else [link(a, b) for a, b in zip(starts, ends)]
                for i, lk in zip(idx, links):
                    s0, e0, pre = out[i]
                    if len(pre) == 1:
                        rs, re_, term = pre[0]
                        out[i] = (s0, e0, [(rs, re_, term, lk)])
                    else:
                        out[i] = (s0, e0, [(rs, re_, term, link(s0 + rs, s0 + re_)) for rs, re_, term in pre])

    def classify(self, hits: list[Hit]) -> None:
        """Mark the slow rows of each bulk table: a personal cell another hit touches, or not decided inline.

        ``hits`` are the text pass's values in source offsets.
        """
        spans = sorted((h.start, h.end) for h in hits if h.end > h.start)
        hs = np.fromiter((a for a, _ in spans), np.int64, len(spans))
        he = np.maximum.accumulate(np.fromiter((b for _, b in spans), np.int64, len(spans))) if spans else hs
        for t in self.tables:
            bad_rows: list[np.ndarray] = []
            for c in t.cols:
                rows = np.asarray(c.rows, np.int64)
                if spans:
                    cs = np.asarray(c.cs, np.int64)
                    ce = np.asarray(c.ce, np.int64)
                    k = np.searchsorted(hs, ce, "left")  # hits starting before the cell's end
                    bad_rows.append(rows[(k > 0) & (he[np.maximum(k - 1, 0)] > cs)])
                kind = c.kind
                if kind == "name":
                    continue
                skip = c.skip
                if kind in _NUMERIC:
                    code = c.code
                    bad = (~skip & (code == -1)) | (skip & (code >= 1) & (code <= 4))
                    if kind == "bank":
                        bad |= code == 1  # an ID in a bank column: the header makes it an account (per value)
                    for i in np.flatnonzero(code == 0).tolist():
                        pre = c.out[i][2]
                        if (skip[i] and pre or not skip[i] and (pre is _SLOW or len(pre) > 1)
                                or kind == "bank" and pre and pre[0][3].kind in ("id", "permit")):
                            bad[i] = True
                else:
                    bad = np.zeros(len(skip), bool)
                    for i, (got, sk) in enumerate(zip(c.out, skip.tolist())):
                        if got is None:
                            if not sk:
                                bad[i] = True
                        elif sk and got[2] or not sk and len(got[2]) > 1:
                            bad[i] = True
                bad_rows.append(rows[bad])
            t.slow = set(np.concatenate(bad_rows).tolist()) if bad_rows else set()

    def slow_rows(self) -> list[Hit]:
        """The candidate values of the slow rows as the text pass's Hits (health ones linked); prepares the
        table pass for those rows only (``self.prepared``)."""
        from scanner.detectors.privacy.tables import TableCell

        out: list[Hit] = []
        for t in self.tables:
            slow = t.slow
            rows: dict[int, dict[int, Any]] = {}
            slow_arr = np.fromiter(slow, np.int64, len(slow))
            for c in t.cols:
                for i in np.flatnonzero(np.isin(np.asarray(c.rows, np.int64), slow_arr)).tolist():
                    row = c.rows[i]
                    rows.setdefault(row, {})[c.col] = TableCell(t.table.index, row, c.col, c.cs[i], c.ce[i])
                    if c.kind in _NUMERIC:
                        if c.code[i] < 0:
                            continue
                        pre = self._pre(c, i)
                    else:
                        got = c.out[i]
                        if got is None:
                            continue
                        pre = got[2]
                    if pre is _SLOW:
                        continue
                    vs = c.vs[i]
                    if c.kind == "health":
                        for rs, re_, term, link in pre:
                            cat = category(term)
                            h = Hit("health", "privacy.health", vs + rs, vs + re_, term, Severity.HIGH, 0.9,
                                    f"{cat}（敏感个人信息）", [], details={"category": cat})
                            if link is None:
                                self.pending.add(id(h))
                            else:
                                h.person, suffix, medium = link
                                h.validator += suffix
                                if medium:
                                    h.severity = Severity.MEDIUM
                            out.append(h)
                        continue
                    for rs, re_, canon, tm, val, person in pre:
                        out.append(Hit(tm.kind, tm.rule, vs + rs, vs + re_, canon, tm.severity, tm.score, val,
                                       list(tm.context), tm.exposed, dict(tm.details), person))
            self.prepared[t.pos] = (t.header_row, t.kinds, {r: rows[r] for r in sorted(rows)})
        return out

    def fast_rows(self, table_pass: Any) -> None:
        """Decide the fast rows column by column into :class:`ColumnRecords` (``self.records``)."""
        from scanner.detectors.privacy.tables import (
            _MASKED,
            TableCell,
            link_row_health,
            mark_found,
            new_row_health,
        )

        templates, tid = self.templates, self._tid

        def tmpl_id(tm: Template) -> int:
            i = tid.get(tm)
            if i is None:
                i = tid[tm] = len(templates)
                templates.append(tm)
            return i

        cell_cache: dict[tuple[str, str], Any] = {}
        for t in self.tables:
            slow, pos, hidden = t.slow, t.pos, t.hidden
            slow_arr = np.fromiter(slow, np.int64, len(slow))

            def fast_cells(c: _Col, slow_arr: np.ndarray = slow_arr) -> list[int]:
                """The cells of a column in the fast rows that the table pass does not skip."""
                keep = ~c.skip
                if len(slow_arr):
                    keep &= ~np.isin(np.asarray(c.rows, np.int64), slow_arr)
                return np.flatnonzero(keep).tolist()

            person: dict[int, str] = {}
            masked_name: set[int] = set()
            health_cols = []
            for c in t.cols:
                kind, head, label, col = c.kind, c.head, c.label, c.col
                rec = ColumnRecords(pos, col, templates)
                self.records.append(rec)
                if kind == "health":
                    health_cols.append((c, rec))
                    continue
                finals: dict[tuple, tuple[int, str]] = {}
                where0 = (pos, 0, col)
                r_starts, r_ends, r_canon, r_val, r_pers, r_rows, r_tmpl = (
                    rec.starts, rec.ends, rec.canon, rec.validators, rec.persons, rec.rows, rec.tmpl)
                if kind == "name":
                    il = fast_cells(c)
                    vals, rows_l, vs_l = c.vals, c.rows, c.vs
                    verdict = {v: 1 if _MASKED.search(v) else 2 if is_name(v) else 0 for v in {vals[i] for i in il}}
                    masked_name.update(rows_l[i] for i in il if verdict[vals[i]] == 1)
                    named = [i for i in il if verdict[vals[i]] == 2]
                    person.update((rows_l[i], vals[i]) for i in named)  # the name column names the row's person
                    if named:
                        h = Hit("name", "privacy.name", 0, 0, "", Severity.INFO, 0.85,
                                f"个人信息表格“{head}”列中的姓名", [label])
                        h.details.setdefault("column", head)
                        if hidden:
                            h.details["hidden_sheet"] = True
                        name_tid = tmpl_id(template_of(h))
                        r_starts += [vs_l[i] for i in named]
                        r_ends += [vs_l[i] + len(vals[i]) for i in named]
                        r_canon += [vals[i] for i in named]
                        r_val += [h.validator] * len(named)
                        r_pers += [""] * len(named)
                        r_rows += [rows_l[i] for i in named]
                        r_tmpl += [name_tid] * len(named)
                    continue
                if kind in _NUMERIC:
                    self._fast_numbers(c, rec, slow_arr, person, finals, tmpl_id, hidden)
                    continue
                by_pre: dict[int, Any] = {}  # id(pre-values) → the cell's records (relative), shared per value
                out, vals, rows_l, vs_l = c.out, c.vals, c.rows, c.vs
                for i in fast_cells(c):
                    pre = out[i][2]
                    got = by_pre.get(id(pre))
                    if got is None:
                        value = vals[i]
                        if not pre:
                            key = (head, hidden, value)
                            got = cell_cache.get(key)
                            if got is None:
                                h = table_pass.cell_hit(kind, head, TableCell(0, 0, 0, 0, len(value)), value,
                                                        text=value)
                                if h is not None:
                                    h.details.setdefault("column", head)
                                    if hidden:
                                        h.details["hidden_sheet"] = True
                                    got = (h.start, h.end, h.canonical, tmpl_id(template_of(h)), h.validator, "",
                                           False)
                                else:
                                    got = ()
                                cell_cache[key] = got
                        else:
                            rs, re_, canon, tm, val, pers = pre[0]
                            f = finals.get((tm, val))  # what the column adds depends on the template and validator
                            if f is None:
                                f = finals[(tm, val)] = _final(pre[0], kind, head, label, hidden, tmpl_id)
                            got = (rs, re_, canon, f[0], f[1], pers, f[2])
                        by_pre[id(pre)] = got
                    if not got:
                        continue
                    rs, re_, canon, ti, val, pers, names = got
                    if names:
                        person.setdefault(rows_l[i], canon)
                    a = vs_l[i] + rs  # the value maps onto the source 1:1 (a candidate)
                    r_starts.append(a)
                    r_ends.append(a + re_ - rs)
                    r_canon.append(canon)
                    r_val.append(val)
                    r_pers.append(pers)
                    r_rows.append(rows_l[i])
                    r_tmpl.append(ti)
            for c, rec in health_cols:
                head, label, col = c.head, c.label, c.col
                where0 = (pos, 0, col)
                finals = {}
                for i in fast_cells(c):
                    row, value, got = c.rows[i], c.vals[i], c.out[i]
                    who = person.get(row, "")
                    state = "p" if who else ("m" if row in masked_name else "")
                    if got is None or not got[2]:
                        if not state:
                            continue
                        key = (value, state)
                        final = finals.get(key)
                        if final is None:
                            h = new_row_health(0, len(value), value, who, head)
                            h.details.setdefault("column", head)
                            if hidden:
                                h.details["hidden_sheet"] = True
                            final = finals[key] = (tmpl_id(template_of(h)), h.validator)
                        s = c.vs[i]
                        rec.starts.append(s)
                        rec.ends.append(s + len(value))
                        rec.canon.append(value)
                        rec.validators.append(final[1])
                        rec.persons.append(who)
                        rec.rows.append(row)
                        rec.tmpl.append(final[0])
                        continue
                    _s0, _e0, pre = got
                    rs, re_, term, link = pre[0]
                    if link is None and not state:
                        continue  # no person in the sentence nor in the row: not reported
                    lkey = None if link is None else (link[1], link[2])
                    key = (term, lkey, state)
                    final = finals.get(key)
                    if final is None:
                        cat = category(term)
                        h = Hit("health", "privacy.health", 0, 0, term, Severity.HIGH, 0.9, f"{cat}（敏感个人信息）",
                                [], details={"category": cat})
                        if link is not None:
                            h.validator += link[1]
                            if link[2]:
                                h.severity = Severity.MEDIUM
                        mark_found(h, "health", head, label, where0, hidden)
                        if state:
                            link_row_health(h, who, head)
                        final = finals[key] = (tmpl_id(template_of(h)), h.validator)
                    a = c.vs[i] + rs
                    b = a + re_ - rs
                    rec.starts.append(a)
                    rec.ends.append(b)
                    rec.canon.append(term)
                    rec.validators.append(final[1])
                    rec.persons.append(who if state else link[0])
                    rec.rows.append(row)
                    rec.tmpl.append(final[0])
        self.records = [r for r in self.records if len(r)]


def _short_part(text: str, sep: int, step: int) -> int:
    """Length of the short part a number run takes in across the separator at ``sep`` (step -1: the part before
    it, +1: after it), or -1 when the run could be anything but that part plus the candidates.

    The part must be fewer than 10 run characters with no separator, prefix or ASCII letter around
    it (so it makes no piece, joined or alone), e.g. the ``*`` of a masked name before a masked ID.
    """
    n = len(text)
    if text[sep] != " ":
        return -1
    i = sep + step
    k = 0
    while 0 <= i < n and text[i] in _PART_CHARS:
        i += step
        k += 1
        if k >= 10:
            return -1
    if not k:
        return -1
    outer = text[i] if 0 <= i < n else ""
    if outer and (outer in _SEP_CHARS or outer in "+()（）._/\\%=&" or (outer.isascii() and outer.isalnum())):
        return -1
    first = text[i + 1] if step < 0 else text[sep + 1]
    if step < 0 and (first not in _FIRST_CHARS or first == "0"):
        return -1  # a run cannot start there, or 00 / 0 could begin a +86 prefix or area code
    return k


_PART_CHARS = frozenset("0123456789*＊×●xX")
_FIRST_CHARS = frozenset("0123456789*＊×●")
_SEP_CHARS = frozenset(" -－—")


_ID_W = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], np.int64)
_ID_CHECK = np.array([ord(ch) for ch in "10X98765432"], np.uint32)
_POW6 = 10 ** np.arange(5, -1, -1, dtype=np.int64)
_POW8 = 10 ** np.arange(7, -1, -1, dtype=np.int64)


_AMOUNT_ONE = np.array(sorted({ord(w) for w in _AMOUNT_AFTER if len(w) == 1}), np.uint32)
_AMOUNT_TWO = [(ord(w[0]), ord(w[1])) for w in _AMOUNT_AFTER if len(w) == 2]


def _amount_after(arr: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """``NumberRecognizer.amount_after`` at each end: ``text[e:e + 3].lstrip().startswith(_AMOUNT_AFTER)``."""
    n = len(arr)
    assert all(len(w) <= 2 for w in _AMOUNT_AFTER)

    def at(pos: np.ndarray) -> np.ndarray:
        ok = pos < n
        out = np.zeros(len(pos), np.uint32)
        out[ok] = arr[pos[ok]]
        return out

    c = [at(ends + k) for k in range(3)]
    blank = [(x > 0) & (x < 0x3001) & _SPACE[np.minimum(x, 0x3000)] for x in c]
    found = np.zeros(len(ends), bool)
    lead = np.ones(len(ends), bool)  # every character before position k is whitespace
    for k in range(3):
        here = lead & ~blank[k]  # the first non-space character is at k
        found |= here & np.isin(c[k], _AMOUNT_ONE)
        if k < 2:
            for a, b in _AMOUNT_TWO:
                found |= here & (c[k] == a) & (c[k + 1] == b)
        lead &= blank[k]
    return found


def _luhn(m: np.ndarray) -> np.ndarray:
    """Luhn check of each row of a digit matrix (numbers.validators.luhn_ok)."""
    k = m.shape[1]
    single = m[:, k - 1::-2].sum(1)
    doubled = m[:, k - 2::-2] * 2 if k >= 2 else np.zeros((len(m), 0), np.int64)
    doubled = np.where(doubled > 9, doubled - 9, doubled).sum(1)
    return (single + doubled) % 10 == 0


def _prefix_ok(m: np.ndarray) -> np.ndarray:
    """Card issuer prefix of each row of a digit matrix (validators.bank_prefix_ok)."""
    lead2 = m[:, 0] * 10 + m[:, 1]
    return np.isin(lead2, (62, 60, 35, 81, 88, 94, 95, 99)) | (m[:, 0] == 4) | (m[:, 0] == 5)


_PHONE = (Template("phone", "privacy.phone", Severity.MEDIUM, 0.95, (), None, ()), "手机号码：号段格式有效")
_BANK = (Template("bank", "privacy.bank", Severity.HIGH, 0.9, (), None, ()), "银行卡号：Luhn 校验通过；发卡行前缀有效")
_BANK62 = (Template("bank", "privacy.bank", Severity.HIGH, 0.9, (), None, ()), "银行卡号：Luhn 校验通过；发卡行前缀有效（银联 62）")
