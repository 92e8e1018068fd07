"""Attachment speed and red-header accuracy: text PDFs end to end, a 100,000-row XLSX, OCR per A4 page.

    .venv/bin/python bench/attach_speed.py [--quick]

* PDF: extraction (pypdfium2 text + line boxes + first/last page evidence) and the
  red-header check, for a 63-page notice and for the 1–2 page fixture notices;
  pages per second of wall time and of process CPU time (the machine is shared:
  CPU time is what one core spends).
* XLSX: 100,000 rows × 6 columns (names, 18-digit IDs, phones, dates, amounts) to
  text, source map and table.
* OCR: rapidocr with its wheel's models, one thread, per A4 page (100 dpi scans
  and a 150 dpi render).
* Accuracy: red-header, seal and classification verdicts over every generated fixture.
Inputs are generated (LibreOffice renders the PDFs) and cached under .cache/bench/attach/.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "attachments"))
FIX = ROOT / "tests" / "fixtures" / "attachments"
CACHE = ROOT / ".cache" / "bench" / "attach"
os.environ.setdefault("CUOMIN_OCR_THREADS", "1")

PARA = ("（{k}）各单位要按照“谁发布、谁审核、谁负责”的原则，建立健全信息发布审核机制，对拟公开的政府信息进行保密审查，"
        "防止泄露国家秘密、工作秘密和个人隐私，确保信息内容准确、规范。")


def long_pdf() -> Path:
    out = CACHE / "long_notice.pdf"
    if out.exists():
        return out
    import docx
    from make_fixtures import build

    CACHE.mkdir(parents=True, exist_ok=True)
    d = docx.Document(io.BytesIO(build("run_color", True)))
    for k in range(400):
        d.add_paragraph(PARA.format(k=k))
    src = CACHE / "long_notice.docx"
    d.save(src)
    with tempfile.TemporaryDirectory() as prof:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(CACHE), str(src)], check=True, capture_output=True, timeout=300)
    return out


def big_xlsx(rows: int = 100_000) -> Path:
    out = CACHE / f"roster_{rows}.xlsx"
    if out.exists():
        return out
    import datetime

    import openpyxl

    CACHE.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(["序号", "姓名", "身份证号", "联系电话", "登记日期", "补贴金额"])
    surnames = "王李张刘陈杨赵黄周吴"
    for i in range(rows):
        ws.append([i + 1, f"{surnames[i % 10]}某{i % 97}", f"1101011990{i % 10000:04d}123X",
                   13800000000 + i, datetime.date(2026, 1 + i % 12, 1 + i % 28), round(100 + i * 0.37, 2)])
    wb.save(out)
    return out


def time_it(fn, repeat: int) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) of ``repeat`` runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return min(walls), min(cpus)


def bench_pdf(quick: bool) -> dict:
    from scanner.extract import extract
    from scanner.pipeline import Checker

    checker = Checker(detectors=["redheader"])
    out = {}
    data = long_pdf().read_bytes()
    pages = extract(data, "long.pdf").metadata["pages"]

    def long_run():
        checker.check(extract(data, "long.pdf"))

    wall, cpu = time_it(long_run, 3 if quick else 10)
    out["long"] = {"pages": pages, "wall_pages_s": round(pages / wall), "cpu_pages_s": round(pages / cpu)}
    shorts = [(p.name, p.read_bytes()) for p in sorted(FIX.glob("*.pdf")) if "scan" not in p.name and
              "encrypted" not in p.name]
    short_pages = sum(extract(b, n).metadata["pages"] for n, b in shorts)

    def short_run():
        for n, b in shorts:
            checker.check(extract(b, n))

    wall, cpu = time_it(short_run, 3 if quick else 10)
    out["short"] = {"files": len(shorts), "pages": short_pages, "wall_pages_s": round(short_pages / wall),
                    "cpu_pages_s": round(short_pages / cpu)}
    return out


def bench_xlsx(quick: bool) -> dict:
    from scanner.extract import extract

    data = big_xlsx().read_bytes()
    doc = extract(data, "roster.xlsx")
    wall, cpu = time_it(lambda: extract(data, "roster.xlsx"), 2 if quick else 5)
    return {"rows": 100_000, "cells": len(doc.tables[0].cells), "chars": len(doc.text), "wall_s": round(wall, 3),
            "cpu_s": round(cpu, 3), "bytes": len(data)}


def bench_ocr(quick: bool) -> dict:
    import numpy as np
    import pypdfium2 as pdfium

    from scanner.extract.image_raster import load_rgb
    from scanner.extract.ocr import engine, ocr_lines

    engine()
    pages = []
    for name in ["run_color_scan.jpg", "table_scan.jpg", "textbox_neg_scan.jpg", "plain_red_body_neg_scan.jpg"]:
        rgb, _ = load_rgb((FIX / name).read_bytes(), 2200)
        pages.append((name + " (100 dpi)", rgb))
    render = pdfium.PdfDocument(str(long_pdf()))[1].render(scale=150 / 72).to_pil()
    pages.append(("long_notice p2 (150 dpi)", np.asarray(render.convert("RGB"))))
    rows = []
    for name, rgb in pages[: 2 if quick else None]:
        wall, cpu = time_it(lambda: ocr_lines(rgb), 1 if quick else 2)
        n = len(ocr_lines(rgb))
        rows.append({"page": name, "lines": n, "wall_s": round(wall, 2), "cpu_s": round(cpu, 2)})
    return {"pages": rows, "median_cpu_s": round(statistics.median(r["cpu_s"] for r in rows), 2),
            "median_wall_s": round(statistics.median(r["wall_s"] for r in rows), 2)}


def accuracy() -> dict:
    from scanner.extract import ExtractOptions, extract_path
    from scanner.pipeline import Checker

    checker = Checker(detectors=["redheader"])
    expected = json.loads((FIX / "expected.json").read_text())
    cases = [(f"{n}.{ext}", w) for n, w in expected.items() for ext in ("docx", "pdf")]
    cases += list(json.loads((FIX / "expected_scans.json").read_text()).items())
    cases += [("run_color.doc", expected["run_color"]), ("run_color.wps", expected["run_color"])]
    right = 0
    wrong = []
    for name, want in cases:
        found = {f.rule for f in checker.check(extract_path(FIX / name, ExtractOptions(ocr=False))).findings}
        got = ("redheader.document" in found, "redheader.seal" in found, "redheader.classified" in found)
        if got == (want["redheader"], want["seal"], want["classified"]):
            right += 1
        else:
            wrong.append(name)
    positives = sum(1 for _, w in cases if w["redheader"])
    return {"files": len(cases), "positives": positives, "negatives": len(cases) - positives, "correct": right,
            "wrong": wrong}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", default="pdf,xlsx,ocr,accuracy")
    args = ap.parse_args()
    out = {}
    for part in args.only.split(","):
        out[part] = {"pdf": bench_pdf, "xlsx": bench_xlsx, "ocr": bench_ocr}.get(part, lambda q: accuracy())(args.quick)
        print(part, json.dumps(out[part], ensure_ascii=False), flush=True)
    with open("/proc/loadavg") as fh:
        out["loadavg"] = fh.read().split()[:3]
    print("loadavg", out["loadavg"])
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "speed.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
