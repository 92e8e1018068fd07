"""Layer 2's candidates and hit model: component look-alikes, frequent single characters, the
logistic hit model that decides, real-word candidates (an option), and the document-level guards."""

import json

import pytest
from typo_support import char_findings

from scanner.detectors.typo import TypoDetector, score
from scanner.detectors.typo.chars import CharParams, candidates, check_clause
from scanner.document import Document
from scanner.pipeline import Analysis, Checker
from scanner.site import SiteConfig


@pytest.fixture(scope="module")
def checker():
    return Checker(detectors=["typo"])


def detect(det, text):
    return [(f.rule, f.keyword, f.suggestion) for f in det.detect(Analysis(Document.from_text(text), SiteConfig()))
            if f.rule.startswith(("typo.char", "typo.word"))]


def test_component_table_proposes_characters_that_keep_or_drop_a_part():
    assert candidates("则").get("测") in ("component", "sound", "near-sound", "shape")
    assert candidates("足").get("促") == "component"
    assert candidates("每").get("海") == "component"
    assert "一" not in candidates("丁")  # one-stroke parts are not offered


@pytest.mark.parametrize("text, keyword, suggestion", [
    ("各地要做好汛期气象预则和灾害预警工作。", "则", "测"),  # 测 = 氵 + 则
    ("进一步足进民营经济发展壮大。", "足", "促"),  # 促 = 亻 + 足
    ("联席会议办公室设在民政不，承担日常工作。", "不", "部"),  # a very frequent single character
])
def test_component_and_frequent_single_errors_found(checker, text, keyword, suggestion):
    assert (keyword, suggestion) in [(k, s) for _, k, s in char_findings(checker, text)]


@pytest.mark.parametrize("text", [
    "严格执行财务规则，规范资金使用。",
    "市政府办公室负责统筹协调。",
    "加快推进自由贸易试验区建设。",
    "榆中县新营镇寨子村党支部书记带领群众发展产业。",  # 镇 of a place name is not a candidate
    "要进一步加强党员队伍建设，提高党员素质，严把政治关。",
    "推动大数据、云计算与实体经济深度融合。",
])
def test_correct_sentences_not_flagged(checker, text):
    assert char_findings(checker, text) == []


def test_the_model_is_shipped_and_matches_the_features():
    m = score.model()
    assert m is not None, "dictionaries/typo/char_model.json missing or for another feature set"
    assert tuple(m["features"]) == score.FEATURES and len(m["weights"]) == len(score.FEATURES)
    assert 0.0 < m["threshold"] < 1.0
    raw = json.loads(score.MODEL.read_text(encoding="utf-8"))
    assert "ECSpell" in raw["provenance"]


def test_finding_carries_the_model_evidence(checker):
    f = next(f for f in checker.check_text("进一步足进民营经济发展壮大。").findings if f.rule == "typo.char.shape")
    s = f.explanation.scores
    assert s["model_probability"] >= s["threshold"] > 0
    assert s["lm_gain_log10"] >= s["margin"]
    feats = f.explanation.details["features"]
    assert set(feats) == set(score.FEATURES) and feats["rel_component"] == 1.0
    assert f.explanation.entry == "足 → 促（形近，component）"
    assert f.confidence == pytest.approx(s["model_probability"], abs=1e-4)


def test_min_score_is_a_real_threshold():
    text = "各地要做好汛期气象预则和灾害预警工作"
    hits = check_clause(text)
    assert hits and hits[0].cand == "测" and hits[0].score is not None
    assert not check_clause(text, params=CharParams(min_score=hits[0].score + 1e-3))
    assert check_clause(text, params=CharParams(min_score=hits[0].score - 1e-3))


def test_real_word_candidates_are_an_option():
    text = "会同斗技部等部门制定实施方案。"  # 斗技 is a dictionary word; 科技 the intended one
    assert detect(TypoDetector(), text) == []
    assert ("typo.char.shape", "斗", "科") in detect(TypoDetector({"real_words": True}), text)


def test_a_spelling_the_document_repeats_is_its_own_usage(checker):
    once = "发展大数局产业，培育龙头企业。"
    thrice = "发展大数局产业。培育大数局企业。建设大数局中心。"
    assert ("typo.char.sound", "局", "据") in char_findings(checker, once)
    assert char_findings(checker, thrice) == []
