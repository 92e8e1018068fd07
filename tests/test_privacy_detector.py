"""The privacy detector on realistic government text: every form, hard negatives, redaction."""

import random

from privacy_synth import fullwidth, gen_bank, gen_id, gen_mobile, gen_old_id, gen_uscc, mask_mid

from scanner.pipeline import Checker
from scanner.site import SiteConfig

RNG = random.Random(42)
ID, ID2, MOB, BANK = gen_id(RNG), gen_id(RNG, x=True), gen_mobile(RNG), gen_bank(RNG, 19)
CHECKER = Checker(detectors=["privacy"])


def found(text, checker=CHECKER):
    return checker.check_text(text).findings


def rules(text, checker=CHECKER):
    return [(f.rule, f.severity.label) for f in found(text, checker)]


def test_id_glued_to_chinese_is_found_and_redacted():
    fs = found(f"申请人李某身份证号{ID}已审核。")
    ids = [f for f in fs if f.rule == "privacy.id"]
    assert len(ids) == 1 and ids[0].severity.label == "high"
    f = ids[0]
    assert f.redact and ID not in f.keyword and ID not in f.excerpt and ID not in str(f.to_dict())
    assert f.match_key.startswith("pii:id:")
    assert "GB 11643" in f.explanation.validator and ID[6:14] not in str(f.explanation.to_dict())


def test_lowercase_x_and_fullwidth_digits():
    assert ("privacy.id", "high") in rules(f"公民身份号码：{ID2[:-1]}x")
    assert ("privacy.id", "high") in rules(f"身份证号码：{fullwidth(ID)}")


def test_same_leak_same_match_key_across_forms():
    a = next(f for f in found(f"手机{MOB}") if f.rule == "privacy.phone")
    b = next(f for f in found(f"手机号码：+86 {MOB[:3]} {MOB[3:7]} {MOB[7:]}") if f.rule == "privacy.phone")
    c = next(f for f in found(f"联系方式：{MOB[:3]}-{MOB[3:7]}-{MOB[7:]}") if f.rule == "privacy.phone")
    assert a.match_key == b.match_key == c.match_key


def test_bank_cards_grouped_and_unionpay_19_digits():
    grouped = " ".join(BANK[i:i + 4] for i in range(0, 19, 4))
    assert ("privacy.bank", "high") in rules(f"补贴打入银行卡{grouped}。")
    assert ("privacy.bank", "high") in rules(f"卡号{BANK}")


def test_old_ids_need_context_and_permits_are_recognised():
    old = gen_old_id(RNG)
    assert ("privacy.old_id", "high") in rules(f"身份证号：{old}")
    assert rules(f"编号{old}") == []
    permit = gen_id(RNG, region="810000")
    assert ("privacy.permit", "high") in rules(f"港澳台居民居住证号码：{permit}")


def test_hard_negatives_are_not_reported():
    text = ("如有疑问请拨打政务服务便民热线12345，县民政局咨询电话：0571-87654321，监督电话：0571-87654322。"
            f"统一社会信用代码：{gen_uscc(RNG, digits_only=True)}。文号：某政发〔2023〕12号。"
            "本办法自2023年11月22日起施行，邮政编码310000，全年受理1234567件。订单号2345678901234567890。")
    assert found(text) == []


def test_office_mobile_not_reported_but_personal_one_is():
    assert rules(f"县民政局咨询电话：{MOB}（工作时间）") == []
    assert ("privacy.phone", "medium") in rules(f"困难群众王某某本人手机{MOB}")


def test_named_contact_work_phone_is_low():
    fs = found(f"联系人：张伟，联系电话：{MOB}。")
    assert ("privacy.contact_phone", "low") in [(f.rule, f.severity.label) for f in fs]
    assert any(f.rule == "privacy.name" and f.keyword == "张*" for f in fs)


def test_masked_enough_is_silent_partial_is_reported_with_exposure():
    assert found(f"身份证号：{mask_mid(ID, 6, 4)}，手机：{mask_mid(MOB, 3, 4)}，卡号：{mask_mid(BANK, 6, 4)}") == []
    fs = found(f"身份证号：{mask_mid(ID, 10, 4)}")
    assert [(f.rule, f.severity.label) for f in fs] == [("privacy.id_partial", "medium")]
    assert "出生日期未完全隐去" in fs[0].explanation.details["exposed"]
    info = Checker(SiteConfig(detectors={"privacy": {"report_masked": True}}), detectors=["privacy"])
    assert [f.severity.label for f in info.check_text(f"身份证号：{mask_mid(ID, 6, 4)}").findings] == ["info"]


def test_strict_profile_reports_six_plus_four():
    strict = Checker(SiteConfig(mask_profile="strict"), detectors=["privacy"])
    assert rules(f"身份证号：{mask_mid(ID, 6, 4)}", strict) == [("privacy.id_partial", "medium")]
    assert rules(f"身份证号：{mask_mid(ID, 2, 3)}", strict) == []


def test_health_with_a_name_is_high_statistics_are_not():
    fs = found(f"救助对象：王秀英，女，身份证号{ID}，患尿毒症，家住河西村3组12号。")
    got = {(f.rule, f.severity.label) for f in fs}
    assert {("privacy.health", "high"), ("privacy.id", "high"), ("privacy.address", "medium")} <= got
    assert all("尿毒症" not in f.excerpt and "王秀英" not in f.excerpt for f in fs)
    assert found("2023年全县共救助尿毒症患者120人，城乡低保对象3560户。") == []


def test_minority_names_and_compound_surnames():
    fs = found("患者阿依古丽·买买提，女，肢体残疾。")
    assert {"privacy.name", "privacy.health"} <= {f.rule for f in fs}
    assert [f.keyword for f in found("申请人：欧阳娜娜，男，36岁") if f.rule == "privacy.name"] == ["欧阳**"]


def test_addresses_below_township_but_not_offices_or_document_numbers():
    assert ("privacy.address", "medium") in rules("家庭住址：某县城关镇幸福小区5栋2单元301室")
    assert ("privacy.address", "medium") in rules("户主李四，住红旗村五组18号")
    assert rules("办公地址：某市人民路88号政务服务中心3楼301室") == []
    assert rules("根据某政发〔2023〕5号文件和第3号令") == []


def test_contacts_passports_plates():
    assert ("privacy.qq", "low") in rules("联系QQ：123456789")
    assert rules("欢迎加入QQ群123456789") == []
    assert ("privacy.wechat", "low") in rules("微信号：zhang_san1990")
    assert rules("关注微信公众号gov_service") == []
    assert ("privacy.email", "low") in rules("邮箱：zhangsan1990@163.com")
    assert rules("来信请寄 xinfang@mzj.example.gov.cn") == []
    assert ("privacy.passport", "medium") in rules("护照号码E12345678")
    assert rules("型号E12345678") == []
    assert ("privacy.plate", "low") in rules("违章车辆粤B12345已处理")


def test_spans_map_back_to_source_offsets():
    text = f"身份证号\u200b：{fullwidth(ID)}  手机 {MOB}"
    for f in found(text):
        assert f.start < f.end <= len(text)
    idf = next(f for f in found(text) if f.rule == "privacy.id")
    assert text[idf.start:idf.end] == fullwidth(ID)
