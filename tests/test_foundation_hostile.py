"""Hostile input through the real command in a subprocess: a clear error or a result, in bounded
time and memory, never a hang.  Timeouts are generous guards against hangs, not speed claims."""

import json
import os
import random
import resource
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Runs the real CLI with a small deterministic detector registered, so the test does not depend on
# the real dictionaries; extraction, pipeline and output are the production code.
RUNNER = """
import sys
from scanner.detectors import Detector
from scanner.detectors.registry import registry
from scanner.findings import Explanation, Finding, Severity

class Demo(Detector):
    name = "fdemo"
    def detect(self, a):
        i = a.norm.text.find("百家乐")
        while i >= 0:
            s, e = a.norm.to_source(i, i + 3)
            yield Finding("fdemo", "fdemo.gamble", "gambling", Severity.VETO, s, e, "百家乐", None,
                          Explanation("demo"))
            i = a.norm.text.find("百家乐", i + 1)

registry.register(Demo)
from scanner.cli import main
sys.exit(main(sys.argv[1:]))
"""
MEMORY_LIMIT = 3 * 1024 ** 3  # address space: far above what a bounded extraction needs


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def cuomin_check(*paths, timeout=240):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", RUNNER, "check", "--detectors", "fdemo", "--format", "json",
                           *map(str, paths)], check=False, capture_output=True, timeout=timeout, env=env,
                          preexec_fn=_limit_memory, cwd=ROOT)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def test_fifty_megabyte_html_is_refused_with_a_clear_error(tmp_path):
    p = tmp_path / "huge.html"
    row = "<tr><td>清河县2024年度民生实事项目公示</td><td>百家乐</td></tr>\n".encode()
    with open(p, "wb") as fh:
        fh.write(b"<html><body><table>")
        while fh.tell() < 50 * 1024 * 1024:
            fh.write(row * 1000)
        fh.write(b"</table></body></html>")
    code, out, err = cuomin_check(p)
    assert code == 2 and out == ""
    assert "huge.html" in err and "limit" in err and "Traceback" not in err


def test_ten_thousand_deep_nesting_gives_a_result(tmp_path):
    p = tmp_path / "deep.html"
    depth = 10_000
    p.write_text("<html><body>" + "<div><b>层</b>" * depth + "<p>百家乐</p>" + "</div>" * depth + "</body></html>",
                 encoding="utf-8")
    code, out, err = cuomin_check(p)
    assert code == 0, err
    [obj] = [json.loads(line) for line in out.splitlines()]
    assert depth + 3 <= obj["text_length"] <= 2 * depth + 4  # every 层, 百家乐, some block breaks
    assert obj["findings"][0]["rule"] == "fdemo.gamble"
    assert len(obj["findings"][0]["location"]["selector"]) < 5000


def test_binary_garbage_named_html_is_a_clear_error(tmp_path):
    rnd = random.Random(20261122)
    p = tmp_path / "index.html"
    p.write_bytes(bytes(rnd.randrange(256) for _ in range(2_000_000)))
    code, out, err = cuomin_check(p)
    assert code == 2 and out == ""
    assert "index.html: binary data" in err and "Traceback" not in err


@pytest.mark.parametrize("name", ["broken.html", "broken.txt"])
def test_invalid_byte_sequences_give_a_result(tmp_path, name):
    p = tmp_path / name
    good = "清河县人民政府关于百家乐赌博违法行为的通告".encode()
    p.write_bytes(b"<p>" + good[:10] + b"\xff\xfe\xc0\x80" + good[10:] + b"\xed\xa0\x80</p>")
    code, out, err = cuomin_check(p)
    assert code == 0, err
    [obj] = [json.loads(line) for line in out.splitlines()]
    assert obj["findings"][0]["rule"] == "fdemo.gamble"


def test_many_huge_attribute_and_comment_soup_is_bounded(tmp_path):
    p = tmp_path / "soup.html"
    soup = ("<div class='" + "x" * 100_000 + "'>" + "<!--" + "注释" * 100_000 + "-->"
            + "<p style='" + "color:red;" * 20_000 + "'>百家乐</p>" + "<" * 200_000 + "</div>")
    p.write_text("<html><head><style>" + ".a b c d e f{color:red}" * 20_000 + "</style></head><body>" + soup
                 + "</body></html>", encoding="utf-8")
    code, out, err = cuomin_check(p)
    assert code == 0, err
    [obj] = [json.loads(line) for line in out.splitlines()]
    assert [f["rule"] for f in obj["findings"]] == ["fdemo.gamble"]
