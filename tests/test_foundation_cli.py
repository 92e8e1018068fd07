"""The `cuomin check` contract: JSON Lines schema, exit codes, stdin, --lines, URLs, the text table."""

import http.server
import io
import json
import sys
import threading
from pathlib import Path

import jsonschema
import pytest

from scanner.cli import main
from scanner.detectors import Detector
from scanner.detectors.registry import registry
from scanner.findings import Explanation, Finding, Severity

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "check-output.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

TERMS = {"國务院": (Severity.HIGH, "国务院"), "截止": (Severity.LOW, "截至"), "百家乐": (Severity.VETO, None),
         "其它": (Severity.INFO, "其他")}


class FoundationDemo(Detector):
    """A tiny deterministic detector so the contract tests do not depend on the real dictionaries."""

    name = "fdemo"

    def detect(self, a):
        for term, (sev, sug) in TERMS.items():
            i = a.text.find(term)
            while i >= 0:
                yield Finding("fdemo", f"fdemo.{term}", "demo", sev, i, i + len(term), term, sug,
                              Explanation("demo rule", entry=term))
                i = a.text.find(term, i + 1)


@pytest.fixture(autouse=True)
def demo_detector():
    registry.register(FoundationDemo)
    yield
    registry.unregister("fdemo")


def run(capsys, monkeypatch, *argv, stdin: bytes | None = None):
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8"))
    code = main(["check", "--detectors", "fdemo", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def objects(out: str) -> list[dict]:
    rows = [json.loads(line) for line in out.splitlines()]
    for row in rows:
        VALIDATOR.validate(row)
    return rows


@pytest.fixture
def notice(tmp_path):
    p = tmp_path / "notice.txt"
    p.write_text("关于印发清河县2024年度工作要点的通知\n根据國务院的要求，截止2024年6月30日前完成其它工作。\n",
                 encoding="utf-8")
    return p


def test_json_object_follows_the_schema_and_offsets_are_code_points(capsys, monkeypatch, notice):
    code, out, err = run(capsys, monkeypatch, "--format", "json", str(notice))
    assert code == 0 and err == ""
    [obj] = objects(out)
    text = notice.read_text(encoding="utf-8")
    assert obj["source"] == str(notice) and obj["text_length"] == len(text)
    assert obj["verdict"] == "block"
    got = [(f["rule"], text[f["start"]:f["end"]], f["severity"], f["suggestion"], f["location"])
           for f in obj["findings"]]
    assert got == [("fdemo.國务院", "國务院", "high", "国务院", {"line": 2, "offset": 2}),
                   ("fdemo.截止", "截止", "low", "截至", {"line": 2, "offset": 9}),
                   ("fdemo.其它", "其它", "info", "其他", {"line": 2, "offset": 24})]
    assert all("國务院" in f["excerpt"] for f in obj["findings"][:2])


def test_schema_rejects_what_the_contract_forbids():
    good = {"source": "-", "verdict": "pass", "ruleset": "r1-0123456789ab", "text_length": 0, "findings": []}
    VALIDATOR.validate(good)
    for bad in ({**good, "verdict": "error"}, {**good, "text_length": -1}, {k: v for k, v in good.items()
                                                                           if k != "ruleset"}):
        assert not VALIDATOR.is_valid(bad)


@pytest.mark.parametrize("fail_on,expected", [(None, 0), ("veto", 0), ("high", 1), ("low", 1), ("info", 1)])
def test_fail_on_exit_codes(capsys, monkeypatch, notice, fail_on, expected):
    argv = ["--format", "json", str(notice)] + (["--fail-on", fail_on] if fail_on else [])
    code, out, _ = run(capsys, monkeypatch, *argv)
    assert code == expected and len(objects(out)) == 1


def test_veto_reaches_fail_on_veto(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "--format", "json", "--fail-on", "veto", "-",
                       stdin="首页 百家乐 在线".encode())
    assert code == 1 and objects(out)[0]["verdict"] == "block"


@pytest.mark.parametrize("argv,message", [
    (["missing.txt"], "no such file"),
    (["-", "-"], "stdin"),
    (["--fail-on", "fatal", "x.txt"], "unknown severity"),
    (["ftp://example.org/a.txt"], "http(s)"),
    (["--detectors", "nosuchdetector", "-"], "nosuchdetector"),
    ([], "required"),
])
def test_usage_and_input_errors_exit_2_with_a_clear_message(capsys, monkeypatch, tmp_path, argv, message):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(capsys, monkeypatch, "--format", "json", *argv, stdin=b"")
    assert code == 2 and out == ""
    assert message in err and "Traceback" not in err


def test_directory_input_points_at_scan(capsys, monkeypatch, tmp_path):
    code, out, err = run(capsys, monkeypatch, "--format", "json", str(tmp_path))
    assert code == 2 and out == "" and "directory" in err and "cuomin scan" in err


def test_a_bad_input_among_good_ones_is_skipped_and_exits_2(capsys, monkeypatch, tmp_path, notice):
    bad = tmp_path / "bad.html"
    bad.write_bytes(bytes(range(256)) * 40)
    code, out, err = run(capsys, monkeypatch, "--format", "json", str(notice), str(bad), "-", stdin="截止".encode())
    rows = objects(out)
    assert code == 2 and [r["source"] for r in rows] == [str(notice), "-"]
    assert f"{bad}: binary data" in err


def test_stdin_text(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "--format", "json", "-", stdin="据國务院通知".encode())
    assert code == 0
    [obj] = objects(out)
    assert obj["source"] == "-" and obj["findings"][0]["start"] == 1 and obj["text_length"] == 6


def test_stdin_gb18030_text(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "--format", "json", "-", stdin="朱镕基同志截止".encode("gb18030"))
    assert code == 0
    [obj] = objects(out)
    assert obj["text_length"] == 7 and obj["findings"][0]["start"] == 5


def test_lines_one_object_per_line_empty_lines_included(capsys, monkeypatch):
    data = "第一行截止\n\n第三行國务院\r\n第四行\n".encode()
    code, out, _ = run(capsys, monkeypatch, "--format", "json", "--lines", "-", stdin=data)
    assert code == 0
    rows = objects(out)
    assert [r["source"] for r in rows] == ["-:1", "-:2", "-:3", "-:4"]
    assert [r["text_length"] for r in rows] == [5, 0, 6, 3]
    assert [r["verdict"] for r in rows] == ["review", "pass", "block", "pass"]
    assert rows[2]["findings"][0]["start"] == 3 and rows[2]["findings"][0]["location"] == {"line": 1, "offset": 3}


def test_lines_over_ten_thousand_lines_in_one_process(capsys, monkeypatch, tmp_path):
    p = tmp_path / "sentences.txt"
    lines = [f"清河县第{i}次常务会议纪要，截止{i % 28 + 1}日。" if i % 3 == 0 else f"第{i}项工作按期完成。"
             for i in range(10_000)]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, "--format", "json", "--lines", str(p))
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(rows) == 10_000
    assert [r["source"] for r in rows[:2]] == [f"{p}:1", f"{p}:2"]
    assert sum(1 for r in rows if r["findings"]) == len([x for x in lines if "截止" in x])
    VALIDATOR.validate(rows[0])


def test_html_file_locations_are_selectors(capsys, monkeypatch, tmp_path):
    p = tmp_path / "t.htm"
    p.write_bytes('<html><head><meta charset="gb2312"><title>通知</title></head><body><div id="zoom">'
                  '<p>朱镕基同志</p><p>请于截止日期前报送。</p></div></body></html>'.encode("gb18030"))
    code, out, _ = run(capsys, monkeypatch, "--format", "json", str(p))
    assert code == 0
    [obj] = objects(out)
    [f] = obj["findings"]
    assert f["location"] == {"selector": "#zoom > p:nth-of-type(2)", "offset": 2}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/tzgg/t1.html":
            body = ('<html><head><meta charset="gbk"></head><body><p>朱镕基同志题词</p>'
                    '<p>根据國务院部署</p></body></html>').encode("gb18030")
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=gb2312")
        else:
            body = b"not found"
            self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


@pytest.fixture
def server():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_url_inputs(capsys, monkeypatch, server):
    code, out, err = run(capsys, monkeypatch, "--format", "json", f"{server}/tzgg/t1.html", f"{server}/missing")
    [obj] = objects(out)
    assert code == 2 and "HTTP 404" in err
    assert obj["source"] == f"{server}/tzgg/t1.html"
    assert obj["findings"][0]["location"] == {"selector": "body > p:nth-of-type(2)", "offset": 2}


def test_text_format_table_without_colours_off_a_terminal(capsys, monkeypatch, notice):
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    code, out, err = run(capsys, monkeypatch, str(notice), "-", stdin="一切正常".encode())
    assert code == 0 and err == ""
    assert "\x1b[" not in out
    assert str(notice) in out and "拦截" in out and "國务院 → 国务院" in out and "截止 → 截至" in out
    assert "共检查 2 个文档：通过 1，待复核 0，拦截 1；问题 3 处" in out.replace("\n", "")


def test_text_format_colours_on_a_terminal(capsys, monkeypatch, notice):
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    code, out, _ = run(capsys, monkeypatch, str(notice))
    assert code == 0 and "\x1b[" in out
    # the keyword is highlighted inside its context
    assert "\x1b[1;7;31m國务院" in out or "國务院\x1b" in out


def test_text_format_lines_lists_only_documents_with_findings(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, "--lines", "-", stdin="正常一\n截止日期\n正常三\n".encode())
    assert code == 0
    assert "-:2" in out and "-:1" not in out and "-:3" not in out
    assert "共检查 3 个文档" in out


def test_progress_bar_goes_to_stderr_on_a_terminal(capsys, monkeypatch, notice, tmp_path):
    monkeypatch.setenv("FORCE_COLOR", "1")
    other = tmp_path / "b.txt"
    other.write_text("无问题的句子", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, str(notice), str(other))
    assert code == 0
    assert "检查中" in err and "检查中" not in out
    code, out, err = run(capsys, monkeypatch, "--no-progress", str(notice), str(other))
    assert "检查中" not in err


def test_text_format_marks_template_and_hidden_findings(capsys, monkeypatch, tmp_path):
    p = tmp_path / "index.html"
    p.write_text('<html><body><div class="main"><p>请于截止日期前报送</p></div>'
                 '<div style="display:none"><a href="http://x.example/">百家乐</a></div>'
                 '<div id="footer"><p>其它说明</p></div></body></html>', encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, str(p))
    assert code == 0
    cells = [line.split("│") for line in out.splitlines() if line.count("│") == 7]
    marks = {c[4].split("→")[0].strip(): c[3].strip() for c in cells if c[4].strip()}
    assert marks == {"截止": "fdemo/demo", "百家乐": "fdemo/demo [隐藏]", "其它": "fdemo/demo [模板]"}


def test_lines_on_binary_data_is_an_input_error(capsys, monkeypatch, tmp_path):
    p = tmp_path / "data.txt"
    p.write_bytes(bytes(range(256)) * 64)
    code, out, err = run(capsys, monkeypatch, "--format", "json", "--lines", str(p))
    assert code == 2 and out == "" and "binary data" in err


def test_real_detectors_on_example_pages_follow_the_schema_and_the_source_map(capsys, monkeypatch):
    from selectolax.lexbor import LexborHTMLParser

    site = Path(__file__).resolve().parent.parent / "examples" / "site"
    pages = ["tzgg/t20240301_2001.html", "tzgg/t20240412_2002.html"]  # UTF-8 and GB18030
    code = main(["check", "--format", "json", "--site", str(site / "site.yaml"), *(str(site / p) for p in pages)])
    out, err = capsys.readouterr()
    rows = objects(out)
    assert code == 0 and [r["source"] for r in rows] == [str(site / p) for p in pages]
    located = 0
    for page, row in zip(pages, rows):
        raw = (site / page).read_bytes()
        tree = LexborHTMLParser(raw.decode("utf-8" if b"charset=utf-8" in raw[:300] else "gb18030"))
        for f in row["findings"]:
            loc = f["location"]
            node = tree.css_first(loc["selector"])
            assert node is not None, loc
            if not f["keyword"].count("*"):  # masked personal data is not in the page as such
                assert f["keyword"] in node.text()[loc["offset"]:], (f["keyword"], loc)
                located += 1
    assert located >= 2
