"""The dictionary format, its validator and the `cuomin dict` command."""

from __future__ import annotations

import textwrap

from dictionaries.schema.validate import parse_header, validate_file, validate_tree
from scanner.cli import main
from scanner.detectors.sensitive.fold import fold_key
from scanner.detectors.sensitive.ruleset import DICTIONARY_DIR, load_rules

GOOD = """\
# Test terms.
# provenance: written by the cuomin team for the dictionary tests only.
# version: 2026-11-22.3
# reviewed-by: sensitive-content engineer (issue 4)
# review: test data.
kind: sensitive-terms
defaults: {category: gambling, severity: veto}
entries:
  - term: 百家乐在线
"""


def test_shipped_sensitive_dictionaries_are_valid():
    problems = [p for f in sorted(DICTIONARY_DIR.glob("*.yaml")) for p in validate_file(f)]
    assert problems == []
    assert [p for p in validate_tree() if p.level == "error"] == []


def test_header_parsing_with_continuations():
    header, title = parse_header(GOOD.replace("# review: test data.", "# review: line one\n#   line two"))
    assert title == "Test terms."
    assert header["version"] == "2026-11-22.3" and header["review"] == "line one line two"


def test_validator_reports_each_problem(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""\
        # provenance: short
        # version: 22.11.2026
        kind: sensitive-terms
        entries:
          - term: 出售+冰毒
            category: drugs
            severity: fatal
          - term: 出售+冰毒
            category: drugs
        """), encoding="utf-8")
    messages = "\n".join(str(p) for p in validate_file(bad))
    assert "reviewed-by" in messages and "version" in messages and "provenance" in messages
    assert "fatal" in messages and "duplicate term" in messages and "needs conditions.window" in messages
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("# provenance: written by the cuomin team for tests of the validator.\n"
                   "# version: 2026-11-22.1\n# reviewed-by: tester\na\tb\nc\n", encoding="utf-8")
    assert any("column counts" in p.message for p in validate_file(tsv))


def test_every_allow_phrase_contains_a_term():
    rules = load_rules()
    terms = {k for e in rules.entries for part in e.parts for k in part}
    for phrase in rules.allow_phrases:
        assert any(t in fold_key(phrase) for t in terms), phrase


def test_dict_cli_validate_list_compile(tmp_path, capsys):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert main(["dict", "validate", str(good)]) == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("# reviewed-by: sensitive-content engineer (issue 4)\n", ""), encoding="utf-8")
    assert main(["dict", "validate", str(bad)]) == 1
    assert "reviewed-by" in capsys.readouterr().out
    assert main(["dict", "list", "--folder", "sensitive"]) == 0
    out = capsys.readouterr().out
    assert "sensitive/gambling.yaml" in out and "sensitive-terms" in out
    assert main(["dict", "compile"]) == 0
    assert "automaton keys" in capsys.readouterr().out


def test_a_json_data_file_carries_its_header_as_top_level_keys(tmp_path):
    import json

    from dictionaries.schema.validate import validate_file

    good = {"provenance": "fitted by bench/typo_ecspell.py on ECSpell odw train", "version": "2026-12-02.1",
            "reviewed-by": "lead engineer", "weights": [0.5]}
    p = tmp_path / "model.json"
    p.write_text(json.dumps(good), encoding="utf-8")
    assert [x for x in validate_file(p) if x.level == "error"] == []
    p.write_text(json.dumps({k: v for k, v in good.items() if k != "reviewed-by"}), encoding="utf-8")
    assert any("reviewed-by" in x.message for x in validate_file(p))
    p.write_text("{not json", encoding="utf-8")
    assert any(x.message.startswith("JSON:") for x in validate_file(p))
