"""Home addresses below the township/street level: 村…组, …号, …栋…单元…室.

The pattern looks for a chain of numbered address units (3组, 12号, 5栋2单元301室)
and then decides from what precedes it: a village (村/屯/寨) before a 组/队/号, a
residential compound (小区/花园/苑/公寓/家园/新村) or two or more building units
(栋 + 室, 单元 + 室), or an address context word (家庭住址, 住址, 家住).  Office
buildings (大厦, 办公, a department's 办公地址/联系地址) and document numbers
(〔2023〕5号, 第3号) are not home addresses.
"""

from __future__ import annotations

import re

from scanner.detectors.privacy.recognizer import Hit, Recognizer, Scan
from scanner.findings import Severity

_NUM = "0-9一二三四五六七八九十百零〇两"
_UNIT = r"(?:组|队|社|号楼|号院|栋|幢|座|单元|号|室|层|楼)"
_CHAIN = re.compile(rf"[{_NUM}]{{1,5}}{_UNIT}(?:[-－]?[{_NUM}]{{1,5}}{_UNIT})*")
_UNITS = re.compile(_UNIT)
_SPACE = re.compile(r"\s")
_STOP = set("，。；：:、！？!?()（）《》“”\"' \n\t,;")
_LAST_STOP = re.compile("(?s).*[" + "".join(re.escape(c) for c in sorted(_STOP)) + "]")
_VILLAGE = ("村", "屯", "寨", "庄", "嘎查")
_COMPOUND = ("小区", "花园", "苑", "公寓", "家园", "新村", "社区", "宿舍", "花苑", "山庄", "佳园", "雅居", "名都")
_OFFICE = ("大厦", "大楼", "办公", "政务", "服务中心", "会议室", "中心", "局", "委员会", "政府", "法院", "检察院", "医院",
           "学校", "公司", "银行", "酒店", "宾馆", "广场", "产业园", "工业园", "市场", "会议", "礼堂", "联系地址", "通讯地址")


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern that finds any of ``words`` (``search`` ⇔ ``any(w in s for w in words)``)."""
    return re.compile("|".join(re.escape(w) for w in words))


_IN_VILLAGE, _IN_COMPOUND, _IN_OFFICE = _any_of(_VILLAGE), _any_of(_COMPOUND), _any_of(_OFFICE)
_VILLAGE_UNITS = frozenset(("组", "队", "社", "号", "户"))
_COMPOUND_UNITS = frozenset(("栋", "幢", "单元", "室", "号楼", "号", "座", "户"))
_CONTEXT_UNITS = frozenset(("号", "室", "组", "户", "栋", "幢", "单元"))
_DOCNO = ("〕", "]", "】", "第", "字", "令", "号文", "年")


class AddressRecognizer(Recognizer):
    name = "home_address"
    kind = "address"
    context = "address"
    pattern = _CHAIN

    def candidates(self, scan: Scan):
        return self.pattern.finditer(scan.masked or scan.text)  # the bulk path decides its address cells

    def validate(self, scan: Scan, m: re.Match[str]) -> Hit | None:
        text = scan.text
        s, e = m.span()
        chain = m.group()
        units = _UNITS.findall(chain)
        # where the place name begins: back over characters up to a delimiter (at most 24)
        lo = max(0, s - 24)
        stop = _LAST_STOP.match(text, lo, s)  # the last delimiter before the chain, within 24 characters
        b = stop.end() if stop else lo
        place = text[b:s]
        # start after a context word (家庭住址：/家住); one regex search first tells whether any occurs
        for w in scan.words.get("address", ()) if scan.words_in(place, "address") else ():
            i = place.rfind(w)
            if i >= 0 and i + len(w) > 0:
                b, place = b + i + len(w), place[i + len(w):]
                break
        prev = text[s - 1] if s else ""
        if prev in _DOCNO or chain.startswith(("0", "〇")) and len(chain) > 5:
            return None
        ctx = scan.context(b, e, "address", before=12, after=0)
        village = _IN_VILLAGE.search(place) is not None and not _VILLAGE_UNITS.isdisjoint(units)
        compound = _IN_COMPOUND.search(place) is not None and not _COMPOUND_UNITS.isdisjoint(units)
        building = sum(u in ("栋", "幢", "单元", "室", "号楼", "座", "户", "层") for u in units) >= 2 and any(
            u in ("室", "户", "单元") for u in units)
        contextual = bool(ctx) and not _CONTEXT_UNITS.isdisjoint(units)
        if not (village or compound or building or contextual):
            return None
        if (_IN_OFFICE.search(place) is not None or scan.context_before(b, "office", 8)) and not ctx:
            return None
        if len(place) < 2 and not (building or contextual):
            return None
        why = [w for w, ok in (("村/屯 + 组/号", village), ("小区/花园 + 楼栋门牌", compound), ("栋/单元/室 门牌", building),
                               ("住址上下文", contextual)) if ok]
        return Hit("address", "privacy.address", b, e, _SPACE.sub("", text[b:e]), Severity.MEDIUM,
                   0.9 if ctx else 0.8, "乡镇/街道以下的家庭住址：" + "、".join(why), ctx)
