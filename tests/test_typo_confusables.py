"""Layer 1: government-writing confusables, positive and negative sentences."""

import pytest

from scanner.pipeline import Checker


@pytest.fixture(scope="module")
def checker():
    return Checker(detectors=["typo"])


def rules_of(checker, text):
    return [(f.rule, f.keyword, f.suggestion) for f in checker.check_text(text).findings
            if f.rule.startswith("typo.confusable")]


@pytest.mark.parametrize("text, rule, keyword, suggestion", [
    ("截止2024年6月底，全市共完成固定资产投资12.6亿元。", "typo.confusable.jiezhi", "截止", "截至"),
    ("截止目前，已受理群众来信来访136件。", "typo.confusable.jiezhi", "截止", "截至"),
    ("其它事项按照《安康市政府网站管理办法》执行。", "typo.confusable.qita", "其它", "其他"),
    ("各单位要建立整改台帐，逐项销号。", "typo.confusable.zhang", "帐", "账"),
    ("请将补助资金直接转入本人帐户。", "typo.confusable.zhang", "帐", "账"),
    ("自2024年1月1日起起用新的公章。", "typo.confusable.qiyong.thing", "起用", "启用"),
    ("各级政府网站必需严格落实信息发布审核制度。", "typo.confusable.bixu", "必需", "必须"),
    ("省人大常委会制订了地方性法规。", "typo.confusable.zhiding", "制订", "制定"),
    ("各乡镇要认真的落实整改责任。", "typo.confusable.de.adverbial", "的", "地"),
    ("这项工作做的很扎实。", "typo.confusable.de.complement", "的", "得"),
    ("县委县政府做出重要部署。", "typo.confusable.zuochu", "做出", "作出"),
    ("严禁泄漏国家秘密和工作秘密。", "typo.confusable.xielu", "泄漏", "泄露"),
    ("依法保障公民的合法权力。", "typo.confusable.quanli.rights", "权力", "权利"),
    ("全面推行权利清单制度。", "typo.confusable.quanli.power", "权利", "权力"),
    ("群众可通过12345热线如实反应问题。", "typo.confusable.fanying", "反应", "反映"),
    ("出台稳经济一篮子政策措施。", "typo.confusable.yilanzi", "一篮子", "一揽子"),
    ("登记为非盈利性社会组织。", "typo.confusable.feiyingli", "非盈利", "非营利"),
    ("确保各项任务布署到位。", "typo.confusable.wordform", "布署", "部署"),
    ("双方签定了战略合作协议。", "typo.confusable.wordform", "签定", "签订"),
    ("要向上级如实交待问题。", "typo.confusable.wordform", "交待", "交代"),
    ("即然发现问题，就要立既整改。", "typo.confusable.wordform", "即然", "既然"),
    ("二零二四年三月十二日", "typo.confusable.ling.year", "零", "〇"),
])
def test_confusable_found(checker, text, rule, keyword, suggestion):
    assert (rule, keyword, suggestion) in rules_of(checker, text)


@pytest.mark.parametrize("text", [
    "截至2024年6月底，全市共完成固定资产投资12.6亿元。",
    "报名截止时间为2024年5月10日17时。",
    "截止到目前，已受理群众来信来访136件。",
    "其他事项按照有关规定执行。",
    "防汛物资包括帐篷、救生衣和冲锋舟。",
    "自2024年1月1日起启用新的公章。",
    "大胆起用年轻干部。",
    "确保困难群众基本生活必需品供应。",
    "各级政府网站必须严格落实信息发布审核制度。",
    "制订年度工作计划和实施方案。",
    "发挥积极的推动作用。",
    "县委县政府作出重要部署。",
    "防止燃气泄漏事故发生。",
    "加强对权力运行的制约和监督。",
    "依法保障公民的合法权利。",
    "群众反映强烈的问题要及时解决。",
    "人民币加入特别提款权货币一篮子货币。",
    "确保各项任务部署到位，双方签订了协议。",
    "二〇二四年三月十二日",
])
def test_confusable_not_found(checker, text):
    assert rules_of(checker, text) == []


def test_explanation_names_source_and_suggestion(checker):
    f = next(f for f in checker.check_text("截止2024年底，共办结事项320件。").findings
             if f.rule == "typo.confusable.jiezhi")
    assert f.suggestion == "截至"
    assert "现代汉语词典" in f.explanation.entry
    assert "截至" in f.explanation.rule


def test_reload_picks_up_changed_rules(tmp_path, monkeypatch):
    import shutil

    from scanner.detectors.typo import TypoDetector, confusables
    from scanner.document import Document
    from scanner.pipeline import Analysis
    from scanner.site import SiteConfig

    data = tmp_path / "confusables.yaml"
    shutil.copy(confusables.PATH, data)
    monkeypatch.setattr(confusables, "PATH", data)
    det = TypoDetector()
    assert det.reload() is False  # nothing changed
    text = "请各单位于本月底前报送坐谈会材料。"

    def rules():
        return [f.rule for f in det.detect(Analysis(Document.from_text(text), SiteConfig()))]

    assert "typo.confusable.wordform" not in rules()
    data.write_text(data.read_text(encoding="utf-8") +
                    "  - {wrong: 坐谈会, right: 座谈会, source: 《现代汉语词典》第7版词形}\n", encoding="utf-8")
    assert det.reload() is True
    assert "typo.confusable.wordform" in rules()
