"""The on-disk tables behind the typo detector's fast start (scanner.nlp.table / lexicon / confusion).

They must answer exactly what the in-memory tables answer, survive a damaged or foreign file, be
rebuilt when their inputs change, and not be needed at all when the cache directory is unwritable.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scanner.nlp import confusion, table
from scanner.nlp.lexicon import WILD, _build, _open, _write, jieba_dict_path

ROOT = Path(__file__).resolve().parents[1]


def test_table_round_trip(tmp_path):
    data = {"国家": "100", "国务院": "7", "不": "3", "\x00家": "国大", "": "empty key"}
    path = tmp_path / "t.tbl"
    table.write(path, {"s": table.group(data.items()), "one": table.group([("a", "1")], lambda k: "")},
                meta={"n": len(data)})
    f = table.TableFile(path)
    assert f.meta == {"n": 5}
    t = table.LazyTable(f, "s", table.parse_str)
    assert dict(t.items()) == data
    assert len(t) == len(data)
    assert t.get("国家") == "100" and t["\x00家"] == "国大" and t.get("国") is None
    assert "国务院" in t and "国务" not in t and "不存在" not in t and 3 not in t
    with pytest.raises(KeyError):
        t["家国"]
    assert dict(table.LazyTable(f, "one", table.parse_int, lambda k: "")) == {"a": 1}


def test_table_refuses_tabs_in_keys(tmp_path):
    with pytest.raises(ValueError):
        table.group([("a\tb", "1")])


@pytest.mark.parametrize("damage", ["truncate", "magic", "empty"])
def test_damaged_table_is_an_error_not_a_wrong_answer(tmp_path, damage):
    path = tmp_path / "t.tbl"
    table.write(path, {"s": table.group([("国家", "1"), ("人民", "2")])})
    raw = path.read_bytes()
    path.write_bytes({"truncate": raw[:-3], "magic": b"X" + raw[1:], "empty": b""}[damage])
    with pytest.raises(table.TableError):
        table.TableFile(path)


def test_cached_lexicon_equals_the_parsed_one(tmp_path):
    # the first 3,000 entries of jieba's real dictionary
    lines = jieba_dict_path().read_text(encoding="utf-8").splitlines()[:3000]
    src = tmp_path / "dict.txt"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mem = _build(src, 3)
    _write(tmp_path / "lex.tbl", mem)
    disk = _open(tmp_path / "lex.tbl")
    assert disk.total == mem.total
    for name in ("freq", "pos", "char_freq", "wild"):
        a, b = getattr(mem, name), getattr(disk, name)
        assert len(b) == len(a)
        assert dict(b.items()) == dict(a)
        assert all(b.get(k) == v for k, v in a.items())
    assert list(disk.char_freq) == list(mem.char_freq)  # order kept where it is one bucket
    word = next(w for w in mem.freq if len(w) == 3 and all("\u4e00" <= c <= "\u9fff" for c in w)
                and mem.freq[w] >= 3)
    assert word[1] in disk.completions(word[0], word[2])
    assert disk.wild.get(word[0] + WILD + word[2]) == mem.wild[word[0] + WILD + word[2]]
    assert disk.logp(word) == mem.logp(word)


def test_shape_cache_follows_the_tsv_files(tmp_path, monkeypatch):
    data = tmp_path / "typo"
    data.mkdir()
    (data / "shape_similar.tsv").write_text("# header\n很\t银\t0.9\n", encoding="utf-8")
    monkeypatch.setattr(confusion, "DATA", data)
    monkeypatch.setenv("CUOMIN_CACHE_DIR", str(tmp_path / "cache"))
    confusion._shape_table.cache_clear()
    try:
        assert confusion.shape("很") == "银" and confusion.shape("银") == "很"
        (data / "shape_extra.tsv").write_text("很\t狠\n", encoding="utf-8")
        confusion._shape_table.cache_clear()
        assert confusion.shape("很") == "狠银"  # the cache was keyed by the files: rebuilt
        assert len(list((tmp_path / "cache").glob("shape-*.pkl"))) == 2
    finally:
        confusion._shape_table.cache_clear()


PROBE = """
import json, sys
from scanner.nlp import confusion
from scanner.nlp.lexicon import lexicon
from scanner.pipeline import Checker
lex = lexicon()
r = Checker(detectors=["typo"]).check_text(sys.argv[1])
print(json.dumps({"freq": type(lex.freq).__name__, "homophones": type(confusion.homophone_words()).__name__,
                  "findings": [[f.rule, f.start, f.end, f.suggestion] for f in r.findings],
                  "cand": confusion.candidates("局"), "key": confusion.sound_key("会议")}, ensure_ascii=False))
"""


def _probe(cache: str, text: str) -> dict:
    env = {**os.environ, "CUOMIN_CACHE_DIR": cache}
    proc = subprocess.run([sys.executable, "-c", PROBE, text], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def test_unwritable_cache_directory_gives_the_same_findings(tmp_path):
    text = "我市将大力发展大数局产业，联席悔意办公室设在市发展改革委。"
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    without = _probe(str(blocker / "cuomin"), text)  # mkdir fails: built in memory
    with_cache = _probe(str(tmp_path / "cache"), text)  # builds the table files
    again = _probe(str(tmp_path / "cache"), text)  # reads them
    assert without["freq"] == "dict" and again["freq"] == "LazyTable" and again["homophones"] == "LazyTable"
    assert without["findings"] == with_cache["findings"] == again["findings"]
    assert {"typo.char.sound", "typo.word.sound"} <= {f[0] for f in again["findings"]}
    assert without["cand"] == again["cand"] and without["key"] == again["key"] == "hui yi"
    built = {p.name.split("-")[0] for p in (tmp_path / "cache").glob("*-*.tbl")}
    assert {"lexicon", "pinyin", "homophones"} <= built


def test_pair_frequencies_match_the_dictionary():
    from scanner.nlp.lexicon import _pairs, pair_freq, read_freq

    expected = _pairs(read_freq(jieba_dict_path())[0])
    got = pair_freq()
    assert len(got) == len(expected)
    assert dict(got.items()) == expected
    assert got.get("国家", 0) > got.get("家国", 0) and got.get("国", None) is None
