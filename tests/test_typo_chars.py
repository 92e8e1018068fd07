"""Layer 2: wrong characters by sound or shape, confirmed by the word language model."""

import pytest
from typo_support import char_findings

from scanner.detectors.typo import TypoDetector
from scanner.detectors.typo.chars import check_clause
from scanner.nlp import confusion, lm
from scanner.pipeline import Checker


@pytest.fixture(scope="module")
def checker():
    return Checker(detectors=["typo"])


def test_the_debian_language_model_is_used():
    assert lm.available(), "kenlm or /usr/lib/*/libime/zh_CN.lm missing (scripts/install-system-deps.sh)"
    assert lm.score(["加强", "监督", "管理"]) > lm.score(["加强", "监", "督", "管", "理"])


def test_confusion_sets():
    assert "据" in confusion.same_sound("局")
    assert "保" in confusion.candidates("呆")  # hand-written look-alike
    assert confusion.candidates("很").get("银") == "shape"  # glyph statistic
    assert "zheng" in confusion.syllables("政")


@pytest.mark.parametrize("text, keyword, suggestion", [
    ("内蒙古自治区乌兰察布市大力培育发展大数局产业。", "局", "据"),
    ("联席悔意办公室设在市发展改革委。", "悔意", "会议"),
    ("各地要统愁规划，做好项目储备。", "愁", "筹"),
    ("完善检验检侧体系，加强质量安全监管。", "侧", "测"),
    ("县级以上人民政府应当加强对本行政区域内档案工作的领导，把档案事业建设列入国民经济和社会发展计化。", "化", "划"),
])
def test_wrong_character_found(checker, text, keyword, suggestion):
    found = char_findings(checker, text)
    assert any(k == keyword and s == suggestion for _, k, s in found), found


@pytest.mark.parametrize("text", [
    "内蒙古自治区乌兰察布市大力培育发展大数据产业。",
    "市政府召开专题会议研究部署安全生产工作。",
    "各地要统筹规划，做好项目储备。",
    "深化“放管服”改革，持续优化营商环境。",
    "因城施策，促进房地产市场平稳健康发展。",
    "西安市鄠邑区蒋村街道办事处开展防汛演练。",
    "湾沚镇小庄村党总支书记带领群众发展产业。",
    "欢迎访问绵阳市安州区人民政府门户网站。",
])
def test_correct_sentence_not_flagged(checker, text):
    assert char_findings(checker, text) == []


def test_title_and_quotation_are_protected(checker):
    # The same wrong word inside 《》 or quotation marks is a name or a quotation: not touched.
    assert char_findings(checker, "认真学习《大数局产业发展规划》。") == []
    assert char_findings(checker, "他说“大数局产业”是今后的重点。") == []


def test_own_names_are_protected():
    from scanner.document import Document
    from scanner.pipeline import Analysis
    from scanner.site import SiteConfig

    text = "联席悔意办公室设在市发展改革委。"

    def chars(det):
        return [f for f in det.detect(Analysis(Document.from_text(text), SiteConfig()))
                if f.rule.startswith(("typo.char", "typo.word"))]

    assert chars(TypoDetector())  # without the site's names it is a typo
    assert not chars(TypoDetector({"own_names": ["联席悔意办公室"]}))


def test_finding_carries_evidence(checker):
    f = next(f for f in checker.check_text("大力培育发展大数局产业。").findings if f.rule == "typo.char.sound")
    assert f.suggestion == "据"
    scores = f.explanation.scores
    assert scores["lm_gain_log10"] >= scores["margin"] > 0
    assert "数据" in f.explanation.context
    assert f.explanation.entry.startswith("局 → 据")


def test_margin_is_a_real_threshold():
    hits = check_clause("大力培育发展大数局产业")
    assert hits and hits[0].cand == "据"
    gain = hits[0].gain
    from scanner.detectors.typo.chars import CharParams
    assert not check_clause("大力培育发展大数局产业", params=CharParams(margin_sound=gain + 0.1, margin_word=gain + 0.1))


def test_names_in_member_lists_are_protected(checker):
    # A member list: names (surname + given name) stand between separators; rare given-name
    # characters must not be "corrected" into common words.
    text = "协调小组成员名单如下：\n组长：韦翯钰  县人民政府常务副县长\n副组长：钟谊  县政府办公室主任"
    assert char_findings(checker, text) == []
