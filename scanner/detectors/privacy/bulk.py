"""Bulk path for long headed table columns (身份证号码 / 联系电话 / 银行账号 lists of thousands of rows).

The text pass finds numeric values by running ``_RUN`` over the whole text,
cutting every run into :class:`~scanner.detectors.privacy.numbers.Piece` objects
and offering each piece to every numeric recogniser.  In a 100,000-row 公示
list almost all of that work is the same few checks repeated on cells whose
surroundings hold no context word at all.

For a column whose header names IDs, phones or bank accounts and which holds
more than ``aggregate_over`` values, this module takes each cell directly from
the :class:`~scanner.document.Table` (no regex over the text): when the cell is
one bare run of digits/mask characters delimited by the table's tab/newline
separators, its :class:`Piece` is exactly the one the text pass would build, so
the cell is decided here and the text pass skips that run (``Scan.config
["bulk_skip"]``, a set of run starts).

The verdicts are the per-value ones by construction: a cell with any context
word (or home/contact word) within the widest window any numeric recogniser
reads, a masked value, an international prefix, or anything but the plain
common case goes through the very recognisers' ``check`` on the same piece; only
the common "quiet" cases — a valid unmasked ID, a mobile, a Luhn card with a
card prefix, each with no word around it — are decided by a short inline test
that reproduces those checks' outcome for that case (tests/test_privacy_bulk.py
compares both paths value by value).  Cells that are not one bare run (phones
written 138-0013-8000, values padded with spaces, full-width digits that the
normaliser folds …) are left to the text pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from scanner.detectors.privacy import validators as v
from scanner.detectors.privacy.numbers import (
    _HOME_WORDS,
    BankCardRecognizer,
    LandlineRecognizer,
    MobileRecognizer,
    NumberRecognizer,
    OldIdRecognizer,
    Piece,
    ResidentIdRecognizer,
)
from scanner.detectors.privacy.recognizer import Hit, RecognizerRegistry, Scan
from scanner.findings import Severity
from scanner.privacy.masking import exposure

_BULK_KINDS = ("id", "phone", "bank")
_DEFAULT = (ResidentIdRecognizer, OldIdRecognizer, MobileRecognizer, LandlineRecognizer, BankCardRecognizer)
_SLOW = object()
_SHAPE = str.maketrans("0123456789", "0000000000")


def _norm_spans(norm: Any, spans: list[tuple[int, int]]) -> list[tuple[int, int] | None]:
    """Source spans → normalised-text spans (None when a span does not map back onto itself)."""
    if norm.is_identity:
        return list(spans)
    import numpy as np

    starts = np.asarray(norm.starts)
    ends = np.asarray(norm.ends)
    flat = np.array(spans, dtype=np.int64).reshape(-1, 2)
    ns = np.searchsorted(starts, flat[:, 0], "left")
    ne = np.searchsorted(ends, flat[:, 1], "right")
    out: list[tuple[int, int] | None] = []
    n = len(norm.text)
    for (s, e), a, b in zip(spans, ns.tolist(), ne.tolist()):
        if a < b <= n and int(starts[a]) == s and int(ends[b - 1]) == e:
            out.append((a, b))
        else:
            out.append(None)
    return out


class BulkColumns:
    """Decide the bare numeric cells of long headed columns; ``run`` returns (hits, starts of the runs handled)."""

    def __init__(self, scan: Scan, registry: RecognizerRegistry, enabled: Callable[[str], bool]):
        self.scan = scan
        self.numeric: list[NumberRecognizer] = [r for name, r in registry._items.items()
                                                if enabled(name) and isinstance(r, NumberRecognizer)]
        self.fast_ok = tuple(type(r) for r in self.numeric) == _DEFAULT
        words = sorted({w for ws in scan.words.values() for w in ws} | set(_HOME_WORDS), key=len, reverse=True)
        self._any = re.compile("|".join(re.escape(w) for w in words)) if words else re.compile(r"(?!)")
        self.before = max(scan.window, 24, 10)  # context window, phone clause (24), not_personal (8/10)
        self.after = max(scan.window_after, 3)  # context window, amount_after (3)
        self.report_masked = bool(scan.config.get("report_masked"))
        self._allowed: dict[tuple[str, str], bool] = {}  # (kind, mask shape) → masked enough under the profile
        self.prepared: dict[int, Any] = {}

    def columns(self, doc: Any, headers: Mapping[str, Sequence[str]], over: int) -> list[tuple[int, int]]:
        """Source spans of the data cells of every long ID / phone / bank column.

        The tables' rows are prepared once here and kept in ``self.prepared`` for
        the table pass (:func:`scanner.detectors.privacy.tables.prepare`).
        """
        from scanner.detectors.privacy.tables import _EMPTY, prepare

        text = doc.text
        spans: list[tuple[int, int]] = []
        self.prepared = {}
        for pos, table in enumerate(doc.tables):
            _, kinds, rows = self.prepared[pos] = prepare(table, text, headers)
            cols = [col for col, (kind, _) in kinds.items() if kind in _BULK_KINDS]
            if rows is None or not cols:
                continue
            for col in cols:
                cells = [(c.start, c.end) for r in rows.values() if (c := r.get(col)) is not None]
                if sum(1 for s, e in cells if text[s:e].strip() not in _EMPTY) > over:
                    spans.extend(cells)
        return spans

    def value_spans(self, norm: Any, spans: list[tuple[int, int]]) -> set[tuple[int, int]]:
        """The normalised-text spans of the cells' values (stripped), for matching number pieces."""
        text = self.scan.text
        out: set[tuple[int, int]] = set()
        for span in _norm_spans(norm, spans):
            if span is None:
                continue
            s, e = span
            raw = text[s:e]
            value = raw.strip()
            if len(value) >= 10:
                s += len(raw) - len(raw.lstrip())
                out.add((s, s + len(value)))
        return out

    def split(self, pieces: list[Piece], values: set[tuple[int, int]]) -> tuple[list[Piece], list[Piece]]:
        """(pieces that are exactly a bulk cell's value, the others) — the text pass keeps only the others."""
        mine: list[Piece] = []
        rest: list[Piece] = []
        for p in pieces:
            (mine if (p.start, p.end) in values else rest).append(p)
        return mine, rest

    def run(self, pieces: list[Piece]) -> list[Hit]:
        """The numeric recognisers' hits on ``pieces`` (each a bulk cell's value), piece by piece."""
        hits: list[Hit] = []
        scan = self.scan
        fast_ok = self.fast_ok
        for p in pieces:
            if not fast_ok or p.intl or p.raw != p.chars:
                got = _SLOW
            else:
                got = self.fast_masked(p) if p.masked else self.fast(p)
            if got is _SLOW:
                k = len(p.chars)
                for r in self.numeric:
                    if k in r.lengths:
                        h = r.check(scan, p)
                        if h is not None:
                            hits.append(h)
            elif got is not None:
                hits.append(got)  # type: ignore[arg-type]
        return hits

    def quiet(self, s: int, e: int) -> bool:
        """No context word of any list (nor a home/contact word) in the widest window a numeric check reads."""
        return self._any.search(self.scan.text, max(0, s - self.before), e + self.after) is None

    def fast_masked(self, p: Any) -> Hit | None | object:
        """None for a bare masked value that is masked enough under the profile, with no word around it; else _SLOW.

        Masked enough is decided as ``NumberRecognizer.partial`` decides it, once per
        mask shape (the positions of the mask characters), for the one recogniser
        that reaches ``partial`` on such a piece.
        """
        c = p.chars
        k = len(c)
        if k == 18:  # ResidentId (BankCard: an 18-character masked value without bank context is no card)
            if c[:2].isdigit() and not (c[:2] in v.regions() or c[:2] == "83"):
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
        if self.report_masked:
            return _SLOW
        key = (kind, c.translate(_SHAPE))
        allowed = self._allowed.get(key)
        if allowed is None:
            lead, trail, visible = exposure(c)
            hidden = birth is None or not any(birth[0] <= i < birth[1] for i in visible)
            allowed = self._allowed[key] = self.scan.config["policy"].allows(kind, lead, trail, hidden)
        if not allowed or not self.quiet(p.start, p.end):
            return _SLOW
        return None

    def fast(self, p: Any) -> Hit | None | object:
        """The default numeric recognisers' verdict on an unmasked bare piece with no word around it, or _SLOW."""
        c = p.chars
        k = len(c)
        if k == 18:
            # ResidentId and BankCard; with no bank context an 18-digit valid ID is never a card
            if not c[:17].isdigit() or c[:2] in ("81", "82", "83"):
                return _SLOW
            region = v.region_name(c)
            if not region or not v.birth_date_ok(c[6:14]) or not v.id_checksum_ok(c):
                return _SLOW
            if not self.quiet(p.start, p.end):
                return _SLOW
            return Hit("id", "privacy.id", p.start, p.end, c, Severity.HIGH, 0.97,
                       f"居民身份证号码：GB 11643 MOD 11-2 校验位正确；行政区划代码有效（{region}）；出生日期有效", [])
        if k == 11:
            # Mobile and Landline
            if c[0] != "1" or not c.isdigit() or v.landline_ok(c) or not self.quiet(p.start, p.end):
                return _SLOW
            if not v.mobile_ok(c) or NumberRecognizer.amount_after(self.scan, p):
                return None
            return Hit("phone", "privacy.phone", p.start, p.end, c, Severity.MEDIUM, 0.95, "手机号码：号段格式有效", [])
        if k in (16, 17, 19):
            # BankCard only
            if not c.isdigit() or not self.quiet(p.start, p.end):
                return _SLOW
            if NumberRecognizer.amount_after(self.scan, p) or not v.luhn_ok(c) or not v.bank_prefix_ok(c):
                return None
            return Hit("bank", "privacy.bank", p.start, p.end, c, Severity.HIGH, 0.9,
                       "银行卡号：Luhn 校验通过；发卡行前缀有效" + ("（银联 62）" if c.startswith("62") else ""), [])
        return _SLOW
