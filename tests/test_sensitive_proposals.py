"""A reviewer's false positive becomes a proposal; only an approval changes the rules."""

from __future__ import annotations

import shutil

import pytest

from dictionaries.schema.validate import validate_file
from scanner.detectors.sensitive import SensitiveDetector
from scanner.detectors.sensitive.proposals import ProposalError, ProposalStore
from scanner.detectors.sensitive.ruleset import DICTIONARY_DIR
from scanner.document import Document
from scanner.pipeline import Analysis
from scanner.site import SiteConfig

TEXT = "县档案馆开展“澳门赌场风云”老电影展映活动。"


def findings(det):
    return [f.keyword for f in det.detect(Analysis(Document.from_text(TEXT), SiteConfig()))]


@pytest.fixture()
def setup(tmp_path):
    d = tmp_path / "sensitive"
    shutil.copytree(DICTIONARY_DIR, d)
    return ProposalStore(tmp_path / "proposals", d), SensitiveDetector({"dictionary_dir": str(d)}), d


def test_pending_proposal_changes_nothing_then_approval_does(setup):
    store, det, d = setup
    assert findings(det) == ["澳门赌场"]
    before = sorted((p.name, p.read_bytes()) for p in d.iterdir())
    p = store.propose("澳门赌场风云", reason="老电影片名", proposer="reviewer-a", keyword="澳门赌场",
                      rule="sensitive.gambling")
    assert p.status == "pending" and [x.id for x in store.list("pending")] == [p.id]
    assert sorted((q.name, q.read_bytes()) for q in d.iterdir()) == before  # no dictionary change
    assert det.reload() is False and findings(det) == ["澳门赌场"]
    with pytest.raises(ProposalError):
        store.approve(p.id, "reviewer-a")  # not by the proposer
    approved = store.approve(p.id, "reviewer-b", note="确认为片名")
    assert approved.status == "approved" and approved.decided_by == "reviewer-b"
    allow = d / "allow_reviewed.yaml"
    assert validate_file(allow) == []
    assert p.id in allow.read_text(encoding="utf-8")
    assert det.reload() is True and findings(det) == []
    with pytest.raises(ProposalError):
        store.reject(p.id, "reviewer-c", "late")


def test_reject_and_validation(setup):
    store, _det, d = setup
    with pytest.raises(ProposalError, match="does not contain"):
        store.propose("电影展映", reason="x", proposer="a", keyword="澳门赌场")
    p = store.propose("澳门赌场风云", reason="片名", proposer="a", keyword="澳门赌场")
    assert store.propose("澳门赌场风云", reason="again", proposer="b").id == p.id  # one pending per phrase
    r = store.reject(p.id, "b", "标题仍会被误读，建议改写")
    assert r.status == "rejected" and store.list("pending") == [] and store.get(p.id).decision_note
    assert not (d / "allow_reviewed.yaml").exists()
    with pytest.raises(ProposalError):
        store.get("../../etc/passwd")
