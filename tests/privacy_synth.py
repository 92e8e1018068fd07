"""Synthetic personal data with valid check digits, and the privacy evaluation set built from it.

Never real people: IDs are generated from region codes and random birth dates
with the GB 11643 check digit computed here; bank cards get a Luhn digit;
names are random surname + given-name characters.  Used by tests/test_privacy_*.py
and bench/privacy_*.py.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

REGIONS = ["110101", "110105", "310104", "320102", "330106", "340104", "350203", "370202", "410105", "420106",
           "430104", "440305", "440106", "450103", "500103", "510107", "520102", "530102", "610113", "620102",
           "650102", "130102", "140105", "150102", "210102", "220102", "230102", "360102", "460105", "640104"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈"
COMPOUND = ["欧阳", "司马", "上官", "诸葛", "慕容", "皇甫"]
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅玉兰志强海燕春梅晓东文博子涵雨桐浩然欣怡"
VILLAGES = ["河西", "东山", "柳树", "王家", "新民", "红旗", "前进", "石桥", "杨庄", "三合"]
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _W)) % 11]


def gen_id(rng: random.Random, region: str | None = None, x: bool | None = None) -> str:
    while True:
        region_ = region or rng.choice(REGIONS)
        d = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 80))
        first = region_ + d.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
        value = first + id_check(first)
        if x is None or (value.endswith("X") == x):
            return value


def gen_old_id(rng: random.Random) -> str:
    d = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 59))
    return rng.choice(REGIONS) + d.strftime("%y%m%d") + f"{rng.randrange(1000):03d}"


def luhn_digit(body: str) -> str:
    total = 0
    for i, c in enumerate(reversed(body)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_ok(digits: str) -> bool:
    return luhn_digit(digits[:-1]) == digits[-1]


def gen_bank(rng: random.Random, length: int | None = None) -> str:
    length = length or rng.choice([16, 19, 19, 16, 17, 18])
    prefix = rng.choice(["622202", "622848", "621700", "622588", "623058", "621226", "436742", "524091"])
    body = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    return body + luhn_digit(body)


def gen_mobile(rng: random.Random) -> str:
    return rng.choice(["13", "15", "18", "17", "19", "14", "16"]) + str(rng.choice([5, 6, 7, 8, 9, 0, 1, 2, 3])) + \
        "".join(str(rng.randrange(10)) for _ in range(8))


_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_UW = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def gen_uscc(rng: random.Random, digits_only: bool = False) -> str:
    while True:
        head = rng.choice(["91", "11", "12", "13", "52", "53"]) + rng.choice(REGIONS)
        pool = "0123456789" if digits_only else _USCC
        body = head + "".join(rng.choice(pool) for _ in range(9))
        check = _USCC[(31 - sum(_USCC.index(c) * w for c, w in zip(body, _UW)) % 31) % 31]
        if not digits_only or check.isdigit():
            return body + check


def gen_name(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return rng.choice(COMPOUND) + rng.choice(GIVEN)
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def gen_order(rng: random.Random, length: int) -> str:
    """A number that fails every validator (ID, Luhn, mobile)."""
    while True:
        value = rng.choice("2345789") + "".join(str(rng.randrange(10)) for _ in range(length - 1))
        if length == 18 and id_check(value[:17]) == value[17]:
            continue
        if luhn_ok(value):
            continue
        return value


def fullwidth(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in s)


def mask_mid(value: str, lead: int, trail: int) -> str:
    return value[:lead] + "*" * (len(value) - lead - trail) + value[len(value) - trail:]


@dataclass
class Item:
    kind: str  # id, phone, bank (scored), other kinds informative
    text: str  # exactly as written in the document
    positive: bool
    note: str = ""


@dataclass
class Case:
    text: str
    items: list[Item] = field(default_factory=list)


def _grp(value: str, sizes: list[int], sep: str) -> str:
    out, i = [], 0
    for s in sizes:
        out.append(value[i:i + s])
        i += s
    if i < len(value):
        out.append(value[i:])
    return sep.join(out)


def prose_cases(rng: random.Random, n: int = 60) -> list[Case]:
    """Sentences in the style of government 公示 and notices: every form, positives and hard negatives."""
    cases: list[Case] = []
    for _ in range(n):
        name, idv, mob, bank = gen_name(rng), gen_id(rng), gen_mobile(rng), gen_bank(rng)
        idx = gen_id(rng, x=True)
        idx_lower = idx[:-1] + "x"
        vill = rng.choice(VILLAGES)
        forms = [
            (f"申请人{name}，身份证号码：{idv}，联系电话：{_grp(mob, [3, 4], '-')}。", [("id", idv), ("phone", _grp(mob, [3, 4], '-'))]),
            (f"户主{name}（公民身份号码{idx_lower}）家住{vill}村{rng.randint(1, 9)}组{rng.randint(1, 99)}号。", [("id", idx_lower)]),
            (f"{name}，男，{rng.randint(20, 80)}岁，身份证{idv}，手机+86 {_grp(mob, [3, 4], ' ')}。", [("id", idv), ("phone", "+86 " + _grp(mob, [3, 4], ' '))]),
            (f"补贴发放至银行卡{_grp(bank, [4, 4, 4, 4], ' ')}（户名：{name}）。", [("bank", _grp(bank, [4, 4, 4, 4], ' '))]),
            (f"收款账号{bank}，开户行：某县农商银行。", [("bank", bank)]),
            (f"联系方式：{fullwidth(mob)}（{name}本人）。", [("phone", fullwidth(mob))]),
            (f"联系人{name}手机0086{mob}。", [("phone", "0086" + mob)]),
            (f"{name}的证件号{idv}已核实，电话{mob}。", [("id", idv), ("phone", mob)]),
            (f"领取人：{name}，身份证号：{mask_mid(idv, 10, 4)}。", [("id", mask_mid(idv, 10, 4))]),  # birth year visible
            (f"申请人{name}，手机号码{mask_mid(mob, 5, 4)}。", [("phone", mask_mid(mob, 5, 4))]),
            (f"银行卡号：{mask_mid(bank, 8, 4)}", [("bank", mask_mid(bank, 8, 4))]),
        ]
        text, items = rng.choice(forms)
        cases.append(Case(text, [Item(k, v, True) for k, v in items]))
    # hard negatives
    for _ in range(n):
        idv, mob, bank = gen_id(rng), gen_mobile(rng), gen_bank(rng)
        uscc = gen_uscc(rng, digits_only=rng.random() < 0.5)
        order18, order16 = gen_order(rng, 18), gen_order(rng, 16)
        negs = [
            (f"统一社会信用代码：{uscc}，法定代表人另行公布。", [("id", uscc)]),
            (f"订单号{order18}已受理。", [("id", order18)]),
            (f"流水号：{order16}，金额以实际到账为准。", [("bank", order16)]),
            ("如有疑问请拨打政务服务便民热线12345或咨询电话0571-87654321。", [("phone", "0571-87654321")]),
            (f"县民政局监督电话：{mob[:3]}-{mob[3:7]}-{mob[7:]}（工作时间）。", [("phone", f"{mob[:3]}-{mob[3:7]}-{mob[7:]}")]),
            ("本通知自2023年11月22日起施行，邮政编码310000，统计人数1234567人。", []),
            (f"身份证号：{mask_mid(idv, 6, 4)}，联系电话：{mask_mid(mob, 3, 4)}。", [("id", mask_mid(idv, 6, 4)), ("phone", mask_mid(mob, 3, 4))]),
            (f"银行卡号：{mask_mid(bank, 6, 4)}。", [("bank", mask_mid(bank, 6, 4))]),
            ("文号：某政发〔2023〕12号，全年投资20231122103045万元。", []),
            (f"举报电话：010-{rng.randint(6000000, 8999999)}，传真：010-{rng.randint(6000000, 8999999)}。", []),
        ]
        text, items = rng.choice(negs)
        cases.append(Case(text, [Item(k, v, False) for k, v in items]))
    return cases


HEADERS = ["序号", "姓名", "身份证号码", "联系电话", "银行账号", "家庭住址", "病种"]


def table_rows(rng: random.Random, n: int) -> list[list[str]]:
    """Rows of a 大病救助 公示 list: some fully exposed, some masked (those are negatives)."""
    rows = []
    for i in range(n):
        name, idv, mob, bank = gen_name(rng), gen_id(rng, x=rng.random() < 0.1), gen_mobile(rng), gen_bank(rng)
        if i % 5 == 4:  # a properly masked row
            rows.append([str(i + 1), name[0] + "*", mask_mid(idv, 6, 4), mask_mid(mob, 3, 4), mask_mid(bank, 6, 4),
                         f"{rng.choice(VILLAGES)}村", "***"])
        else:
            rows.append([str(i + 1), name, idv, mob, bank, f"某镇{rng.choice(VILLAGES)}村{rng.randint(1, 9)}组{rng.randint(1, 99)}号",
                         rng.choice(["尿毒症", "白血病", "恶性肿瘤", "肢体残疾"])])
    return rows


def table_items(rows: list[list[str]]) -> list[Item]:
    items = []
    for r in rows:
        masked = "*" in r[2]
        items += [Item("id", r[2], not masked), Item("phone", r[3], not masked), Item("bank", r[4], not masked)]
    return items


def to_html(title: str, paragraphs: list[str], rows: list[list[str]]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1>{body}<table><thead><tr>{head}</tr></thead><tbody>{trs}</tbody></table></body></html>")


def to_docx(title: str, paragraphs: list[str], rows: list[list[str]]) -> bytes:
    import io

    import docx

    d = docx.Document()
    d.add_heading(title, 1)
    for p in paragraphs:
        d.add_paragraph(p)
    t = d.add_table(rows=1, cols=len(HEADERS))
    for c, h in zip(t.rows[0].cells, HEADERS):
        c.text = h
    for r in rows:
        cells = t.add_row().cells
        for c, v in zip(cells, r):
            c.text = v
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_xlsx(title: str, rows: list[list[str]], hidden_rows: list[list[str]] | None = None,
            numeric_ids: list[str] | None = None) -> bytes:
    """A 公示 workbook: a title row above the header, a hidden sheet, optionally IDs stored as numbers."""
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "公示名单"
    ws.append([title])
    ws.append(HEADERS)
    for r in rows:
        ws.append(r)
    if hidden_rows:
        hs = wb.create_sheet("原始数据")
        hs.append(HEADERS)
        for r in hidden_rows:
            hs.append(r)
        hs.sheet_state = "hidden"
    if numeric_ids:
        ns = wb.create_sheet("导入")
        ns.append(["姓名", "身份证号码"])
        for i, v in enumerate(numeric_ids):
            ns.append([f"{SURNAMES[i % len(SURNAMES)]}某", int(v)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SCORED = {"id": "id", "old_id": "id", "permit": "id", "phone": "phone", "landline": "phone", "bank": "bank"}


@dataclass
class Score:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    high_on_negative: int = 0
    missed: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0


@dataclass
class _Value:
    """One value a column finding covers, seen by :func:`score` like a per-value finding."""

    start: int
    end: int
    severity: object
    explanation: object
    rule: str
    keyword: str
    excerpt: str


def _covered(f) -> list[_Value]:
    return [_Value(s, e, f.severity, f.explanation, f.rule, f.keyword, f.excerpt) for s, e in f.covers.spans()]


def score(text: str, findings, items: list[Item], scores: dict[str, Score]) -> None:
    """Add one document's outcome to ``scores`` (per scored kind).  Reports carry masked values only."""
    spans: list[tuple[int, int, Item]] = []
    for it in items:
        pos = text.find(it.text)
        while pos >= 0:
            spans.append((pos, pos + len(it.text), it))
            pos = text.find(it.text, pos + 1)
    privacy = [f for f in findings if f.detector == "privacy"]
    # A column finding stands for every value of its column: each value it covers was detected and validated
    # on its own, so each counts as one reported value (a true positive when it is a planted positive, a false
    # positive otherwise) — scored exactly like the per-value findings it replaces.
    privacy = [g for f in privacy for g in (_covered(f) if getattr(f, "covers", None) is not None else [f])]
    used: set[int] = set()
    for s, e, it in spans:
        kind = SCORED.get(it.kind)
        if kind is None:
            continue
        sc = scores.setdefault(kind, Score())
        hit = [f for f in privacy if f.start < e and s < f.end and SCORED.get(f.explanation.details.get("kind")) == kind]
        for f in privacy:
            if f.start < e and s < f.end and not it.positive and f.severity.label in ("high", "veto"):
                sc.high_on_negative += 1
        if it.positive:
            if hit:
                sc.tp += 1
                used.update(id(f) for f in hit)
            else:
                sc.fn += 1
                sc.missed.append(f"{it.kind}:{it.note or 'len' + str(len(it.text))}@{s}")
    for f in privacy:
        kind = SCORED.get(f.explanation.details.get("kind"))
        if kind and id(f) not in used:
            scores.setdefault(kind, Score()).fp += 1
            scores[kind].false.append(f"{f.rule}:{f.keyword}|{f.excerpt}")
