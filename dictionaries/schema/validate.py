"""Read and validate dictionary files.

Every file under ``dictionaries/`` starts with a comment header of ``# key: value``
lines (continuation lines start with ``#`` and two or more spaces)::

    # Gambling spam phrases.
    # provenance: written by the cuomin team (issue 4) ...
    #   ... continuation
    # version: 2026-11-22.1
    # reviewed-by: sensitive-content engineer (issue 4)

The header is validated against ``header.schema.json``.  A YAML file whose body
has a ``kind`` is validated against ``<kind>.schema.json`` of this folder when
one exists (``sensitive-terms``, ``sensitive-allow`` ...).  TSV/TXT bodies are
checked for a consistent column count.  A JSON file (a fitted model such as
``typo/char_model.json``) cannot hold comments: its header fields are top-level keys.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parent
ROOT = SCHEMA_DIR.parent
_KEY = re.compile(r"^#\s?([A-Za-z][\w-]*):\s*(.*)$")


@dataclass(slots=True)
class Problem:
    path: str
    message: str
    level: str = "error"  # error | warning

    def __str__(self) -> str:
        return f"{self.path}: {self.level}: {self.message}"


_JSON_HEADER = ("provenance", "version", "reviewed-by", "review")


@dataclass(slots=True)
class DictionaryFile:
    path: Path
    header: dict[str, str]
    title: str
    body: Any = None  # parsed YAML, or list of rows for TSV/TXT
    problems: list[Problem] = field(default_factory=list)


def parse_header(text: str) -> tuple[dict[str, str], str]:
    """(header fields, title lines) from the leading comment block."""
    header: dict[str, str] = {}
    title: list[str] = []
    last: str | None = None
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _KEY.match(line)
        if m and not line.startswith("#  "):
            last = m.group(1).lower()
            header[last] = m.group(2).strip()
        elif last is not None and line.startswith("#  "):
            header[last] = (header[last] + " " + line[1:].strip()).strip()
        elif last is None:
            title.append(line[1:].strip())
        else:
            header[last] = (header[last] + " " + line[1:].strip()).strip()
    return header, " ".join(t for t in title if t)


@functools.cache
def _schema(name: str) -> dict | None:
    path = SCHEMA_DIR / f"{name}.schema.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _errors(instance: Any, schema: dict) -> list[str]:
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    out = []
    for err in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(p) for p in err.absolute_path)
        out.append(f"{where or '(top)'}: {err.message}")
    return out


def load(path: str | Path) -> DictionaryFile:
    """Parse ``path`` (header and body) without validating it."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":  # no comments in JSON: the header fields are top-level keys
        try:
            body = json.loads(text)
        except json.JSONDecodeError as exc:
            return DictionaryFile(path, {}, "", None, [Problem(str(path), f"JSON: {exc}")])
        header = {k: v for k, v in body.items() if k in _JSON_HEADER} if isinstance(body, dict) else {}
        return DictionaryFile(path, header, "", body)
    header, title = parse_header(text)
    df = DictionaryFile(path, header, title)
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            df.body = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            df.problems.append(Problem(str(path), f"YAML: {exc}"))
    else:
        df.body = [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
    return df


def validate_file(path: str | Path) -> list[Problem]:
    """Every problem of one file (empty when it is valid)."""
    df = load(path)
    name = str(path)
    problems = list(df.problems)
    for msg in _errors(df.header, _schema("header")):
        problems.append(Problem(name, f"header {msg}"))
    if "review" not in df.header:
        problems.append(Problem(name, "header has no 'review:' line describing how the content was reviewed",
                                "warning"))
    body = df.body
    if isinstance(body, dict) and "kind" in body:
        schema = _schema(str(body["kind"]))
        if schema is None:
            problems.append(Problem(name, f"no schema for kind {body['kind']!r}", "warning"))
        else:
            problems.extend(Problem(name, msg) for msg in _errors(body, schema))
            problems.extend(Problem(name, msg) for msg in _semantic(body))
    elif isinstance(body, list) and path.__str__().endswith(".tsv") and body:
        widths = {len(r) for r in body}
        if len(widths) > 1:
            problems.append(Problem(name, f"rows have different column counts {sorted(widths)}"))
    return problems


def _semantic(body: dict) -> list[str]:
    """Checks a schema cannot express: duplicates, keys that fold to almost nothing."""
    out: list[str] = []
    kind = body.get("kind")
    if kind == "sensitive-terms":
        from scanner.detectors.sensitive.fold import fold_key

        seen: dict[str, int] = {}
        for i, e in enumerate(body.get("entries") or []):
            term = e.get("term", "")
            if term in seen:
                out.append(f"entries/{i}: duplicate term {term!r} (also entries/{seen[term]})")
            seen[term] = i
            for part in term.split("+"):
                for alt in part.split("|"):
                    if len(fold_key(alt)) < 2:
                        out.append(f"entries/{i}: {alt!r} folds to fewer than 2 characters; it would match "
                                   f"ordinary text")
            if "+" in term and "window" not in (e.get("conditions") or {}) \
                    and "window" not in ((body.get("defaults") or {}).get("conditions") or {}):
                out.append(f"entries/{i}: co-occurrence term {term!r} needs conditions.window")
            if not e.get("category") and not (body.get("defaults") or {}).get("category"):
                out.append(f"entries/{i}: no category (none in defaults either)")
    elif kind == "sensitive-protected":
        seen_p: set[str] = set()
        for i, e in enumerate(body.get("entries") or []):
            if e.get("text") in seen_p:
                out.append(f"entries/{i}: duplicate protected text {e.get('text')!r}")
            seen_p.add(e.get("text"))
    elif kind == "sensitive-allow":
        seen_a: set[str] = set()
        for i, e in enumerate(body.get("entries") or []):
            if e.get("phrase") in seen_a:
                out.append(f"entries/{i}: duplicate phrase {e.get('phrase')!r}")
            seen_a.add(e.get("phrase"))
    return out


def validate_tree(root: str | Path = ROOT) -> list[Problem]:
    """Validate every data file under ``root`` (the ruleset's file list)."""
    from scanner.ruleset import dictionary_files

    out: list[Problem] = []
    for path in dictionary_files(Path(root)):
        if path.parent == SCHEMA_DIR or path.name == "README.md":
            continue
        out.extend(validate_file(path))
    return out
