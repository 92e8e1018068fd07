"""Fuzz every attachment extractor with mutated real files (hypothesis), without crash or hang.

    .venv/bin/python bench/attach_fuzz.py [--examples 10000] [--only pdf,docx,...] [--per-input-timeout 20]
                                          [--shards N] [--seed S]

Each extractor runs in its own child process (a native crash in a parser is then
seen, not fatal to the run).  Inputs are the generated fixtures mutated by
hypothesis: byte flips, insertions, deletions, truncation, splices of another
file, and — for the zip-based DOCX/XLSX — mutations of the XML parts inside a
rebuilt, valid zip (so the XML walkers are reached, not only the zip checks).
Every input must end in a Document or an ExtractionError; anything else is a
crash, and an input running past ``--per-input-timeout`` seconds a hang.
Image and PDF inputs run without OCR (each OCR takes seconds; the OCR engine is
exercised by the speed bench); the LibreOffice path gets ``--office-examples``
inputs because every one starts a soffice process.  ``--shards N`` splits one extractor's inputs over N
child processes running at once (each with its own hypothesis seed, ``--seed`` + shard number, so their
inputs differ); their counts are summed into one result.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import os
import queue
import resource
import signal
import sys
import time
import traceback
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIX = ROOT / "tests" / "fixtures" / "attachments"

SEEDS = {
    "pdf": ["run_color.pdf", "table.pdf", "letter.pdf", "textbox_scan.pdf"],
    "docx": ["run_color.docx", "textbox.docx", "header_part.docx", "table.docx", "style_color.docx"],
    "xlsx": ["@roster"],
    "image": ["table_scan.jpg", "@png"],
    "office": ["run_color.doc", "roster.xls"],
}
SUFFIX = {"pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "image": ".jpg", "office": ".doc"}


class Hang(Exception):
    pass


class OutOfTime(BaseException):
    """The per-extractor time budget is spent (a BaseException: hypothesis lets it through unshrunk)."""


def _alarm(signum, frame):
    raise Hang()


def seeds_for(kind: str) -> list[tuple[str, bytes]]:
    out = []
    for name in SEEDS[kind]:
        if name == "@roster":
            import openpyxl

            wb = openpyxl.Workbook()
            ws = wb.active
            ws.append(["序号", "姓名", "身份证号", "金额"])
            for i in range(30):
                ws.append([i, f"测试{i}", 110101199003071234 + i, 12.5 * i])
            h = wb.create_sheet("底稿")
            h["C7"] = "内部"
            h.sheet_state = "hidden"
            buf = io.BytesIO()
            wb.save(buf)
            out.append(("roster.xlsx", buf.getvalue()))
        elif name == "@png":
            from PIL import Image

            buf = io.BytesIO()
            Image.open(FIX / "run_color_scan.jpg").convert("RGB").resize((300, 424)).save(buf, "PNG")
            out.append(("page.png", buf.getvalue()))
        else:
            out.append((name, (FIX / name).read_bytes()))
    return out


def mutate_bytes(data: bytes, draw, st) -> bytes:
    b = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        op = draw(st.sampled_from(["flip", "set", "insert", "delete", "truncate", "dup"]))
        if not b:
            break
        i = draw(st.integers(0, len(b) - 1))
        if op == "flip":
            b[i] ^= 1 << draw(st.integers(0, 7))
        elif op == "set":
            b[i] = draw(st.sampled_from([0, 0xFF, 0x7F, 0x80, ord("<"), ord(">"), ord("("), ord("/"), ord("0")]))
        elif op == "insert":
            b[i:i] = draw(st.binary(min_size=1, max_size=64))
        elif op == "delete":
            del b[i:i + draw(st.integers(1, 256))]
        elif op == "truncate":
            del b[i:]
        elif op == "dup":
            j = draw(st.integers(i, min(len(b), i + 4096)))
            b[j:j] = b[i:j]
    return bytes(b)


def mutate_zip(data: bytes, draw, st) -> bytes:
    """Mutate one XML part inside the package and rebuild a valid zip."""
    src = zipfile.ZipFile(io.BytesIO(data))
    names = [n for n in src.namelist() if n.endswith(".xml")]
    target = draw(st.sampled_from(sorted(names)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for n in src.namelist():
            content = src.read(n)
            if n == target:
                content = mutate_bytes(content, draw, st)
            dst.writestr(n, content)
    return out.getvalue()


def run_kind(kind: str, examples: int, per_input: float, result_q, budget: float, progress: Path,
             seed_value: int | None = None) -> None:
    from hypothesis import HealthCheck, given, seed, settings
    from hypothesis import strategies as st

    from scanner.errors import ExtractionError
    from scanner.extract import ExtractOptions, extract

    seeds = seeds_for(kind)
    stats = {"kind": kind, "seed": seed_value, "inputs": 0, "documents": 0, "extraction_errors": 0, "crashes": [], "hangs": 0,
             "slowest_s": 0.0, "error_kinds": {}}
    options = ExtractOptions(ocr=False, max_seconds=per_input)
    signal.signal(signal.SIGALRM, _alarm)
    # a memory cap, so an input that makes a parser allocate without bound ends this child (seen as a
    # native crash, the input kept in ``current``) instead of the machine's OOM killer choosing a victim
    cap = int(os.environ.get("CUOMIN_FUZZ_MEMORY_GB", "6")) << 30
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    current = progress.with_suffix(".current")
    started = time.monotonic()

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @seed(seed_value)
    @given(st.data())
    def one(data):
        if time.monotonic() - started > budget:  # time cap reached: report what was run and stop
            stats["stopped_at_time_budget"] = budget
            stats["seconds"] = round(time.monotonic() - started, 1)
            result_q.put(stats)
            result_q.close()
            result_q.join_thread()
            os._exit(0)
        name, seed = data.draw(st.sampled_from(seeds))
        if kind in ("docx", "xlsx") and data.draw(st.booleans()):
            blob = mutate_zip(seed, data.draw, st)
        elif data.draw(st.integers(0, 9)) == 0:
            other = data.draw(st.sampled_from(seeds))[1]
            cut = data.draw(st.integers(0, len(seed)))
            blob = seed[:cut] + other[data.draw(st.integers(0, len(other))):]
        else:
            blob = mutate_bytes(seed, data.draw, st)
        stats["inputs"] += 1
        current.write_bytes(blob)  # after a native crash, the input that caused it
        t0 = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, per_input * 2 + 5)
        try:
            extract(blob, name, options=options)
            stats["documents"] += 1
        except ExtractionError as exc:
            stats["extraction_errors"] += 1
            stats["error_kinds"][exc.code] = stats["error_kinds"].get(exc.code, 0) + 1
        except Hang:
            stats["hangs"] += 1
        except Exception as exc:  # noqa: BLE001 — a crash: anything but a clean ExtractionError
            if len(stats["crashes"]) < 20:
                stats["crashes"].append(f"{type(exc).__name__}: {exc}"[:300] + " @ " +
                                        traceback.format_exc().strip().splitlines()[-3][:200])
            else:
                stats["crashes"].append(type(exc).__name__)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        stats["slowest_s"] = max(stats["slowest_s"], round(time.monotonic() - t0, 3))
        if stats["inputs"] % 200 == 0:
            progress.write_text(json.dumps(stats, ensure_ascii=False))

    t0 = time.monotonic()
    try:
        one()
    except OutOfTime:
        stats["stopped_at_time_budget"] = budget
    stats["seconds"] = round(time.monotonic() - t0, 1)
    result_q.put(stats)


def merge(kind: str, parts: list[dict]) -> dict:
    """One extractor's result from its shards' results (counts summed)."""
    if len(parts) == 1:
        return parts[0]
    out = {"kind": kind, "shards": parts, "inputs": 0, "documents": 0, "extraction_errors": 0, "crashes": [],
           "hangs": 0, "slowest_s": 0.0, "error_kinds": {}, "seconds": 0.0}
    for part in parts:
        if part.get("native_crash"):
            out["native_crash"] = True
            continue
        for key in ("inputs", "documents", "extraction_errors", "hangs"):
            out[key] += part[key]
        out["crashes"] += part["crashes"]
        out["slowest_s"] = max(out["slowest_s"], part["slowest_s"])
        out["seconds"] = max(out["seconds"], part["seconds"])
        for code, n in part["error_kinds"].items():
            out["error_kinds"][code] = out["error_kinds"].get(code, 0) + n
        if "stopped_at_time_budget" in part:
            out["stopped_at_time_budget"] = part["stopped_at_time_budget"]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=10_000)
    ap.add_argument("--office-examples", type=int, default=40)
    ap.add_argument("--only", default="pdf,docx,xlsx,image,office")
    ap.add_argument("--per-input-timeout", type=float, default=20.0)
    ap.add_argument("--budget", type=float, default=3600.0, help="seconds per extractor before stopping early")
    ap.add_argument("--shards", type=int, default=1, help="child processes sharing one extractor's inputs")
    ap.add_argument("--seed", type=int, default=None, help="hypothesis seed of shard 0 (shard k: seed + k)")
    ap.add_argument("--out", default=str(ROOT / ".cache" / "bench" / "attach_fuzz.json"))
    args = ap.parse_args()
    base_seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(4), "big")
    ctx = mp.get_context("fork")
    results = []
    for kind in args.only.split(","):
        n = args.office_examples if kind == "office" else args.examples
        shards = max(1, min(args.shards, n))
        running = []
        for k in range(shards):
            q: mp.Queue = ctx.Queue()
            suffix = f".{kind}.progress.json" if shards == 1 else f".{kind}.{k}.progress.json"
            progress = Path(args.out).with_suffix(suffix)
            progress.parent.mkdir(parents=True, exist_ok=True)
            count = n // shards + (1 if k < n % shards else 0)
            p = ctx.Process(target=run_kind, args=(kind, count, args.per_input_timeout, q, args.budget, progress,
                                                   base_seed + k))
            p.start()
            running.append((p, q))
        parts = []
        for p, q in running:
            p.join()
            try:
                parts.append(q.get(timeout=10))
            except queue.Empty:
                parts.append({"kind": kind, "native_crash": True, "exitcode": p.exitcode})
        results.append(merge(kind, parts))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
