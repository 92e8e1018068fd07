"""Reviewer false positives become *proposed* allow-list entries, reviewed before they count.

A reviewer who marks a finding as a false positive calls :meth:`ProposalStore.propose`
with the phrase that makes the hit harmless (``慢性病`` for a ``性病`` hit).  The
proposal waits, as a JSON file under ``CUOMIN_DATA_DIR/sensitive-proposals`` —
outside ``dictionaries/``, so a pending proposal changes neither the rules nor the
ruleset version.  :meth:`approve` (a second person) appends the phrase to
``dictionaries/sensitive/allow_reviewed.yaml`` with the proposal id, reviewer and
date, bumps that file's version, and the detectors pick it up on their next
``reload()``; :meth:`reject` records why not.  Nothing changes silently.
"""

from __future__ import annotations

import datetime as _dt
import fcntl
import json
import os
import re
import tempfile
import uuid
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from scanner.detectors.sensitive.fold import fold_key
from scanner.detectors.sensitive.ruleset import DICTIONARY_DIR

STATUSES = ("pending", "approved", "rejected")
ALLOW_FILE = "allow_reviewed.yaml"
_HEADER = """\
# Allow-list phrases approved from reviewers' false-positive reports (see
# scanner/detectors/sensitive/proposals.py): each entry names its proposal and approver.
# provenance: proposed by reviewers of the cuomin team from findings they judged false positives on
#   government pages; each phrase approved by a second reviewer before it entered this file.
# version: {version}
# reviewed-by: {reviewer}
# review: every phrase was proposed with the finding it suppresses and approved by a different person.
kind: sensitive-allow
entries:
"""


class ProposalError(ValueError):
    pass


def default_store_dir() -> Path:
    base = os.environ.get("CUOMIN_DATA_DIR")
    root = Path(base) if base else Path.home() / ".local" / "share" / "cuomin"
    return root / "sensitive-proposals"


@dataclass(slots=True)
class Proposal:
    id: str
    phrase: str
    reason: str
    proposer: str
    created_at: str
    status: str = "pending"
    keyword: str | None = None  # the flagged text the phrase is meant to cover
    rule: str | None = None
    fingerprint: str | None = None
    site: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    decision_note: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _atomic_write(path: Path, data: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(data)
    os.replace(tmp, path)


class ProposalStore:
    """Pending/approved/rejected allow-list proposals.

    ``directory`` holds the proposals (default ``$CUOMIN_DATA_DIR/sensitive-proposals``);
    ``dictionary_dir`` is where approved phrases go (default ``dictionaries/sensitive``).
    """

    def __init__(self, directory: str | Path | None = None, dictionary_dir: str | Path | None = None):
        self.directory = Path(directory) if directory else default_store_dir()
        self.dictionary_dir = Path(dictionary_dir) if dictionary_dir else DICTIONARY_DIR

    @contextmanager
    def _locked(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _path(self, pid: str) -> Path:
        if not re.fullmatch(r"[0-9a-f]{12}", pid or ""):
            raise ProposalError(f"no proposal {pid!r}")
        return self.directory / f"{pid}.json"

    def _save(self, p: Proposal) -> None:
        _atomic_write(self._path(p.id), json.dumps(p.to_dict(), ensure_ascii=False, indent=1))

    def propose(self, phrase: str, *, reason: str, proposer: str, keyword: str | None = None,
                rule: str | None = None, fingerprint: str | None = None, site: str | None = None) -> Proposal:
        """Record a proposed allow phrase; it has no effect until approved."""
        phrase = (phrase or "").strip()
        if len(fold_key(phrase)) < 2:
            raise ProposalError("an allow phrase needs at least two characters")
        if not reason or not proposer:
            raise ProposalError("a proposal needs a reason and a proposer")
        if keyword and fold_key(keyword) not in fold_key(phrase):
            raise ProposalError(f"the phrase {phrase!r} does not contain the flagged text {keyword!r}; "
                                f"an allow phrase only suppresses hits inside it")
        p = Proposal(id=uuid.uuid4().hex[:12], phrase=phrase, reason=reason, proposer=proposer,
                     created_at=_now(), keyword=keyword, rule=rule, fingerprint=fingerprint, site=site)
        with self._locked():
            for other in self.list("pending"):
                if other.phrase == phrase:
                    return other  # the same phrase is already waiting for review
            self._save(p)
        return p

    def get(self, pid: str) -> Proposal:
        path = self._path(pid)
        if not path.exists():
            raise ProposalError(f"no proposal {pid!r}")
        return Proposal(**json.loads(path.read_text(encoding="utf-8")))

    def list(self, status: str | None = None) -> list[Proposal]:
        if status is not None and status not in STATUSES:
            raise ProposalError(f"unknown status {status!r}")
        out = []
        if self.directory.is_dir():
            for path in sorted(self.directory.glob("*.json")):
                p = Proposal(**json.loads(path.read_text(encoding="utf-8")))
                if status is None or p.status == status:
                    out.append(p)
        return sorted(out, key=lambda p: (p.created_at, p.id))

    def approve(self, pid: str, reviewer: str, note: str | None = None) -> Proposal:
        """Add the phrase to ``allow_reviewed.yaml`` (new file version) and mark the proposal approved."""
        if not reviewer:
            raise ProposalError("approval needs a reviewer")
        with self._locked():
            p = self.get(pid)
            if p.status != "pending":
                raise ProposalError(f"proposal {pid} is already {p.status}")
            if reviewer == p.proposer:
                raise ProposalError("a proposal is approved by someone other than its proposer")
            self._append_allow(p, reviewer)
            p.status, p.decided_by, p.decided_at, p.decision_note = "approved", reviewer, _now(), note
            self._save(p)
        return p

    def reject(self, pid: str, reviewer: str, reason: str) -> Proposal:
        if not reviewer or not reason:
            raise ProposalError("rejection needs a reviewer and a reason")
        with self._locked():
            p = self.get(pid)
            if p.status != "pending":
                raise ProposalError(f"proposal {pid} is already {p.status}")
            p.status, p.decided_by, p.decided_at, p.decision_note = "rejected", reviewer, _now(), reason
            self._save(p)
        return p

    def _append_allow(self, p: Proposal, reviewer: str) -> None:
        path = self.dictionary_dir / ALLOW_FILE
        today = _dt.date.today().isoformat()
        if path.exists():
            text = path.read_text(encoding="utf-8")
            m = re.search(r"^# version: (\d{4}-\d{2}-\d{2})\.(\d+)$", text, re.MULTILINE)
            n = int(m.group(2)) + 1 if m and m.group(1) == today else 1
            text = re.sub(r"^# version: .*$", f"# version: {today}.{n}", text, count=1, flags=re.MULTILINE)
            text = re.sub(r"^# reviewed-by: .*$", f"# reviewed-by: {reviewer}", text, count=1, flags=re.MULTILINE)
        else:
            text = _HEADER.format(version=f"{today}.1", reviewer=reviewer)
        if not text.endswith("\n"):
            text += "\n"
        entry = {"phrase": p.phrase, "note": p.reason, "proposal": p.id, "approved_by": reviewer,
                 "approved_at": today}
        text += "  - " + json.dumps(entry, ensure_ascii=False) + "\n"  # JSON is YAML flow syntax
        _atomic_write(path, text)
