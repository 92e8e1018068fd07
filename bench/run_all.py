"""Run the benchmark scripts one after another and say which failed.

    python bench/run_all.py          # the quick ones (minutes)
    python bench/run_all.py --all    # plus fault injection, 10,000-page throughput and fuzzing (up to an hour)

Each script prints its own figures; the ones with a --write/--out option record them.
Scripts that read ../shared/dev-data need it beside the checkout.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUICK = [
    ["foundation_cli.py"],
    ["sensitive_precision.py"],
    ["sensitive_speed.py"],
    ["typo_ecspell.py"],
    ["typo_speed.py"],
    ["privacy_speed.py"],
    ["privacy_xlsx.py"],
    ["attach_speed.py", "--quick"],
    ["api_load.py"],
]
LONG = [
    ["pipeline_faults.py"],
    ["pipeline_throughput.py"],
    ["attach_fuzz.py"],
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--all", action="store_true", help="also run the long benchmarks")
    args = parser.parse_args()
    failed = []
    for cmd in QUICK + (LONG if args.all else []):
        print(f"== {' '.join(cmd)}", flush=True)
        t0 = time.monotonic()
        rc = subprocess.call([sys.executable, str(HERE / cmd[0]), *cmd[1:]], cwd=HERE.parent)
        print(f"== {cmd[0]}: exit {rc} in {time.monotonic() - t0:.0f} s", flush=True)
        if rc:
            failed.append(cmd[0])
    if failed:
        print("failed: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
