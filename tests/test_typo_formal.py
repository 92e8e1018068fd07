"""Layer 3: 发文字号, punctuation, duplicated words, dates — read on the original text."""

import pytest

from scanner.pipeline import Checker


@pytest.fixture(scope="module")
def checker():
    return Checker(detectors=["typo"])


def found(checker, text, prefix):
    return [(f.rule, f.keyword, f.suggestion) for f in checker.check_text(text).findings if f.rule.startswith(prefix)]


@pytest.mark.parametrize("text, suggestion", [
    ("根据《国务院办公厅关于加强政府网站信息内容建设的意见》（国办发[2014]57号）要求", "国办发〔2014〕57号"),
    ("现将《实施方案》（安政办发(2015)第12号）印发给你们", "安政办发〔2015〕12号"),
    ("经研究，同意你局请示（川府函【2023】015号）。", "川府函〔2023〕15号"),
    ("转发省政府办公厅文件（黔府办发﹝2016﹞8号）", "黔府办发〔2016〕8号"),
    ("按照《通知》（绵安府办〔2023〕71）要求", "绵安府办〔2023〕71号"),
])
def test_docnum_wrong(checker, text, suggestion):
    hits = found(checker, text, "typo.format.docnum")
    assert hits and hits[0][2] == suggestion, hits


def test_docnum_short_year_has_no_guess(checker):
    hits = found(checker, "依据国发〔16〕5号文件精神", "typo.format.docnum")
    assert hits and hits[0][2] is None


@pytest.mark.parametrize("text", [
    "根据《国务院办公厅关于加强政府网站信息内容建设的意见》（国办发〔2014〕57号）要求",
    "（2024）京0101民初123号民事判决书已经发生法律效力。",
    "案号：（2023）川07行终45号",
    "本项目总投资2024万元，其中财政资金300万元。",
])
def test_docnum_right(checker, text):
    assert found(checker, text, "typo.format.docnum") == []


def test_docnum_small_brackets_seen_in_original_text(checker):
    # NFKC would fold ﹝﹞ into 〔〕: the check must read the original text.
    text = "（苏政办发﹝2021﹞3号）"
    f = [f for f in checker.check_text(text).findings if f.rule == "typo.format.docnum"]
    assert f and f[0].keyword.startswith("﹝")


@pytest.mark.parametrize("text, rule, keyword", [
    ("认真学习《中华人民共和国政府信息公开条例，切实做好公开工作。", "typo.punct.unpaired", "《"),
    ("坚持“人民至上、生命至上，全力做好防汛工作。", "typo.punct.unpaired", "“"),
    ("各乡镇）要认真落实。", "typo.punct.unpaired", "）"),
    ("请各单位（含直属单位)于5月10日前报送。", "typo.punct.mixed", ")"),
    ("全面提升政府网站建设和管理水平,更好地发挥平台作用。", "typo.punct.halfwidth", ","),
])
def test_punctuation_wrong(checker, text, rule, keyword):
    assert any(r == rule and k == keyword for r, k, _ in found(checker, text, "typo.punct")), \
        found(checker, text, "typo.punct")


@pytest.mark.parametrize("text", [
    "认真学习《中华人民共和国政府信息公开条例》，切实做好公开工作。",
    "坚持“人民至上、生命至上”，全力做好防汛工作。",
    "请各单位（含直属单位）于5月10日前报送。",
    "1）加强组织领导；2）强化督促检查。",
    "全年GDP增长5.2%，完成投资1,200万元。",
    "访问 https://www.gov.cn/zhengce/ 了解更多。",
])
def test_punctuation_right(checker, text):
    assert found(checker, text, "typo.punct") == []


def test_halfwidth_reported_once_per_paragraph(checker):
    text = "精神,全面提升水平,更好发挥作用,加快建设法治政府。\n第二段,也有问题。"
    hits = found(checker, text, "typo.punct.halfwidth")
    assert len(hits) == 2


@pytest.mark.parametrize("text, keyword", [
    ("会议的的主要内容是部署下半年工作。", "的的"),
    ("要进一步加强和和改进政府网站管理。", "和和"),
    ("各单位要高度重视政府网站工作工作。", "工作工作"),
])
def test_duplicated_word(checker, text, keyword):
    assert [k for _, k, _ in found(checker, text, "typo.dup")] == [keyword]


@pytest.mark.parametrize("text", [
    "要实实在在为群众办实事。",
    "对问题不能不了了之。",
    "的的确确取得了明显成效。",
    "常常深入基层调研，人人参与，天天坚持。",
])
def test_not_duplicated(checker, text):
    assert found(checker, text, "typo.dup") == []


@pytest.mark.parametrize("text, rule, suggestion", [
    ("定于2月30日召开全县安全生产工作会议。", "typo.date.impossible", None),
    ("2023年2月29日前报送材料。", "typo.date.impossible", None),
    ("请于4月31日前完成整改。", "typo.date.impossible", None),
    ("会议定于2024年5月20日（星期三）上午9时召开。", "typo.date.weekday", "星期一"),
    ("二〇二四年五月二十日（星期三）", "typo.date.weekday", "星期一"),
])
def test_date_wrong(checker, text, rule, suggestion):
    hits = found(checker, text, "typo.date")
    assert hits and hits[0][0] == rule and hits[0][2] == suggestion, hits


@pytest.mark.parametrize("text", [
    "2024年2月29日前报送材料。",
    "会议定于2024年5月20日（星期一）上午9时召开。",
    "2月29日前报送材料。",
    "农历二月三十日是传统庙会。",
    "二〇二四年五月二十日（星期一）",
])
def test_date_right(checker, text):
    assert found(checker, text, "typo.date") == []


def test_offsets_are_original_after_normalisation(checker):
    # zero-width characters before the error are removed by the normaliser; offsets stay original.
    text = "\u200b\u200b截止2024年底，共办结事项320件。"
    f = next(f for f in checker.check_text(text).findings if f.rule == "typo.confusable.jiezhi")
    assert text[f.start:f.end] == "截止"


def test_quotation_over_several_paragraphs(checker):
    # Each paragraph of a long quotation opens with “ and only the last one closes it.
    text = ("讲话指出：\n“要坚持以人民为中心的发展思想。\n“要把群众满意作为检验工作的标准。”\n"
            "“这一段没有收尾引号。\n会议要求认真落实。")
    hits = [(f.rule, f.start) for f in checker.check_text(text).findings if f.rule == "typo.punct.unpaired"]
    assert hits == [("typo.punct.unpaired", text.index("“这一段"))]
