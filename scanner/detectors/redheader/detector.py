"""The red-header detector: 红头文件 not de-reded, red round seals, classification markings.

Reads ``Document.layout`` (filled by the PDF, DOCX, image and HTML extractors) and
the text.  Findings:

* ``redheader.document`` (high): a red masthead in the top of page 1 with a red
  separator line, a 发文字号 or a masthead ending in 文件 — 红头文件不得上网, publish
  the de-reded version (seed 002; layout per GB/T 9704-2012);
* ``redheader.masthead`` (medium): a red masthead alone, or ``redheader.separator``
  (medium) a red separator line under a 发文字号 with the masthead already removed;
* ``redheader.seal`` (medium): a red round seal 38–62 mm across;
* ``redheader.classified`` (veto): 绝密/机密/秘密 (★ period) or 内部 markings.

Each explanation carries the evidence: colours (RGB), positions and lengths in mm,
which part of the file the red came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from scanner.detectors.base import Detector
from scanner.detectors.redheader.classification import find_markings
from scanner.detectors.redheader.evidence import (LETTER_MIN_MM, Masthead, doc_number, find_masthead, find_separator,
                                                  find_seals)
from scanner.findings import Explanation, Finding, Severity

if TYPE_CHECKING:  # pragma: no cover
    from scanner.pipeline import Analysis

RULE_SENTENCE = ("红头文件不得上网，上网文件要去红头处理：版头的红色发文机关标志和红色分隔线应去除后再发布 "
                 "(GB/T 9704-2012 版头; 政府网站发布要求)")


def _span_of(text: str, needle: str) -> tuple[int, int] | None:
    """Where ``needle`` occurs in ``text``, ignoring spaces and line breaks inside it."""
    if not needle:
        return None
    i = text.find(needle)
    if i >= 0:
        return i, i + len(needle)
    squeezed = [(k, ch) for k, ch in enumerate(text[:20000]) if not ch.isspace()]
    flat = "".join(ch for _, ch in squeezed)
    target = "".join(needle.split())
    j = flat.find(target)
    if j < 0 or not target:
        return None
    return squeezed[j][0], squeezed[j + len(target) - 1][0] + 1


def _first_line(text: str) -> tuple[int, int]:
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            s = pos + (len(line) - len(line.lstrip()))
            return s, pos + len(line.rstrip())
        pos += len(line) + 1
    return 0, 0


class RedHeaderDetector(Detector):
    name: ClassVar[str] = "redheader"
    version: ClassVar[str] = "1"
    default_config: ClassVar[dict[str, Any]] = {"seal": True, "classification": True}

    def detect(self, analysis: "Analysis") -> Iterable[Finding]:
        doc = analysis.document
        text = doc.text
        layout = doc.layout
        if layout is not None and getattr(layout, "pages", None):
            yield from self._header(text, layout)
            if self.config.get("seal", True):
                yield from self._seals(text, layout)
        if self.config.get("classification", True):
            yield from self._classification(text)

    # -- the red header ---------------------------------------------------------------------------------
    def _header(self, text: str, layout) -> Iterator[Finding]:
        page = layout.pages[0]
        if page.number != 1:
            return
        html = layout.kind == "html"
        masthead = find_masthead(page, html=html)
        separator = find_separator(page, masthead, html=html)
        number = doc_number(text)
        details: dict[str, Any] = {"format": layout.kind}
        if page.width_mm and page.height_mm:
            details["page_mm"] = [round(page.width_mm, 1), round(page.height_mm, 1)]
        if masthead is not None:
            details["masthead"] = masthead.to_dict()
            if masthead.bbox and page.height_mm:
                details["masthead"]["top_share"] = round(masthead.bbox[1] / page.height_mm, 3)
        if separator is not None:
            details["separator"] = separator.to_dict()
            if masthead is not None and masthead.bbox and separator.rules[0].y0 is not None:
                details["separator"]["below_masthead_mm"] = round(separator.rules[0].y0 - masthead.bbox[3], 1)
        if number:
            details["doc_number"] = number.group(0)
        if masthead is None and separator is None:
            return
        letter = separator is not None and separator.double and (separator.rules[0].length_mm or 0) >= LETTER_MIN_MM
        if letter:
            details["layout"] = "信函格式 (double red line ≈170 mm)"
        ends_in_wenjian = masthead is not None and masthead.text.rstrip().endswith("文件")
        signals = [name for name, ok in (("separator", separator is not None), ("doc_number", number is not None),
                                         ("文件", ends_in_wenjian)) if ok]
        if masthead is not None and signals:
            rule, severity = "redheader.document", Severity.HIGH
            confidence = min(0.99, 0.7 + 0.1 * len(signals) + (0.05 if masthead.source == "text" else 0.0))
            sentence = RULE_SENTENCE
        elif masthead is not None:
            rule, severity, confidence = "redheader.masthead", Severity.MEDIUM, 0.6
            sentence = "页首有红色、居中、大字号的发文机关标志样式，疑似红头文件，请确认已去红头"
        elif number is not None:
            rule, severity, confidence = "redheader.separator", Severity.MEDIUM, 0.6
            sentence = "发文字号下方仍有红色版头分隔线：红头去除不彻底"
        else:
            return
        span = _span_of(text, masthead.text) if masthead is not None and masthead.text else None
        if span is None and number is not None:
            span = _span_of(text, number.group(0))
        if span is None:
            span = _first_line(text)
        keyword = (masthead.text if masthead is not None and masthead.text else
                   (number.group(0) if number else "")) or "红头"
        details["signals"] = ["masthead"] * (masthead is not None) + signals
        yield Finding(
            detector=self.name, rule=rule, category="redheader", severity=severity, start=span[0], end=span[1],
            keyword=keyword[:60],
            suggestion="发布去红头版本：删除红色发文机关标志和红色分隔线（或改为黑色），去除印章后再上网",
            explanation=Explanation(rule=sentence, entry="GB/T 9704-2012 版头", condition=" + ".join(details["signals"]),
                                    scores={"confidence": round(confidence, 3)}, details=details),
            confidence=confidence,
        )

    def _seals(self, text: str, layout) -> Iterator[Finding]:
        seals = find_seals(layout)
        if not seals:
            return
        # one finding per document: the seals are listed in the explanation
        seal = seals[0]
        span = _first_line(text)
        for anchor in ("年", "日"):
            pass
        yield Finding(
            detector=self.name, rule="redheader.seal", category="redheader", severity=Severity.MEDIUM,
            start=span[0], end=span[0], keyword="红色圆形印章",
            suggestion="上网版本不应保留红色公章图像：使用去章版本或将印章处理后再发布",
            explanation=Explanation(
                rule="文件含红色圆形印章（直径 38–62 mm，外圈红色连续）", validator="rim coverage ≥ 0.75, 38–62 mm",
                scores={"rim_coverage": round(seal.ring, 3), "diameter_mm": round(seal.diameter_mm, 1)},
                details={"seals": [s.to_dict() for s in seals]}),
            confidence=0.9 if seal.ring >= 0.9 else 0.75,
        )

    def _classification(self, text: str) -> Iterator[Finding]:
        for start, end, marking, level in find_markings(text):
            yield Finding(
                detector=self.name, rule="redheader.classified", category="classified", severity=Severity.VETO,
                start=start, end=end, keyword=marking,
                suggestion="涉密或内部文件不得在政府网站公开，立即撤下并按保密规定处置",
                explanation=Explanation(
                    rule="密级和保密期限标志（GB/T 9704-2012 7.2.2）或“内部”标注：涉密、内部文件严禁上网",
                    entry=level, context=[marking]),
                confidence=0.95 if "★" in marking or level != "内部" else 0.85,
            )
