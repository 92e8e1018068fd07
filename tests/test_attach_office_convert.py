"""Legacy office files through LibreOffice: DOC, WPS, XLS, ET; isolation and time limit.

Both ways of running LibreOffice are exercised: the kept-running conversion server (the default where
the UNO bridge is installed — `make system` installs it) and one soffice per file.
"""

import time
from pathlib import Path

import pytest

from scanner.errors import LimitExceeded
from scanner.extract import extract_path, office_server
from scanner.extract.office import convert, server_mode
from scanner.pipeline import Checker

FIX = Path(__file__).parent / "fixtures" / "attachments"


@pytest.fixture(params=["server", "process"])
def soffice_mode(request, monkeypatch):
    monkeypatch.setenv("CUOMIN_SOFFICE_MODE", request.param)
    assert server_mode() == (request.param == "server")  # the UNO bridge is installed by `make system`
    return request.param


@pytest.mark.parametrize("name, media", [("run_color.doc", "application/msword"),
                                         ("run_color.wps", "application/vnd.ms-works")])
def test_doc_and_wps_are_converted_and_checked(name, media, soffice_mode):
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


def test_conversion_is_killed_at_its_time_limit(soffice_mode):
    data = (FIX / "run_color.doc").read_bytes()
    convert(data, ".doc", "docx", timeout=60)  # a running server: the limit is the conversion's alone
    t0 = time.monotonic()
    with pytest.raises(LimitExceeded, match="LibreOffice conversion took longer"):
        convert(data, ".doc", "docx", timeout=0.01 if soffice_mode == "server" else 0.3)
    assert time.monotonic() - t0 < 10
    # the file after the killed one converts normally (the server was replaced)
    assert convert(data, ".doc", "docx", timeout=60).startswith(b"PK")


def _daemons() -> set[int]:
    return {s.proc.pid for s in office_server.POOL._all if s.proc is not None and s.proc.poll() is None}


def test_server_is_reused_and_replaced_after_a_crash(monkeypatch):
    monkeypatch.setenv("CUOMIN_SOFFICE_MODE", "server")
    data = (FIX / "run_color.doc").read_bytes()
    convert(data, ".doc", "docx", timeout=60)
    first = _daemons()
    assert len(first) == 1
    convert(data, ".doc", "docx", timeout=60)
    assert _daemons() == first  # the second file went to the same soffice
    server = next(s for s in office_server.POOL._all if s.proc is not None)
    server.proc.kill()  # the daemon dies between files (as after a LibreOffice crash)
    server.proc.wait()
    assert convert(data, ".doc", "docx", timeout=60).startswith(b"PK")
    assert _daemons() and _daemons().isdisjoint(first)


def test_server_is_renewed_after_max_uses(monkeypatch):
    monkeypatch.setenv("CUOMIN_SOFFICE_MODE", "server")
    monkeypatch.setattr(office_server, "MAX_USES", 2)
    office_server.POOL.stop()  # start from a new server: earlier tests' uses don't count
    data = (FIX / "run_color.doc").read_bytes()
    seen = []
    for _ in range(3):
        convert(data, ".doc", "docx", timeout=60)
        seen.append(_daemons())
    assert seen[0] == seen[1] and seen[2].isdisjoint(seen[1])
