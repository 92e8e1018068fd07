"""PDF tables (issue 7): cost of the pdfplumber table pass on a 20-page 公示 list, and on ordinary notices.

    .venv/bin/python bench/attach_pdf_tables.py [--quick]

* A 20-page 公示 list (landscape A4, ruled table 序号 姓名 公民身份号码 联系电话 银行账号
  家庭住址, header repeated on every page; the test fixture's builder, LibreOffice renders it):
  pages/s of process CPU time for ``extract()`` + red-header check (as bench/attach_speed.py
  measures PDFs) with the table pass on and off, and for ``extract()`` + privacy check.
* Ordinary notices (the 63-page notice and the realistic mix of bench/attach_speed.py): the
  same loop with the table pass on and off, alternating, so the gate's cost is measured in the
  same minutes (it must be none: no page of a notice opens pdfplumber).
Best of N CPU times; the load average is printed beside the figures (shared machine).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from attach_speed import CACHE, long_pdf, notice_mix, time_it

PAGES = 20


def list_pdf() -> tuple[Path, int]:
    """The 公示 list with as many rows as fill :data:`PAGES` pages (cached)."""
    out = CACHE / f"gongshi_{PAGES}p.pdf"
    meta = out.with_suffix(".json")
    if out.exists() and meta.exists():
        return out, json.loads(meta.read_text())["rows"]
    import pypdfium2 as pdfium
    from test_attach_pdf_tables import _docx, _pdf, _rows

    CACHE.mkdir(parents=True, exist_ok=True)
    rows = 26 * PAGES
    while True:
        data = _pdf(_docx(_rows(rows, seed=3)))
        n = len(pdfium.PdfDocument(data))
        if n == PAGES:
            break
        rows += (PAGES - n) * 13 if n < PAGES else -6
    out.write_bytes(data)
    meta.write_text(json.dumps({"rows": rows}))
    return out, rows


def loadavg() -> list[str]:
    with open("/proc/loadavg") as fh:
        return fh.read().split()[:3]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    repeat = 3 if args.quick else 10
    from scanner.extract import extract, pdf_tables
    from scanner.pipeline import Checker

    redheader = Checker(detectors=["redheader"])
    privacy = Checker(detectors=["privacy"])
    real_wanted = pdf_tables.PdfTables.wanted

    def tables(on: bool) -> None:
        pdf_tables.PdfTables.wanted = real_wanted if on else (lambda self, text: False)

    path, rows = list_pdf()
    data = path.read_bytes()
    doc = extract(data, path.name)
    out: dict = {"list": {"pages": doc.metadata["pages"], "rows": rows, "tables": len(doc.tables),
                          "cells": sum(len(t.cells) for t in doc.tables),
                          "table_pages_read": doc.metadata.get("table_pages_read")}}
    for on in (True, False):
        tables(on)
        _, cpu = time_it(lambda: redheader.check(extract(data, path.name)), repeat)
        out["list"][f"extract_redheader_tables_{'on' if on else 'off'}_cpu_pages_s"] = round(PAGES / cpu, 1)
        _, cpu = time_it(lambda: privacy.check(extract(data, path.name)), max(2, repeat // 3))
        out["list"][f"extract_privacy_tables_{'on' if on else 'off'}_cpu_s"] = round(cpu, 3)
    tables(True)
    t0 = time.process_time()
    for _ in range(repeat):
        with __import__("pdfplumber").open(str(path)) as pl:
            for page in pl.pages:
                page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
                page.close()
    out["list"]["pdfplumber_own_lines_strategy_cpu_pages_s"] = round(PAGES * repeat / (time.process_time() - t0), 1)
    print("list", json.dumps(out["list"], ensure_ascii=False), "load", loadavg(), flush=True)

    sets = {"long": [(long_pdf().name, long_pdf().read_bytes())],
            "mix": [(p.name, p.read_bytes()) for p in notice_mix()]}
    for name, files in sets.items():
        pages = sum(extract(b, n).metadata["pages"] for n, b in files)

        def run(files=files):
            for n, b in files:
                redheader.check(extract(b, n))

        best = {"on": 0.0, "off": 0.0}
        for _ in range(3 if args.quick else 5):  # alternate on/off so both see the same load
            for key in ("on", "off"):
                tables(key == "on")
                _, cpu = time_it(run, 2)
                best[key] = max(best[key], pages / cpu)
        tables(True)
        out[name] = {"pages": pages, "tables_on_cpu_pages_s": round(best["on"]),
                     "tables_off_cpu_pages_s": round(best["off"])}
        print(name, json.dumps(out[name]), "load", loadavg(), flush=True)
    out["loadavg"] = loadavg()
    (CACHE / "pdf_tables.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
