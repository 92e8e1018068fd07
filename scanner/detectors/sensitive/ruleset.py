"""The sensitive detector's compiled rules: dictionary files → entries, keys, automata.

:func:`load_rules` reads every file of the sensitive dictionary folder (validated
against ``dictionaries/schema``), folds each term with :func:`fold_key` into the
automaton's keys, prepares near-miss protection, and caches the result pickled
under ``CUOMIN_CACHE_DIR`` keyed by the files' contents, the code version and the
automaton backend — so a restart loads in a fraction of a second and a changed
file is picked up by the next :func:`load_rules`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.detectors.sensitive.automaton import Automaton, default_backend
from scanner.detectors.sensitive.fold import fold_key
from scanner.detectors.sensitive.nearmiss import ALL_EDITS, NearMissIndex, Protected, compile_protected
from scanner.findings import Severity

CODE_VERSION = "1"
DICTIONARY_DIR = Path(__file__).resolve().parents[3] / "dictionaries" / "sensitive"
BANNED = frozenset({"political", "porn", "gambling", "drugs", "weapons", "fraud", "cult", "terror"})
CATEGORY_NAMES = {
    "political": "政治有害/反动", "porn": "色情", "gambling": "赌博", "drugs": "毒品", "weapons": "枪支弹药",
    "fraud": "诈骗/假证假票", "cult": "邪教", "terror": "暴恐", "improper_wording": "不规范表述",
    "serious_misstatement": "严重表述错误", "outdated_formulation": "过时表述",
}


class DictionaryError(ValueError):
    """A dictionary file is invalid; the message lists every problem."""


@dataclass(slots=True)
class Entry:
    term: str
    category: str
    severity: Severity
    suggestion: str | None
    note: str | None
    source: str  # file, relative to dictionaries/
    version: str
    provenance: str
    conditions: dict[str, Any]
    parts: tuple[tuple[str, ...], ...]  # folded alternatives of each "+"-part

    @property
    def banned(self) -> bool:
        return self.category in BANNED


@dataclass(slots=True)
class Rules:
    entries: list[Entry]
    keys: list[str]
    payloads: list[list[tuple]]  # per key: ("t", entry, part) / ("a",)
    edges: list[tuple[str | None, str | None]]  # per key: kind of its first/last character (a/d/None)
    automaton: Automaton
    nearmiss: NearMissIndex
    shape_groups: list[str]
    files: dict[str, str] = field(default_factory=dict)  # file → version
    digest: str = ""
    allow_phrases: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.keys)


def _edge(ch: str) -> str | None:
    if ch.isascii() and ch.isdigit():
        return "d"
    if ch.isascii() and ch.isalpha():
        return "a"
    return None


def dictionary_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.is_file() and not p.name.startswith("."))


def digest_files(files: list[Path], backend: str) -> str:
    h = hashlib.sha256(f"{CODE_VERSION}\0{backend}\0".encode())
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def load_rules(directory: Path | str | None = None, backend: str | None = None, use_cache: bool = True) -> Rules:
    """The compiled rules of ``directory`` (default ``dictionaries/sensitive``), from cache when possible."""
    directory = Path(directory or DICTIONARY_DIR)
    backend = backend or default_backend()
    files = dictionary_files(directory)
    if not use_cache:
        return build_rules(directory, backend)
    from scanner.nlp.cache import cached

    code = [m.read_bytes() for m in sorted(Path(__file__).parent.glob("*.py"))]  # code changes invalidate too
    inputs = [CODE_VERSION.encode(), backend.encode(), *code] + [p.name.encode() + b"\0" + p.read_bytes()
                                                                 for p in files]
    return cached(f"sensitive-rules-{backend}", inputs, lambda: build_rules(directory, backend))


def build_rules(directory: Path, backend: str) -> Rules:
    """Parse, validate and compile every dictionary file of ``directory``."""
    from dictionaries.schema.validate import load, validate_file

    files = dictionary_files(directory)
    problems = [p for f in files for p in validate_file(f) if p.level == "error"]
    if problems:
        raise DictionaryError("invalid sensitive dictionary:\n" + "\n".join(str(p) for p in problems))
    root = directory.parent
    entries: list[Entry] = []
    allow: list[str] = []
    protected: list[Protected] = []
    shape_groups: list[str] = []
    versions: dict[str, str] = {}
    for f in files:
        df = load(f)
        rel = f.relative_to(root).as_posix() if f.is_relative_to(root) else f.name
        version = df.header.get("version", "")
        versions[rel] = version
        body = df.body or {}
        kind = body.get("kind")
        if kind == "sensitive-terms":
            defaults = body.get("defaults") or {}
            for e in body["entries"]:
                conditions = e["conditions"] if "conditions" in e else dict(defaults.get("conditions") or {})
                parts = tuple(tuple(dict.fromkeys(fold_key(a) for a in part.split("|")))
                              for part in e["term"].split("+"))
                entries.append(Entry(
                    term=e["term"], category=e.get("category") or defaults["category"],
                    severity=Severity.parse(e.get("severity") or defaults.get("severity") or "high"),
                    suggestion=e.get("suggestion", defaults.get("suggestion")), note=e.get("note"),
                    source=rel, version=version, provenance=e.get("provenance") or df.header.get("provenance", ""),
                    conditions=conditions, parts=parts))
                allow.extend(e.get("allow") or ())
        elif kind == "sensitive-allow":
            allow.extend(a["phrase"] for a in body["entries"])
        elif kind == "sensitive-protected":
            for e in body["entries"]:
                protected.append(Protected(
                    text=e["text"], group=e["group"], accept=tuple(e.get("accept") or ()),
                    edits=frozenset(e.get("edits") or ALL_EDITS), source=rel, version=version))
        elif kind == "sensitive-shape":
            shape_groups.extend(body["groups"])
    compile_protected(protected, shape_groups)
    return assemble(entries, allow, protected, shape_groups, backend, versions,
                    digest_files(files, backend))


def assemble(entries: list[Entry], allow: list[str], protected: list[Protected], shape_groups: list[str],
             backend: str, versions: dict[str, str] | None = None, digest: str = "") -> Rules:
    keys: dict[str, list[tuple]] = {}
    for ei, e in enumerate(entries):
        for pi, part in enumerate(e.parts):
            for k in part:
                keys.setdefault(k, []).append(("t", ei, pi))
    allow = list(dict.fromkeys(allow))
    for phrase in allow:
        keys.setdefault(fold_key(phrase), []).append(("a",))
    key_list = [k for k in keys if k]
    return Rules(
        entries=entries, keys=key_list, payloads=[keys[k] for k in key_list],
        edges=[(_edge(k[0]), _edge(k[-1])) for k in key_list],
        automaton=Automaton(key_list, backend), nearmiss=NearMissIndex(protected, backend),
        shape_groups=list(shape_groups), files=dict(versions or {}), digest=digest, allow_phrases=allow)
