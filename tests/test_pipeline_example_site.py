"""The acceptance scan: examples/site served on 127.0.0.1 with the real detectors; every planted
problem in examples/site/expected.json becomes exactly one ticket with the right responsible unit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "examples" / "site"


def test_every_planted_problem_is_one_ticket_with_its_unit(tmp_path):
    expected = json.loads((SITE / "expected.json").read_text(encoding="utf-8"))
    env = {**os.environ, "CUOMIN_DB": f"sqlite:///{tmp_path / 'c.db'}", "CUOMIN_BROKER": "embedded"}
    env.pop("CUOMIN_CHECKER", None)
    cmd = [sys.executable, "-m", "scanner"]
    scan = subprocess.run(cmd + ["scan", str(SITE), "--quiet", "--report", str(tmp_path / "r.html")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert scan.returncode == 0, scan.stderr[-3000:]
    listed = subprocess.run(cmd + ["tickets", "list", "--format", "json"], env=env, capture_output=True, text=True,
                            timeout=120)
    tickets = [json.loads(line) for line in listed.stdout.splitlines()]
    root = expected["site"]["root"]

    def where(url: str) -> str:  # the site root "/" is the root page (index.html): crawled once
        path = url.split("/", 3)[3] if url.count("/") >= 3 else ""
        return path or root

    problems = []
    for p in expected["problems"]:
        hits = [t for t in tickets if t["detector"] == p["detector"] and p["keyword"] in t["excerpt"]
                and (p.get("template") or where(t["url"]) == p["url"])]
        if len(hits) != 1 or hits[0]["unit"] != p["unit"]:
            problems.append((p["id"], [(t["url"], t["unit"], t["excerpt"]) for t in hits]))
    assert problems == [], "\n".join(map(str, problems))
    report = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "清河县人民政府错敏信息检测情况通报" in report and "<svg" in report
    for p in expected["problems"]:
        if p["detector"] == "privacy":
            assert p["keyword"] in report  # masked form only
