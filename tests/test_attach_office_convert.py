"""Legacy office files through LibreOffice: DOC, WPS, XLS, ET; isolation and time limit."""

import time
from pathlib import Path

import pytest

from scanner.errors import LimitExceeded
from scanner.extract import extract_path
from scanner.extract.office import convert
from scanner.pipeline import Checker

FIX = Path(__file__).parent / "fixtures" / "attachments"


@pytest.mark.parametrize("name, media", [("run_color.doc", "application/msword"),
                                         ("run_color.wps", "application/vnd.ms-works")])
def test_doc_and_wps_are_converted_and_checked(name, media):
    doc = extract_path(FIX / name)
    assert doc.media_type == media and doc.metadata["converted_from"] == name.rsplit(".", 1)[1]
    assert doc.text.startswith("某某县人民政府文件\n某政发〔2026〕12号\n关于加强政府网站信息发布管理的通知\n")
    found = {f.rule: f for f in Checker(detectors=["redheader"]).check(doc).findings}
    assert set(found) == {"redheader.document", "redheader.seal"}
    assert found["redheader.document"].explanation.details["separator"]["kind"] == "border"
    assert found["redheader.document"].location == {"part": "body", "paragraph": 1}


@pytest.mark.parametrize("name", ["roster.xls", "roster.et"])
def test_xls_and_et_read_every_sheet(name):
    doc = extract_path(FIX / name)
    assert doc.media_type == "application/vnd.ms-excel"
    text = doc.text
    assert "测试甲\t县档案馆\t13800138000" in text
    i = text.index("13800138000")
    assert doc.locate(i).to_dict() == {"sheet": "报名表", "cell": "D2"}
    j = text.index("内部资料")
    assert doc.locate(j).to_dict() == {"sheet": "底稿", "cell": "B3"}
    assert [t.hidden for t in doc.tables] == [False, True]


def test_conversion_is_killed_at_its_time_limit():
    data = (FIX / "run_color.doc").read_bytes()
    t0 = time.monotonic()
    with pytest.raises(LimitExceeded, match="LibreOffice conversion took longer"):
        convert(data, ".doc", "docx", timeout=0.3)
    assert time.monotonic() - t0 < 10
