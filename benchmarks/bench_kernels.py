#!/usr/bin/env python3
"""How the report kernels are started, measured: each variant builds the same small batch.

    .venv/bin/python benchmarks/bench_kernels.py               # 3 rounds, 2 municipalities, lt
    .venv/bin/python benchmarks/bench_kernels.py --rounds 5 -m vilnius akmene jonava

Each round builds the batch once per variant, into a fresh output folder (so the results cache
starts empty, as in a first build), the variants in turn (ABAB...) so that a change in the
machine's load hits them alike. A variant is a set of extra ``tsp-analysis run`` arguments;
``--variant NAME=ARGS`` adds one (``--variant fork=--kernels=fork`` when a build offers that).
Prints every time, the median per variant and the load average before and after: the machine
may be shared, so quote medians with the load.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-m", "--municipality", nargs="+", default=["vilnius", "akmene"])
    parser.add_argument("-r", "--report", nargs="+", default=["needs_analysis", "data_review"])
    parser.add_argument("--lang", default="lt")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--variant", action="append", default=None, metavar="NAME=ARGS",
        help="a variant and its extra run arguments (default: plain, i.e. no extra arguments)",
    )
    args = parser.parse_args(argv)
    variants = dict(v.split("=", 1) for v in (args.variant or ["plain="]))
    times: dict[str, list[float]] = {name: [] for name in variants}
    print(f"load before: {os.getloadavg()}", flush=True)
    for round_no in range(args.rounds):
        for name, extra in variants.items():
            with tempfile.TemporaryDirectory(prefix="bench-kernels-") as tmp:
                cmd = [
                    str(BIN / "tsp-analysis"), "run", "--out", tmp, "--lang", args.lang,
                    "--workers", str(args.workers), "--no-progress",
                    "-m", *args.municipality, "-r", *args.report, *shlex.split(extra),
                ]
                start = time.perf_counter()
                done = subprocess.run(cmd, capture_output=True, text=True)
                seconds = time.perf_counter() - start
            if done.returncode != 0:
                print(done.stdout[-2000:], done.stderr[-2000:], file=sys.stderr)
                return 1
            times[name].append(seconds)
            print(f"round {round_no + 1} {name:>12}: {seconds:7.2f} s  "
                  f"(load {os.getloadavg()[0]:.2f})", flush=True)
    print(f"load after: {os.getloadavg()}")
    for name, values in times.items():
        print(f"{name:>12}: median {statistics.median(values):7.2f} s  "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
