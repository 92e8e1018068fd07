"""Behaviour of the sensitive detector on realistic government-style text."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from scanner.detectors.sensitive import SensitiveDetector
from scanner.detectors.sensitive.automaton import Automaton
from scanner.detectors.sensitive.ruleset import load_rules
from scanner.document import Document, Location, Segment
from scanner.findings import Severity
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig

ROOT = Path(__file__).resolve().parents[1]
HEADER = """\
# Test dictionary.
# provenance: written by the cuomin team for the sensitive detector's tests only.
# version: 2026-11-22.1
# reviewed-by: sensitive-content engineer (issue 4)
# review: test data.
"""


@pytest.fixture(scope="module")
def detector() -> SensitiveDetector:
    return SensitiveDetector()


def run(det: SensitiveDetector, text: str, document: Document | None = None) -> list:
    doc = document or Document.from_text(text)
    return list(det.detect(Analysis(doc, SiteConfig())))


def write_dict(directory: Path, name: str, body: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(HEADER + textwrap.dedent(body), encoding="utf-8")


@pytest.fixture()
def small_dir(tmp_path) -> Path:
    d = tmp_path / "sensitive"
    write_dict(d, "terms.yaml", """\
        kind: sensitive-terms
        defaults: {category: porn, severity: high, suggestion: 删除}
        entries:
          - term: 性病
            allow: [慢性病]
          - term: sb
            category: improper_wording
          - term: "69"
            category: porn
          - term: 出售+仿真枪
            category: weapons
            conditions: {window: 6}
          - term: 标题专用词
            category: improper_wording
            conditions: {titles_only: true}
          - term: 独立国家
            category: political
            conditions: {not_quoted: true}
        """)
    write_dict(d, "allow.yaml", """\
        kind: sensitive-allow
        entries:
          - phrase: 路口交通
        """)
    return d


def test_clean_notice_prose_has_no_findings(detector):
    text = ("清河县人民政府关于做好2024年慢性病防治和道路交通安全工作的通知\n"
            "各乡镇人民政府，县政府各部门：为深入贯彻落实党中央、国务院决策部署，按照《中华人民共和国"
            "政府信息公开条例》和国务院办公厅有关要求，严厉打击赌博、代开发票等违法犯罪活动，加强路口交通"
            "秩序管理，保障人民群众生命财产安全。各省、自治区、直辖市要坚持以人民为中心，推进乡村振兴。")
    assert run(detector, text) == []


def test_evasion_forms_report_exact_original_offsets(detector):
    text = "欢迎访问：百\u200b@家＊樂 在 線，注册即送。"
    found = [f for f in run(detector, text) if f.category == "gambling"]
    assert len(found) == 1
    f = found[0]
    assert text[f.start:f.end] == "百\u200b@家＊樂 在 線" == f.keyword
    steps = f.explanation.normalization
    assert "繁体→简体" in steps and "跳过插入的符号" in steps and "跳过插入的空格" in steps
    assert "移除零宽/不可见字符" in steps
    assert f.severity == Severity.VETO and f.explanation.entry.startswith("百家乐在线")


def test_digit_variants_and_repeats(detector):
    text = "北京赛车ＰＫ⑴⓪计划，幸幸运运飞飞艇艇计划"
    found = {f.explanation.entry.split("（")[0] for f in run(detector, text)}
    assert {"北京赛车pk10", "幸运飞艇计划"} <= found


def test_allow_phrase_and_ascii_digit_boundaries(small_dir):
    det = SensitiveDetector({"dictionary_dir": str(small_dir)})
    assert run(det, "加强慢性病管理，做好路口交通疏导。") == []
    assert [f.keyword for f in run(det, "预防性病传播")] == ["性病"]
    assert run(det, "Disburse funds; 编号695号") == []
    assert [f.keyword for f in run(det, "骂人sb不文明")] == ["sb"]
    assert [f.keyword for f in run(det, "代号69号")] == ["69"]
    assert [f.keyword for f in run(det, "代号陆玖号")] == ["陆玖"]


def test_cooccurrence_window(small_dir):
    det = SensitiveDetector({"dictionary_dir": str(small_dir)})
    f = run(det, "本店出售各类仿真枪，联系微信")
    assert [x.keyword for x in f] == ["出售各类仿真枪"]
    assert "共现" in f[0].explanation.condition
    assert run(det, "本店出售农产品，另有公安机关提醒：仿真枪属管制物品") == []


def test_quotes_and_titles_only(small_dir):
    det = SensitiveDetector({"dictionary_dir": str(small_dir)})
    assert run(det, "坚决反对所谓“独立国家”的图谋") == []
    assert [f.keyword for f in run(det, "宣称台湾是独立国家")] == ["独立国家"]
    body = "正文里的标题专用词不报"
    assert run(det, body) == []
    title = "标题专用词"
    doc = Document(text=title + "\n" + body, segments=[
        Segment(0, len(title), Location(selector="h1"), role="title"),
        Segment(len(title) + 1, len(title) + 1 + len(body), Location(selector="p"), role="body")])
    assert [(f.start, f.end) for f in run(det, "", doc)] == [(0, len(title))]


def test_conditions_near_taiwan_and_enforcement_context(detector):
    assert [f.suggestion for f in run(detector, "台湾地区所谓总统选举结果")] == ["台湾地区领导人"]
    assert run(detector, "美国总统访华期间双方签署协议") == []
    assert run(detector, "公安机关严厉打击代开发票、办假证等违法犯罪行为。") == []
    spam = run(detector, "专业代开发票，办假证，电话联系。")
    assert {f.keyword for f in spam} == {"代开发票", "办假证"}
    assert all("无执法/警示语境词" in f.explanation.condition for f in spam)


def test_nearmiss_protection(detector):
    cases = {
        "依据《中华人民共合国行政许可法》": ("中华人民共合国", "中华人民共和国", "substitute"),
        "深入开展扫黑险恶专项斗争": ("扫黑险恶专项斗争", "扫黑除恶专项斗争", "substitute"),
        "国家主席习近乎发表讲话": ("国家主席习近乎", "国家主席习近平", "substitute"),
        "全国人民代表大会常务委会": ("全国人民代表大会常务委会", "全国人民代表大会常务委员会", "delete"),
        "中华人民民共和国成立": ("中华人民民共和国", "中华人民共和国", "insert"),
        "坚持四个信自": ("四个信自", "四个自信", "swap"),
    }
    for text, (kw, suggestion, edit) in cases.items():
        found = [f for f in run(detector, text) if f.rule == "sensitive.nearmiss" and f.suggestion == suggestion]
        assert found, text
        f = max(found, key=lambda x: x.end - x.start)
        assert (f.keyword, f.explanation.details["edit"], f.severity) == (kw, edit, Severity.VETO)


def test_nearmiss_precision_on_official_variants(detector):
    for text in ("国家发展改革委员会印发通知", "国家发展和改革委员会", "全国代表大会", "社会主义核心价值体系",
                 "中华人民共和国国务院", "国务委员", "财政部、教育部", "不忘初心，牢记使命"):
        assert [f for f in run(detector, text) if f.rule == "sensitive.nearmiss"] == [], text


def test_site_own_names_and_allow():
    det = SensitiveDetector({"own_names": ["清河县人民政府办公室"], "allow": ["代开发票窗口"]})
    f = [x for x in run(det, "主办：清河县人民政府办工室") if x.rule == "sensitive.nearmiss"]
    assert [(x.keyword, x.suggestion, x.explanation.details["origin"]) for x in f] == \
        [("清河县人民政府办工室", "清河县人民政府办公室", "own_names")]
    assert run(det, "税务局代开发票窗口") == []


def test_backends_agree(detector):
    text = "百家乐在线，澳门赌场网址；真人百家乐开户送彩金，台湾总统，中华人民共合国"
    keys = detector.rules.keys
    rs, py = Automaton(keys, "rs"), Automaton(keys, "pyahocorasick")
    assert sorted(rs.find(text)) == sorted(py.find(text)) != []
    other = SensitiveDetector({"backend": "pyahocorasick"})
    assert [(f.start, f.end, f.rule) for f in run(other, text)] == [(f.start, f.end, f.rule) for f in run(detector, text)]


def test_cache_is_outside_dictionaries_and_reused(tmp_path, monkeypatch, small_dir):
    monkeypatch.setenv("CUOMIN_CACHE_DIR", str(tmp_path / "cache"))
    first = load_rules(small_dir)
    files = list((tmp_path / "cache").glob("sensitive-rules-*.pkl"))
    assert len(files) == 1
    again = load_rules(small_dir)
    assert again.digest == first.digest and again is not first
    assert not [p for p in small_dir.rglob("*.pkl")] and not list((ROOT / "dictionaries").rglob("*.pkl"))


def test_reload_swaps_rules_and_changes_ruleset(tmp_path, small_dir):
    det = SensitiveDetector({"dictionary_dir": str(small_dir)})
    assert run(det, "新增违规词出现") == []
    assert det.reload() is False
    checker = Checker(SiteConfig(detectors={"sensitive": {"dictionary_dir": str(small_dir)}}),
                      detectors=["sensitive"])
    before = checker.ruleset
    old_rules = det.rules
    with open(small_dir / "terms.yaml", "a", encoding="utf-8") as fh:
        fh.write("  - term: 新增违规词\n")
    assert det.reload() is True
    assert det.rules is not old_rules
    assert [f.keyword for f in run(det, "新增违规词出现")] == ["新增违规词"]
    assert checker.reload() is True and checker.ruleset != before
    assert [f.keyword for f in checker.check_text("新增违规词出现").findings] == ["新增违规词"]


def test_invalid_dictionary_is_refused(tmp_path):
    d = tmp_path / "bad"
    write_dict(d, "terms.yaml", """\
        kind: sensitive-terms
        entries:
          - term: 人人
            category: porn
        """)
    from scanner.detectors.sensitive.ruleset import DictionaryError

    with pytest.raises(DictionaryError, match="fewer than 2 characters"):
        SensitiveDetector({"dictionary_dir": str(d)})


def test_example_site_planted_problems():
    from scanner.extract import extract_path

    root = ROOT / "examples" / "site"
    expected = json.loads((root / "expected.json").read_text(encoding="utf-8"))
    checker = Checker(SiteConfig.load(root / "site.yaml"), detectors=["sensitive"])
    found: dict[str, list] = {}
    for page in expected["site"]["pages"] + expected["site"]["attachments"]:
        found[page] = checker.check(extract_path(root / page)).findings
    for prob in (p for p in expected["problems"] if p["detector"] == "sensitive"):
        hits = [f for f in found[prob["url"]] if f.keyword == prob["keyword"]]
        assert hits and hits[0].category == prob["category"], prob["id"]
        assert hits[0].template == prob["template"], prob["id"]
    for m in expected["must_not_report"]:
        assert not [f for f in found.get(m["url"], []) if m["text"] in f.keyword or f.keyword in m["text"]], m
