"""The kept-running LibreOffice gives what one soffice per file gives: a differential check on mutated files.

    .venv/bin/python bench/office_modes.py [--inputs 100] [--seed 5]

Each input is a fixture DOC or WPS with 1–4 random mutations (bit flips, deleted ranges).  Every input is
extracted in both modes (``CUOMIN_SOFFICE_MODE=server`` and ``process``); the outcome — the extracted
text's digest, or the error class — must be the same.  Prints one JSON line.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FIX = ROOT / "tests" / "fixtures" / "attachments"


def mutated(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        i = rng.randrange(len(b))
        if rng.random() < 0.5:
            b[i] ^= 1 << rng.randrange(8)
        else:
            del b[i:i + rng.randint(1, 2048)]
    return bytes(b)


def outcome(blob: bytes, name: str) -> str:
    from scanner.errors import ExtractionError
    from scanner.extract import extract

    try:
        return "text:" + hashlib.sha256(extract(blob, name).text.encode()).hexdigest()[:16]
    except ExtractionError as exc:
        return type(exc).__name__


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--inputs", type=int, default=100)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    from scanner.extract import office_server

    rng = random.Random(args.seed)
    seeds = [(name, (FIX / name).read_bytes()) for name in ("run_color.doc", "run_color.wps")]
    inputs = []
    for _ in range(args.inputs):
        name, data = rng.choice(seeds)
        inputs.append((name, mutated(rng, data)))
    results, seconds = {}, {}
    for mode in ("server", "process"):
        os.environ["CUOMIN_SOFFICE_MODE"] = mode
        t0 = time.perf_counter()
        results[mode] = [outcome(blob, name) for name, blob in inputs]
        seconds[mode] = round(time.perf_counter() - t0, 1)
    office_server.POOL.stop()
    differ = [i for i, (a, b) in enumerate(zip(results["server"], results["process"])) if a != b]
    kinds = Counter(r.split(":")[0] for r in results["server"])
    with open("/proc/loadavg") as fh:
        load = fh.read().split()[:3]
    print(json.dumps({"inputs": len(inputs), "same_outcome": len(inputs) - len(differ), "differ": differ[:20],
                      "outcomes": dict(kinds), "wall_s": seconds, "loadavg": load}))


if __name__ == "__main__":
    main()
